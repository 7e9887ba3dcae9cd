//! `builder recommend --history`: a hand-written export on a synthetic bundle (JSON shape,
//! watched titles excluded, filters, text report, bad files), and the 20 real exports of
//! the snapshot read in place against a bundle built from the snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use builder::recommend::run;
use common::recommend_args as args;
use engine::catalog::{Kind, Title};
use engine::{synth, Bundle};

/// A synthetic catalog plus the titles the fixture watches.
fn write_bundle(dir: &Path) -> std::path::PathBuf {
    let mut catalog = synth::catalog(400, 9);
    for (id, title, kind, genres) in [
        ("tt1000001", "Dark", Kind::Show, vec![10, 2]),
        ("tt1000002", "Heat", Kind::Movie, vec![6, 2]),
        ("tt1000003", "The Crown", Kind::Show, vec![0, 14]),
        ("tt1000004", "Roma", Kind::Movie, vec![0]),
    ] {
        catalog.titles.push(Title {
            id: id.into(),
            title: title.into(),
            kind,
            year: Some(2018),
            description: "kaex loex mirenex tuex vorex delex prina golex".into(),
            genres,
            cast: vec![1, 2],
            countries: vec![0],
            imdb_votes: Some(5000),
            ..Title::default()
        });
    }
    common::write_bundle(dir, &common::catalog_bundle(catalog))
}

/// Day-first dates, a German season word, a placeholder, a duplicate and an unknown show.
const HISTORY: &str = "\u{feff}Title,Date\r\n\
\"Dark: Staffel 2: Anfänge und Enden\",\"02.03.2021\"\r\n\
\"Dark: Staffel 1: Geheimnisse\",\"01.03.2021\"\r\n\
\"Heat\",\"27.02.2021\"\r\n\
\"Heat\",\"27.02.2021\"\r\n\
\" \",\"26.02.2021\"\r\n\
\"The Crown: Season 1: Wolferton Splash\",\"25.02.2021\"\r\n\
\"Nobody Knows This Show: Season 1: Pilot\",\"24.02.2021\"\r\n";

#[test]
fn history_json_counts_rows_and_excludes_watched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = write_bundle(dir.path());
    let file = dir.path().join("NetflixViewingHistory.csv");
    std::fs::write(&file, HISTORY).expect("write history");
    let f = file.to_str().unwrap_or_default();
    let out = run(&args(&bundle, &["--history", f, "--k", "8", "--json"])).expect("runs");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one json object");
    let h = &v["history"];
    assert_eq!(h["rows"], 7);
    assert_eq!(h["matched_rows"], 4);
    assert_eq!(h["titles"], 3);
    assert_eq!(h["unmatched_rows"], 1);
    assert_eq!(h["skipped_rows"], 2);
    let recs = v["recs"].as_array().expect("recs");
    assert_eq!(recs.len(), 8);
    let watched = ["tt1000001", "tt1000002", "tt1000003"];
    for r in recs {
        assert!(
            !watched.contains(&r["id"].as_str().unwrap_or_default()),
            "{r}"
        );
        for key in ["id", "title", "year", "type", "score"] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
    }
    // Films and series mixed by default; a kind filter restricts.
    let kinds: std::collections::HashSet<&str> =
        recs.iter().filter_map(|r| r["type"].as_str()).collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let out = run(&args(
        &bundle,
        &[
            "--history",
            f,
            "--json",
            "--kind",
            "movie",
            "--year-max",
            "2000",
        ],
    ))
    .expect("runs");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    let recs = v["recs"].as_array().expect("recs");
    assert!(!recs.is_empty());
    assert!(recs
        .iter()
        .all(|r| r["type"] == "movie" && r["year"].as_u64().is_some_and(|y| y <= 2000)));
}

#[test]
fn history_text_reports_and_bad_files_fail_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = write_bundle(dir.path());
    let file = dir.path().join("h.csv");
    std::fs::write(&file, HISTORY).expect("write");
    let f = file.to_str().unwrap_or_default();
    let text = run(&args(&bundle, &["--history", f])).expect("runs");
    assert!(
        text.contains("7 rows, 4 matched (80.0%) to 3 titles, 1 unmatched, 2 skipped"),
        "{text}"
    );
    assert!(text.contains("skipped 1: duplicate row"), "{text}");
    assert!(
        text.contains("unmatched \"Nobody Knows This Show\" (1 rows)"),
        "{text}"
    );
    assert!(text.contains("because you watched "), "{text}");

    let bad = dir.path().join("ratings.csv");
    std::fs::write(&bad, "Profile Name,Title Name,Thumbs Value\nAna,Heat,2\n").expect("write");
    let err = run(&args(
        &bundle,
        &["--history", bad.to_str().unwrap_or_default()],
    ))
    .expect_err("not a history");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("ratings.csv") && msg.contains("not a Netflix export header"),
        "{msg}"
    );
}

/// The 20 real exports, read in place: every row accounted for, and most rows matched.
#[test]
fn real_histories_import_against_the_real_bundle() {
    let dir = common::snapshot().join("viewing_histories");
    let out = tempfile::tempdir().expect("tempdir");
    let opts = builder::build::BuildOptions {
        history: out.path().join("metrics_history.jsonl"),
        record_metrics: false,
    };
    builder::build::run(&common::snapshot_only(), out.path(), &opts).expect("build");
    let bundle_path = out.path().join(builder::build::BUNDLE_FILE);
    let bundle = Bundle::decode(&std::fs::read(&bundle_path).expect("bundle")).expect("decode");
    let resolver = engine::history::Resolver::new(&bundle.body.catalog);
    let (mut matched, mut viewing) = (0, 0);
    for n in 1..=20 {
        let path = dir.join(format!("history-{n:02}.csv"));
        let bytes = std::fs::read(&path).expect("real history");
        let import = engine::history::Import::new(&bytes, None, &resolver)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let s = import.summary(None, 0);
        assert_eq!(s.rows, s.matched_rows + s.unmatched_rows + s.skipped_rows);
        // Accounts in other languages (Czech, Polish, Japanese) match less: the catalog
        // holds English titles.
        assert!(s.match_rate() > 0.1, "{}: {s:?}", path.display());
        matched += s.matched_rows;
        viewing += s.matched_rows + s.unmatched_rows;
    }
    let rate = matched as f64 / viewing as f64;
    // 74.2% on the snapshot of 2026-07 (BENCHMARKS.md, "Next-watch benchmark").
    assert!(rate > 0.7, "overall match rate {rate}");

    // The CLI on one real file: its rows (1,000 in history-08) and no watched title back.
    let f = dir.join("history-08.csv");
    let out = run(&args(
        &bundle_path,
        &["--history", f.to_str().unwrap_or_default(), "--json"],
    ))
    .expect("runs");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["history"]["rows"], 1000);
    assert_eq!(v["recs"].as_array().map(Vec::len), Some(10));
}
