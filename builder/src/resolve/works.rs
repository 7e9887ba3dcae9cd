//! One work listed under two names: "La casa de papel" (Kaggle, which lists many titles by
//! their original name) and "Money Heist" (JustWatch) are one show for a viewer.
//!
//! Names alone are never enough. A pair is merged only when a source says the two names are
//! one work's ([`Alias`]: Netflix prints `Money Heist: Part 1 // La casa de papel: Parte 1`
//! in its engagement reports, and TMDB gives a film's original title), and the two titles
//! agree: same type, no two different IMDb ids, shared people when both list people, and
//! close years (a film's within one; a series may differ more only when people are shared,
//! since Kaggle dates a series by its latest season). A title with two candidates is left
//! alone.

use std::collections::BTreeMap;

use engine::history::resolve::strip_top10_season;
use engine::Kind;

use super::{merge, Draft};
use crate::matching::title_key;
use crate::sources::engagement::EngagementRow;
use crate::HashSet;

/// Largest year gap accepted between two listings of one series whose people agree: Kaggle
/// gives a series the year of its latest season.
pub const MAX_SERIES_YEAR_GAP: u16 = 10;
/// Shared people required when both titles list people (fewer when one lists fewer).
pub const MIN_SHARED_PEOPLE: usize = 2;

/// Two names a source gives for one work.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Alias {
    /// Key of the name as listed (usually English).
    pub title: String,
    /// Key of the original-language name.
    pub original: String,
    /// The work's type, when the source says.
    pub kind: Option<Kind>,
}

/// One merge: the title kept and what was merged into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedWork {
    /// Id of the title kept.
    pub kept: String,
    /// Display title of the title kept.
    pub kept_title: String,
    /// Display title of the listing merged into it.
    pub merged_title: String,
    /// Source references (`source:id`) of the listing merged into it.
    pub merged_sources: Vec<String>,
    /// What the two listings agree on, in words.
    pub evidence: String,
}

/// The alias pairs the sources give: every engagement row with an original after ` // `
/// (season parts dropped from both names), and every catalog record's original title.
pub fn aliases(engagement: &[EngagementRow], drafts: &[Draft]) -> Vec<Alias> {
    let base = |name: &str| title_key(&strip_top10_season(name).unwrap_or_else(|| name.to_owned()));
    let mut out: HashSet<Alias> = HashSet::default();
    for r in engagement {
        if let Some(original) = &r.original {
            out.insert(Alias {
                title: base(&r.title),
                original: base(original),
                kind: r.kind,
            });
        }
    }
    for d in drafts {
        if let Some(original) = &d.rec.original_title {
            out.insert(Alias {
                title: d.key.clone(),
                original: title_key(original),
                kind: Some(d.rec.kind),
            });
        }
    }
    let mut out: Vec<Alias> = out
        .into_iter()
        .filter(|a| !a.title.is_empty() && !a.original.is_empty() && a.title != a.original)
        .collect();
    out.sort();
    out
}

/// Whether drafts `a` and `b`, named by one alias, agree enough to be one work; if so,
/// the agreement in words ("3 shared people, years 2017/2021").
fn same_work(a: &Draft, b: &Draft, kind: Option<Kind>) -> Option<String> {
    if a.rec.kind != b.rec.kind || kind.is_some_and(|k| k != a.rec.kind) {
        return None;
    }
    if let (Some(x), Some(y)) = (&a.rec.imdb_id, &b.rec.imdb_id) {
        if x != y {
            return None;
        }
    }
    fn people(d: &Draft) -> HashSet<&str> {
        d.rec
            .directors
            .iter()
            .chain(&d.rec.cast)
            .map(String::as_str)
            .collect()
    }
    let (pa, pb) = (people(a), people(b));
    let shared = pa.intersection(&pb).count();
    let people_agree = if pa.is_empty() || pb.is_empty() {
        None
    } else {
        Some(shared >= MIN_SHARED_PEOPLE.min(pa.len()).min(pb.len()))
    };
    let gap = match (a.rec.year, b.rec.year) {
        (Some(x), Some(y)) => Some(x.abs_diff(y)),
        _ => None,
    };
    let ok = match (people_agree, gap) {
        (Some(false), _) => false,
        (Some(true), Some(g)) => g <= 1 || (a.rec.kind == Kind::Show && g <= MAX_SERIES_YEAR_GAP),
        (Some(true), None) => true,
        (None, Some(g)) => g <= 1,
        (None, None) => false,
    };
    let year = |y: Option<u16>| y.map_or("-".to_owned(), |y| y.to_string());
    ok.then(|| {
        format!(
            "{}, {}, years {}/{}",
            a.rec.kind.label(),
            match people_agree {
                Some(_) => format!("{shared} shared people"),
                None => "people listed on one side only".to_owned(),
            },
            year(a.rec.year),
            year(b.rec.year)
        )
    })
}

