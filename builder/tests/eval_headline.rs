//! The build's metrics history leads with the behavioural figures (issue #17): a recorded
//! build on the real snapshot measures them on its viewing histories, read in place, and
//! the model beats both baselines; an unrecorded build leaves them out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use builder::train::read_history;

fn value(values: &[(String, f64)], name: &str) -> f64 {
    values
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {name} in {values:?}"))
}

#[test]
fn recorded_build_measures_behaviour_and_beats_the_baselines() {
    let out = tempfile::tempdir().unwrap();
    let history = out.path().join("metrics_history.jsonl");
    let dirs = common::snapshot_only();
    let opts = builder::build::BuildOptions {
        history: history.clone(),
        record_metrics: true,
    };
    builder::build::run(&dirs, out.path(), &opts).unwrap();
    let records = read_history(&history).unwrap();
    let v = &records.last().expect("one recorded line").values;
    assert_eq!(value(v, "data.histories"), 20.0);
    assert!(value(v, "data.one_title_queries") > 5_000.0);
    let ndcg = value(v, "model.one_title_ndcg@10");
    assert!(ndcg > value(v, "tfidf.one_title_ndcg@10"), "{v:?}");
    assert!(ndcg > value(v, "popularity.one_title_ndcg@10"), "{v:?}");
    assert!(value(v, "model.one_title_recall@10") > value(v, "tfidf.one_title_recall@10"));
    assert!(value(v, "model.one_title_coverage") >= 0.10, "{v:?}");
    assert!(value(v, "model.next_watch_hr@10") > value(v, "popularity.next_watch_hr@10"));
    assert!(value(v, "model.next_watch_ndcg@10") > value(v, "popularity.next_watch_ndcg@10"));
    // The sanity line is still there, after the headline.
    assert!(value(v, "movie.map@10") > 0.9);

    // An unrecorded build (a local build, the tests) skips the slow benchmark and leaves
    // the tracked history alone; the bundle keeps the recorded line.
    let again = tempfile::tempdir().unwrap();
    let opts = builder::build::BuildOptions {
        history: history.clone(),
        record_metrics: false,
    };
    builder::build::run(&dirs, again.path(), &opts).unwrap();
    assert_eq!(read_history(&history).unwrap().len(), records.len());
    let bytes = std::fs::read(again.path().join(builder::build::BUNDLE_FILE)).unwrap();
    let bundle = engine::Bundle::decode(&bytes).unwrap();
    let in_bundle = &bundle.body.metrics_history;
    assert!(in_bundle
        .iter()
        .any(|r| r.values.iter().any(|(n, _)| n == "model.one_title_ndcg@10")));
    let last = in_bundle.last().unwrap();
    assert!(!last.values.iter().any(|(n, _)| n.starts_with("model.")));
}
