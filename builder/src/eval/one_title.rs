//! The one-title benchmark: "more like this" lists scored against what the person went on
//! to watch, beside the original TF-IDF and popularity, with the signals tried on it.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use engine::catalog::Catalog;
use engine::history::{Day, Import};
use engine::metrics::{Baseline, Recommender as _};
use engine::model::{Model, Weights};
use engine::recommend::{recommend, top_n, Filters, Query};
use engine::Bundle;

use super::{candidates, row, Audience, EvalArgs, Histories, Scores, K};

/// Days after a title's first viewing whose first viewings of other titles are its truth.
const ONE_TITLE_WINDOW: i32 = 30;
/// Content candidates the audience re-ranking looks at per query.
const POOL: usize = 100;

/// One one-title query: a title a person watched and what they went on to watch.
pub(super) struct OneQuery {
    /// History file (index into the files read).
    pub(super) file: usize,
    /// The title watched (the "more like this" title).
    pub(super) title: usize,
    /// Nothing released after the window's last year is listed.
    pub(super) year_max: u16,
    /// Catalog titles of the same kind first watched in the window after it.
    pub(super) truth: HashSet<usize>,
}

/// The one-title queries of one history: every recommendable title watched, with the
/// titles of its kind first watched in the [`ONE_TITLE_WINDOW`] days from its own first
/// viewing (the same day included: a binge starts on the day).
fn one_title_queries(file: usize, import: &Import, model: &Model) -> Vec<OneQuery> {
    let mut first: HashMap<usize, i32> = HashMap::new();
    for (i, e) in import.history.entries.iter().enumerate() {
        if let Some(t) = import.title_of(i) {
            if t < model.len() && model.is_candidate(t) {
                let f = first.entry(t).or_insert(e.day.days());
                *f = (*f).min(e.day.days());
            }
        }
    }
    let mut by_day: Vec<(i32, usize)> = first.iter().map(|(&t, &d)| (d, t)).collect();
    by_day.sort_unstable();
    let mut out = Vec::new();
    for &(d, a) in &by_day {
        let lo = by_day.partition_point(|e| e.0 < d);
        let hi = by_day.partition_point(|e| e.0 < d + ONE_TITLE_WINDOW);
        let truth: HashSet<usize> = by_day[lo..hi]
            .iter()
            .map(|e| e.1)
            .filter(|&b| b != a && model.kind(b) == model.kind(a))
            .collect();
        if truth.is_empty() {
            continue;
        }
        out.push(OneQuery {
            file,
            title: a,
            year_max: Day::from_days(d + ONE_TITLE_WINDOW).year,
            truth,
        });
    }
    out.sort_by_key(|q| q.title);
    out
}

/// The original system's TF-IDF (`engine::metrics::Baseline`) for one query, with the same
/// kind and year rule as the model's list.
pub(super) fn tfidf_list(
    base: &Baseline,
    catalog: &Catalog,
    model: &Model,
    q: &OneQuery,
) -> Vec<usize> {
    base.top_k(catalog, q.title, model.kind(q.title), POOL)
        .into_iter()
        .filter(|&i| {
            model.is_candidate(i)
                && catalog
                    .titles
                    .get(i)
                    .is_some_and(|t| t.year.is_some_and(|y| y <= q.year_max))
        })
        .take(K)
        .collect()
}

/// The popularity prior alone, same kind and year rule.
pub(super) fn popular_one(model: &Model, catalog: &Catalog, q: &OneQuery) -> Vec<usize> {
    let query = Query {
        k: K,
        filters: Filters {
            kind: Some(model.kind(q.title)),
            year_max: Some(q.year_max),
            exclude: vec![q.title],
            ..Filters::default()
        },
        ..Query::default()
    };
    recommend(model, catalog, &query)
        .into_iter()
        .map(|r| r.index)
        .collect()
}

/// One variant of the model for the one-title lists.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Variant {
    /// Share of the prior (`Weights::prior`).
    prior: f32,
    /// Weight of the audience cosine added to the content score.
    audience: f32,
    /// Audience features per country and week (else per country).
    weeks: bool,
}

/// The model's one-title list: `recommend` with `Query::like`; with `extra` signals, the
/// content pool re-ranked by `score + Σ w · signal cosine` (titles outside the content
/// pool that share a signal join with the signal terms alone).
pub(super) fn model_one(
    model: &Model,
    catalog: &Catalog,
    extra: &[(&Audience, f32)],
    q: &OneQuery,
) -> Vec<usize> {
    let mut query = Query::like(q.title, K);
    query.filters.year_max = Some(q.year_max);
    let extra: Vec<(&Audience, f32)> = extra.iter().copied().filter(|e| e.1 > 0.0).collect();
    if extra.is_empty() {
        return recommend(model, catalog, &query)
            .into_iter()
            .map(|r| r.index)
            .collect();
    }
    query.k = POOL;
    let mut bonus: HashMap<usize, f32> = HashMap::new();
    for (signal, w) in &extra {
        for (i, x) in signal.neighbours(q.title) {
            *bonus.entry(i).or_default() += w * x;
        }
    }
    let mut scored: HashMap<usize, f32> = recommend(model, catalog, &query)
        .into_iter()
        .map(|r| {
            (
                r.index,
                r.score + bonus.get(&r.index).copied().unwrap_or(0.0),
            )
        })
        .collect();
    let kind = model.kind(q.title);
    for (&i, &x) in &bonus {
        if x > 0.0
            && i != q.title
            && !scored.contains_key(&i)
            && model.is_candidate(i)
            && model.kind(i) == kind
            && catalog
                .titles
                .get(i)
                .is_some_and(|t| t.year.is_some_and(|y| y <= q.year_max))
        {
            scored.insert(i, x);
        }
    }
    let mut v: Vec<(usize, f32)> = scored.into_iter().collect();
    top_n(&mut v, K);
    v.into_iter().map(|(i, _)| i).collect()
}

