//! `builder eval --signals`: each candidate signal of issue #17 measured before and after
//! on the behavioural benchmarks, its weight chosen on some histories and scored on the
//! others (4 folds over the history files), so 20 people do not become the model.
//!
//! - franchise links (`engine::franchise`): the model's franchise block, off to heavy;
//! - Kaggle's audience tags (Classic, Cult, Independent, LGBTQ, Teen, International), which
//!   the ETL drops as "not genres", as a tag-cosine term;
//! - the prior's mix (votes, rating, TMDB popularity, Top 10, engagement views) and share,
//!   by coordinate search;
//! - "trending when you watched": the Top 10 of the weeks before a history's cut, added to
//!   the history profile's scores (next watch).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use engine::catalog::Catalog;
use engine::history::profile;
use engine::model::{prior_mix, Model, PriorMix, Weights};
use engine::recommend::{top_n, Filters, Query};
use engine::Bundle;

use super::next_watch::{files_of, top10_weeks, Cut};
use super::one_title::{model_one, queries_of, score_one, total_of, OneQuery};
use super::{candidates, Audience, Histories, Scores, K};

/// Folds of the history files for choosing a weight on some and scoring on the others.
const FOLDS: usize = 4;
/// Kaggle's `listed_in` categories that describe an audience or an era, not a genre.
const TAGS: [(&str, &str); 8] = [
    ("Classic Movies", "classic"),
    ("Classic & Cult TV", "classic"),
    ("Cult Movies", "cult"),
    ("Independent Movies", "independent"),
    ("LGBTQ Movies", "lgbtq"),
    ("Teen TV Shows", "teen"),
    ("International Movies", "international"),
    ("International TV Shows", "international"),
];

/// One measured setting: per-file scores and coverage.
struct Point {
    label: String,
    per: Vec<Scores>,
    coverage: f64,
}

fn print_points(out: &mut String, points: &[Point]) {
    let _ = writeln!(
        out,
        "  {:<34} {:>6} {:>9} {:>8} {:>8}",
        "setting", "HR@10", "recall@10", "nDCG@10", "coverage"
    );
    for p in points {
        let (hr, rec, ndcg) = total_of(&p.per, None).mean();
        let _ = writeln!(
            out,
            "  {:<34} {hr:>6.3} {rec:>9.3} {ndcg:>8.4} {:>8.3}",
            p.label, p.coverage
        );
    }
}

/// Files `f` with `f % FOLDS == fold` are held out.
fn fold_total(per: &[Scores], fold: usize, held_out: bool) -> Scores {
    let mut s = Scores::default();
    for (f, x) in per.iter().enumerate() {
        if (f % FOLDS == fold) == held_out {
            s.merge(x);
        }
    }
    s
}

/// Cross-validated choice among `points`: for each fold the point with the best nDCG@10
/// on the other folds (coverage ≥ 0.10) is scored on the fold. Prints the result and how
/// often each point was chosen.
fn cross_validate(out: &mut String, points: &[Point], min_coverage: f64) {
    let mut held = Scores::default();
    let mut chosen: Vec<String> = Vec::new();
    for fold in 0..FOLDS {
        let best = points
            .iter()
            .filter(|p| p.coverage >= min_coverage)
            .max_by(|a, b| {
                fold_total(&a.per, fold, false)
                    .mean()
                    .2
                    .total_cmp(&fold_total(&b.per, fold, false).mean().2)
            });
        if let Some(p) = best {
            held.merge(&fold_total(&p.per, fold, true));
            chosen.push(p.label.clone());
        }
    }
    let (hr, rec, ndcg) = held.mean();
    let _ = writeln!(
        out,
        "  {FOLDS}-fold over files (chosen on 3/4, scored on the rest): HR@10 {hr:.3} recall@10 {rec:.3} nDCG@10 {ndcg:.4}; chosen: {}",
        chosen.join(" | ")
    );
}

/// One-title lists of `model` with `extra` signal terms, as a [`Point`].
fn one_title_point(
    label: String,
    model: &Model,
    catalog: &Catalog,
    queries: &[OneQuery],
    n_files: usize,
    extra: &[(&Audience, f32)],
) -> Point {
    let (per, seen) = score_one(n_files, queries, |q| model_one(model, catalog, extra, q));
    Point {
        label,
        per,
        coverage: seen.len() as f64 / candidates(model) as f64,
    }
}

