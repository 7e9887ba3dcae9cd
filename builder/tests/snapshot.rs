//! Builds the bundle from the real workspace snapshot (`../shared/data`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

/// Build options that leave every tracked file alone: the history is a temporary file.
fn opts(dir: &std::path::Path) -> builder::build::BuildOptions {
    builder::build::BuildOptions {
        history: dir.join("metrics_history.jsonl"),
        record_metrics: false,
    }
}

#[test]
fn real_snapshot_builds_links_and_is_deterministic() {
    let out = tempfile::tempdir().unwrap();
    builder::build::run(&common::snapshot_only(), out.path(), &opts(out.path())).unwrap();
    let bytes = std::fs::read(out.path().join(builder::build::BUNDLE_FILE)).unwrap();
    let details = std::fs::read(out.path().join(builder::build::DETAILS_FILE)).unwrap();
    // The core alone must decode: the app shows results before the details arrive.
    engine::Bundle::decode(&bytes).unwrap();
    let bundle = engine::Bundle::decode_with_details(&bytes, &details).unwrap();
    let cat = &bundle.body.catalog;
    // Merge rule (see ARCHITECTURE.md, "Data model"): JustWatch 2023 (6,137) and 2022 (5,850,
    // one row without a title skipped) share ids and IMDb ids and merge to 6,904 titles;
    // 4,424 of the 8,807 Kaggle rows join one of those (same key and kind, year within one,
    // or a fuzzy match), the other 4,383 group by (key, kind, year) into 4,383 titles;
    // 1,675 of the 3,023 TMDB films join those, the other 1,348 are titles of their own.
    // The Top 10 names that match no catalog title add 3,287 titles (4,019 before the TMDB
    // films); 1,654 of them get TMDB genres through their Netflix name, so only 1,633 stay
    // trend-only (4,019 before the engagement reports and TMDB sources). Engagement-report
    // names that match nothing but have TMDB genres and 5M+ hours in a half-year add 1,304.
    // 34 listings of a work under its other name merge into the title of the first
    // ("La casa de papel" into "Money Heist"; see `tests/works.rs`), so 17,226 → 17,192.
    let trend_only = cat.titles.iter().filter(|t| t.trend_only).count();
    assert_eq!(trend_only, 1_633);
    assert_eq!(cat.titles.len(), 17_192);
    assert_eq!(bundle.header.data_week, "2026-07-19");
    assert_eq!(bundle.header.build_time, "2026-07-19T00:00:00Z");

    // Ids are unique and sorted, so indices are reproducible.
    assert!(cat.titles.windows(2).all(|w| w[0].id < w[1].id));
    // IMDb ids are used as ids wherever known.
    let rocky = cat.titles.iter().find(|t| t.id == "tt0075148").unwrap();
    assert_eq!(rocky.title, "Rocky");
    assert!(rocky
        .sources
        .iter()
        .any(|s| s.source == "justwatch_2023" && s.id == "tm82169"));
    assert!(cat.genre_names(rocky).any(|g| g == "drama"));
    assert!(rocky
        .cast
        .iter()
        .any(|&p| cat.person(p) == "Sylvester Stallone"));

    // Seasons link to the show: every "Stranger Things N" season row points at one title
    // (the spin-off "Stranger Things: Tales From '85" is a show of its own).
    let st: std::collections::BTreeSet<u32> = bundle
        .body
        .trends
        .global
        .iter()
        .filter(|e| {
            e.season
                .as_deref()
                .is_some_and(|s| s.starts_with("Stranger Things ") && s.len() == 17)
        })
        .map(|e| e.title)
        .collect();
    assert_eq!(st.len(), 1);
    let st = &cat.titles[*st.iter().next().unwrap() as usize];
    assert_eq!(st.title, "Stranger Things");
    assert!(!st.trend_only);

    // Every trend row points at a real title; all 10,560 global rows are kept.
    let n = cat.titles.len() as u32;
    let t = &bundle.body.trends;
    assert_eq!(t.global.len(), 10_560);
    assert!(t.global.iter().all(|e| e.title < n));
    assert!(t.country_runs.iter().all(|r| r.title < n && r.weeks >= 1));
    assert_eq!(t.countries.len(), 94);
    assert_eq!(t.countries_through.as_deref(), Some("2022-11-13"));
    assert_eq!(t.most_popular.len(), 40);
    assert!(!t.trailers.is_empty());

    // The report covers every source and join; report.json is the same report.
    let report: engine::report::DataReport = serde_json::from_slice(
        &std::fs::read(out.path().join(builder::build::REPORT_FILE)).unwrap(),
    )
    .unwrap();
    assert_eq!(report, bundle.body.report);
    assert!(report.sources.iter().any(|s| s.name == "top10_global"));
    assert!(report.joins.iter().any(|j| j.name.starts_with("kaggle")));

    // Same data in, same bytes out.
    let out2 = tempfile::tempdir().unwrap();
    builder::build::run(&common::snapshot_only(), out2.path(), &opts(out.path())).unwrap();
    let bytes2 = std::fs::read(out2.path().join(builder::build::BUNDLE_FILE)).unwrap();
    assert!(bytes == bytes2, "two builds of the same data differ");
    let details2 = std::fs::read(out2.path().join(builder::build::DETAILS_FILE)).unwrap();
    assert!(
        details == details2,
        "two builds of the same data differ in details"
    );
}
