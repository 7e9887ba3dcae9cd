//! Resolving history rows to catalog titles.
//!
//! A row prints a film's title, or `Show: Season 2: Episode` for an episode, in the
//! account's language. In order, the first that names a catalog title wins:
//! 1. the part before a season part (`Season 2`, `Temporada 1`, `シーズン2`, `Limited
//!    Series`, … see [`SEASON_WORDS`]) when an episode name follows it, as a series;
//! 2. the longest prefix of the `:`-separated parts the catalog knows (a film's full title,
//!    or a show whose episode rows have no season part), a series preferred when parts
//!    remain;
//! 3. the first part without a Top 10 season suffix (`Stranger Things 4`, `Squid Game
//!    Season 2`);
//! 4. a near spelling (normalised Levenshtein ≥ [`FUZZY_THRESHOLD`], digits equal, the
//!    row's kind, not a mere extension of the other key) of the show name, then of the
//!    whole title.
//!
//! Names are compared as keys: [`crate::normalize::fold`], `&` read as "and", a leading
//! English article dropped (the builder's rule). Besides catalog titles the keys hold the
//! titles without a year some sources append (`Archer (2009)`) and the names each title
//! had in the Top 10 lists (`SourceRef` source `top10`), with and without their season
//! suffix, so a title Netflix charted under another name still matches.
//!
//! A file is resolved in one pass ([`super::Import::from_history`]): each distinct title
//! once, each part folded once, and a show's lookups once for all its episodes. A first
//! part that several distinct titles share is a show even without a season part
//! (`Show: Episode name`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::FnvBuild;

/// The resolver's maps: keyed by short titles, where SipHash's DoS resistance buys
/// nothing (a viewer's own file, the catalog) and was a tenth of an import.
pub(crate) type Map<K, V> = HashMap<K, V, FnvBuild>;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Kind};
use crate::model::has_metadata;
use crate::normalize::fold;

/// Words that name a season, part or volume, in the languages Netflix offers (folded on
/// use; multi-word entries match as a phrase). A part made of one of these and numbers
/// (`Season 2`, `2. Staffel`, `Part II`, `시즌 2`, `第2シーズン`) is a season part.
pub const SEASON_WORDS: &[&str] = &[
    // English
    "season",
    "series",
    "part",
    "volume",
    "vol",
    "book",
    "chapter",
    "collection",
    "limited series",
    "miniseries",
    "mini series",
    "the final season",
    "final season",
    // Spanish, Portuguese, Catalan
    "temporada",
    "parte",
    "volumen",
    "libro",
    "capitulo",
    "coleccion",
    "miniserie",
    "serie",
    "temporada final",
    "colecao",
    "livro",
    // French
    "saison",
    "partie",
    "livre",
    "chapitre",
    "saison finale",
    // German
    "staffel",
    "teil",
    "band",
    "kapitel",
    "finale staffel",
    // Dutch, Scandinavian, Finnish
    "seizoen",
    "deel",
    "sasong",
    "sæson",
    "sesong",
    "del",
    "kausi",
    "osa",
    // Italian
    "stagione",
    "capitolo",
    // Polish, Czech (`1. část`), Slovak, Turkish, Romanian, Hungarian, Croatian
    "sezon",
    "czesc",
    "cast",
    "rada",
    "seria",
    "sezona",
    "sezonul",
    "evad",
    "resz",
    "kisorozat",
    // Greek, Russian, Ukrainian
    "σεζον",
    "κυκλος",
    "μερος",
    "сезон",
    "часть",
    "частина",
    // Hebrew, Arabic
    "עונה",
    "الموسم",
    "الجزء",
    // Japanese, Korean, Chinese, Thai, Vietnamese, Indonesian
    "シーズン",
    "パート",
    "シリーズ",
    "시즌",
    "파트",
    "季",
    "部",
    "ซีซั่น",
    "phan",
    "musim",
];

/// Lowest similarity (0–1) of two keys accepted as the same title (the builder's
/// threshold: about one edit per twelve characters).
pub const FUZZY_THRESHOLD: f64 = 0.92;

