//! Recommendation queries: one title or a taste profile (liked titles, disliked titles
//! pushing away), filters, exact top-k over the inverted index, MMR diversity, and an
//! explanation for every result.
//!
//! Scoring. Relevance is the mean cosine to the liked titles minus `Weights::dislike` times
//! the mean cosine to the disliked ones, clamped to [0, 1] (for one title: plain cosine).
//! The prior then scales it: `score = relevance · (1 − α + α · prior)`. Candidates are the
//! titles sharing a genre, person, description term or country with the query; type and
//! era add to their scores but do not make a title a candidate on their own.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Kind, Title};
use crate::explain::Explanation;
use crate::features::{canonicalize, SparseVec};
use crate::mmr;
use crate::model::Model;

/// Hard constraints on what may be recommended. Empty fields constrain nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Only this kind (overrides the same-type default and `mix_kinds`).
    pub kind: Option<Kind>,
    /// Earliest release year (titles without a year fail when set).
    pub year_min: Option<u16>,
    /// Latest release year (titles without a year fail when set).
    pub year_max: Option<u16>,
    /// The title must carry at least one of these genres.
    pub genres_in: Vec<u32>,
    /// The title must carry none of these genres, whatever else it has.
    pub genres_out: Vec<u32>,
    /// Minimum IMDb score (titles without a score fail when set).
    pub min_imdb: Option<f32>,
    /// Must list this production country (index into `Catalog::countries`).
    pub country: Option<u32>,
    /// Age certification must be one of these (titles without one fail when non-empty).
    pub age_ratings: Vec<String>,
    /// Title indices never to return (already seen).
    pub exclude: Vec<usize>,
}

impl Filters {
    /// True when no field constrains anything (the exclude list aside).
    pub fn is_unconstrained(&self) -> bool {
        self.year_min.is_none()
            && self.year_max.is_none()
            && self.genres_in.is_empty()
            && self.genres_out.is_empty()
            && self.min_imdb.is_none()
            && self.country.is_none()
            && self.age_ratings.is_empty()
    }

    /// Whether `t` passes every filter except `exclude` and `kind` (checked by the caller,
    /// which knows the index and the effective kind).
    pub fn admits(&self, t: &Title) -> bool {
        if let Some(min) = self.year_min {
            if t.year.is_none_or(|y| y < min) {
                return false;
            }
        }
        if let Some(max) = self.year_max {
            if t.year.is_none_or(|y| y > max) {
                return false;
            }
        }
        if !self.genres_in.is_empty() && !t.genres.iter().any(|g| self.genres_in.contains(g)) {
            return false;
        }
        if t.genres.iter().any(|g| self.genres_out.contains(g)) {
            return false;
        }
        if let Some(min) = self.min_imdb {
            if t.imdb_score.is_none_or(|s| s < min) {
                return false;
            }
        }
        if let Some(c) = self.country {
            if !t.countries.contains(&c) {
                return false;
            }
        }
        if !self.age_ratings.is_empty()
            && !t
                .age_rating
                .as_ref()
                .is_some_and(|r| self.age_ratings.iter().any(|a| a.eq_ignore_ascii_case(r)))
        {
            return false;
        }
        true
    }
}

/// A recommendation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Liked title indices (one for "more like this").
    pub liked: Vec<usize>,
    /// Disliked title indices: results similar to these are pushed down.
    pub disliked: Vec<usize>,
    /// Hard constraints.
    pub filters: Filters,
    /// Number of results wanted. Default 10.
    pub k: usize,
    /// MMR λ in [0, 1]: 0 is pure relevance, higher trades relevance for variety.
    pub diversity: f32,
    /// Allow films and series together. Default false: results have the liked titles' type.
    pub mix_kinds: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            liked: Vec::new(),
            disliked: Vec::new(),
            filters: Filters::default(),
            k: 10,
            diversity: 0.0,
            mix_kinds: false,
        }
    }
}

