//! Criterion benchmarks of the recommender on the real bundle (`public/bundle.bin`, or the
//! path in `BUNDLE`, with `details.bin` beside it; skipped with a message when absent) and
//! on a synthetic catalog ten times larger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use engine::catalog::{Catalog, Kind};
use engine::metrics;
use engine::model::{Model, Weights};
use engine::recommend::{recommend, Filters, Query};
use engine::{synth, Bundle};

/// The core bundle's bytes and its details file's.
fn bundle_bytes() -> Option<(Vec<u8>, Vec<u8>)> {
    let path = std::path::PathBuf::from(std::env::var("BUNDLE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../public/bundle.bin").to_owned()
    }));
    let read = |p: &std::path::Path| match std::fs::read(p) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!(
                "skipping real-bundle benchmarks: cannot read {}: {e}",
                p.display()
            );
            None
        }
    };
    Some((read(&path)?, read(&path.with_file_name("details.bin"))?))
}

/// The most-voted films: realistic seeds for queries.
fn popular(c: &Catalog, kind: Kind, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..c.titles.len())
        .filter(|&i| c.titles[i].kind == kind && !c.titles[i].genres.is_empty())
        .collect();
    v.sort_by_key(|&i| std::cmp::Reverse(c.titles[i].imdb_votes.unwrap_or(0)));
    v.truncate(n);
    v
}

fn profile_query(c: &Catalog, seeds: &[usize]) -> Query {
    let drama = c.genres.iter().position(|g| g == "drama").map(|g| g as u32);
    Query {
        liked: seeds[..5.min(seeds.len())].to_vec(),
        disliked: seeds.get(5).copied().into_iter().collect(),
        filters: Filters {
            year_min: Some(1990),
            genres_out: drama.into_iter().collect(),
            min_imdb: Some(6.0),
            exclude: seeds.get(6..20).map(<[usize]>::to_vec).unwrap_or_default(),
            ..Filters::default()
        },
        k: 10,
        diversity: 0.3,
        mix_kinds: false,
    }
}

fn queries(c: &mut Criterion, name: &str, catalog: &Catalog) {
    let model = Model::build(catalog, &Weights::default());
    let seeds = popular(catalog, Kind::Movie, 200);
    let mut n = 0usize;
    c.bench_function(&format!("{name}/one_title_query"), |b| {
        b.iter(|| {
            n = (n + 1) % seeds.len();
            black_box(recommend(&model, catalog, &Query::like(seeds[n], 10)))
        })
    });
    let q = profile_query(catalog, &seeds);
    c.bench_function(&format!("{name}/profile5_filters_mmr"), |b| {
        b.iter(|| black_box(recommend(&model, catalog, &q)))
    });
}

fn real(c: &mut Criterion) {
    let Some((bytes, details)) = bundle_bytes() else {
        return;
    };
    let bundle = match Bundle::decode(&bytes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("skipping real-bundle benchmarks: {e}");
            return;
        }
    };
    c.bench_function("real/bundle_decode", |b| {
        // The app keeps what it decodes: dropping it is not part of the figure.
        b.iter_with_large_drop(|| Bundle::decode(black_box(&bytes)))
    });
    // What the app does once the first results are on screen.
    c.bench_function("real/details_attach", |b| {
        b.iter_with_large_drop(|| bundle.with_details(black_box(&details)))
    });
    let catalog = &bundle.body.catalog;
    c.bench_function("real/model_build", |b| {
        b.iter(|| black_box(Model::build(catalog, &Weights::default()).len()))
    });
    queries(c, "real", catalog);
    // The build's offline evaluation on one core: every recommendable title once as a
    // query, then the five metrics (the builder splits the queries over both cores).
    let model = Model::build(catalog, &Weights::default());
    let mut group = c.benchmark_group("real");
    group.sample_size(10);
    group.bench_function("metrics_every_title", |b| {
        b.iter(|| {
            [Kind::Movie, Kind::Show].map(|kind| {
                let qs = metrics::queries(catalog, kind);
                let lists = metrics::lists(&model, catalog, kind, 10, &qs);
                black_box(metrics::evaluate(&model, catalog, kind, 10, &qs, &lists))
            })
        })
    });
    group.finish();
}

fn synthetic_10x(c: &mut Criterion) {
    // Ten times the real catalog (~11k recommendable titles).
    let catalog = synth::catalog(110_000, 2024);
    queries(c, "synthetic_10x", &catalog);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = real, synthetic_10x
}
criterion_main!(benches);
