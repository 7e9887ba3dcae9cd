//! Golden test of one work listed under two names ("La casa de papel" and "Money Heist"):
//! the snapshot is built, and the titles merged are exactly the hand-checked pairs of
//! `tests/golden/works_expected.txt`, each kept under one id with both listings' sources,
//! and the build's join report counts them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use builder::report::WORKS_JOIN;

/// One expected merge: kept id and title, a source (`source:id`) of the merged listing.
struct Expected {
    kept: String,
    kept_title: String,
    merged_source: String,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/works_expected.txt"
    ))
    .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (kept, rest) = l.split_once(" <- ").unwrap();
            let (id, title) = kept.split_once(' ').unwrap();
            let (source, _) = rest.split_once(' ').unwrap();
            Expected {
                kept: id.to_owned(),
                kept_title: title.trim_matches('"').to_owned(),
                merged_source: source.to_owned(),
            }
        })
        .collect()
}

#[test]
fn the_known_pairs_are_merged_and_nothing_else() {
    let want = expected();
    assert!(want.iter().any(|e| e.kept_title == "Money Heist"));
    let bundle = builder::build::assemble(&common::snapshot_only()).unwrap();
    let cat = &bundle.body.catalog;
    let holders = |source: &str| -> Vec<&engine::Title> {
        cat.titles
            .iter()
            .filter(|t| {
                t.sources
                    .iter()
                    .any(|s| format!("{}:{}", s.source, s.id) == source)
            })
            .collect()
    };
    let mut wrong = Vec::new();
    for e in &want {
        match holders(&e.merged_source).as_slice() {
            [t] if t.id == e.kept && t.title == e.kept_title => {}
            other => wrong.push(format!(
                "{} {:?} <- {}: held by {:?}",
                e.kept,
                e.kept_title,
                e.merged_source,
                other
                    .iter()
                    .map(|t| format!("{} {:?}", t.id, t.title))
                    .collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "not merged as expected:\n{}",
        wrong.join("\n")
    );
    let join = bundle
        .body
        .report
        .joins
        .iter()
        .find(|j| j.name == WORKS_JOIN)
        .expect("the join report counts the merges");
    assert_eq!(
        join.matched,
        want.len() as u64,
        "merges beyond the hand-checked list: check them and add them to works_expected.txt \
         (RUST_LOG=builder=debug builder build lists them)"
    );
    // The original-name listing has no title of its own any more.
    assert_eq!(
        cat.titles
            .iter()
            .filter(|t| t.title == "La casa de papel")
            .count(),
        0
    );
}
