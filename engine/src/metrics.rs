//! Offline metrics computed on every build, and the field-blind TF-IDF baseline they are
//! compared with.
//!
//! For each kind, every recommendable title is used once as a one-title query (top K, same
//! kind, no filters, no MMR) and the lists are scored with:
//!
//! - `map@K` — the original system's MAP@K, a neighbour being relevant when it shares a
//!   genre with the query: `AP = Σ_i P@i · rel_i / min(K, R)` with `R` the number of
//!   relevant titles in the catalog; queries without genres are skipped.
//! - `coverage` — share of the kind's recommendable titles that appear in some list.
//! - `ils` — intra-list similarity: mean pairwise cosine of a list, by the recommender's
//!   own similarity (as the original measured it).
//! - `ild` — intra-list diversity: mean pairwise genre Jaccard distance. Model-independent,
//!   so it compares across models where `ils` cannot.
//! - `novelty` — mean self-information `−log2 p(i)` of the recommended titles, `p(i)` being
//!   the title's share of the kind's IMDb votes (+1 smoothing): higher means less obvious.
//!
//! Everything is computed from the lists in one pass, so the per-query work is the query
//! itself; [`lists`] takes a slice of queries so a native caller can split it over threads.

use crate::catalog::{Catalog, Kind};
use crate::features::{dot, normalize, Index, SparseVec};
use crate::model::{has_metadata, Model};
use crate::recommend::{like_top_k, top_n, Scratch};
use crate::text::content_words;

/// Anything that can answer a one-title query and compare two titles.
pub trait Recommender {
    /// Up to `k` title indices most similar to `query`, of kind `kind`, best first.
    fn top_k(&self, catalog: &Catalog, query: usize, kind: Kind, k: usize) -> Vec<usize>;
    /// Similarity of two titles in [0, 1].
    fn similarity(&self, a: usize, b: usize) -> f32;

    /// Sum of [`Recommender::similarity`] over the pairs of `list` (each pair once, in
    /// list order), for the intra-list similarity. A recommender may compute it faster,
    /// but must give the same sum.
    fn similarity_sum(&self, list: &[usize]) -> f64 {
        let mut s = 0.0f64;
        for (n, &a) in list.iter().enumerate() {
            for &b in &list[n + 1..] {
                s += f64::from(self.similarity(a, b));
            }
        }
        s
    }
}

impl Recommender for Model {
    fn top_k(&self, catalog: &Catalog, query: usize, kind: Kind, k: usize) -> Vec<usize> {
        // The metrics run every title as a query: reuse one set of buffers per thread and
        // skip the explanations, which the metrics never read.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
        }
        SCRATCH.with(|s| like_top_k(self, catalog, query, kind, k, &mut s.borrow_mut()))
    }

    fn similarity(&self, a: usize, b: usize) -> f32 {
        Model::similarity(self, a, b)
    }

    fn similarity_sum(&self, list: &[usize]) -> f64 {
        // Each title's vector is spread once into a dense array, and the later titles'
        // vectors are looked up in it: no merge of two sparse lists per pair. The products
        // are summed in feature order, as `dot` sums them, so the result is the same bit
        // for bit (a feature the first title lacks adds +0.0, which changes nothing).
        thread_local! {
            static DENSE: std::cell::RefCell<Vec<f32>> = std::cell::RefCell::default();
        }
        DENSE.with(|dense| {
            let dense = &mut *dense.borrow_mut();
            let mut s = 0.0f64;
            for (n, &a) in list.iter().enumerate() {
                let va = self.vector(a);
                let Some(&(last, _)) = va.last() else {
                    continue;
                };
                if dense.len() <= last as usize {
                    dense.resize(last as usize + 1, 0.0);
                }
                for &(f, x) in va {
                    dense[f as usize] = x;
                }
                for &b in &list[n + 1..] {
                    let d = self.vector(b).iter().fold(0.0f32, |acc, &(f, y)| {
                        acc + dense.get(f as usize).copied().unwrap_or(0.0) * y
                    });
                    s += f64::from(d.clamp(0.0, 1.0));
                }
                for &(f, _) in va {
                    dense[f as usize] = 0.0;
                }
            }
            s
        })
    }
}

