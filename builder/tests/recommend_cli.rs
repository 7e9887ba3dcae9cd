//! `builder recommend` and the metrics history on a synthetic bundle: title lookup rules,
//! batch mode that survives bad lines, filters, and the append-only-when-changed history.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use builder::recommend::{run, TitleIndex};
use builder::train::{attach_metrics, read_history, HISTORY_FILE};
use common::recommend_args as args;
use engine::catalog::{Kind, Title};
use engine::{synth, Bundle};

/// A synthetic catalog with two films called "Heat" and a series, written as a bundle.
fn bundle() -> Bundle {
    let mut catalog = synth::catalog(400, 42);
    let drama = 0u32;
    let heat = |id: &str, year: u16, votes: u32, kind: Kind| Title {
        id: id.into(),
        title: "Heat".into(),
        kind,
        year: Some(year),
        description: "A detective hunts a crew of professional thieves across the city".into(),
        genres: vec![drama, 6],
        imdb_votes: Some(votes),
        imdb_score: Some(7.5),
        ..Title::default()
    };
    catalog
        .titles
        .push(heat("tt0113277", 1995, 600_000, Kind::Movie));
    catalog
        .titles
        .push(heat("tt9999991", 2013, 900, Kind::Movie));
    catalog.titles.push(heat("tt9999992", 1972, 50, Kind::Show));
    // Known only from a Top 10 list: a name and nothing to compare.
    catalog.titles.push(Title {
        id: "top10:kpop-nights".into(),
        title: "Kpop Nights".into(),
        trend_only: true,
        ..Title::default()
    });
    common::catalog_bundle(catalog)
}

fn write_bundle(dir: &Path) -> std::path::PathBuf {
    common::write_bundle(dir, &bundle())
}

#[test]
fn lookup_prefers_year_then_votes_and_lists_closest_on_failure() {
    let b = bundle();
    let c = &b.body.catalog;
    let idx = TitleIndex::new(c);
    let id = |i: usize| c.titles[i].id.as_str();
    assert_eq!(
        id(idx.resolve(c, "heat", None).expect("most voted")),
        "tt0113277"
    );
    assert_eq!(
        id(idx.resolve(c, "HEAT", Some(2014)).expect("±1")),
        "tt9999991"
    );
    assert_eq!(
        id(idx.resolve(c, "Heat", Some(1972)).expect("exact")),
        "tt9999992"
    );
    assert_eq!(
        id(idx.resolve(c, "Heat", Some(1800)).expect("fallback")),
        "tt0113277"
    );
    assert_eq!(
        id(idx.resolve(c, "tt9999991", None).expect("by id")),
        "tt9999991"
    );
    let err = idx.resolve(c, "Kpop Nights", None).expect_err("trend-only");
    assert!(
        err.contains("known only from the Netflix Top 10") && !err.contains("Kpop Nights ("),
        "{err}"
    );
    let err = idx.resolve(c, "Haet", None).expect_err("unknown");
    assert!(
        err.contains("no title named") && err.contains("Heat ("),
        "{err}"
    );
}

#[test]
fn single_query_json_and_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_bundle(dir.path());
    let out = run(&args(
        &path,
        &["--title", "Heat", "--year", "1995", "--k", "5", "--json"],
    ))
    .expect("runs");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json line");
    let recs = v["recs"].as_array().expect("recs");
    assert_eq!(recs.len(), 5);
    for r in recs {
        assert_eq!(r["type"], "movie");
        assert!(r["score"]
            .as_f64()
            .is_some_and(|s| (0.0..=1.0).contains(&s)));
        assert_ne!(r["id"], "tt0113277");
    }
    let text = run(&args(&path, &["--title", "Heat", "--diversity", "0.5"])).expect("runs");
    assert!(text.starts_with("Because you liked Heat (1995"), "{text}");
    assert_eq!(text.lines().count(), 11);
}