impl Query {
    /// "More like this" for one title.
    pub fn like(index: usize, k: usize) -> Query {
        Query {
            liked: vec![index],
            k,
            ..Query::default()
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Index into `Catalog::titles`.
    pub index: usize,
    /// Final score in [0, 1] (relevance scaled by the prior).
    pub score: f32,
    /// Why it was recommended.
    pub explanation: Explanation,
}

/// The kind results must have: the filter's, else (unless mixing) the majority kind of the
/// liked titles (ties go to the first liked title's kind).
pub fn target_kind(catalog: &Catalog, query: &Query) -> Option<Kind> {
    if query.filters.kind.is_some() {
        return query.filters.kind;
    }
    if query.mix_kinds {
        return None;
    }
    let kinds: Vec<Kind> = query
        .liked
        .iter()
        .filter_map(|&i| catalog.titles.get(i).map(|t| t.kind))
        .collect();
    let first = *kinds.first()?;
    let shows = kinds.iter().filter(|&&k| k == Kind::Show).count();
    let movies = kinds.len() - shows;
    Some(match shows.cmp(&movies) {
        std::cmp::Ordering::Greater => Kind::Show,
        std::cmp::Ordering::Less => Kind::Movie,
        std::cmp::Ordering::Equal => first,
    })
}

/// The query vector: mean of the liked vectors minus `dislike` times the mean of the
/// disliked ones. Its dot with a title is the relevance before clamping.
pub fn query_vector(model: &Model, liked: &[usize], disliked: &[usize]) -> SparseVec {
    query_vector_weighted(model, liked, &[], disliked)
}

/// [`query_vector`] with the liked titles weighted: `weights[i]` belongs to `liked[i]`, and
/// the weighted mean replaces the mean. Empty `weights` (or a length that does not match,
/// or weights that do not sum to a positive number) weigh every liked title alike.
pub fn query_vector_weighted(
    model: &Model,
    liked: &[usize],
    weights: &[f32],
    disliked: &[usize],
) -> SparseVec {
    let mut parts: Vec<(u32, f32)> = Vec::new();
    let valid =
        |v: &[usize]| -> Vec<usize> { v.iter().copied().filter(|&i| i < model.len()).collect() };
    let shares = like_shares(model.len(), liked, weights);
    let (liked, disliked) = (valid(liked), valid(disliked));
    for (n, &i) in liked.iter().enumerate() {
        let w = match &shares {
            Some(s) => s[n],
            None => 1.0 / liked.len() as f32,
        };
        parts.extend(model.vector(i).iter().map(|&(f, x)| (f, x * w)));
    }
    for &i in &disliked {
        let w = -model.weights().dislike / disliked.len() as f32;
        parts.extend(model.vector(i).iter().map(|&(f, x)| (f, x * w)));
    }
    canonicalize(parts)
}

/// The normalised weights of the valid liked titles (those below `n`), in their order, or
/// None when they are to count alike.
fn like_shares(n: usize, liked: &[usize], weights: &[f32]) -> Option<Vec<f32>> {
    if weights.len() != liked.len() {
        return None;
    }
    let w: Vec<f32> = liked
        .iter()
        .zip(weights)
        .filter(|&(&i, _)| i < n)
        .map(|(_, &w)| if w.is_finite() { w.max(0.0) } else { 0.0 })
        .collect();
    let total: f32 = w.iter().sum();
    (total > 0.0).then(|| w.into_iter().map(|x| x / total).collect())
}

/// Total order for results: higher score first, then lower index (deterministic ties).
pub fn rank_order(a: &(usize, f32), b: &(usize, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Runs a query: filters, exact top-k, MMR, explanations. With no liked titles the
/// results are the filtered catalog ranked by the prior alone ("popular and well rated").
pub fn recommend(model: &Model, catalog: &Catalog, query: &Query) -> Vec<Recommendation> {
    recommend_weighted(model, catalog, query, &[])
}

/// [`recommend`] with weighted likes (`weights[i]` for `query.liked[i]`, see
/// [`query_vector_weighted`]): a profile built from a viewing history counts the titles
/// watched most and last the most.
pub fn recommend_weighted(
    model: &Model,
    catalog: &Catalog,
    query: &Query,
    weights: &[f32],
) -> Vec<Recommendation> {
    let n = model.len().min(catalog.titles.len());
    if query.k == 0 || n == 0 {
        return Vec::new();
    }
    let kind = target_kind(catalog, query);
    let mut blocked = vec![false; n];
    for &i in query
        .liked
        .iter()
        .chain(&query.disliked)
        .chain(&query.filters.exclude)
    {
        if i < n {
            blocked[i] = true;
        }
    }
    // Cheap checks (flags and kind live in the model's compact arrays) run on every hit;
    // the full filters only on the best candidates, in rank order, until enough pass.
    let eligible =
        |i: usize| !blocked[i] && model.is_candidate(i) && kind.is_none_or(|k| model.kind(i) == k);
    let alpha = model.weights().prior.clamp(0.0, 1.0);
    let shares = like_shares(n, &query.liked, weights);
    let liked: Vec<usize> = query.liked.iter().copied().filter(|&i| i < n).collect();
    let q = query_vector_weighted(
        model,
        &liked,
        shares.as_deref().unwrap_or(&[]),
        &query.disliked,
    );

    let mut scored: Vec<(usize, f32)> = Vec::new();
    let mut relevance = vec![0.0f32; 0];
    if liked.is_empty() {
        scored.extend((0..n).filter(|&i| eligible(i)).map(|i| (i, model.prior(i))));
    } else {
        let mut acc = vec![0.0f32; n];
        let mut touched = vec![false; n];
        let mut hits = Vec::new();
        model
            .index()
            .accumulate(&q, &mut acc, &mut touched, &mut hits);
        relevance = acc;
        // Modifier features (type, era) have the highest ids, so adding them last keeps
        // the summation order of a plain dot product over the whole vectors.
        let qm = model.query_mods(&q);
        for &h in &hits {
            let i = h as usize;
            relevance[i] = model.add_modifiers(&qm, i, relevance[i]);
            let rel = relevance[i].clamp(0.0, 1.0);
            relevance[i] = rel;
            if rel > 0.0 && eligible(i) {
                scored.push((i, rel * (1.0 - alpha + alpha * model.prior(i))));
            }
        }
    }

    let diversity = if query.diversity.is_finite() {
        query.diversity.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // MMR needs a pool to choose from; plain ranking only needs the top k.
    let pool = if diversity > 0.0 {
        (query.k * 5).max(50)
    } else {
        query.k
    };
    let filters = &query.filters;
    let scored = if filters.is_unconstrained() {
        top_n(&mut scored, pool);
        scored
    } else {
        best_admitted(scored, pool, |i| filters.admits(&catalog.titles[i]))
    };
    let picked = mmr::rerank(&scored, query.k, diversity, |a, b| model.similarity(a, b));
    picked
        .into_iter()
        .map(|(i, score)| {
            let content = relevance.get(i).copied().unwrap_or(0.0);
            Recommendation {
                index: i,
                score,
                explanation: Explanation::build(
                    model,
                    catalog,
                    &q,
                    (liked.as_slice(), shares.as_deref()),
                    i,
                    content,
                    score,
                ),
            }
        })
        .collect()
}

/// Buffers reused across one-title queries by [`like_top_k`]: the accumulator is zeroed as
/// it is scanned, so nothing is allocated per query.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    acc: Vec<f32>,
    /// The k best so far of the current query, in rank order.
    best: Vec<(usize, f32)>,
}

/// The indices `recommend` returns for `Query::like(query, k)` restricted to `kind`, without
/// explanations and with reused buffers: the offline metrics run this once per title, so it
/// must be cheap. Same candidates, same scores, same order as [`recommend`] (the metrics
/// would drift otherwise); a test checks the two agree.
pub(crate) fn like_top_k(
    model: &Model,
    catalog: &Catalog,
    query: usize,
    kind: Kind,
    k: usize,
    s: &mut Scratch,
) -> Vec<usize> {
    let n = model.len().min(catalog.titles.len());
    if k == 0 || query >= n {
        let mut q = Query::like(query, k);
        q.filters.kind = Some(kind);
        return recommend(model, catalog, &q)
            .into_iter()
            .map(|r| r.index)
            .collect();
    }
    // Only this kind's candidates can be results, so only their postings are summed, into
    // a dense array of them alone.
    let ki = model.kind_index(kind);
    let m = ki.mods_norm.len();
    if s.acc.len() < m {
        s.acc.resize(m, 0.0);
    }
    let acc = &mut s.acc[..m];
    s.best.clear();
    let alpha = model.weights().prior.clamp(0.0, 1.0);
    let q = query_vector(model, &[query], &[]);
    if q.iter().any(|&(_, x)| x <= 0.0) {
        // Not the positive vector of one title (cannot happen with the model's features,
        // whose values are all positive); take the general path rather than risk a
        // different candidate set.
        let mut full = Query::like(query, k);
        full.filters.kind = Some(kind);
        return recommend(model, catalog, &full)
            .into_iter()
            .map(|r| r.index)
            .collect();
    }
    ki.index.accumulate_dense(&q, acc);
    let qm = model.query_mods(&q);
    let q_mods = qm.norm();
    // One pass over the kind's candidates. `best` holds the k best so far in rank order;
    // once it is full, a candidate whose score cannot reach the k-th (its content plus the
    // most its type and era can add, times its prior factor) is skipped unscored: about
    // 60% of a film's candidates are hits, but only ~2% can still enter its top 10. The
    // test runs on blocks of candidates without a branch per candidate ("is this a hit"
    // alone would be a coin toss the branch predictor loses); only a block holding a
    // possible entry is looked at one by one. The accumulator is zeroed as it is read,
    // ready for the next query.
    const BLOCK: usize = crate::model::SCAN_BLOCK;
    let best = &mut s.best;
    let mut kth = f32::NEG_INFINITY;
    // The margin covers rounding: the bound is summed in another order than the score,
    // so it may come out a few ulps low.
    let open = |content: f32, mods_norm: f32, factor: f32, kth: f32| {
        let bound = (content + q_mods * mods_norm) * factor * (1.0 + 1e-4);
        (content != 0.0) & (bound >= kth)
    };
    // The kind index pads its arrays to whole blocks (the padding's content stays 0).
    let (acc_blocks, _) = acc.as_chunks_mut::<BLOCK>();
    let (norm_blocks, _) = ki.mods_norm.as_chunks::<BLOCK>();
    let (factor_blocks, _) = ki.factor.as_chunks::<BLOCK>();
    let blocks = acc_blocks.iter_mut().zip(norm_blocks).zip(factor_blocks);
    for (b, ((a, mods_norm), factor)) in blocks.enumerate() {
        let mut any = false;
        for l in 0..BLOCK {
            any |= open(a[l], mods_norm[l], factor[l], kth);
        }
        if any {
            for (l, ((c, &m), &f)) in a.iter().zip(mods_norm).zip(factor).enumerate() {
                let content = *c;
                // `kth` may have risen within the block.
                if !open(content, m, f, kth) {
                    continue;
                }
                let i = ki.docs[b * BLOCK + l] as usize;
                if i == query {
                    continue;
                }
                let rel = model.add_modifiers(&qm, i, content).clamp(0.0, 1.0);
                if rel <= 0.0 {
                    continue;
                }
                let hit = (i, rel * (1.0 - alpha + alpha * model.prior(i)));
                if best.len() == k {
                    if rank_order(&hit, &best[k - 1]) != std::cmp::Ordering::Less {
                        continue;
                    }
                    best.pop();
                }
                let at = best.partition_point(|e| rank_order(e, &hit) == std::cmp::Ordering::Less);
                best.insert(at, hit);
                if best.len() == k {
                    kth = best[k - 1].1;
                }
            }
        }
        *a = [0.0; BLOCK];
    }
    best.iter().map(|&(i, _)| i).collect()
}

/// Heap entry ordered so that the best result (by [`rank_order`]) is the greatest.
struct Ranked(usize, f32);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        rank_order(&(other.0, other.1), &(self.0, self.1))
    }
}

/// The best `n` items of `v` (sorted by [`rank_order`]) that pass `admit`, testing items in
/// rank order so that a costly `admit` runs on few of them: heapify is linear, each pop
/// logarithmic.
pub fn best_admitted(
    v: Vec<(usize, f32)>,
    n: usize,
    admit: impl Fn(usize) -> bool,
) -> Vec<(usize, f32)> {
    let mut heap: std::collections::BinaryHeap<Ranked> =
        v.into_iter().map(|(i, s)| Ranked(i, s)).collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(Ranked(i, s)) = heap.pop() else {
            break;
        };
        if admit(i) {
            out.push((i, s));
        }
    }
    out
}

/// Keeps the best `n` of `v` (by [`rank_order`]), sorted.
pub fn top_n(v: &mut Vec<(usize, f32)>, n: usize) {
    if v.len() > n && n > 0 {
        v.select_nth_unstable_by(n - 1, rank_order);
        v.truncate(n);
    }
    v.sort_unstable_by(rank_order);
    v.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Weights};
    use crate::synth;

