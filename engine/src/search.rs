//! Search over titles and people as the user types, tolerant of accents, word order and
//! typos ("strnger thngs" finds "Stranger Things", "amelie" finds "Amélie").
//!
//! Two passes, merged by best score:
//! 1. *Literal*: the folded query against every folded name (exact, prefix, word prefix,
//!    substring). Cheap enough to scan ~100k short strings per keystroke.
//! 2. *Per word*: every query word is matched against the vocabulary of name words, exactly,
//!    as a prefix, or within a small Damerau–Levenshtein distance; vocabulary candidates for
//!    the fuzzy match come from a trigram index so we never compare against every word.
//!
//! Scores are in `0..=1` (plus a small popularity bonus that breaks ties: more IMDb votes or
//! TMDB popularity first).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::catalog::Catalog;
use crate::normalize::fold;

/// What a search result points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hit {
    /// Index into `catalog.titles`.
    Title(usize),
    /// Index into `catalog.people`.
    Person(u32),
}

/// A ranked search result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The matched title or person.
    pub hit: Hit,
    /// Match quality: 1.0 exact, ~0.9 prefix, ~0.8 all words in any order, lower for typos.
    pub score: f32,
}

/// Which kinds of entries a query should return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    All,
    Titles,
    People,
}

// Score tiers. They are spaced further apart than the popularity bonus so popularity only
// reorders matches of (nearly) the same quality.
const EXACT: f32 = 1.0;
const PREFIX: f32 = 0.9;
const WORD_PREFIX: f32 = 0.85;
const SUBSTRING: f32 = 0.7;
/// Multiplier for the per-word pass: every word matched exactly in any order scores 0.8.
const WORDS: f32 = 0.8;
const WORD_EXACT: f32 = 1.0;
const WORD_IS_PREFIX: f32 = 0.9;
/// Maximum popularity bonus.
const POPULARITY: f32 = 0.04;
/// Query words beyond this are ignored (a search box, not a document).
const MAX_QUERY_WORDS: usize = 8;

/// A small multiplicative hasher (FxHash): the index hashes ~500k short keys at build time
/// in the browser, where SipHash's DoS resistance buys nothing and costs a lot.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

fn fx_hash(s: &str) -> u64 {
    let mut h = Fx::default();
    s.hash(&mut h);
    h.finish()
}