/// Title indices of one kind that are recommendable: the queries of the evaluation.
pub fn queries(catalog: &Catalog, kind: Kind) -> Vec<usize> {
    catalog
        .titles
        .iter()
        .enumerate()
        .filter(|&(i, t)| t.kind == kind && has_metadata(catalog, i))
        .map(|(i, _)| i)
        .collect()
}

/// The top-`k` list of every query in `queries`, in order.
pub fn lists<R: Recommender + ?Sized>(
    rec: &R,
    catalog: &Catalog,
    kind: Kind,
    k: usize,
    queries: &[usize],
) -> Vec<Vec<usize>> {
    queries
        .iter()
        .map(|&q| rec.top_k(catalog, q, kind, k))
        .collect()
}

/// The five metrics of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ListMetrics {
    /// MAP@K with shared-genre relevance.
    pub map: f64,
    /// Catalog coverage, 0–1.
    pub coverage: f64,
    /// Intra-list similarity (recommender's own cosine).
    pub ils: f64,
    /// Intra-list diversity (genre Jaccard distance).
    pub ild: f64,
    /// Mean self-information in bits.
    pub novelty: f64,
}

impl ListMetrics {
    /// `(name, value)` pairs prefixed by `prefix` (e.g. `movie.map@10`).
    pub fn named(&self, prefix: &str, k: usize) -> Vec<(String, f64)> {
        vec![
            (format!("{prefix}.map@{k}"), self.map),
            (format!("{prefix}.coverage"), self.coverage),
            (format!("{prefix}.ils"), self.ils),
            (format!("{prefix}.ild"), self.ild),
            (format!("{prefix}.novelty"), self.novelty),
        ]
    }
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.iter().filter(|g| b.contains(g)).count();
    let union = a.len() + b.len() - inter;
    inter as f64 / union as f64
}

/// The pairwise part of the metrics for one list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Mean similarity of the list's pairs, by the recommender.
    pub ils: f64,
    /// Mean genre (Jaccard) distance of the list's pairs.
    pub ild: f64,
}

/// The [`Spread`] of one list; `None` below two titles. The costly part of [`evaluate`],
/// so a native caller can compute it where it computes the lists.
pub fn spread<R: Recommender + ?Sized>(
    rec: &R,
    catalog: &Catalog,
    list: &[usize],
) -> Option<Spread> {
    if list.len() < 2 {
        return None;
    }
    let titles = &catalog.titles;
    let mut d = 0.0f64;
    for (n, &a) in list.iter().enumerate() {
        for &b in &list[n + 1..] {
            d += 1.0 - jaccard(&titles[a].genres, &titles[b].genres);
        }
    }
    let pairs = (list.len() * (list.len() - 1) / 2) as f64;
    Some(Spread {
        ils: rec.similarity_sum(list) / pairs,
        ild: d / pairs,
    })
}

/// Scores the `lists` produced for `queries` (same order) with all five metrics.
pub fn evaluate<R: Recommender + ?Sized>(
    rec: &R,
    catalog: &Catalog,
    kind: Kind,
    k: usize,
    queries: &[usize],
    lists: &[Vec<usize>],
) -> ListMetrics {
    let spreads: Vec<_> = lists.iter().map(|l| spread(rec, catalog, l)).collect();
    evaluate_spread(catalog, kind, k, queries, lists, &spreads)
}

