//! Title keys and similarity: how two spellings of a title are compared.
//!
//! A key is the title Unicode-folded (NFKD, accents and case dropped, punctuation turned
//! into spaces, via [`engine::normalize::fold`]), with `&` read as "and" and a leading
//! English article dropped ("The Crown" = "Crown, The" = "crown"). Keys that are equal match
//! exactly; otherwise the normalized Levenshtein similarity of the keys (1 − edits / longer
//! length) is the score, and a match needs at least [`FUZZY_THRESHOLD`].

/// Lowest similarity (0–1) of two keys accepted as the same title: about one edit per twelve
/// characters.
///
/// Chosen by reading the lowest accepted matches of the build report on the snapshot. With
/// Jaro-Winkler at 0.93 most accepted pairs were different titles sharing a prefix ("The
/// Intern" / "The Intent", "Love at First Sight" / "Love at First Kiss"); normalized
/// Levenshtein at 0.92 keeps the spelling variants ("Gabriel lglesias" / "Gabriel Iglesias",
/// "Lørenskog" / "Lorenskog") and rejects those.
pub const FUZZY_THRESHOLD: f64 = 0.92;

/// Score given to an exact key match whose year is off by one (release vs. Netflix year).
pub const SCORE_YEAR_OFF_BY_ONE: f32 = 0.97;
/// Score for an exact key match of a series whose years disagree by more than one
/// (Kaggle gives a series the year of its latest season, JustWatch the first-air year).
pub const SCORE_SERIES_YEAR_DRIFT: f32 = 0.96;

/// The matching key of a title. The engine's rule, so that a viewer's history resolves
/// to titles by the same keys the build merged them by.
pub use engine::history::resolve::key as title_key;

/// Similarity of two keys, 0–1. Keys whose digits differ never match ("sing 2" vs "sing"):
/// sequels and seasons are different titles even when the words agree. Keys whose lengths
/// differ by more than a tenth cannot reach the threshold and are not compared (the edit
/// distance is at least the length difference), which keeps fuzzy search cheap.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longer = la.max(lb);
    if longer == 0 || (la.abs_diff(lb) as f64) > (1.0 - FUZZY_THRESHOLD) * longer as f64 {
        return 0.0;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if digits(a) != digits(b) {
        return 0.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// The show title behind a Top 10 or trailer title: drops a season or part suffix
/// ("Stranger Things: Season 4", "Wednesday: Season 2", "Adolescence: Limited Series",
/// "Squid Game Season 2", "Stranger Things 4" when `trailing_number`). Returns `None` when
/// nothing was stripped.
pub fn strip_season(title: &str, trailing_number: bool) -> Option<String> {
    let t = title.trim();
    let lower = t.to_lowercase();
    const MARKERS: [&str; 8] = [
        ": season ",
        " season ",
        ": part ",
        ": volume ",
        ": vol. ",
        ": book ",
        ": chapter ",
        ": series ",
    ];
    for m in MARKERS {
        if let Some(pos) = lower.rfind(m) {
            let tail = &lower[pos + m.len()..];
            if !tail.is_empty() && tail.split_whitespace().count() <= 3 && pos > 0 {
                return Some(t[..pos].trim_end_matches([':', ' ', '-', '–']).to_owned());
            }
        }
    }
    for m in [": limited series", " limited series", ": the series"] {
        if let Some(head) = lower.strip_suffix(m) {
            if !head.is_empty() {
                return Some(t[..head.len()].trim().to_owned());
            }
        }
    }
    if trailing_number {
        if let Some((head, last)) = t.rsplit_once(' ') {
            if !head.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit()) {
                return Some(head.trim_end_matches(':').to_owned());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_articles_and_ampersands() {
        assert_eq!(title_key("The Crown"), "crown");
        assert_eq!(title_key("Blood & Water"), "blood and water");
        assert_eq!(title_key("Amélie"), "amelie");
        assert_eq!(title_key("The"), "the");
        assert_eq!(title_key("A Quiet Place"), "quiet place");
    }

    #[test]
    fn seasons_are_stripped() {
        assert_eq!(
            strip_season("Stranger Things: Season 4", false).as_deref(),
            Some("Stranger Things")
        );
        assert_eq!(
            strip_season("Stranger Things 4", true).as_deref(),
            Some("Stranger Things")
        );
        assert_eq!(strip_season("Stranger Things 4", false), None);
        assert_eq!(
            strip_season("Wednesday: Season 2", false).as_deref(),
            Some("Wednesday")
        );
        assert_eq!(
            strip_season("Squid Game Season 2", false).as_deref(),
            Some("Squid Game")
        );
        assert_eq!(
            strip_season("Adolescence: Limited Series", false).as_deref(),
            Some("Adolescence")
        );
        assert_eq!(
            strip_season("Ozark: Season 4 Part 1", false).as_deref(),
            Some("Ozark")
        );
        assert_eq!(strip_season("Seasons", true), None);
    }

    #[test]
    fn sequels_do_not_fuzzy_match() {
        assert_eq!(similarity("sing 2", "sing"), 0.0);
        assert!(similarity("the witcher", "the witcher blood origin") < FUZZY_THRESHOLD);
        assert!(similarity("kissing booth", "kisssing booth") >= FUZZY_THRESHOLD);
        assert!(similarity("intern", "intent") < FUZZY_THRESHOLD);
        assert!(similarity("love at first sight", "love at first kiss") < FUZZY_THRESHOLD);
        assert!(
            similarity(
                "gabriel lglesias im sorry for what i said when i was hungry",
                "gabriel iglesias im sorry for what i said when i was hungry"
            ) >= FUZZY_THRESHOLD
        );
    }
}
