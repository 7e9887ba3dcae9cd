//! Text folding shared by search, entity resolution and the refiner: Unicode NFKD,
//! accents stripped, case folded, punctuation turned into spaces.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: "Amélie" and "AMELIE!" both become "amelie".
/// Apostrophes vanish ("Schindler's" → "schindlers"), other punctuation separates words.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd() {
        if is_combining_mark(c) || c == '\'' || c == '’' || c == '‘' {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Amélie"), "amelie");
        assert_eq!(fold("  Schindler's List!! "), "schindlers list");
        assert_eq!(
            fold("Stranger Things: Season 4"),
            "stranger things season 4"
        );
        assert_eq!(fold("Pokémon—The Movie"), "pokemon the movie");
        assert_eq!(fold(""), "");
    }
}
