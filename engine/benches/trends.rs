//! Criterion benchmarks of the trend queries the Trends and Title pages and the Top 10
//! fallback run, on the real bundle (`public/bundle.bin` with `details.bin` beside it, or
//! the path in `BUNDLE`; skipped with a message when absent).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use engine::trends::{
    category_shares, co_charting, country_runs_in, latest_lists, longest_running, number_ones,
    title_history, weekly_series,
};
use engine::Bundle;

fn bundle() -> Option<Bundle> {
    let path = std::path::PathBuf::from(std::env::var("BUNDLE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../public/bundle.bin").to_owned()
    }));
    let read = |p: &std::path::Path| match std::fs::read(p) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!(
                "skipping trend benchmarks: cannot read {}: {e}",
                p.display()
            );
            None
        }
    };
    let core = read(&path)?;
    let details = read(&path.with_file_name("details.bin"))?;
    Some(Bundle::decode_with_details(&core, &details).expect("a valid bundle"))
}

fn trends(c: &mut Criterion) {
    let Some(b) = bundle() else { return };
    let t = &b.body.trends;
    let cat = &b.body.catalog;
    // The trend-only title with the most global chart weeks: the costliest fallback seed.
    let seed = longest_running(&t.charted, usize::MAX)
        .into_iter()
        .find(|c| cat.titles[c.title as usize].trend_only)
        .map(|c| c.title)
        .expect("a trend-only title that charted");
    let chosen = number_ones(t, 3);
    eprintln!(
        "{} weekly rows, {} country runs; fallback seed {:?}",
        t.global.len(),
        t.country_runs.len(),
        cat.titles[seed as usize].title
    );
    c.bench_function("trends/co_charting_trend_only_title", |b| {
        b.iter(|| co_charting(black_box(t), &[seed], |_| true, 12))
    });
    c.bench_function("trends/latest_lists", |b| {
        b.iter(|| latest_lists(black_box(t)))
    });
    c.bench_function("trends/weekly_series_3_titles", |b| {
        b.iter(|| weekly_series(black_box(t), &chosen))
    });
    c.bench_function("trends/title_history", |b| {
        b.iter(|| title_history(black_box(t), chosen[0]))
    });
    c.bench_function("trends/category_shares", |b| {
        b.iter(|| category_shares(black_box(t)))
    });
    c.bench_function("trends/longest_running_15", |b| {
        b.iter(|| longest_running(black_box(&t.charted), 15))
    });
    c.bench_function("trends/country_runs_in_us", |b| {
        b.iter(|| country_runs_in(black_box(t), 0))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2));
    targets = trends
}
criterion_main!(benches);