/// [`evaluate`] with each list's [`spread`] already computed (same order as `lists`).
pub fn evaluate_spread(
    catalog: &Catalog,
    kind: Kind,
    k: usize,
    queries: &[usize],
    lists: &[Vec<usize>],
    spreads: &[Option<Spread>],
) -> ListMetrics {
    let titles = &catalog.titles;
    // Titles of the kind per genre, to count the relevant set R of each query.
    let mut per_genre = vec![0u32; catalog.genres.len()];
    let mut votes_total = 0.0f64;
    // The kind's whole recommendable set, whatever subset of it was queried.
    let pool = self::queries(catalog, kind);
    for &i in &pool {
        for &g in &titles[i].genres {
            if let Some(c) = per_genre.get_mut(g as usize) {
                *c += 1;
            }
        }
        votes_total += f64::from(titles[i].imdb_votes.unwrap_or(0)) + 1.0;
    }
    let mut seen = vec![false; titles.len()];
    let (mut ap_sum, mut ap_n) = (0.0f64, 0usize);
    let (mut ils_sum, mut ild_sum, mut pair_lists) = (0.0f64, 0.0f64, 0usize);
    let (mut nov_sum, mut nov_n) = (0.0f64, 0usize);
    for ((&q, list), spread) in queries.iter().zip(lists).zip(spreads) {
        for &i in list {
            seen[i] = true;
            let p = (f64::from(titles[i].imdb_votes.unwrap_or(0)) + 1.0) / votes_total.max(1.0);
            nov_sum += -p.log2();
            nov_n += 1;
        }
        let qg = &titles[q].genres;
        if !qg.is_empty() {
            // R is at least the size of the query's largest genre (minus the query itself);
            // the exact union is not needed because R only matters when it is below K.
            let r = qg
                .iter()
                .map(|&g| per_genre.get(g as usize).copied().unwrap_or(0) as usize)
                .max()
                .unwrap_or(0)
                .saturating_sub(1);
            let denom = k.min(r.max(1));
            let (mut hits, mut ap) = (0usize, 0.0f64);
            for (pos, &i) in list.iter().enumerate() {
                if titles[i].genres.iter().any(|g| qg.contains(g)) {
                    hits += 1;
                    ap += hits as f64 / (pos + 1) as f64;
                }
            }
            ap_sum += ap / denom as f64;
            ap_n += 1;
        }
        if let Some(sp) = spread {
            ils_sum += sp.ils;
            ild_sum += sp.ild;
            pair_lists += 1;
        }
    }
    let covered = pool.iter().filter(|&&i| seen[i]).count();
    let mean = |s: f64, n: usize| if n == 0 { 0.0 } else { s / n as f64 };
    ListMetrics {
        map: mean(ap_sum, ap_n),
        coverage: mean(covered as f64, pool.len()),
        ils: mean(ils_sum, pair_lists),
        ild: mean(ild_sum, pair_lists),
        novelty: mean(nov_sum, nov_n),
    }
}

/// The original system's model: genres, cast, directors and overview concatenated into one
/// text, tokenised without stemming, raw-count TF-IDF (smooth idf), L2-normalised, cosine
/// nearest neighbours. Field-blind: a cast surname and a plot word are the same kind of
/// token. Kept as the floor the model must beat.
#[derive(Debug, Clone)]
pub struct Baseline {
    index: Index,
}

impl Baseline {
    /// Builds the baseline vectors for every title.
    pub fn build(catalog: &Catalog) -> Baseline {
        use std::collections::HashMap;
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut docs: Vec<Vec<(u32, u32)>> = Vec::with_capacity(catalog.titles.len());
        let mut df: Vec<u32> = Vec::new();
        for t in &catalog.titles {
            let mut text = String::new();
            for g in catalog.genre_names(t) {
                text.push_str(g);
                text.push(' ');
            }
            for &p in t.cast.iter().chain(&t.directors) {
                text.push_str(catalog.person(p));
                text.push(' ');
            }
            text.push_str(&t.description);
            let mut counts: Vec<(u32, u32)> = Vec::new();
            for w in content_words(&text) {
                let next = vocab.len() as u32;
                let id = *vocab.entry(w).or_insert(next);
                if id == next {
                    df.push(0);
                }
                match counts.iter_mut().find(|c| c.0 == id) {
                    Some(c) => c.1 += 1,
                    None => {
                        counts.push((id, 1));
                        df[id as usize] += 1;
                    }
                }
            }
            docs.push(counts);
        }
        let n = catalog.titles.len() as f32;
        let vectors: Vec<SparseVec> = docs
            .into_iter()
            .map(|counts| {
                let mut v: SparseVec = counts
                    .into_iter()
                    .map(|(id, c)| {
                        let idf = ((1.0 + n) / (1.0 + df[id as usize] as f32)).ln() + 1.0;
                        (id, c as f32 * idf)
                    })
                    .collect();
                v.sort_by_key(|e| e.0);
                normalize(&mut v);
                v
            })
            .collect();
        let indexed: Vec<bool> = (0..catalog.titles.len())
            .map(|i| has_metadata(catalog, i))
            .collect();
        Baseline {
            index: Index::build(vectors, df.len(), &indexed),
        }
    }
}