/// Season phrases that name a season part with no number beside them ("Limited Series",
/// "Miniserie"); any other phrase needs one ("Season 2", "2. Staffel").
const STANDALONE: &[&str] = &[
    "limited series",
    "miniseries",
    "mini series",
    "miniserie",
    "mini serie",
    "miniserial",
    "the final season",
    "final season",
    "temporada final",
    "saison finale",
    "finale staffel",
    "kisorozat",
    "collection",
    "リミテッドシリーズ",
];

/// The season words folded once: each phrase's words, the phrases by first word (a part
/// is scanned word by word, not phrase by phrase), and the words of scripts written
/// without spaces.
struct Seasons {
    phrases: Vec<Vec<String>>,
    by_first: HashMap<String, Vec<usize>>,
    glued: Vec<String>,
    standalone: Vec<String>,
}

fn seasons() -> &'static Seasons {
    static WORDS: OnceLock<Seasons> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut s = Seasons {
            phrases: Vec::new(),
            by_first: HashMap::new(),
            glued: Vec::new(),
            standalone: STANDALONE.iter().map(|w| fold(w)).collect(),
        };
        for w in SEASON_WORDS.iter().chain(STANDALONE) {
            let f = fold(w);
            if s.phrases.iter().any(|p| p.join(" ") == f) {
                continue;
            }
            let words: Vec<String> = f.split(' ').map(str::to_owned).collect();
            if !f.is_ascii() && words.len() == 1 {
                s.glued.push(f.clone());
            }
            s.by_first
                .entry(words[0].clone())
                .or_default()
                .push(s.phrases.len());
            s.phrases.push(words);
        }
        s
    })
}

/// Whether a folded word is a number: digits, an ordinal (`2nd`, `1a`, `2º`), a roman
/// numeral, a number word, or CJK numerals.
fn numberish(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first",
        "second", "third", "fourth", "fifth", "final", "uno", "dos", "tres", "cuatro", "cinco",
        "un", "une", "deux", "trois", "eins", "zwei", "drei", "primera", "segunda", "tercera",
        "premiere", "deuxieme", "erste", "zweite", "dritte",
    ];
    const ROMAN: &[&str] = &[
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
    ];
    if w.is_empty() {
        return false;
    }
    let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
    (!digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && w.len() - digits.len() <= 2)
        || ROMAN.contains(&w)
        || WORDS.contains(&w)
        || w.chars()
            .all(|c| c.is_ascii_digit() || "第一二三四五六七八九十".contains(c))
}

/// Whether one `:`-separated part of a row names a season (see [`SEASON_WORDS`]).
pub fn is_season_part(part: &str) -> bool {
    is_season_folded(&fold_part(part))
}

/// [`is_season_part`] of a part already folded.
fn is_season_folded(f: &str) -> bool {
    if f.is_empty() {
        return false;
    }
    let s = seasons();
    let mut words = [""; 5];
    let mut n = 0;
    for w in f.split(' ') {
        if n == words.len() {
            return false;
        }
        words[n] = w;
        n += 1;
    }
    let words = &words[..n];
    if s.standalone.iter().any(|w| w == f) {
        return true;
    }
    for at in 0..n {
        let Some(list) = s.by_first.get(words[at]) else {
            continue;
        };
        for &pi in list {
            let phrase = &s.phrases[pi];
            let m = phrase.len();
            if at + m > n || !words[at..at + m].iter().eq(phrase.iter()) {
                continue;
            }
            // The rest must be numbers, and there must be one.
            let mut rest = words[..at].iter().chain(&words[at + m..]).peekable();
            if rest.peek().is_some() && rest.all(|w| numberish(w)) {
                return true;
            }
        }
    }
    // Scripts written without spaces: `シーズン2`, `第2シーズン`, `시즌2`, `第二季`.
    if n == 1 && !f.is_ascii() {
        for g in &s.glued {
            if let Some(pos) = f.find(g.as_str()) {
                let rest = format!("{}{}", &f[..pos], &f[pos + g.len()..]);
                if !rest.is_empty() && numberish(&rest) {
                    return true;
                }
            }
        }
    }
    false
}