#[test]
fn filters_apply_and_unknown_names_fail_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_bundle(dir.path());
    let out = run(&args(
        &path,
        &[
            "--title",
            "Heat",
            "--json",
            "--without-genre",
            "drama",
            "--year-min",
            "2000",
        ],
    ))
    .expect("runs");
    let b = bundle();
    let c = &b.body.catalog;
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    for r in v["recs"].as_array().expect("recs") {
        let t = &c.titles[c
            .index_of(r["id"].as_str().unwrap_or_default())
            .expect("id")];
        assert!(!t.genres.contains(&0), "{} has drama", t.title);
        assert!(t.year.is_some_and(|y| y >= 2000));
    }
    let err = run(&args(&path, &["--title", "Heat", "--genre", "westerns"])).expect_err("genre");
    assert!(err.to_string().contains("unknown genre"), "{err}");
    let err = run(&args(&path, &["--title", "Hheatt"])).expect_err("title");
    assert!(err.to_string().contains("closest"), "{err}");
}

#[test]
fn batch_keeps_order_and_survives_bad_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_bundle(dir.path());
    let queries = dir.path().join("q.jsonl");
    std::fs::write(
        &queries,
        "{\"query\": \"Heat\", \"year\": 1995}\n{\"query\": \"No Such Film\", \"year\": null}\nnot json\n\n{\"query\": \"heat\", \"year\": 1972}\n",
    )
    .expect("write queries");
    let out = run(&args(
        &path,
        &[
            "--queries",
            queries.to_str().unwrap_or_default(),
            "--k",
            "3",
            "--json",
        ],
    ))
    .expect("batch runs");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["query"], "Heat");
    assert_eq!(lines[0]["year"], 1995);
    assert_eq!(lines[0]["recs"].as_array().map(Vec::len), Some(3));
    assert!(lines[0].get("error").is_none());
    assert_eq!(lines[1]["recs"].as_array().map(Vec::len), Some(0));
    assert!(lines[1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("closest")));
    assert!(lines[2]["error"].is_string());
    assert!(lines[3]["recs"]
        .as_array()
        .is_some_and(|r| r.iter().all(|x| x["type"] == "show")));
}

#[test]
fn history_appends_only_when_something_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut b = bundle();
    attach_metrics(&dir.path().join(HISTORY_FILE), &mut b, true).expect("metrics");
    let first = b.body.metrics_history.clone();
    assert_eq!(first.len(), 1);
    let names: Vec<&str> = first[0].values.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "movie.map@10",
        "movie.coverage",
        "movie.ils",
        "movie.ild",
        "show.novelty",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    assert_eq!(first[0].git_rev, "test");
    // Same build again: nothing appended, same history in the bundle.
    let mut again = bundle();
    attach_metrics(&dir.path().join(HISTORY_FILE), &mut again, true).expect("metrics");
    assert_eq!(again.body.metrics_history.len(), 1);
    assert_eq!(
        read_history(&dir.path().join(HISTORY_FILE))
            .expect("read")
            .len(),
        1
    );
    // A different catalog changes the metrics: one more line.
    let mut other = bundle();
    other.body.catalog.titles.truncate(300);
    attach_metrics(&dir.path().join(HISTORY_FILE), &mut other, true).expect("metrics");
    assert_eq!(other.body.metrics_history.len(), 2);
    // record = false never writes.
    let mut dry = bundle();
    dry.header.git_rev = "other".into();
    attach_metrics(&dir.path().join(HISTORY_FILE), &mut dry, false).expect("metrics");
    assert_eq!(dry.body.metrics_history.len(), 3);
    // An unrecorded line carries the data week, not the clock: same inputs, same bundle.
    assert_eq!(
        dry.body.metrics_history[2].time, dry.header.build_time,
        "no clock in an unrecorded build"
    );
    assert_eq!(
        read_history(&dir.path().join(HISTORY_FILE))
            .expect("read")
            .len(),
        2
    );
}