/// How strongly a draft should be the one kept: an IMDb id, then a JustWatch id, then the
/// richer source (its fields win anyway).
fn keep_rank(d: &Draft) -> (bool, bool, std::cmp::Reverse<u8>) {
    (
        d.rec.imdb_id.is_some(),
        d.sources.iter().any(|s| s.source.starts_with("justwatch")),
        std::cmp::Reverse(super::priority(d.rec.source)),
    )
}

/// Merges the drafts that [`aliases`] and the checks of this module show to be one work,
/// and returns the merges. The kept title keeps its id; the other's fields fill what it
/// lacks and its sources are added.
pub fn merge_works(drafts: &mut Vec<Draft>, aliases: &[Alias]) -> Vec<MergedWork> {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if !d.trend_only {
            by_key.entry(d.key.as_str()).or_default().push(i);
        }
    }
    let mut pairs: Vec<(usize, usize, String)> = Vec::new();
    for a in aliases {
        let (Some(xs), Some(ys)) = (
            by_key.get(a.title.as_str()),
            by_key.get(a.original.as_str()),
        ) else {
            continue;
        };
        for &x in xs {
            for &y in ys {
                if x == y {
                    continue;
                }
                if let Some(evidence) = same_work(&drafts[x], &drafts[y], a.kind) {
                    pairs.push((x.min(y), x.max(y), evidence));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
    // A listing that could be either of two works is left alone.
    let mut partners: BTreeMap<usize, usize> = BTreeMap::new();
    for &(x, y, _) in &pairs {
        *partners.entry(x).or_default() += 1;
        *partners.entry(y).or_default() += 1;
    }
    pairs.retain(|(x, y, _)| partners[x] == 1 && partners[y] == 1);
    let mut merged = Vec::with_capacity(pairs.len());
    let mut gone = vec![false; drafts.len()];
    for (x, y, evidence) in pairs {
        let (keep, other) = if keep_rank(&drafts[y]) > keep_rank(&drafts[x]) {
            (y, x)
        } else {
            (x, y)
        };
        let other_draft = std::mem::take(&mut drafts[other]);
        gone[other] = true;
        let d = &mut drafts[keep];
        let id = std::mem::take(&mut d.id);
        let mut keys = std::mem::take(&mut d.other_keys);
        keys.push(std::mem::take(&mut d.key));
        keys.push(other_draft.key.clone());
        keys.extend(other_draft.other_keys.iter().cloned());
        let mut sources = std::mem::take(&mut d.sources);
        let merged_sources = other_draft
            .sources
            .iter()
            .map(|s| format!("{}:{}", s.source, s.id))
            .collect();
        let merged_title = other_draft.rec.title.clone();
        sources.extend(other_draft.sources);
        let mut m = merge(vec![std::mem::take(&mut d.rec), other_draft.rec]);
        sources.sort();
        sources.dedup();
        m.sources = sources;
        m.id = id;
        keys.sort();
        keys.dedup();
        keys.retain(|k| *k != m.key);
        m.other_keys = keys;
        *d = m;
        merged.push(MergedWork {
            kept: d.id.clone(),
            kept_title: d.rec.title.clone(),
            merged_title,
            merged_sources,
            evidence,
        });
    }
    let mut i = 0;
    drafts.retain(|_| {
        i += 1;
        !gone[i - 1]
    });
    merged.sort_by(|a, b| a.kept.cmp(&b.kept));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Index;
    use crate::sources::CatalogRecord;
    use engine::SourceRef;

    fn draft(source: &'static str, id: &str, title: &str, kind: Kind, year: u16) -> Draft {
        let rec = CatalogRecord {
            source,
            id: id.into(),
            title: title.into(),
            kind,
            year: Some(year),
            ..CatalogRecord::default()
        };
        let mut d = merge(vec![rec]);
        d.sources = vec![SourceRef {
            source: source.into(),
            id: id.into(),
        }];
        d
    }

    fn with(mut d: Draft, imdb: Option<&str>, people: &[&str]) -> Draft {
        d.rec.imdb_id = imdb.map(str::to_owned);
        if let Some(i) = imdb {
            d.id = i.to_owned();
        }
        d.rec.cast = people.iter().map(|p| (*p).to_owned()).collect();
        d
    }

    fn alias(title: &str, original: &str, kind: Option<Kind>) -> Alias {
        Alias {
            title: title_key(title),
            original: title_key(original),
            kind,
        }
    }

    /// "Money Heist" (JustWatch, 2017) and Kaggle's "La casa de papel" (dated 2021 by its
    /// latest season), with Netflix's ` // ` pair as evidence.
    fn heist() -> Vec<Draft> {
        vec![
            with(
                draft("justwatch_2023", "ts56768", "Money Heist", Kind::Show, 2017),
                Some("tt6468322"),
                &["Úrsula Corberó", "Álvaro Morte", "Itziar Ituño"],
            ),
            with(
                draft(
                    "kaggle_netflix_titles",
                    "s110",
                    "La casa de papel",
                    Kind::Show,
                    2021,
                ),
                None,
                &[
                    "Úrsula Corberó",
                    "Itziar Ituño",
                    "Álvaro Morte",
                    "Paco Tous",
                ],
            ),
            draft("justwatch_2023", "tm1", "Heat", Kind::Movie, 1995),
        ]
    }

    #[test]
    fn an_original_and_an_english_listing_become_one_title() {
        let mut drafts = heist();
        let rows = vec![EngagementRow {
            title: "Money Heist: Part 1".into(),
            original: Some("La casa de papel: Parte 1".into()),
            kind: Some(Kind::Show),
            ..EngagementRow::default()
        }];
        let aliases = aliases(&rows, &drafts);
        assert_eq!(
            aliases,
            vec![alias("Money Heist", "La casa de papel", Some(Kind::Show))]
        );
        let merged = merge_works(&mut drafts, &aliases);
        assert_eq!(merged.len(), 1, "{merged:?}");
        assert_eq!(merged[0].kept, "tt6468322");
        assert_eq!(merged[0].merged_sources, ["kaggle_netflix_titles:s110"]);
        assert_eq!(drafts.len(), 2);
        let d = &drafts[0];
        assert_eq!(
            (d.id.as_str(), d.rec.title.as_str()),
            ("tt6468322", "Money Heist")
        );
        assert_eq!(d.sources.len(), 2);
        assert_eq!(d.rec.cast.len(), 3, "the richer source's fields win");
        // Either name finds it.
        let index = Index::new(&drafts);
        assert_eq!(index.exact("la casa de papel", Kind::Show), [0]);
        assert_eq!(index.exact("money heist", Kind::Show), [0]);
    }

    #[test]
    fn names_alone_or_disagreeing_listings_are_not_merged() {
        let a = alias("Money Heist", "La casa de papel", None);
        // No source pairs the names: shared people are not enough.
        let mut drafts = heist();
        assert!(merge_works(&mut drafts, &[]).is_empty());
        // Two different IMDb ids are two works.
        let mut drafts = heist();
        drafts[1].rec.imdb_id = Some("tt0000001".into());
        assert!(merge_works(&mut drafts, std::slice::from_ref(&a)).is_empty());
        // No shared people.
        let mut drafts = heist();
        drafts[1].rec.cast = vec!["Someone Else".into(), "Another".into()];
        assert!(merge_works(&mut drafts, std::slice::from_ref(&a)).is_empty());
        // A film and a series.
        let mut drafts = heist();
        drafts[1].rec.kind = Kind::Movie;
        assert!(merge_works(&mut drafts, std::slice::from_ref(&a)).is_empty());
        // The source says film; both are series.
        let mut drafts = heist();
        let film = alias("Money Heist", "La casa de papel", Some(Kind::Movie));
        assert!(merge_works(&mut drafts, &[film]).is_empty());
        // Films: years more than one apart (a remake), even with shared people.
        let mut drafts = heist();
        for d in &mut drafts {
            d.rec.kind = Kind::Movie;
        }
        assert!(merge_works(&mut drafts, std::slice::from_ref(&a)).is_empty());
        // Without people on one side, the years must agree.
        let mut drafts = heist();
        drafts[1].rec.cast.clear();
        assert!(merge_works(&mut drafts, std::slice::from_ref(&a)).is_empty());
        drafts[1].rec.year = Some(2017);
        assert_eq!(merge_works(&mut drafts, &[a]).len(), 1);
    }

    #[test]
    fn a_listing_that_could_be_either_of_two_works_stays() {
        let mut drafts = heist();
        let mut twin = drafts[1].clone();
        twin.id = "s999".into();
        twin.sources[0].id = "s999".into();
        drafts.push(twin);
        let a = alias("Money Heist", "La casa de papel", Some(Kind::Show));
        assert!(merge_works(&mut drafts, &[a]).is_empty());
        assert_eq!(drafts.len(), 4);
    }
}