/// [`fold`] with `&` read as "and"; ASCII text (most rows) skips Unicode normalisation,
/// which is the identity on it.
fn fold_part(s: &str) -> String {
    if !s.is_ascii() {
        return fold(&s.replace('&', " and "));
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut pending_space = false;
    for b in s.bytes() {
        if b == b'\'' {
            continue;
        }
        if b == b'&' {
            pending_space = true;
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("and");
            continue;
        }
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            pending_space = true;
        }
    }
    out
}

/// A folded name without a leading English article (the builder's rule).
fn strip_article(folded: String) -> String {
    for article in ["the ", "a ", "an "] {
        if let Some(rest) = folded.strip_prefix(article) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    folded
}

/// The ASCII digits of a key, in order ("sing 2" and "sing" never match).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The matching key of a title (the builder's `title_key` rule).
pub fn key(title: &str) -> String {
    strip_article(fold_part(title))
}

/// A catalog title without the year some sources append to tell remakes apart
/// (`Archer (2009)`, `Bones (2005)`), or None when it has none: viewers' rows never
/// print it.
fn strip_year(title: &str) -> Option<&str> {
    let t = title.trim_end();
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let year = &inner[open + 1..];
    let head = inner[..open].trim_end();
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) && !head.is_empty())
        .then_some(head)
}

/// A Top 10 name without its season suffix (`Stranger Things 4`, `Squid Game Season 2`,
/// `Wednesday: Season 2`), or None when there is none.
pub fn strip_top10_season(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(':').map(str::trim).collect();
    if parts.len() >= 2 && parts[1..].iter().all(|p| is_season_part(p)) {
        return Some(parts[0].to_owned());
    }
    let f = name.trim();
    let words: Vec<&str> = f.split_whitespace().collect();
    if words.len() >= 2 {
        let last = words[words.len() - 1];
        if last.chars().all(|c| c.is_ascii_digit()) && last.len() <= 2 {
            let head = &words[..words.len() - 1];
            let cut =
                if head.len() >= 2 && is_season_part(&format!("{} {last}", head[head.len() - 1])) {
                    head.len() - 1
                } else {
                    head.len()
                };
            return Some(head[..cut].join(" "));
        }
    }
    None
}

/// Searches already made while resolving one file: the episodes of a show share its
/// name, so each show's lookups run once, not once per episode.
#[derive(Debug, Clone, Default)]
pub struct NearCache {
    /// Near-spelling searches by key and whether a series is preferred.
    near: Map<(String, bool), Option<usize>>,
    /// Show keys before a season part, looked up exactly.
    shows: Map<String, Option<usize>>,
    /// First parts without a Top 10 season suffix, looked up as series.
    top10: Map<String, Option<(usize, String)>>,
}

/// A row title cut at its `:` into parts, each folded once.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    parts: Vec<&'a str>,
    folded: Vec<String>,
}

