//! Description text to terms: fold, split, drop stop words and short or numeric tokens,
//! then stem with the Snowball English stemmer (`rust-stemmers`, pure Rust, builds for
//! wasm32).
//!
//! Stemming makes "murder", "murders" and "murdered" one term, so two plots about the
//! same thing meet even when they are worded differently.

use rust_stemmers::{Algorithm, Stemmer};

use std::collections::HashMap;

use crate::catalog::{Catalog, TermIndex};
use crate::normalize::fold;

/// English stop words, plus words that appear in nearly every synopsis and so say nothing
/// about what a title is about ("film", "series", "story", "life", ...). Kept sorted so
/// lookup is a binary search (no hashing needed in the wasm build).
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "along",
    "also",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "become",
    "becomes",
    "been",
    "before",
    "begin",
    "begins",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "documentary",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "every",
    "few",
    "film",
    "find",
    "finds",
    "first",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "life",
    "like",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "me",
    "more",
    "most",
    "movie",
    "much",
    "must",
    "my",
    "myself",
    "never",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "season",
    "series",
    "she",
    "should",
    "show",
    "so",
    "some",
    "soon",
    "still",
    "story",
    "such",
    "take",
    "takes",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "very",
    "was",
    "way",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "world",
    "would",
    "year",
    "years",
    "yet",
    "you",
    "young",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// True when `word` (already folded) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// A reusable tokenizer holding the stemmer (building it once per model, not per title).
pub struct Tokenizer {
    stemmer: Stemmer,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Tokenizer {
    /// Stemmed content terms of `text`, in order, repeats kept (the caller counts them).
    pub fn terms(&self, text: &str) -> Vec<String> {
        content_words(text)
            .iter()
            .filter_map(|w| self.stem(w))
            .collect()
    }

    /// The stem of one content word, or `None` when the stem is too short or a stop word.
    pub fn stem(&self, word: &str) -> Option<String> {
        let s = self.stemmer.stem(word);
        (s.len() >= 3 && !is_stop_word(&s)).then(|| s.into_owned())
    }
}

/// Calls `f` with each folded word of `text`, as `fold(text).split(' ')` would give them,
/// without allocating per word. ASCII runs (nearly all synopsis text) are folded inline;
/// a word holding any other character goes through [`fold`] on its own.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::with_capacity(32);
    let mut slow = false;
    let flush = |word: &mut String, slow: &mut bool, f: &mut dyn FnMut(&str)| {
        if *slow {
            fold(word)
                .split(' ')
                .filter(|w| !w.is_empty())
                .for_each(&mut *f);
        } else if !word.is_empty() {
            f(word);
        }
        word.clear();
        *slow = false;
    };
    for c in text.chars() {
        if c.is_ascii() {
            if c == '\'' {
                continue;
            }
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else {
                flush(&mut word, &mut slow, &mut f);
            }
        } else if is_separator(c) {
            flush(&mut word, &mut slow, &mut f);
        } else {
            // Accented letters, curly apostrophes, ligatures: let `fold` decide.
            word.push(c);
            slow = true;
        }
    }
    flush(&mut word, &mut slow, &mut f);
}

/// Common non-ASCII punctuation that `fold` turns into a word break.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'
            | '—'
            | '–'
            | '‐'
            | '“'
            | '”'
            | '„'
            | '«'
            | '»'
            | '…'
            | '·'
            | '•'
            | '¡'
            | '¿'
    )
}

/// Whether a folded word can be a content word: at least 3 letters, no digits (mostly years,
/// counts and initials, which match across unrelated plots), not a stop word.
pub fn is_content_word(w: &str) -> bool {
    w.chars().count() >= 3 && !w.chars().any(|c| c.is_numeric()) && !is_stop_word(w)
}

/// FNV-1a hasher with a mixing finaliser: the word caches hash many short strings, where SipHash's DoS resistance
/// buys nothing (the input is our own catalog) and costs a third of the model build.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        // FNV's high bits mix poorly, and hashbrown uses the top 7 bits as probe tags: a
        // MurmurHash3 finaliser spreads every input bit over the whole word.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `HashMap` builder using [`Fnv`].
pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// A well-mixed 64-bit hash of a word (FNV-1a with the finaliser).
pub fn hash_word(w: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = Fnv::default();
    h.write(w.as_bytes());
    h.finish()
}

/// Hasher for keys that already are good hashes (`u64` from [`hash_word`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// `HashMap` builder using [`Identity`].
pub type IdentityBuild = std::hash::BuildHasherDefault<Identity>;

/// The folded content words of `text` before stemming: tokens shorter than 3 letters and
/// tokens containing digits are dropped (mostly years, counts and initials, which match
/// across unrelated plots), and so are stop words.
pub fn content_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| {
        if is_content_word(w) {
            out.push(w.to_owned());
        }
    });
    out
}

/// Description terms of the whole catalog, interned.
struct Terms {
    /// Per title: `(stem id, count)`.
    per_title: Vec<Vec<(u32, u32)>>,
    /// Per stem: number of titles using it.
    df: Vec<u32>,
    /// Per stem: most frequent surface word.
    display: Vec<String>,
}

