//! Criterion benchmark of the on-device refiner on the real bundle (`public/bundle.bin`, or
//! the path in `BUNDLE`, with `details.bin` beside it; skipped with a message when absent):
//! parse, gather candidates, re-rank, for feedback a viewer types.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use engine::catalog::Kind;
use engine::model::{Model, Weights};
use engine::recommend::Query;
use engine::refine::on_device;
use engine::search::SearchIndex;
use engine::Bundle;

const FEEDBACK: &[(&str, &str)] = &[
    (
        "lighter_no_horror_korean",
        "something lighter, no horror, Korean",
    ),
    ("korean_comedy", "korean comedy"),
    ("with_person", "with Ryan Reynolds"),
    ("not_for_kids", "not for kids"),
    ("funnier", "funnier"),
];

fn refine(c: &mut Criterion) {
    let path = std::path::PathBuf::from(std::env::var("BUNDLE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../public/bundle.bin").to_owned()
    }));
    let (Ok(core), Ok(details)) = (
        std::fs::read(&path),
        std::fs::read(path.with_file_name("details.bin")),
    ) else {
        eprintln!(
            "skipping refine benchmarks: no bundle at {}",
            path.display()
        );
        return;
    };
    let bundle = Bundle::decode(&core).and_then(|b| b.with_details(&details));
    let Ok(bundle) = bundle else {
        eprintln!("skipping refine benchmarks: the bundle does not decode");
        return;
    };
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let index = SearchIndex::build(catalog);
    // A five-film profile of popular titles, as a viewer would have.
    let mut films: Vec<usize> = (0..catalog.titles.len())
        .filter(|&i| catalog.titles[i].kind == Kind::Movie && !catalog.titles[i].genres.is_empty())
        .collect();
    films.sort_by_key(|&i| std::cmp::Reverse(catalog.titles[i].imdb_votes.unwrap_or(0)));
    let mut query = Query::like(films[0], 10);
    query.liked = films[..5].to_vec();
    for (name, text) in FEEDBACK {
        c.bench_function(&format!("refine/on_device/{name}"), |b| {
            b.iter(|| black_box(on_device(&model, catalog, &index, &query, text, 10)))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = refine
}
criterion_main!(benches);