impl<'a> Row<'a> {
    /// Cuts and folds `raw`.
    pub(crate) fn new(raw: &'a str) -> Row<'a> {
        let parts: Vec<&str> = raw
            .split([':', '：'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let folded = parts.iter().map(|p| fold_part(p)).collect();
        Row { parts, folded }
    }

    /// The folded first part, when the row has several parts (what episode rows of one
    /// show share).
    pub(crate) fn head(&self) -> Option<&str> {
        (self.parts.len() >= 2).then(|| self.folded[0].as_str())
    }

    /// The key of the first `n` parts: the same as [`key`] of [`Row::name`].
    fn key(&self, n: usize) -> String {
        let mut k = String::new();
        for f in self.folded[..n].iter().filter(|f| !f.is_empty()) {
            if !k.is_empty() {
                k.push(' ');
            }
            k.push_str(f);
        }
        strip_article(k)
    }

    /// The first `n` parts as printed.
    fn name(&self, n: usize) -> String {
        self.parts[..n].join(": ")
    }
}

/// What one row's title resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The catalog title, when one matched.
    pub title: Option<usize>,
    /// The name the row was read as: the show for an episode, else the whole title.
    pub name: String,
    /// True when the row is an episode of a series (a part remained after the name).
    pub episode: bool,
    /// True when the match was a near spelling rather than an exact key.
    pub fuzzy: bool,
}

/// A key of the near-spelling index.
#[derive(Debug, Clone)]
struct NearKey {
    /// Length in characters.
    len: usize,
    key: String,
    /// The key's digits as a number (see [`digit_code`]).
    digits: u64,
    title: u32,
    /// Characters counted in 32 buckets: half the L1 distance of two of these is a lower
    /// bound of the edit distance, and rejects most candidates without computing it.
    hist: [u8; 32],
}

/// The digits of a key as one number with a leading 1 (so "07" and "7" differ),
/// compared as an integer in the near-spelling loop; keys with more digits than fit share
/// `u64::MAX` and are told apart by their strings.
fn digit_code(k: &str) -> u64 {
    let mut v: u64 = 1;
    for b in k.bytes().filter(u8::is_ascii_digit) {
        v = match v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
        {
            Some(v) => v,
            None => return u64::MAX,
        };
    }
    v
}

/// Character counts of a key in 32 buckets (saturating; still a lower bound).
fn histogram(k: &str) -> [u8; 32] {
    let mut h = [0u8; 32];
    for c in k.chars() {
        let b = &mut h[(c as usize) & 31];
        *b = b.saturating_add(1);
    }
    h
}

/// Half the L1 distance of two histograms: no fewer edits turn one key into the other.
fn edit_bound(a: &[u8; 32], b: &[u8; 32]) -> usize {
    let l1: usize = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| usize::from(x.abs_diff(y)))
        .sum();
    l1.div_ceil(2)
}

/// Resolves row titles against one catalog. Built once per catalog; holds no reference to it.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    keys: Map<String, Vec<u32>>,
    /// Keys by first character, each list sorted by length in characters, for the
    /// near-spelling fallback.
    by_first: Map<char, Vec<NearKey>>,
    kind: Vec<Kind>,
    meta: Vec<bool>,
    votes: Vec<u32>,
}

impl Resolver {
    /// Indexes the titles of `catalog` (also without an appended year) and the names they
    /// had in the Top 10 lists.
    pub fn new(catalog: &Catalog) -> Resolver {
        let n = catalog.titles.len();
        let mut r = Resolver {
            keys: Map::with_capacity_and_hasher(n * 2, FnvBuild::default()),
            by_first: Map::default(),
            kind: catalog.titles.iter().map(|t| t.kind).collect(),
            meta: (0..n).map(|i| has_metadata(catalog, i)).collect(),
            votes: catalog
                .titles
                .iter()
                .map(|t| t.imdb_votes.unwrap_or(0))
                .collect(),
        };
        for (i, t) in catalog.titles.iter().enumerate() {
            let i = i as u32;
            r.add(key(&t.title), i);
            if let Some(base) = strip_year(&t.title) {
                r.add(key(base), i);
            }
            for s in t.sources.iter().filter(|s| s.source == "top10") {
                r.add(key(&s.id), i);
                // Seasons are a series' affair: a film's "Sing 2" stays "Sing 2".
                if t.kind == Kind::Show {
                    if let Some(base) = strip_top10_season(&s.id) {
                        r.add(key(&base), i);
                    }
                }
            }
        }
        for (k, v) in &r.keys {
            if let Some(c) = k.chars().next() {
                let e = r.by_first.entry(c).or_default();
                let (len, d, hist) = (k.chars().count(), digit_code(k), histogram(k));
                for &i in v {
                    e.push(NearKey {
                        len,
                        key: k.clone(),
                        digits: d,
                        title: i,
                        hist,
                    });
                }
            }
        }
        for v in r.by_first.values_mut() {
            v.sort_by(|a, b| (a.len, &a.key, a.title).cmp(&(b.len, &b.key, b.title)));
        }
        r
    }