fn collect_terms<'a>(descriptions: impl Iterator<Item = &'a str>) -> Terms {
    let tok = Tokenizer::default();
    // Stemming and stop-word checks are the costly steps, so each distinct word is looked
    // at once and remembered (u32::MAX: not a content word).
    // Keyed by a 64-bit hash of the word rather than the word: one cache miss per token
    // instead of two (the table is larger than L2), and a collision among the ~50k
    // distinct words (odds ~1e-10) would only merge two words' counts.
    let mut word_ids: HashMap<u64, u32, IdentityBuild> =
        HashMap::with_capacity_and_hasher(1 << 16, IdentityBuild::default());
    let mut words: Vec<String> = Vec::new();
    let mut word_stem: Vec<u32> = Vec::new();
    let mut word_count: Vec<u32> = Vec::new();
    let mut stem_ids: HashMap<String, u32, FnvBuild> =
        HashMap::with_capacity_and_hasher(1 << 15, FnvBuild::default());
    let mut df: Vec<u32> = Vec::new();
    let mut per_title = Vec::with_capacity(descriptions.size_hint().0);
    let mut seen_stamp: Vec<u32> = Vec::new();
    for (ti, description) in descriptions.enumerate() {
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for_each_word(description, |w| {
            let key = hash_word(w);
            let wid = match word_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let stem = match is_content_word(w).then(|| tok.stem(w)).flatten() {
                        Some(s) => {
                            let next = stem_ids.len() as u32;
                            let id = *stem_ids.entry(s).or_insert(next);
                            if id == next {
                                df.push(0);
                                seen_stamp.push(u32::MAX);
                            }
                            id
                        }
                        None => u32::MAX,
                    };
                    let id = word_stem.len() as u32;
                    word_ids.insert(key, id);
                    words.push(w.to_owned());
                    word_stem.push(stem);
                    word_count.push(0);
                    id
                }
            };
            let stem = word_stem[wid as usize];
            if stem == u32::MAX {
                return;
            }
            word_count[wid as usize] += 1;
            if seen_stamp[stem as usize] != ti as u32 {
                seen_stamp[stem as usize] = ti as u32;
                df[stem as usize] += 1;
                counts.push((stem, 1));
            } else if let Some(c) = counts.iter_mut().find(|c| c.0 == stem) {
                c.1 += 1;
            }
        });
        per_title.push(counts);
    }
    // Display form: the most frequent word with that stem (ties: the shorter, then the
    // alphabetically first, so the map's iteration order does not matter).
    let mut display: Vec<(u32, String)> = vec![(0, String::new()); df.len()];
    for (wid, w) in words.into_iter().enumerate() {
        let stem = word_stem[wid];
        if stem == u32::MAX {
            continue;
        }
        let c = word_count[wid];
        let slot = &mut display[stem as usize];
        let better =
            c > slot.0 || (c == slot.0 && (w.len(), w.as_str()) < (slot.1.len(), slot.1.as_str()));
        if better {
            *slot = (c, w);
        }
    }
    Terms {
        per_title,
        df,
        display: display.into_iter().map(|(_, w)| w).collect(),
    }
}

/// Stems every description of `catalog` into a [`TermIndex`]: content words (see
/// [`is_content_word`]) are stemmed with Snowball English, stems used by a single title are
/// dropped (they can never be shared and only dilute the block), and the rest are numbered
/// by falling document frequency (ties by display word), which keeps common ids small in
/// the bundle.
pub fn index_terms(catalog: &Catalog) -> TermIndex {
    index_descriptions(catalog.titles.iter().map(|t| t.description.as_str()))
}

/// [`index_terms`] over the descriptions alone (one per title, in title order), so a
/// builder can index them while the rest of the catalog is still being assembled.
pub fn index_descriptions<'a>(descriptions: impl Iterator<Item = &'a str>) -> TermIndex {
    let terms = collect_terms(descriptions);
    let mut kept: Vec<u32> = (0..terms.df.len() as u32)
        .filter(|&s| terms.df[s as usize] >= 2)
        .collect();
    kept.sort_unstable_by(|&a, &b| {
        terms.df[b as usize]
            .cmp(&terms.df[a as usize])
            .then_with(|| terms.display[a as usize].cmp(&terms.display[b as usize]))
    });
    let mut id_of = vec![u32::MAX; terms.df.len()];
    for (id, &s) in kept.iter().enumerate() {
        id_of[s as usize] = id as u32;
    }
    let per_title = terms
        .per_title
        .iter()
        .map(|counts| {
            let mut ids: Vec<u32> = counts
                .iter()
                .filter(|&&(s, _)| id_of[s as usize] != u32::MAX)
                .flat_map(|&(s, c)| std::iter::repeat_n(id_of[s as usize], c as usize))
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    let mut display = terms.display;
    TermIndex {
        words: kept
            .iter()
            .map(|&s| std::mem::take(&mut display[s as usize]))
            .collect(),
        per_title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems_and_drops_stop_words() {
        let t = Tokenizer::default();
        let terms = t.terms("The detectives murdered a MURDERER in 1995, murders!");
        assert_eq!(terms, ["detect", "murder", "murder", "murder"]);
    }

    #[test]
    fn ascii_fast_path_matches_fold() {
        for text in [
            "Schindler's List!! 1993 -- WAR, drama.",
            "  a-b c'd  ",
            "",
            "x",
            "Amélie’s “café” — naïve…ﬁne «ÉTÉ» ①",
        ] {
            let mut fast = Vec::new();
            for_each_word(text, |w| fast.push(w.to_owned()));
            let slow: Vec<String> = fold(text)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn accents_and_apostrophes_fold() {
        let t = Tokenizer::default();
        let terms = t.terms("Amélie's café");
        assert_eq!(terms.len(), 2);
        assert!(terms[0].starts_with("ame"));
        assert_eq!(terms[1], "cafe");
        assert!(t.terms("").is_empty());
    }
}