/// [`fold`] with a fast path for ASCII (most names), where NFKD is the identity.
fn fold_fast(s: &str) -> String {
    if !s.is_ascii() {
        return fold(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for &b in s.as_bytes() {
        if b == b'\'' {
            continue;
        }
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Strings stored back to back in one buffer (one allocation instead of one per string:
/// the index holds ~150k of them and is built in the browser).
#[derive(Debug, Clone, Default)]
struct Arena {
    text: String,
    ends: Vec<u32>,
}

impl Arena {
    fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        (self.ends.len() - 1) as u32
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// A list of lists in two flat vectors (compressed sparse rows).
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    /// Groups `(row, item)` pairs by row with a counting sort; rows keep pair order.
    fn from_pairs(rows: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut offsets = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            offsets[r as usize + 1] += 1;
        }
        for i in 0..rows {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(r, it) in pairs {
            items[next[r as usize] as usize] = it;
            next[r as usize] += 1;
        }
        Csr { offsets, items }
    }
    fn row(&self, r: usize) -> &[u32] {
        &self.items[self.offsets[r] as usize..self.offsets[r + 1] as usize]
    }
}

/// Prebuilt search structures over a catalog's titles and people.
///
/// Entries `0..n_titles` are titles (entry = title index); the rest are people
/// (entry - n_titles = person index).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    names: Arena,
    n_titles: usize,
    popularity: Vec<f32>,
    vocab: Arena,
    /// Vocabulary word ids sorted by word, for prefix ranges.
    sorted_vocab: Vec<u32>,
    /// Entries containing each vocabulary word.
    word_entries: Csr,
    /// Trigram of a padded word → row in `trigram_words`.
    trigram_ids: FxMap<u64, u32>,
    /// Vocabulary word ids containing each trigram.
    trigram_words: Csr,
    /// `(hash of folded full name, entry)`, sorted: exact lookups for the feedback parser
    /// (names are compared on lookup, so collisions are harmless).
    exact: Vec<(u64, u32)>,
}

impl SearchIndex {
    /// Builds the index over all titles and people of `catalog`.
    pub fn build(catalog: &Catalog) -> SearchIndex {
        Self::build_inner(catalog, true)
    }

    /// Builds an index over titles only (smaller and quicker, for title pickers).
    pub fn build_titles(catalog: &Catalog) -> SearchIndex {
        Self::build_inner(catalog, false)
    }

    fn build_inner(catalog: &Catalog, with_people: bool) -> SearchIndex {
        let n_titles = catalog.titles.len();
        let n_people = if with_people { catalog.people.len() } else { 0 };
        let mut names = Arena::default();
        names.text.reserve((n_titles + n_people) * 14);
        names.ends.reserve(n_titles + n_people);
        for t in &catalog.titles {
            names.push(&fold_fast(&t.title));
        }
        if with_people {
            for p in &catalog.people {
                names.push(&fold_fast(p));
            }
        }

        // Popularity: log of IMDb votes (or TMDB popularity scaled), normalised to 0..1.
        // A person is as popular as the votes of everything they are credited on.
        let title_pop: Vec<f32> = catalog
            .titles
            .iter()
            .map(|t| {
                let votes = t.imdb_votes.unwrap_or(0) as f32;
                let tmdb = t.tmdb_popularity.unwrap_or(0.0).max(0.0) * 1000.0;
                (1.0 + votes.max(tmdb)).ln()
            })
            .collect();
        let mut popularity = title_pop.clone();
        if with_people {
            let mut person_votes = vec![0f32; n_people];
            for (t, &p) in catalog.titles.iter().zip(&title_pop) {
                for &i in t.cast.iter().chain(&t.directors) {
                    if let Some(v) = person_votes.get_mut(i as usize) {
                        *v += p;
                    }
                }
            }
            popularity.extend(person_votes);
        }
        normalise(&mut popularity[..n_titles]);
        normalise(&mut popularity[n_titles..]);

        let mut vocab = Arena::default();
        let mut word_pairs: Vec<(u32, u32)> = Vec::with_capacity(names.len() * 3);
        let mut exact: Vec<(u64, u32)> = Vec::with_capacity(names.len());
        {
            let mut ids: FxMap<&str, u32> = FxMap::default();
            ids.reserve(names.len());
            for e in 0..names.len() {
                let name = names.get(e);
                let e = e as u32;
                exact.push((fx_hash(name), e));
                let mut last = u32::MAX;
                for w in name.split(' ').filter(|w| !w.is_empty()) {
                    let id = *ids.entry(w).or_insert_with(|| vocab.push(w));
                    // Skip an immediate repeat ("New York, New York" lists its entry once
                    // per distinct neighbour; exact duplicates do no harm to scoring).
                    if id != last {
                        word_pairs.push((id, e));
                        last = id;
                    }
                }
            }
        }
        exact.sort_unstable();
        let word_entries = Csr::from_pairs(vocab.len(), &word_pairs);
        drop(word_pairs);
        let mut sorted_vocab: Vec<u32> = (0..vocab.len() as u32).collect();
        sorted_vocab.sort_unstable_by(|&a, &b| vocab.get(a as usize).cmp(vocab.get(b as usize)));

        let mut trigram_ids: FxMap<u64, u32> = FxMap::default();
        trigram_ids.reserve(vocab.len());
        let mut gram_pairs: Vec<(u32, u32)> = Vec::with_capacity(vocab.len() * 8);
        let mut grams = Vec::new();
        for id in 0..vocab.len() {
            word_trigrams_into(vocab.get(id), &mut grams);
            grams.sort_unstable();
            grams.dedup();
            for &g in &grams {
                let next = trigram_ids.len() as u32;
                let gid = *trigram_ids.entry(g).or_insert(next);
                gram_pairs.push((gid, id as u32));
            }
        }
        let trigram_words = Csr::from_pairs(trigram_ids.len(), &gram_pairs);
        SearchIndex {
            names,
            n_titles,
            popularity,
            vocab,
            sorted_vocab,
            word_entries,
            trigram_ids,
            trigram_words,
            exact,
        }
    }

    /// Titles and people matching `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Scored> {
        self.run(query, limit, Want::All)
    }

    /// Titles matching `query`, best first: `(title index, score)`.
    pub fn titles(&self, query: &str, limit: usize) -> Vec<(usize, f32)> {
        self.run(query, limit, Want::Titles)
            .into_iter()
            .filter_map(|s| match s.hit {
                Hit::Title(i) => Some((i, s.score)),
                Hit::Person(_) => None,
            })
            .collect()
    }

    /// People matching `query`, best first: `(person index, score)`.
    pub fn people(&self, query: &str, limit: usize) -> Vec<(u32, f32)> {
        self.run(query, limit, Want::People)
            .into_iter()
            .filter_map(|s| match s.hit {
                Hit::Person(i) => Some((i, s.score)),
                Hit::Title(_) => None,
            })
            .collect()
    }

    /// Entries whose folded name equals `folded` exactly (no scan; a hash lookup).
    /// `folded` must already be folded with [`crate::normalize::fold`].
    pub fn exact(&self, folded: &str) -> Vec<Hit> {
        let h = fx_hash(folded);
        let start = self.exact.partition_point(|&(k, _)| k < h);
        self.exact[start..]
            .iter()
            .take_while(|&&(k, _)| k == h)
            .filter(|&&(_, e)| self.names.get(e as usize) == folded)
            .map(|&(_, e)| self.hit(e))
            .collect()
    }

    /// Relative popularity (0..1) of a hit, as used for tie-breaking.
    pub fn popularity(&self, hit: Hit) -> f32 {
        let e = match hit {
            Hit::Title(i) => i,
            Hit::Person(p) => self.n_titles + p as usize,
        };
        self.popularity.get(e).copied().unwrap_or(0.0)
    }

    fn hit(&self, e: u32) -> Hit {
        let e = e as usize;
        if e < self.n_titles {
            Hit::Title(e)
        } else {
            Hit::Person((e - self.n_titles) as u32)
        }
    }

    fn wanted(&self, e: usize, want: Want) -> bool {
        match want {
            Want::All => true,
            Want::Titles => e < self.n_titles,
            Want::People => e >= self.n_titles,
        }
    }

    fn run(&self, query: &str, limit: usize, want: Want) -> Vec<Scored> {
        let q = fold(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut best: FxMap<u32, f32> = FxMap::default();
        self.literal(&q, want, &mut best);
        self.words(&q, want, &mut best);

        let mut hits: Vec<(f32, u32)> = best
            .into_iter()
            .map(|(e, s)| (s + POPULARITY * self.popularity[e as usize], e))
            .collect();
        hits.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| {
                    self.names
                        .get(a.1 as usize)
                        .len()
                        .cmp(&self.names.get(b.1 as usize).len())
                })
                .then_with(|| a.1.cmp(&b.1))
        });
        hits.truncate(limit);
        hits.into_iter()
            .map(|(score, e)| Scored {
                hit: self.hit(e),
                score,
            })
            .collect()
    }

    /// Pass 1: the whole folded query against every folded name.
    fn literal(&self, q: &str, want: Want, best: &mut FxMap<u32, f32>) {
        let range = match want {
            Want::All => 0..self.names.len(),
            Want::Titles => 0..self.n_titles,
            Want::People => self.n_titles..self.names.len(),
        };
        let substring_ok = q.chars().count() >= 3;
        for e in range {
            let name = self.names.get(e);
            let score = if name == q {
                EXACT
            } else if name.starts_with(q) {
                PREFIX
            } else if let Some(pos) = name.find(q) {
                if name.as_bytes()[pos - 1] == b' ' || has_word_start(name, q) {
                    WORD_PREFIX
                } else if substring_ok {
                    SUBSTRING
                } else {
                    continue;
                }
            } else {
                continue;
            };
            bump(best, e as u32, score);
        }
    }

    /// Pass 2: every query word against the vocabulary, typo-tolerant.
    fn words(&self, q: &str, want: Want, best: &mut FxMap<u32, f32>) {
        let words: Vec<&str> = q.split(' ').take(MAX_QUERY_WORDS).collect();
        let n = words.len();
        // entry → best score per query word.
        let mut per_entry: FxMap<u32, [f32; MAX_QUERY_WORDS]> = FxMap::default();
        for (i, w) in words.iter().enumerate() {
            let last = i + 1 == n;
            for (vid, s) in self.match_word(w, last) {
                for &e in self.word_entries.row(vid as usize) {
                    if !self.wanted(e as usize, want) {
                        continue;
                    }
                    let slot = &mut per_entry.entry(e).or_insert([0.0; MAX_QUERY_WORDS])[i];
                    if s > *slot {
                        *slot = s;
                    }
                }
            }
        }
        for (e, scores) in per_entry {
            let matched = scores[..n].iter().filter(|&&s| s > 0.0).count();
            // All words must match; with three or more, one may be missing (a stray word).
            let needed = if n >= 3 { n - 1 } else { n };
            if matched < needed {
                continue;
            }
            let mean = scores[..n].iter().sum::<f32>() / n as f32;
            // Names with many extra words are weaker matches than tight ones.
            let name_words = self.names.get(e as usize).split(' ').count();
            let extra = name_words.saturating_sub(matched) as f32;
            let score = WORDS * mean * (1.0 - 0.03 * extra.min(5.0));
            bump(best, e, score);
        }
    }

    /// Vocabulary words matching one query word, with a per-word score.
    fn match_word(&self, w: &str, last: bool) -> Vec<(u32, f32)> {
        let mut out: FxMap<u32, f32> = FxMap::default();
        let len = w.chars().count();
        // Exact and prefix via the sorted vocabulary. Prefixes only for the word being typed
        // (the last) or for words long enough not to match half the vocabulary.
        let start = self
            .sorted_vocab
            .partition_point(|&id| self.vocab.get(id as usize) < w);
        let allow_prefix = last || len >= 4;
        for &id in &self.sorted_vocab[start..] {
            let v = self.vocab.get(id as usize);
            if !v.starts_with(w) {
                break;
            }
            if v == w {
                out.insert(id, WORD_EXACT);
            } else if allow_prefix {
                out.insert(id, WORD_IS_PREFIX);
            } else {
                break;
            }
        }
        // Typos: words sharing trigrams, then Damerau–Levenshtein within a budget.
        if len >= 3 {
            let max_d = if len >= 7 { 2 } else { 1 };
            let mut grams = Vec::new();
            word_trigrams_into(w, &mut grams);
            grams.sort_unstable();
            grams.dedup();
            let mut shared: FxMap<u32, u16> = FxMap::default();
            for g in &grams {
                if let Some(&gid) = self.trigram_ids.get(g) {
                    for &id in self.trigram_words.row(gid as usize) {
                        *shared.entry(id).or_default() += 1;
                    }
                }
            }
            // Short words share too few trigrams after a typo ("bda" and "bad" share
            // none), so they also consider every word with the same first letter.
            if len <= 4 {
                if let Some(first) = w.chars().next() {
                    let mut buf = [0u8; 4];
                    let first: &str = first.encode_utf8(&mut buf);
                    let lo = self
                        .sorted_vocab
                        .partition_point(|&id| self.vocab.get(id as usize) < first);
                    for &id in &self.sorted_vocab[lo..] {
                        let v = self.vocab.get(id as usize);
                        if !v.starts_with(first) {
                            break;
                        }
                        if v.len().abs_diff(w.len()) <= 1 {
                            shared.insert(id, u16::MAX);
                        }
                    }
                }
            }
            // Each edit breaks at most three trigrams (a transposition four).
            let need = grams.len().saturating_sub(4 * max_d).max(1) as u16;
            for (id, c) in shared {
                if c < need || out.contains_key(&id) {
                    continue;
                }
                let v = self.vocab.get(id as usize);
                let vlen = v.chars().count();
                if vlen.abs_diff(len) <= max_d {
                    let d = strsim::damerau_levenshtein(w, v);
                    if d <= max_d {
                        out.insert(id, 0.85 - 0.15 * d as f32);
                        continue;
                    }
                }
                // The word being typed may be a misspelt prefix: compare with the start.
                if last && vlen > len {
                    let head: String = v.chars().take(len).collect();
                    if strsim::damerau_levenshtein(w, &head) <= 1 {
                        out.insert(id, 0.6);
                    }
                }
            }
        }
        out.into_iter().collect()
    }
}

fn bump(best: &mut FxMap<u32, f32>, e: u32, score: f32) {
    let slot = best.entry(e).or_insert(0.0);
    if score > *slot {
        *slot = score;
    }
}

/// True when `q` occurs in `name` at the start of a word.
fn has_word_start(name: &str, q: &str) -> bool {
    name.match_indices(q)
        .any(|(pos, _)| pos == 0 || name.as_bytes()[pos - 1] == b' ')
}

/// Scales values to 0..1 by the maximum (all zero stays zero).
fn normalise(v: &mut [f32]) {
    let max = v.iter().copied().fold(0.0f32, f32::max);
    if max > 0.0 {
        for x in v {
            *x /= max;
        }
    }
}

/// Trigrams of a word padded with one boundary marker at each end, packed into a `u64`
/// (21 bits per char), so "heat" gives `$he`, `hea`, `eat`, `at$`. Appends to `out` after
/// clearing it (the caller reuses the buffer).
fn word_trigrams_into(w: &str, out: &mut Vec<u64>) {
    out.clear();
    let (mut a, mut b) = (0u64, u64::MAX);
    for c in w.chars().map(|c| c as u64).chain(std::iter::once(0)) {
        if b != u64::MAX {
            out.push((a << 42) | (b << 21) | c);
        }
        a = if b == u64::MAX { 0 } else { b };
        b = c;
    }
}

/// Titles matching `query`, best first, at most `limit`. Returns indices into
/// `catalog.titles`.
///
/// Builds a titles-only [`SearchIndex`] per call; callers searching repeatedly should build
/// a [`SearchIndex`] once and use [`SearchIndex::titles`].
pub fn search_titles(catalog: &Catalog, query: &str, limit: usize) -> Vec<usize> {
    SearchIndex::build_titles(catalog)
        .titles(query, limit)
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Title;

    fn cat(names: &[&str]) -> Catalog {
        Catalog {
            titles: names
                .iter()
                .map(|n| Title {
                    title: (*n).into(),
                    ..Title::default()
                })
                .collect(),
            ..Catalog::default()
        }
    }

    #[test]
    fn exact_then_prefix_then_substring() {
        let c = cat(&["The Heat", "Heat", "Heathers", "Red Heat"]);
        let hits: Vec<&str> = search_titles(&c, "heat", 10)
            .into_iter()
            .map(|i| c.titles[i].title.as_str())
            .collect();
        assert_eq!(hits, ["Heat", "Heathers", "The Heat", "Red Heat"]);
    }

    #[test]
    fn accents_fold() {
        let c = cat(&["Amélie"]);
        assert_eq!(search_titles(&c, "AMELIE", 5), vec![0]);
        assert!(search_titles(&c, "  ", 5).is_empty());
    }

    #[test]
    fn fast_fold_matches_fold() {
        for s in [
            "Schindler's List!!",
            "  A-b  C ",
            "x",
            "",
            "9 to 5",
            "Amélie",
        ] {
            assert_eq!(fold_fast(s), fold(s), "{s:?}");
        }
    }

    #[test]
    fn trigrams_are_padded() {
        let mut g = Vec::new();
        word_trigrams_into("ab", &mut g);
        assert_eq!(g.len(), 2);
        word_trigrams_into("heat", &mut g);
        assert_eq!(g.len(), 4);
        assert_eq!(g[0], (u64::from(b'h') << 21) | u64::from(b'e'));
    }
}