    fn add(&mut self, k: String, i: u32) {
        if k.is_empty() {
            return;
        }
        let v = self.keys.entry(k).or_default();
        if !v.contains(&i) {
            v.push(i);
        }
    }

    /// The best of several titles sharing a key: the preferred kind, then a title that can
    /// be recommended, then the most voted, then the lowest index.
    fn best(&self, cands: impl Iterator<Item = u32>, prefer: Kind) -> Option<usize> {
        cands
            .map(|i| i as usize)
            .filter(|&i| i < self.kind.len())
            .max_by_key(|&i| {
                (
                    self.kind[i] == prefer,
                    self.meta[i],
                    self.votes[i],
                    std::cmp::Reverse(i),
                )
            })
    }

    /// The title of a key, exactly.
    fn exact(&self, k: &str, prefer: Kind) -> Option<usize> {
        let v = self.keys.get(k)?;
        self.best(v.iter().copied(), prefer)
    }

    /// The series of a key, exactly: what an episode row's show name may match (a film
    /// of the same name is another title: "Mission: Impossible", "Skins").
    fn exact_show(&self, k: &str) -> Option<usize> {
        let v = self.keys.get(k)?;
        let shows = v
            .iter()
            .copied()
            .filter(|&i| self.kind.get(i as usize) == Some(&Kind::Show));
        self.best(shows, Kind::Show)
    }

