//! Property tests of the recommender: exact top-k, bounded symmetric similarity, filter
//! rules that always hold, and MMR at λ = 0 being plain ranking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use engine::catalog::{Catalog, Kind};
use engine::features::dot;
use engine::mmr;
use engine::model::{has_metadata, Model, Weights};
use engine::recommend::{query_vector, rank_order, recommend, target_kind, Filters, Query};
use engine::synth;
use proptest::prelude::*;

/// A catalog and its model for a seed (small enough to build per case).
fn setup(seed: u64, n: usize) -> (Catalog, Model) {
    let c = synth::catalog(n, seed);
    let m = Model::build(&c, &Weights::default());
    (c, m)
}

/// Everything in a query that proptest draws, as raw numbers mapped onto the catalog.
#[derive(Debug, Clone)]
struct Draw {
    liked: Vec<usize>,
    disliked: Vec<usize>,
    exclude: Vec<usize>,
    genres_in: Vec<u32>,
    genres_out: Vec<u32>,
    kind: Option<bool>,
    years: Option<(u16, u16)>,
    min_imdb: Option<f32>,
    k: usize,
    mix: bool,
}

fn draw() -> impl Strategy<Value = Draw> {
    (
        prop::collection::vec(0usize..10_000, 1..4),
        prop::collection::vec(0usize..10_000, 0..3),
        prop::collection::vec(0usize..10_000, 0..30),
        prop::collection::vec(0u32..19, 0..3),
        prop::collection::vec(0u32..19, 0..3),
        prop::option::of(any::<bool>()),
        prop::option::of((1950u16..2024, 0u16..40)),
        prop::option::of(3.0f32..9.0),
        1usize..25,
        any::<bool>(),
    )
        .prop_map(
            |(liked, disliked, exclude, genres_in, genres_out, kind, years, min_imdb, k, mix)| {
                Draw {
                    liked,
                    disliked,
                    exclude,
                    genres_in,
                    genres_out,
                    kind,
                    years: years.map(|(a, span)| (a, a.saturating_add(span))),
                    min_imdb,
                    k,
                    mix,
                }
            },
        )
}

fn query_of(d: &Draw, n: usize) -> Query {
    Query {
        liked: d.liked.iter().map(|i| i % n).collect(),
        disliked: d.disliked.iter().map(|i| i % n).collect(),
        filters: Filters {
            kind: d.kind.map(|s| if s { Kind::Show } else { Kind::Movie }),
            year_min: d.years.map(|y| y.0),
            year_max: d.years.map(|y| y.1),
            genres_in: d.genres_in.clone(),
            genres_out: d.genres_out.clone(),
            min_imdb: d.min_imdb,
            exclude: d.exclude.iter().map(|i| i % n).collect(),
            ..Filters::default()
        },
        k: d.k,
        diversity: 0.0,
        mix_kinds: d.mix,
    }
}

/// Scores every title directly (no index), applying the rules as the issue states them.
fn brute_force(m: &Model, c: &Catalog, q: &Query) -> Vec<(usize, f32)> {
    let kind = target_kind(c, q);
    let qv = query_vector(m, &q.liked, &q.disliked);
    let alpha = m.weights().prior;
    let f = &q.filters;
    let mut all: Vec<(usize, f32)> = (0..c.titles.len())
        .filter(|&i| {
            let t = &c.titles[i];
            !q.liked.contains(&i)
                && !q.disliked.contains(&i)
                && !f.exclude.contains(&i)
                && has_metadata(c, i)
                && kind.is_none_or(|k| t.kind == k)
                && f.year_min.is_none_or(|y| t.year.is_some_and(|ty| ty >= y))
                && f.year_max.is_none_or(|y| t.year.is_some_and(|ty| ty <= y))
                && (f.genres_in.is_empty() || t.genres.iter().any(|g| f.genres_in.contains(g)))
                && !t.genres.iter().any(|g| f.genres_out.contains(g))
                && f.min_imdb
                    .is_none_or(|s| t.imdb_score.is_some_and(|ts| ts >= s))
        })
        .filter(|&i| {
            // Only titles sharing a searchable (non type/era) feature are candidates.
            let split = m.modifiers_start();
            m.vector(i)
                .iter()
                .any(|&(f, _)| f < split && qv.iter().any(|&(g, x)| g == f && x != 0.0))
        })
        .filter_map(|i| {
            let rel = dot(&qv, m.vector(i)).clamp(0.0, 1.0);
            (rel > 0.0).then(|| (i, rel * (1.0 - alpha + alpha * m.prior(i))))
        })
        .collect();
    all.sort_by(rank_order);
    all.truncate(q.k);
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn top_k_equals_brute_force(seed in 0u64..1000, n in 40usize..260, d in draw()) {
        let (c, m) = setup(seed, n);
        let q = query_of(&d, n);
        let got: Vec<(usize, f32)> =
            recommend(&m, &c, &q).into_iter().map(|r| (r.index, r.score)).collect();
        let want = brute_force(&m, &c, &q);
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!(g.0, w.0);
            prop_assert!((g.1 - w.1).abs() < 1e-6);
        }
    }

    #[test]
    fn similarity_symmetric_and_bounded(seed in 0u64..1000, pairs in prop::collection::vec((0usize..500, 0usize..500), 1..40)) {
        let (c, m) = setup(seed, 120);
        let n = c.titles.len();
        for (a, b) in pairs {
            let (a, b) = (a % n, b % n);
            let s = m.similarity(a, b);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert_eq!(s, m.similarity(b, a));
        }
        prop_assert_eq!(m.similarity(0, n + 5), 0.0);
    }

    #[test]
    fn excluded_genres_and_titles_never_returned(seed in 0u64..1000, d in draw(), lambda in 0.0f32..1.0) {
        let (c, m) = setup(seed, 200);
        let mut q = query_of(&d, 200);
        q.diversity = lambda;
        for r in recommend(&m, &c, &q) {
            let t = &c.titles[r.index];
            prop_assert!(!t.genres.iter().any(|g| q.filters.genres_out.contains(g)));
            prop_assert!(!q.filters.exclude.contains(&r.index));
            prop_assert!(!q.liked.contains(&r.index));
            prop_assert!(q.filters.genres_in.is_empty()
                || t.genres.iter().any(|g| q.filters.genres_in.contains(g)));
            prop_assert!((0.0..=1.0).contains(&r.score));
        }
    }

    #[test]
    fn mmr_at_zero_is_plain_ranking(
        mut ranked in prop::collection::vec((0usize..1000, 0.0f32..1.0), 0..60),
        k in 0usize..30,
    ) {
        ranked.sort_by(rank_order);
        let out = mmr::rerank(&ranked, k, 0.0, |a, b| if a == b { 1.0 } else { 0.5 });
        let want: Vec<(usize, f32)> = ranked.iter().take(k).copied().collect();
        prop_assert_eq!(out, want);
    }

    #[test]
    fn recommend_with_zero_diversity_matches_mmr_free_ranking(seed in 0u64..1000, d in draw()) {
        let (c, m) = setup(seed, 150);
        let mut q = query_of(&d, 150);
        let plain = recommend(&m, &c, &q);
        // A pool larger than k (what MMR uses) must not change the plain order.
        q.diversity = 0.0;
        q.k = d.k * 5;
        let wide = recommend(&m, &c, &q);
        prop_assert!(wide.len() >= plain.len());
        for (a, b) in plain.iter().zip(&wide) {
            prop_assert_eq!(a.index, b.index);
        }
    }
}
