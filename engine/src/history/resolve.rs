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
//! 4. a near spelling (normalised Levenshtein ≥ [`FUZZY_THRESHOLD`], digits equal) of the
//!    show name, then of the whole title.
//!
//! Names are compared as keys: [`crate::normalize::fold`], `&` read as "and", a leading
//! English article dropped (the builder's rule). Besides catalog titles the keys hold the
//! names each title had in the Top 10 lists (`SourceRef` source `top10`), with and without
//! their season suffix, so a title Netflix charted under another name still matches.

use std::collections::HashMap;
use std::sync::OnceLock;

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
    // Polish, Czech, Slovak, Turkish, Romanian, Hungarian, Croatian
    "sezon",
    "czesc",
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

/// The season words folded, each with its words (split once, not per row).
fn season_words() -> &'static [(String, Vec<String>)] {
    static WORDS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        SEASON_WORDS
            .iter()
            .map(|w| {
                let f = fold(w);
                let words = f.split(' ').map(str::to_owned).collect();
                (f, words)
            })
            .collect()
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
    let f = fold(part);
    if f.is_empty() {
        return false;
    }
    let words: Vec<&str> = f.split(' ').collect();
    if words.len() > 5 {
        return false;
    }
    for (sw, sw_words) in season_words() {
        let n = sw_words.len();
        for at in 0..words.len() {
            if at + n > words.len() {
                break;
            }
            if words[at..at + n].iter().eq(sw_words.iter()) {
                let rest = words[..at].iter().chain(&words[at + n..]);
                // A bare word is a season part only when it can stand alone.
                let mut any = false;
                let mut all = true;
                for w in rest {
                    any = true;
                    all &= numberish(w);
                }
                if all && (any || n > 1 || matches!(sw.as_str(), "miniseries" | "miniserie")) {
                    return true;
                }
            }
        }
        // Scripts written without spaces: `シーズン2`, `第2シーズン`, `시즌2`, `第二季`.
        if words.len() == 1 && !sw.is_ascii() {
            if let Some(pos) = f.find(sw.as_str()) {
                let rest = format!("{}{}", &f[..pos], &f[pos + sw.len()..]);
                if !rest.is_empty() && numberish(&rest) {
                    return true;
                }
            }
        }
    }
    false
}

/// The ASCII digits of a key, in order ("sing 2" and "sing" never match).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The matching key of a title (the builder's `title_key` rule).
pub fn key(title: &str) -> String {
    let folded = fold(&title.replace('&', " and "));
    for article in ["the ", "a ", "an "] {
        if let Some(rest) = folded.strip_prefix(article) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    folded
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

/// Near-spelling searches already made, by name and whether a series is preferred.
#[derive(Debug, Clone, Default)]
pub struct NearCache(
    HashMap<(String, bool), Option<usize>>,
    /// Show names before a season part, looked up exactly.
    HashMap<String, Option<usize>>,
);

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

/// Resolves row titles against one catalog. Built once per catalog; holds no reference to it.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    keys: HashMap<String, Vec<u32>>,
    /// Keys by first character, for the near-spelling fallback.
    /// Keys by first character, each list sorted by length in characters: `(length, key,
    /// its digits, title)`.
    by_first: HashMap<char, Vec<(usize, String, String, u32)>>,
    kind: Vec<Kind>,
    meta: Vec<bool>,
    votes: Vec<u32>,
}

impl Resolver {
    /// Indexes the titles of `catalog` and the names they had in the Top 10 lists.
    pub fn new(catalog: &Catalog) -> Resolver {
        let n = catalog.titles.len();
        let mut r = Resolver {
            keys: HashMap::with_capacity(n * 2),
            by_first: HashMap::new(),
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
                for &i in v {
                    e.push((k.chars().count(), k.clone(), digits(k), i));
                }
            }
        }
        for v in r.by_first.values_mut() {
            v.sort();
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

    fn exact(&self, name: &str, prefer: Kind) -> Option<usize> {
        let v = self.keys.get(&key(name))?;
        self.best(v.iter().copied(), prefer)
    }

    /// Near spellings of `name`: same first character, a length that can reach the
    /// threshold, the same digits.
    fn near(&self, name: &str, prefer: Kind) -> Option<usize> {
        let k = key(name);
        let first = k.chars().next()?;
        let len = k.chars().count();
        let kd = digits(&k);
        let mut best: Option<(f64, usize)> = None;
        let bucket = self.by_first.get(&first)?;
        // Only lengths that can reach the threshold: |len − ol| ≤ (1 − t)·max(len, ol).
        let lo = (len as f64 * FUZZY_THRESHOLD).floor() as usize;
        let from = bucket.partition_point(|e| e.0 < lo);
        for (ol, other, od, i) in &bucket[from..] {
            let ol = *ol;
            if ol as f64 * FUZZY_THRESHOLD > len as f64 + 1.0 {
                break;
            }
            if (len.abs_diff(ol) as f64) > (1.0 - FUZZY_THRESHOLD) * len.max(ol) as f64 {
                continue;
            }
            if *od != kd {
                continue;
            }
            let s = strsim::normalized_levenshtein(&k, other);
            if s < FUZZY_THRESHOLD {
                continue;
            }
            let i = *i as usize;
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

    /// [`Resolver::resolve`] remembering near-spelling searches in `cache`: the episodes
    /// of an unknown show share its name, and the search is the costly step.
    pub fn resolve_with(&self, raw: &str, cache: &mut NearCache) -> Resolution {
        let parts: Vec<&str> = raw
            .split([':', '：'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let joined = |n: usize| parts[..n].join(": ");
        let season_at = parts
            .iter()
            .skip(1)
            .position(|p| is_season_part(p))
            .map(|p| p + 1);
        let found = |title: usize, name: String, episode: bool, fuzzy: bool| Resolution {
            title: Some(title),
            name,
            episode,
            fuzzy,
        };
        if let Some(s) = season_at.filter(|&s| s + 1 < parts.len()) {
            let name = joined(s);
            let hit = *cache
                .1
                .entry(name.clone())
                .or_insert_with(|| self.exact(&name, Kind::Show));
            if let Some(i) = hit {
                return found(i, name, true, false);
            }
        }
        for n in (1..=parts.len()).rev() {
            let name = joined(n);
            let prefer = if n < parts.len() || parts.len() >= 3 {
                Kind::Show
            } else {
                Kind::Movie
            };
            if let Some(i) = self.exact(&name, prefer) {
                return found(i, name, n < parts.len(), false);
            }
        }
        let show = match season_at {
            Some(s) => joined(s),
            None if parts.len() >= 3 => joined(1),
            None => joined(parts.len()),
        };
        // Only a series drops a trailing number: "Sing 2" is not "Sing".
        if let Some(base) = parts.first().and_then(|p| strip_top10_season(p)) {
            if let Some(i) = self
                .exact(&base, Kind::Show)
                .filter(|&i| self.kind[i] == Kind::Show)
            {
                return found(i, base, true, false);
            }
        }
        let episode = season_at.is_some() || parts.len() >= 3;
        let prefer = if episode { Kind::Show } else { Kind::Movie };
        let near = cache
            .0
            .entry((show.clone(), prefer == Kind::Show))
            .or_insert_with(|| self.near(&show, prefer))
            .to_owned();
        if let Some(i) = near {
            return found(i, show, episode, true);
        }
        // A film whose title has a colon; an episode row is not one.
        if parts.len() == 2 && season_at.is_none() {
            let all = joined(parts.len());
            if let Some(i) = self.near(&all, Kind::Movie) {
                return found(i, all, false, true);
            }
        }
        Resolution {
            title: None,
            name: show,
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
