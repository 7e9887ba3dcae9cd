//! Description text to terms: fold, split, drop stop words and short or numeric tokens,
//! then stem with the Snowball English stemmer (`rust-stemmers`, pure Rust, builds for
//! wasm32).
//!
//! Stemming makes "murder", "murders" and "murdered" one term, so two plots about the
//! same thing meet even when they are worded differently.

use rust_stemmers::{Algorithm, Stemmer};

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

/// The folded content words of `text` before stemming: tokens shorter than 3 letters and
/// tokens containing digits are dropped (mostly years, counts and initials, which match
/// across unrelated plots), and so are stop words.
pub fn content_words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| w.chars().count() >= 3)
        .filter(|w| !w.chars().any(|c| c.is_numeric()))
        .filter(|w| !is_stop_word(w))
        .map(str::to_owned)
        .collect()
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
    fn accents_and_apostrophes_fold() {
        let t = Tokenizer::default();
        let terms = t.terms("Amélie's café");
        assert_eq!(terms.len(), 2);
        assert!(terms[0].starts_with("ame"));
        assert_eq!(terms[1], "cafe");
        assert!(t.terms("").is_empty());
    }
}