/// Per-file scores and the set of listed titles of one method over the queries.
pub(super) fn score_one(
    n_files: usize,
    queries: &[OneQuery],
    list: impl Fn(&OneQuery) -> Vec<usize> + Sync,
) -> (Vec<Scores>, HashSet<usize>) {
    let lists = crate::par::map_ordered(queries, &list);
    let mut per = vec![Scores::default(); n_files];
    let mut seen = HashSet::new();
    for (q, l) in queries.iter().zip(&lists) {
        if let Some(s) = per.get_mut(q.file) {
            s.add(l, &q.truth);
        }
        seen.extend(l.iter().copied());
    }
    (per, seen)
}

pub(super) fn total_of(per: &[Scores], skip: Option<usize>) -> Scores {
    let mut s = Scores::default();
    for (f, x) in per.iter().enumerate() {
        if Some(f) != skip {
            s.merge(x);
        }
    }
    s
}

/// The one-title queries of every history read.
pub(super) fn queries_of(h: &Histories, model: &Model) -> Vec<OneQuery> {
    h.imports
        .iter()
        .enumerate()
        .flat_map(|(f, import)| one_title_queries(f, import, model))
        .collect()
}

/// The one-title benchmark: the model (and its variants), TF-IDF and popularity.
pub(super) fn one_title(
    out: &mut String,
    bundle: &Bundle,
    h: &Histories,
    have_details: bool,
    args: &EvalArgs,
) {
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let names = &h.names;
    let queries = queries_of(h, &model);
    let n_cand = candidates(&model);
    let cov = |s: &HashSet<usize>| Some(s.len() as f64 / n_cand as f64);
    let _ = writeln!(
        out,
        "\none-title benchmark: {} queries from {} histories (a watched title; truth: titles of its kind first watched in the {ONE_TITLE_WINDOW} days from it; mean {:.1} per query)",
        queries.len(),
        names.len(),
        queries.iter().map(|q| q.truth.len()).sum::<usize>() as f64 / queries.len().max(1) as f64
    );
    let _ = writeln!(
        out,
        "  {:<28} {:>7} {:>9} {:>8} {:>9}",
        "method", "HR@10", "recall@10", "nDCG@10", "coverage"
    );
    let (ours, seen) = score_one(names.len(), &queries, |q| {
        model_one(&model, catalog, &[], q)
    });
    row(out, "model (like this)", &total_of(&ours, None), cov(&seen));
    let base = Baseline::build(catalog);
    let (tf, seen) = score_one(names.len(), &queries, |q| {
        tfidf_list(&base, catalog, &model, q)
    });
    row(
        out,
        "TF-IDF (original system)",
        &total_of(&tf, None),
        cov(&seen),
    );
    let (pop, seen) = score_one(names.len(), &queries, |q| popular_one(&model, catalog, q));
    row(out, "popularity", &total_of(&pop, None), cov(&seen));
    if !args.tune {
        return;
    }
    // Signals: the prior's share and the audience term, each before/after, then chosen
    // together leave-one-history-out.
    let auds: Option<[Audience; 2]> = have_details.then(|| {
        [
            Audience::build(bundle, catalog.titles.len(), true),
            Audience::build(bundle, catalog.titles.len(), false),
        ]
    });
    match &auds {
        Some(a) => {
            let _ = writeln!(
                out,
                "  audience vectors: {} titles with country charts, {} country runs",
                a[0].charted(),
                bundle.body.trends.country_runs.len()
            );
            // What shipping the term would add to the core file: the runs, as the details
            // file writes them.
            let mut without = bundle.clone();
            without.body.trends.country_runs.clear();
            if let (Ok(with), Ok(without)) = (bundle.encode_details(), without.encode_details()) {
                let _ = writeln!(
                    out,
                    "  country runs on the wire: {} bytes (details file, before compression)",
                    with.len().saturating_sub(without.len())
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "  audience term not tried: no details.bin beside the bundle"
            );
        }
    }
    let mut variants: Vec<Variant> = [0.0f32, 0.1, 0.25, 0.4, 0.6, 0.8]
        .iter()
        .map(|&prior| Variant {
            prior,
            audience: 0.0,
            weeks: false,
        })
        .collect();
    if auds.is_some() {
        for prior in [0.25f32, 0.4] {
            for (weeks, ws) in [
                (true, &[0.4f32, 0.8, 1.6, 3.2, 6.4][..]),
                (false, &[0.2f32, 0.4, 0.8][..]),
            ] {
                for &audience in ws {
                    variants.push(Variant {
                        prior,
                        audience,
                        weeks,
                    });
                }
            }
        }
    }
    let mut grid: Vec<(Variant, Vec<Scores>, f64)> = Vec::new();
    let mut built: Option<(f32, Model)> = None;
    for v in variants {
        if built.as_ref().is_none_or(|b| b.0 != v.prior) {
            let w = Weights {
                prior: v.prior,
                ..Weights::default()
            };
            built = Some((v.prior, Model::build(catalog, &w)));
        }
        let Some((_, m)) = &built else { continue };
        let aud = auds.as_ref().map(|a| &a[usize::from(!v.weeks)]);
        let (per, seen) = score_one(names.len(), &queries, |q| {
            let extra: Vec<(&Audience, f32)> = aud.map(|a| (a, v.audience)).into_iter().collect();
            model_one(m, catalog, &extra, q)
        });
        grid.push((v, per, seen.len() as f64 / n_cand as f64));
    }
    let _ = writeln!(
        out,
        "\n  grid (all histories): prior audience(feature)  HR@10 recall@10 nDCG@10 coverage"
    );
    for (v, per, c) in &grid {
        let (hr, rec, ndcg) = total_of(per, None).mean();
        let _ = writeln!(
            out,
            "    {:>5.2} {:>5.2}({:<9}) {hr:.3} {rec:.3} {ndcg:.4} {c:.3}",
            v.prior,
            v.audience,
            if v.audience == 0.0 {
                "-"
            } else if v.weeks {
                "cntry×wk"
            } else {
                "country"
            }
        );
    }
    // Leave-one-history-out: each history is scored with the variant chosen on the other
    // histories: among those with coverage at least 0.10 and nDCG@10 within 2% of the
    // best, the one with the most coverage (a flat optimum is not worth a narrower list).
    let mut loho = Scores::default();
    let mut picks: Vec<(Variant, usize)> = Vec::new();
    for f in 0..names.len() {
        let ok: Vec<&(Variant, Vec<Scores>, f64)> = grid.iter().filter(|g| g.2 >= 0.10).collect();
        let best = ok
            .iter()
            .map(|g| total_of(&g.1, Some(f)).mean().2)
            .fold(0.0f64, f64::max);
        let pick = ok
            .iter()
            .filter(|g| total_of(&g.1, Some(f)).mean().2 >= 0.98 * best)
            .max_by(|a, b| a.2.total_cmp(&b.2));
        if let Some((v, per, _)) = pick {
            loho.merge(&per[f]);
            match picks.iter_mut().find(|p| p.0 == *v) {
                Some(p) => p.1 += 1,
                None => picks.push((*v, 1)),
            }
        }
    }
    let (hr, rec, ndcg) = loho.mean();
    let _ = writeln!(
        out,
        "  leave-one-history-out (coverage ≥ 0.10): HR@10 {hr:.3} recall@10 {rec:.3} nDCG@10 {ndcg:.4}"
    );
    for (v, n) in picks {
        let _ = writeln!(
            out,
            "    chosen {n}×: prior {} audience {} ({})",
            v.prior,
            v.audience,
            if v.weeks { "country×week" } else { "country" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{catalog, idx, HISTORY};
    use super::*;
    use engine::history::Resolver;

    #[test]
    fn one_title_truth_is_same_kind_first_viewings_in_the_window() {
        let c = catalog();
        let model = Model::build(&c, &Weights::default());
        let resolver = Resolver::new(&c);
        let import = Import::new(HISTORY.as_bytes(), None, &resolver).expect("reads");
        let qs = one_title_queries(0, &import, &model);
        let truth = |t: &str| {
            qs.iter().find(|q| q.title == idx(&c, t)).map(|q| {
                let mut v: Vec<usize> = q.truth.iter().copied().collect();
                v.sort_unstable();
                v
            })
        };
        assert_eq!(truth("Dark"), Some(vec![idx(&c, "The Crown")]));
        assert_eq!(truth("The Crown"), Some(vec![idx(&c, "Dark")]));
        assert_eq!(truth("Heat"), Some(vec![idx(&c, "Roma")]));
        // Nothing of its kind follows Roma or Narcos in 30 days: not queries.
        assert_eq!(truth("Roma"), None);
        assert_eq!(truth("Narcos"), None);
        assert!(qs.iter().all(|q| q.year_max == 2021));
        // The lists never contain the query title and keep its kind.
        for q in &qs {
            let l = model_one(&model, &c, &[], q);
            assert!(!l.contains(&q.title));
            assert!(l.iter().all(|&i| model.kind(i) == model.kind(q.title)));
        }
    }
}