    /// Near spellings of the key `k` among titles of kind `prefer`: same first character, a
    /// length and a character count that can reach the threshold, the same digits.
    fn near(&self, k: &str, prefer: Kind) -> Option<usize> {
        let first = k.chars().next()?;
        let len = k.chars().count();
        let kd = digit_code(k);
        let kh = histogram(k);
        let mut best: Option<(f64, usize)> = None;
        let bucket = self.by_first.get(&first)?;
        // Only lengths that can reach the threshold: |len − ol| ≤ (1 − t)·max(len, ol).
        let lo = (len as f64 * FUZZY_THRESHOLD).floor() as usize;
        let from = bucket.partition_point(|e| e.len < lo);
        for e in &bucket[from..] {
            let ol = e.len;
            if ol as f64 * FUZZY_THRESHOLD > len as f64 + 1.0 {
                break;
            }
            let budget = (1.0 - FUZZY_THRESHOLD) * len.max(ol) as f64;
            if (len.abs_diff(ol) as f64) > budget
                || e.digits != kd
                || (kd == u64::MAX && digits(&e.key) != digits(k))
                || edit_bound(&kh, &e.hist) as f64 > budget
            {
                continue;
            }
            // A key that only adds letters at the end of the other is another title
            // ("Legally Blondes", "Doctor Stranger"), and a near spelling keeps the kind
            // the row reads as (an episode is a series').
            if e.key.starts_with(k) || k.starts_with(e.key.as_str()) {
                continue;
            }
            if self.kind.get(e.title as usize) != Some(&prefer) {
                continue;
            }
            let s = strsim::normalized_levenshtein(k, &e.key);
            if s < FUZZY_THRESHOLD {
                continue;
            }
            let i = e.title as usize;
            let better = match best {
                None => true,
                Some((bs, bi)) => {
                    s > bs
                        || (s == bs
                            && self.best([bi as u32, i as u32].into_iter(), prefer) == Some(i))
                }
            };
            if better {
                best = Some((s, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// Resolves one row title.
    pub fn resolve(&self, raw: &str) -> Resolution {
        self.resolve_with(raw, &mut NearCache::default())
    }

    /// [`Resolver::resolve`] remembering the searches of one file in `cache`: the episodes
    /// of a show share its name, and the searches are the costly step.
    pub fn resolve_with(&self, raw: &str, cache: &mut NearCache) -> Resolution {
        self.resolve_row(&Row::new(raw), false, cache)
    }

    /// Resolves a row. `head_is_show` says that other rows of the file share this row's
    /// first part with different rest (`Show: Episode` without a season part), so an
    /// unmatched row is read as an episode of that show.
    pub(crate) fn resolve_row(
        &self,
        row: &Row<'_>,
        head_is_show: bool,
        cache: &mut NearCache,
    ) -> Resolution {
        let n = row.parts.len();
        let season_at = (1..n).find(|&i| is_season_folded(&row.folded[i]));
        let found = |title: usize, name: String, episode: bool, fuzzy: bool| Resolution {
            title: Some(title),
            name,
            episode,
            fuzzy,
        };
        if let Some(s) = season_at.filter(|&s| s + 1 < n) {
            let k = row.key(s);
            let hit = match cache.shows.get(&k) {
                Some(hit) => *hit,
                None => {
                    let hit = self.exact_show(&k);
                    cache.shows.insert(k, hit);
                    hit
                }
            };
            if let Some(i) = hit {
                return found(i, row.name(s), true, false);
            }
        }
        for m in (1..=n).rev() {
            // Parts left over make the row an episode, so the name must be a series'.
            let hit = if m < n {
                self.exact_show(&row.key(m))
            } else if n >= 3 {
                self.exact(&row.key(m), Kind::Show)
            } else {
                self.exact(&row.key(m), Kind::Movie)
            };
            if let Some(i) = hit {
                return found(i, row.name(m), m < n, false);
            }
        }
        let show_n = match season_at {
            Some(s) => s,
            None if n >= 3 || (n == 2 && head_is_show) => 1,
            None => n,
        };
        // Only a series drops a trailing number: "Sing 2" is not "Sing".
        if let Some(first) = row.parts.first() {
            let hit = match cache.top10.get(*first) {
                Some(hit) => hit.clone(),
                None => {
                    let hit = strip_top10_season(first)
                        .and_then(|base| self.exact_show(&key(&base)).map(|i| (i, base)));
                    cache.top10.insert((*first).to_owned(), hit.clone());
                    hit
                }
            };
            if let Some((i, base)) = hit {
                return found(i, base, true, false);
            }
        }
        let episode = season_at.is_some() || n >= 3 || (n == 2 && head_is_show);
        let prefer = if episode { Kind::Show } else { Kind::Movie };
        let show_key = row.key(show_n);
        let near = match cache.near.get(&(show_key.clone(), episode)) {
            Some(hit) => *hit,
            None => {
                let hit = self.near(&show_key, prefer);
                cache.near.insert((show_key, episode), hit);
                hit
            }
        };
        if let Some(i) = near {
            return found(i, row.name(show_n), episode, true);
        }
        Resolution {
            title: None,
            name: row.name(show_n),
            episode,
            fuzzy: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_parts_in_many_languages() {
        for p in [
            "Season 2",
            "Temporada 1",
            "Saison 3",
            "Staffel 4",
            "2. Staffel",
            "Sezon 1",
            "Kausi 2",
            "Seizoen 1",
            "Miniserie",
            "Limited Series",
            "Part II",
            "Volume 3",
            "Book One",
            "シーズン2",
            "第2シーズン",
            "시즌 2",
            "1ª Temporada",
            "Collection 1",
        ] {
            assert!(is_season_part(p), "{p}");
        }
        for p in [
            "Chapter One: The Vanishing",
            "The Season",
            "Episode 3",
            "Pilot",
            "Part of Me",
        ] {
            assert!(!is_season_part(p), "{p}");
        }
    }

    #[test]
    fn top10_suffixes() {
        assert_eq!(
            strip_top10_season("Stranger Things 4").as_deref(),
            Some("Stranger Things")
        );
        assert_eq!(
            strip_top10_season("Wednesday: Season 2").as_deref(),
            Some("Wednesday")
        );
        assert_eq!(
            strip_top10_season("Squid Game Season 2").as_deref(),
            Some("Squid Game")
        );
        assert_eq!(strip_top10_season("Heat"), None);
    }
}