    #[test]
    fn one_title_query_returns_k_same_kind_explained() {
        let c = synth::catalog(500, 11);
        let m = Model::build(&c, &Weights::default());
        let q = Query::like(3, 10);
        let recs = recommend(&m, &c, &q);
        assert_eq!(recs.len(), 10);
        for r in &recs {
            assert_ne!(r.index, 3);
            assert_eq!(c.titles[r.index].kind, c.titles[3].kind);
            let total: f32 =
                r.explanation.blocks.iter().map(|b| b.1).sum::<f32>() + r.explanation.prior_share;
            assert!((total - 1.0).abs() < 1e-3, "shares add to {total}");
        }
        assert!(recs.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn fast_path_matches_recommend() {
        let c = synth::catalog(800, 7);
        // The fast path skips candidates by a bound that involves the prior and the type
        // and era weights: check it with the defaults, with no prior, and with a full
        // prior and heavy type and era weights.
        let weights = [
            Weights::default(),
            Weights {
                prior: 0.0,
                ..Weights::default()
            },
            Weights {
                prior: 1.0,
                era: 3.0,
                kind: 2.0,
                ..Weights::default()
            },
        ];
        for w in weights {
            let m = Model::build(&c, &w);
            let mut s = Scratch::default();
            for q in 0..c.titles.len() {
                let kind = c.titles[q].kind;
                for k in [1, 10, 25] {
                    let mut full = Query::like(q, k);
                    full.filters.kind = Some(kind);
                    let want: Vec<usize> =
                        recommend(&m, &c, &full).iter().map(|r| r.index).collect();
                    let got = like_top_k(&m, &c, q, kind, k, &mut s);
                    assert_eq!(got, want, "query {q}, k {k}, weights {w:?}");
                }
            }
        }
    }

    #[test]
    fn dislike_pushes_away() {
        let c = synth::catalog(500, 5);
        let m = Model::build(&c, &Weights::default());
        let base = recommend(&m, &c, &Query::like(0, 5));
        let top = base[0].index;
        let q = Query {
            liked: vec![0],
            disliked: vec![top],
            k: 5,
            ..Query::default()
        };
        let pushed = recommend(&m, &c, &q);
        assert!(pushed.iter().all(|r| r.index != top));
    }

    #[test]
    fn no_liked_titles_ranks_by_prior() {
        let c = synth::catalog(200, 2);
        let m = Model::build(&c, &Weights::default());
        let recs = recommend(&m, &c, &Query::default());
        assert_eq!(recs.len(), 10);
        assert!(recs.iter().all(|r| r.explanation.prior_share == 1.0));
        assert_eq!(recs[0].explanation.share(Block::Genres), 0.0);
    }
}
