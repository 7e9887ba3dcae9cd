//! Search over the real JustWatch catalog: typos, accents, people, word order, ranking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod refine_support;

use std::time::Instant;

use engine::search::{search_titles, Hit, SearchIndex};
use engine::Catalog;

fn setup() -> Option<(Catalog, SearchIndex)> {
    let cat =
        refine_support::justwatch().expect("the workspace snapshot (../shared/data or $WTW_DATA)");
    let t = Instant::now();
    let idx = SearchIndex::build(&cat);
    // Timing is reported, not asserted (see BENCHMARKS.md).
    eprintln!(
        "SearchIndex::build: {} titles, {} people in {:?}",
        cat.titles.len(),
        cat.people.len(),
        t.elapsed()
    );
    Some((cat, idx))
}

fn first_title(cat: &Catalog, idx: &SearchIndex, q: &str) -> String {
    idx.titles(q, 5)
        .first()
        .map(|&(i, _)| cat.titles[i].title.clone())
        .unwrap_or_default()
}

#[test]
fn typo_tolerant_titles() {
    let Some((cat, idx)) = setup() else { return };
    let cases = [
        ("strnger thngs", "Stranger Things"),
        ("stranger things", "Stranger Things"),
        ("STRANGER THI", "Stranger Things"),
        ("les miserables", "Les Misérables"),
        ("guero", "Güeros"),
        ("breaking bda", "Breaking Bad"),
        ("the irishmn", "The Irishman"),
        ("squid gam", "Squid Game"),
        ("things stranger", "Stranger Things"),
        ("narcs", "Narcos"),
        ("oazrk", "Ozark"),
    ];
    for (q, want) in cases {
        // Every case must be able to run: a title missing from the data is a broken case,
        // not a pass.
        assert!(
            cat.titles.iter().any(|t| t.title == want),
            "{want:?} is not in the catalog: pick a case that is"
        );
        assert_eq!(first_title(&cat, &idx, q), want, "query {q:?}");
    }
}

#[test]
fn people_and_mixed_hits() {
    let Some((cat, idx)) = setup() else { return };
    for (q, want) in [
        ("ryan reynolds", "Ryan Reynolds"),
        ("ryan renolds", "Ryan Reynolds"),
        ("reynolds ryan", "Ryan Reynolds"),
        ("adam sandlr", "Adam Sandler"),
        ("penelope cruz", "Penélope Cruz"),
    ] {
        assert!(
            cat.people.iter().any(|p| p == want),
            "{want:?} is not in the catalog: pick a case that is"
        );
        let got = idx.people(q, 3);
        assert!(!got.is_empty(), "no person for {q:?}");
        assert_eq!(cat.person(got[0].0), want, "query {q:?}");
        // The mixed search returns the person among the top hits too.
        let mixed = idx.search(q, 10);
        assert!(
            mixed
                .iter()
                .any(|s| matches!(s.hit, Hit::Person(p) if cat.person(p) == want)),
            "mixed search for {q:?}"
        );
    }
}

#[test]
fn ranks_are_ordered_and_popular_breaks_ties() {
    let Some((cat, idx)) = setup() else { return };
    let hits = idx.search("the", 50);
    assert_eq!(hits.len(), 50);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    // Nonsense finds nothing, empty finds nothing.
    assert!(idx.search("zzqxjv", 10).is_empty());
    assert!(idx.search("   ", 10).is_empty());
    // Exact lookups.
    assert!(!idx.exact("stranger things").is_empty());
    // The compatibility wrapper still works and prefers exact matches.
    let i = search_titles(&cat, "Stranger Things", 3);
    assert_eq!(cat.titles[i[0]].title, "Stranger Things");
}