/// Kaggle tag vectors: each title's tags from the Kaggle rows it was merged from (by
/// `show_id`), IDF-weighted. `None` when the Kaggle file cannot be read.
fn tag_signal(catalog: &Catalog, kaggle_csv: &Path) -> anyhow::Result<(Audience, usize)> {
    let mut rdr = csv::Reader::from_path(kaggle_csv)?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow::anyhow!("{}: no column {name}", kaggle_csv.display()))
    };
    let (id_col, listed_col) = (col("show_id")?, col("listed_in")?);
    let names: Vec<&str> = {
        let mut v: Vec<&str> = TAGS.iter().map(|t| t.1).collect();
        v.dedup();
        v
    };
    let mut by_show: HashMap<String, Vec<u32>> = HashMap::new();
    for rec in rdr.records() {
        let Ok(rec) = rec else { continue };
        let (Some(id), Some(listed)) = (rec.get(id_col), rec.get(listed_col)) else {
            continue;
        };
        let tags: Vec<u32> = listed
            .split(',')
            .filter_map(|c| TAGS.iter().find(|t| t.0 == c.trim()))
            .filter_map(|t| names.iter().position(|n| *n == t.1))
            .map(|p| p as u32)
            .collect();
        if !tags.is_empty() {
            by_show.insert(id.to_owned(), tags);
        }
    }
    let per_title: Vec<Vec<u32>> = catalog
        .titles
        .iter()
        .map(|t| {
            let mut v: Vec<u32> = t
                .sources
                .iter()
                .filter(|s| s.source.starts_with("kaggle"))
                .filter_map(|s| by_show.get(&s.id))
                .flatten()
                .copied()
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut df = vec![0u32; names.len()];
    for v in &per_title {
        for &t in v {
            df[t as usize] += 1;
        }
    }
    let n = catalog.titles.len() as f32;
    let tagged = per_title.iter().filter(|v| !v.is_empty()).count();
    let vectors = per_title
        .into_iter()
        .map(|v| {
            v.into_iter()
                .map(|t| (t, ((1.0 + n) / (1.0 + df[t as usize] as f32)).ln() + 1.0))
                .collect()
        })
        .collect();
    Ok((Audience::from_vectors(vectors, names.len()), tagged))
}

/// Runs every signal experiment; the report is appended to `out`.
pub(super) fn run(
    out: &mut String,
    bundle: &Bundle,
    h: &Histories,
    kaggle_csv: Option<&Path>,
    which: &[String],
) {
    let on = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let queries = queries_of(h, &model);
    let n = h.names.len();
    let base = one_title_point("current model".into(), &model, catalog, &queries, n, &[]);

    // Franchise links: the model's franchise block, from off to heavy.
    if on("franchise") {
        let groups = engine::franchise::franchises(catalog);
        let linked = groups.iter().flatten().count();
        let n_groups = groups.iter().flatten().collect::<HashSet<_>>().len();
        let truth_pairs = queries
            .iter()
            .filter(|q| {
                q.truth
                    .iter()
                    .any(|&t| groups[t].is_some() && groups[t] == groups[q.title])
            })
            .count();
        let _ = writeln!(
        out,
        "\nsignal: franchise links ({linked} titles in {n_groups} franchises; {truth_pairs} of {} one-title queries have a same-franchise title in their truth)",
        queries.len()
    );
        let mut points = Vec::new();
        let mut build_ms = Vec::new();
        for w in [0.0f32, 0.25, 0.5, 1.0, 2.0] {
            let weights = Weights {
                franchise: w,
                ..Weights::default()
            };
            let started = std::time::Instant::now();
            let m = Model::build(catalog, &weights);
            build_ms.push((w, started.elapsed().as_secs_f64() * 1000.0));
            points.push(one_title_point(
                format!("franchise block {w}"),
                &m,
                catalog,
                &queries,
                n,
                &[],
            ));
        }
        print_points(out, &points);
        cross_validate(out, &points, 0.10);
        let franchise_ms = (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let _ = engine::franchise::franchises(catalog);
                started.elapsed().as_secs_f64() * 1000.0
            })
            .fold(f64::INFINITY, f64::min);
        let _ = writeln!(out, "  franchises(): {franchise_ms:.1} ms (best of 5)");
        let _ = writeln!(
            out,
            "  Model::build (ms, one run each): {}",
            build_ms
                .iter()
                .map(|(w, ms)| format!("{w}: {ms:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    // Kaggle's audience tags.
    if on("tags") {
        match kaggle_csv.map(|p| tag_signal(catalog, p)) {
            Some(Ok((tags, tagged))) => {
                let _ = writeln!(
                    out,
                    "\nsignal: Kaggle audience tags as a block ({tagged} titles tagged)"
                );
                let mut points = vec![Point {
                    label: "tags 0 (current)".into(),
                    per: base.per.clone(),
                    coverage: base.coverage,
                }];
                for w in [0.02f32, 0.05, 0.1, 0.2] {
                    points.push(one_title_point(
                        format!("tags {w}"),
                        &model,
                        catalog,
                        &queries,
                        n,
                        &[(&tags, w)],
                    ));
                }
                print_points(out, &points);
                cross_validate(out, &points, 0.10);
            }
            Some(Err(e)) => {
                let _ = writeln!(out, "\nsignal: Kaggle tags not tried: {e:#}");
            }
            None => {
                let _ = writeln!(out, "\nsignal: Kaggle tags not tried: no Kaggle file");
            }
        }
    }
    if on("prior") {
        prior_search(out, catalog, &queries, n, &base);
    }
    if on("trending") {
        trending_when_watched(out, bundle, h);
    }
}

/// Coordinate search over the prior's mix and share: from the current setting, each
/// coordinate in turn is multiplied and divided by 2 (or set from 0), keeping a change
/// that raises nDCG@10 on all files by more than 1% at coverage ≥ 0.10; then each fold is
/// searched on the others and scored held out.
fn prior_search(out: &mut String, catalog: &Catalog, queries: &[OneQuery], n: usize, base: &Point) {
    let _ = writeln!(
        out,
        "\nsignal: prior mix (votes, rating, TMDB popularity, Top 10, engagement views) and share, coordinate search"
    );
    type Setting = (PriorMix, f32);
    type Cache = Vec<(Setting, Point)>;
    let mut cache: Cache = Vec::new();
    let mut eval = |s: Setting, cache: &mut Cache| -> usize {
        if let Some(i) = cache.iter().position(|c| c.0 == s) {
            return i;
        }
        let w = Weights {
            prior: s.1,
            ..Weights::default()
        };
        let m = Model::build(catalog, &w).with_prior(prior_mix(catalog, &s.0));
        let label = format!(
            "v{:.2} r{:.2} p{:.2} t{:.2} e{:.2} share {:.2}",
            s.0.votes, s.0.rating, s.0.popularity, s.0.top10, s.0.views, s.1
        );
        cache.push((s, one_title_point(label, &m, catalog, queries, n, &[])));
        cache.len() - 1
    };
    let score = |p: &Point, fold: Option<usize>| match fold {
        Some(f) => fold_total(&p.per, f, false).mean().2,
        None => total_of(&p.per, None).mean().2,
    };
    let start: Setting = (PriorMix::default(), Weights::default().prior);
    let search = |fold: Option<usize>,
                  cache: &mut Cache,
                  eval: &mut dyn FnMut(Setting, &mut Cache) -> usize| {
        let mut cur = start;
        let mut cur_i = eval(cur, cache);
        for _round in 0..2 {
            let mut moved = false;
            for coord in 0..6 {
                for step in [2.0f32, 0.5] {
                    let mut s = cur;
                    let x = match coord {
                        0 => &mut s.0.votes,
                        1 => &mut s.0.rating,
                        2 => &mut s.0.popularity,
                        3 => &mut s.0.top10,
                        4 => &mut s.0.views,
                        _ => &mut s.1,
                    };
                    *x = if *x == 0.0 { 0.2 } else { (*x * step).min(1.0) };
                    if s == cur {
                        continue;
                    }
                    let i = eval(s, cache);
                    let (new, old) = (&cache[i].1, &cache[cur_i].1);
                    if new.coverage >= 0.10 && score(new, fold) > 1.01 * score(old, fold) {
                        cur = s;
                        cur_i = i;
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        cur_i
    };
    let best_all = search(None, &mut cache, &mut eval);
    let mut held = Scores::default();
    let mut chosen = Vec::new();
    for fold in 0..FOLDS {
        let i = search(Some(fold), &mut cache, &mut eval);
        held.merge(&fold_total(&cache[i].1.per, fold, true));
        chosen.push(cache[i].1.label.clone());
    }
    let mut points: Vec<&Point> = vec![base];
    points.extend(cache.iter().map(|c| &c.1));
    let _ = writeln!(
        out,
        "  {} settings scored; best on all files: {}",
        cache.len(),
        cache[best_all].1.label
    );
    let owned: Vec<Point> = points
        .iter()
        .map(|p| Point {
            label: p.label.clone(),
            per: p.per.clone(),
            coverage: p.coverage,
        })
        .collect();
    print_points(out, &owned);
    let (hr, rec, ndcg) = held.mean();
    let _ = writeln!(
        out,
        "  {FOLDS}-fold over files (searched on 3/4, scored on the rest): HR@10 {hr:.3} recall@10 {rec:.3} nDCG@10 {ndcg:.4}; chosen: {}",
        chosen.join(" | ")
    );
}

/// "Trending when you watched": the history profile's pool re-ranked by
/// `score + w · trend`, trend = (11 − rank) / 10 of the title's best rank in the two global
/// Top 10 weeks published before the cut (as the trending baseline); charting titles
/// outside the pool join with the trend term alone.
fn trending_when_watched(out: &mut String, bundle: &Bundle, h: &Histories) {
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let weeks = top10_weeks(bundle);
    if weeks.is_empty() {
        let _ = writeln!(
            out,
            "\nsignal: trending when you watched not tried: no Top 10 weeks (details.bin)"
        );
        return;
    }
    let files = files_of(h, &model, catalog, &weeks, 4, 60);
    let params = profile::Params::default();
    let _ = writeln!(
        out,
        "\nsignal: trending when you watched (next watch, {} cuts, {} with Top 10 weeks)",
        files.iter().map(|f| f.cuts.len()).sum::<usize>(),
        files
            .iter()
            .flat_map(|f| &f.cuts)
            .filter(|c| c.trending.is_some())
            .count()
    );
    let mut points = Vec::new();
    for w in [0.0f32, 0.02, 0.05, 0.1, 0.2, 0.4] {
        let mut per = Vec::new();
        let mut seen = HashSet::new();
        for f in &files {
            let mut s = Scores::default();
            for c in &f.cuts {
                let l = trend_list(&model, catalog, c, &params, w);
                s.add(&l, &c.truth);
                seen.extend(l);
            }
            per.push(s);
        }
        points.push(Point {
            label: if w == 0.0 {
                "trend 0 (current)".into()
            } else {
                format!("trend {w}")
            },
            per,
            coverage: seen.len() as f64 / candidates(&model) as f64,
        });
    }
    print_points(out, &points);
    // Next-watch lists mix kinds over the whole catalog: no coverage floor applies.
    cross_validate(out, &points, 0.0);
}

fn trend_list(
    model: &Model,
    catalog: &Catalog,
    c: &Cut,
    p: &profile::Params,
    w: f32,
) -> Vec<usize> {
    let base = Query {
        k: if w > 0.0 { 100 } else { K },
        filters: Filters {
            year_max: c.filters.year_max,
            ..Filters::default()
        },
        ..Query::default()
    };
    let recs = profile::recommend(model, catalog, &c.watched, p, c.day, &base);
    let Some(trending) = c.trending.as_ref().filter(|_| w > 0.0) else {
        return recs.into_iter().take(K).map(|r| r.index).collect();
    };
    let mut scored: HashMap<usize, f32> = recs.into_iter().map(|r| (r.index, r.score)).collect();
    for (rank, &t) in trending.iter().enumerate() {
        let bonus = w * (K - rank) as f32 / K as f32;
        *scored.entry(t).or_default() += bonus;
    }
    let mut v: Vec<(usize, f32)> = scored.into_iter().collect();
    top_n(&mut v, K);
    v.into_iter().map(|(i, _)| i).collect()
}
