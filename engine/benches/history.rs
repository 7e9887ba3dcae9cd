//! Criterion benchmarks of importing a viewing history on the real bundle
//! (`public/bundle.bin`, or the path in `BUNDLE`; skipped with a message when absent): a
//! 10,000-row export written from catalog titles, and the largest real export of the
//! snapshot (`../shared/data/viewing_histories/history-11.csv`, read in place), each read,
//! resolved and turned into the first ten results. The resolver is built once per catalog
//! (the app keeps it beside the model); its build is measured on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use engine::catalog::{Catalog, Kind};
use engine::history::{profile, Import, Resolver};
use engine::model::{Model, Weights};
use engine::recommend::Query;
use engine::Bundle;

fn bundle() -> Option<Bundle> {
    let path = std::path::PathBuf::from(std::env::var("BUNDLE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../public/bundle.bin").to_owned()
    }));
    match std::fs::read(&path).map(|b| Bundle::decode(&b)) {
        Ok(Ok(b)) => Some(b),
        Ok(Err(e)) => {
            eprintln!("skipping history benchmarks: {}: {e}", path.display());
            None
        }
        Err(e) => {
            eprintln!(
                "skipping history benchmarks: cannot read {}: {e}",
                path.display()
            );
            None
        }
    }
}

/// A `NetflixViewingHistory.csv` of `rows` rows, newest first, from catalog titles:
/// series as `Show: Season N: Episode k`, films by title, one row in twenty unknown.
fn synthetic_export(c: &Catalog, rows: usize) -> String {
    let mut titles: Vec<usize> = (0..c.titles.len())
        .filter(|&i| !c.titles[i].trend_only)
        .collect();
    titles.sort_by_key(|&i| std::cmp::Reverse(c.titles[i].imdb_votes.unwrap_or(0)));
    titles.truncate(1500);
    let mut out = String::from("Title,Date\n");
    let mut day = 20_000i32;
    let mut n = 0;
    let mut t = 0;
    while n < rows {
        let i = titles[t % titles.len()];
        t += 1;
        let title = &c.titles[i];
        let episodes = if title.kind == Kind::Show { 8 } else { 1 };
        for e in 0..episodes {
            if n >= rows {
                break;
            }
            let d = engine::history::Day::from_days(day);
            let name = if n % 20 == 19 {
                format!("Unknown Title {n}")
            } else if title.kind == Kind::Show {
                format!("{}: Season {}: Episode {}", title.title, 1 + e / 4, e + 1)
            } else {
                title.title.clone()
            };
            let _ = writeln!(
                out,
                "\"{}\",{}/{}/{:02}",
                name.replace('"', "\"\""),
                d.month,
                d.day,
                d.year % 100
            );
            n += 1;
            if n % 3 == 0 {
                day -= 1;
            }
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let Some(b) = bundle() else {
        return;
    };
    let cat = &b.body.catalog;
    let model = Model::build(cat, &Weights::default());
    c.bench_function("history/resolver_build", |bch| {
        bch.iter(|| black_box(Resolver::new(cat)))
    });
    let resolver = Resolver::new(cat);
    let first_results = |bytes: &[u8]| {
        let import = Import::new(bytes, None, &resolver).expect("reads");
        let w = profile::watched(&import, None);
        let as_of = profile::last_day(&w).expect("matched rows");
        profile::recommend(
            &model,
            cat,
            &w,
            &profile::Params::default(),
            as_of,
            &Query::default(),
        )
    };
    let synthetic = synthetic_export(cat, 10_000);
    c.bench_function("history/synthetic_10k_rows_to_first_results", |bch| {
        bch.iter(|| black_box(first_results(synthetic.as_bytes())))
    });
    let real = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/viewing_histories/history-11.csv"
    );
    match std::fs::read(real) {
        Ok(bytes) => {
            c.bench_function("history/real_9150_rows_to_first_results", |bch| {
                bch.iter(|| black_box(first_results(&bytes)))
            });
            // The phases of the line above, each on its own, to show where the time goes.
            c.bench_function("history/real_phase_read", |bch| {
                bch.iter(|| black_box(engine::history::read(&bytes, None).expect("reads")))
            });
            let history = engine::history::read(&bytes, None).expect("reads");
            c.bench_function("history/real_phase_resolve", |bch| {
                bch.iter(|| black_box(Import::from_history(history.clone(), &resolver)))
            });
            let import = Import::from_history(history, &resolver);
            c.bench_function("history/real_phase_profile", |bch| {
                bch.iter(|| black_box(profile::watched(&import, None)))
            });
            let w = profile::watched(&import, None);
            let as_of = profile::last_day(&w).expect("matched rows");
            c.bench_function("history/real_phase_first_results", |bch| {
                bch.iter(|| {
                    black_box(profile::recommend(
                        &model,
                        cat,
                        &w,
                        &profile::Params::default(),
                        as_of,
                        &Query::default(),
                    ))
                })
            });
        }
        Err(e) => eprintln!("skipping the real-export benchmark: {real}: {e}"),
    }
}

criterion_group! {
    name = history;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(history);