impl Recommender for Baseline {
    fn top_k(&self, catalog: &Catalog, query: usize, kind: Kind, k: usize) -> Vec<usize> {
        let n = self.index.len();
        let (mut acc, mut touched, mut hits) = (vec![0.0f32; n], vec![false; n], Vec::new());
        if let Some(q) = self.index.vectors.get(query) {
            self.index.accumulate(q, &mut acc, &mut touched, &mut hits);
        }
        let mut scored: Vec<(usize, f32)> = hits
            .into_iter()
            .map(|h| h as usize)
            .filter(|&i| i != query && catalog.titles[i].kind == kind && acc[i] > 0.0)
            .map(|i| (i, acc[i]))
            .collect();
        top_n(&mut scored, k);
        scored.into_iter().map(|(i, _)| i).collect()
    }

    fn similarity(&self, a: usize, b: usize) -> f32 {
        match (self.index.vectors.get(a), self.index.vectors.get(b)) {
            (Some(x), Some(y)) => dot(x, y).clamp(0.0, 1.0),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Weights;
    use crate::synth;

    #[test]
    fn metrics_are_in_range_and_model_beats_baseline_on_genres() {
        let c = synth::catalog(600, 9);
        let m = Model::build(&c, &Weights::default());
        let b = Baseline::build(&c);
        let qs = queries(&c, Kind::Movie);
        let ours = evaluate(
            &m,
            &c,
            Kind::Movie,
            10,
            &qs,
            &lists(&m, &c, Kind::Movie, 10, &qs),
        );
        let base = evaluate(
            &b,
            &c,
            Kind::Movie,
            10,
            &qs,
            &lists(&b, &c, Kind::Movie, 10, &qs),
        );
        for x in [ours, base] {
            assert!((0.0..=1.0).contains(&x.map));
            assert!((0.0..=1.0).contains(&x.coverage));
            assert!((0.0..=1.0).contains(&x.ils));
            assert!((0.0..=1.0).contains(&x.ild));
            assert!(x.novelty > 0.0);
        }
        assert!(ours.map > base.map, "ours {ours:?} base {base:?}");
    }

    #[test]
    fn dense_similarity_sum_equals_the_pairwise_sum_bit_for_bit() {
        /// The trait's default (pairwise `similarity`), to compare the model's override with.
        struct Pairwise<'a>(&'a Model);
        impl Recommender for Pairwise<'_> {
            fn top_k(&self, c: &Catalog, q: usize, kind: Kind, k: usize) -> Vec<usize> {
                self.0.top_k(c, q, kind, k)
            }
            fn similarity(&self, a: usize, b: usize) -> f32 {
                self.0.similarity(a, b)
            }
        }
        let c = synth::catalog(400, 5);
        let m = Model::build(&c, &Weights::default());
        for q in queries(&c, Kind::Movie).into_iter().take(60) {
            let mut list = m.top_k(&c, q, Kind::Movie, 10);
            list.push(q);
            assert_eq!(
                m.similarity_sum(&list).to_bits(),
                Pairwise(&m).similarity_sum(&list).to_bits(),
                "list {list:?}"
            );
        }
    }

    #[test]
    fn perfect_lists_score_one_and_misses_zero() {
        let c = synth::catalog(80, 1);
        let kind = c.titles[0].kind;
        let qs = queries(&c, kind);
        let q = qs[0];
        let g = &c.titles[q].genres;
        let same: Vec<usize> = qs[1..]
            .iter()
            .copied()
            .filter(|&i| c.titles[i].genres.iter().any(|x| g.contains(x)))
            .take(3)
            .collect();
        let other: Vec<usize> = qs[1..]
            .iter()
            .copied()
            .filter(|&i| !c.titles[i].genres.iter().any(|x| g.contains(x)))
            .take(3)
            .collect();
        assert_eq!(same.len(), 3, "synthetic catalog too small");
        let m = Model::build(&c, &Weights::default());
        let r = evaluate(&m, &c, kind, 3, &[q], std::slice::from_ref(&same));
        assert!((r.map - 1.0).abs() < 1e-9, "{r:?}");
        let r = evaluate(&m, &c, kind, 3, &[q], std::slice::from_ref(&other));
        assert_eq!(r.map, 0.0);
    }
}
