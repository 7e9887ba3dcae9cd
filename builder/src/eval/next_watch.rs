//! The next-watch benchmark: a history profile cut at several dates against what was first
//! watched after each cut, beside the popularity and trending baselines.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use engine::catalog::Catalog;
use engine::history::{profile, Day, Import};
use engine::model::{Model, Weights};
use engine::recommend::{recommend, Filters, Query};
use engine::Bundle;

use super::{row, EvalArgs, Histories, Scores, K};

/// Fewest watched titles before a cut for it to be scored.
const MIN_BEFORE: usize = 5;
/// One scored cut of one history.
pub(super) struct Cut {
    pub(super) day: Day,
    pub(super) watched: Vec<profile::Watched>,
    pub(super) truth: HashSet<usize>,
    pub(super) filters: Filters,
    /// The trending list, when Top 10 weeks published just before the cut exist.
    pub(super) trending: Option<Vec<usize>>,
}

/// One history file read for the benchmark.
pub(super) struct FileCuts {
    name: String,
    rows: usize,
    matched: usize,
    viewing: usize,
    pub(super) cuts: Vec<Cut>,
}

/// The days (since 1970) each global Top 10 week was published (two days after the
/// week's Sunday), with the titles ranked that week.
pub(super) fn top10_weeks(bundle: &Bundle) -> Vec<(i32, Vec<(usize, u8)>)> {
    let t = &bundle.body.trends;
    let mut by_week: HashMap<u16, Vec<(usize, u8)>> = HashMap::new();
    for e in &t.global {
        by_week
            .entry(e.week)
            .or_default()
            .push((e.title as usize, e.rank));
    }
    let mut out: Vec<(i32, Vec<(usize, u8)>)> = by_week
        .into_iter()
        .filter_map(|(w, v)| {
            let s = t.weeks.get(usize::from(w))?;
            let day = parse_iso(s)?;
            Some((day.days() + 2, v))
        })
        .collect();
    out.sort_by_key(|e| e.0);
    out
}

fn parse_iso(s: &str) -> Option<Day> {
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    Day::new(y, m, d)
}

/// "Trending just before the cut": titles of the two latest weeks published before `cut`
/// (None when the latest is more than two weeks old), by best rank then most weeks.
fn trending(
    weeks: &[(i32, Vec<(usize, u8)>)],
    cut: Day,
    model: &Model,
    catalog: &Catalog,
    filters: &Filters,
) -> Option<Vec<usize>> {
    let c = cut.days();
    let end = weeks.partition_point(|w| w.0 < c);
    if end == 0 || c - weeks[end - 1].0 > 14 {
        return None;
    }
    let mut score: HashMap<usize, u32> = HashMap::new();
    for (_, titles) in &weeks[end.saturating_sub(2)..end] {
        for &(t, rank) in titles {
            *score.entry(t).or_default() += 11 - u32::from(rank.min(10));
        }
    }
    let excluded: HashSet<usize> = filters.exclude.iter().copied().collect();
    let mut v: Vec<(usize, u32)> = score
        .into_iter()
        .filter(|&(t, _)| {
            t < model.len()
                && model.is_candidate(t)
                && !excluded.contains(&t)
                && catalog.titles.get(t).is_some_and(|x| filters.admits(x))
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(v.into_iter().take(K).map(|(t, _)| t).collect())
}

/// Reads one history and picks its cuts.
fn cuts_of(
    name: String,
    import: &Import,
    model: &Model,
    catalog: &Catalog,
    weeks: &[(i32, Vec<(usize, u8)>)],
    n_cuts: usize,
    horizon: i32,
) -> FileCuts {
    let s = import.summary(None, 0);
    let mut days: Vec<Day> = import.history.entries.iter().map(|e| e.day).collect();
    days.sort();
    days.dedup();
    // First viewing day of every matched recommendable title.
    let mut first: HashMap<usize, Day> = HashMap::new();
    for (i, e) in import.history.entries.iter().enumerate() {
        if let Some(t) = import.title_of(i) {
            let f = first.entry(t).or_insert(e.day);
            *f = (*f).min(e.day);
        }
    }
    let mut cuts = Vec::new();
    for q in 1..=n_cuts {
        let Some(&day) = days.get(days.len() * q / (n_cuts + 1)) else {
            continue;
        };
        let watched = profile::watched(import, Some(day));
        let end = day.days() + horizon;
        let truth: HashSet<usize> = first
            .iter()
            .filter(|&(&t, d)| {
                d.days() >= day.days() && d.days() < end && t < model.len() && model.is_candidate(t)
            })
            .map(|(&t, _)| t)
            .collect();
        if watched.len() < MIN_BEFORE || truth.is_empty() {
            continue;
        }
        let filters = Filters {
            year_max: Some(day.year),
            exclude: watched.iter().map(|w| w.title).collect(),
            ..Filters::default()
        };
        let trending = trending(weeks, day, model, catalog, &filters);
        cuts.push(Cut {
            day,
            watched,
            truth,
            filters,
            trending,
        });
    }
    FileCuts {
        name,
        rows: s.rows,
        matched: s.matched_rows,
        viewing: s.matched_rows + s.unmatched_rows,
        cuts,
    }
}

/// The history profile's list at one cut.
pub(super) fn model_list(
    model: &Model,
    catalog: &Catalog,
    cut: &Cut,
    p: &profile::Params,
) -> Vec<usize> {
    let base = Query {
        k: K,
        filters: Filters {
            year_max: cut.filters.year_max,
            ..Filters::default()
        },
        ..Query::default()
    };
    profile::recommend(model, catalog, &cut.watched, p, cut.day, &base)
        .into_iter()
        .map(|r| r.index)
        .collect()
}

pub(super) fn popular_list(model: &Model, catalog: &Catalog, cut: &Cut) -> Vec<usize> {
    let q = Query {
        k: K,
        mix_kinds: true,
        filters: cut.filters.clone(),
        ..Query::default()
    };
    recommend(model, catalog, &q)
        .into_iter()
        .map(|r| r.index)
        .collect()
}

/// Per-file scores of the model with `p`.
fn score_model(
    files: &[FileCuts],
    model: &Model,
    catalog: &Catalog,
    p: &profile::Params,
) -> Vec<Scores> {
    files
        .iter()
        .map(|f| {
            let mut s = Scores::default();
            for c in &f.cuts {
                s.add(&model_list(model, catalog, c, p), &c.truth);
            }
            s
        })
        .collect()
}

/// The parameter grid of `--tune`.
fn grid() -> Vec<profile::Params> {
    let mut v = Vec::new();
    for half_life_days in [0.0, 30.0, 90.0, 365.0] {
        for engagement in [0.0, 0.5, 1.0] {
            for max_liked in [10, 50, 150] {
                v.push(profile::Params {
                    half_life_days,
                    engagement,
                    max_liked,
                });
            }
        }
    }
    v
}
/// Picks the cuts of every history read.
pub(super) fn files_of(
    h: &Histories,
    model: &Model,
    catalog: &Catalog,
    weeks: &[(i32, Vec<(usize, u8)>)],
    n_cuts: usize,
    horizon: i32,
) -> Vec<FileCuts> {
    h.names
        .iter()
        .zip(&h.imports)
        .map(|(name, import)| cuts_of(name.clone(), import, model, catalog, weeks, n_cuts, horizon))
        .collect()
}

/// Runs the next-watch benchmark, its report appended to `out`.
pub(super) fn run(
    out: &mut String,
    args: &EvalArgs,
    bundle: &Bundle,
    h: &Histories,
    have_weeks: bool,
) {
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let weeks = top10_weeks(bundle);
    let files = files_of(h, &model, catalog, &weeks, args.cuts, args.horizon);
    // Match rate of the files.
    let (rows, matched, viewing): (usize, usize, usize) = files.iter().fold((0, 0, 0), |a, f| {
        (a.0 + f.rows, a.1 + f.matched, a.2 + f.viewing)
    });
    let _ = writeln!(
        out,
        "{} histories, {rows} rows, {viewing} viewing rows, {matched} matched ({:.1}%)",
        files.len(),
        100.0 * matched as f64 / viewing.max(1) as f64
    );
    let params = profile::Params::default();
    let ours = score_model(&files, &model, catalog, &params);
    let n_candidates = (0..model.len())
        .filter(|&i| model.is_candidate(i))
        .count()
        .max(1);
    let mut seen: [HashSet<usize>; 3] = Default::default();
    let mut total = [Scores::default(); 3];
    // The same three on the cuts where the trending baseline exists.
    let mut with_trend = [Scores::default(); 3];
    let _ = writeln!(
        out,
        "\nper file (cuts scored; HR@10 / recall@10 / nDCG@10): history profile | popularity | trending"
    );
    for (f, s_ours) in files.iter().zip(&ours) {
        let mut pop = Scores::default();
        let mut trend = Scores::default();
        for c in &f.cuts {
            let m = model_list(&model, catalog, c, &params);
            let pl = popular_list(&model, catalog, c);
            pop.add(&pl, &c.truth);
            seen[0].extend(&m);
            seen[1].extend(&pl);
            if let Some(t) = &c.trending {
                trend.add(t, &c.truth);
                seen[2].extend(t);
                with_trend[0].add(&m, &c.truth);
                with_trend[1].add(&pl, &c.truth);
                with_trend[2].add(t, &c.truth);
            }
        }
        total[0].merge(s_ours);
        total[1].merge(&pop);
        total[2].merge(&trend);
        let fmt = |s: &Scores| {
            if s.n == 0 {
                "    -     -     -".to_owned()
            } else {
                let (a, b, c) = s.mean();
                format!("{a:.2} {b:.3} {c:.3}")
            }
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>5.1}% matched {:>2} cuts  {} | {} | {}",
            f.name,
            100.0 * f.matched as f64 / f.viewing.max(1) as f64,
            f.cuts.len(),
            fmt(s_ours),
            fmt(&pop),
            fmt(&trend)
        );
    }
    let _ = writeln!(
        out,
        "\noverall, every cut weighted alike ({} cuts; trending on the {} cuts with Top 10 weeks{}):",
        total[0].n,
        total[2].n,
        if have_weeks { "" } else { ", none: no details.bin beside the bundle" }
    );
    let _ = writeln!(
        out,
        "  {:<28} {:>7} {:>9} {:>8} {:>9}",
        "method", "HR@10", "recall@10", "nDCG@10", "coverage"
    );
    let cov = |s: &HashSet<usize>| Some(s.len() as f64 / n_candidates as f64);
    row(out, "history profile", &total[0], cov(&seen[0]));
    row(out, "popularity", &total[1], cov(&seen[1]));
    row(out, "trending (Top 10 cuts)", &total[2], cov(&seen[2]));
    row(out, "history profile (Top 10 cuts)", &with_trend[0], None);
    row(out, "popularity (Top 10 cuts)", &with_trend[1], None);
    let _ = writeln!(
        out,
        "  profile: half-life {} days, engagement {}, {} likes at most",
        params.half_life_days, params.engagement, params.max_liked
    );
    if args.tune {
        tune(out, &files, &model, catalog);
    }
}

/// Scores the grid and validates it leave-one-history-out.
fn tune(out: &mut String, files: &[FileCuts], model: &Model, catalog: &Catalog) {
    let grid = grid();
    let per: Vec<Vec<Scores>> = grid
        .iter()
        .map(|p| score_model(files, model, catalog, p))
        .collect();
    let total = |g: usize, skip: Option<usize>| {
        let mut s = Scores::default();
        for (f, sc) in per[g].iter().enumerate() {
            if Some(f) != skip {
                s.merge(sc);
            }
        }
        s
    };
    let _ = writeln!(out, "\ngrid (all files; nDCG@10, HR@10):");
    let mut ranked: Vec<(usize, f64)> = (0..grid.len())
        .map(|g| (g, total(g, None).mean().2))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    for &(g, _) in &ranked {
        let p = grid[g];
        let (hr, _, ndcg) = total(g, None).mean();
        let _ = writeln!(
            out,
            "  half-life {:>5} engagement {:.1} likes {:>3}: nDCG {ndcg:.4} HR {hr:.3}",
            p.half_life_days, p.engagement, p.max_liked
        );
    }
    let mut loho = Scores::default();
    let mut picks: HashMap<usize, usize> = HashMap::new();
    for (f, _) in files.iter().enumerate() {
        let best = (0..grid.len())
            .max_by(|&a, &b| {
                total(a, Some(f))
                    .mean()
                    .2
                    .total_cmp(&total(b, Some(f)).mean().2)
            })
            .unwrap_or(0);
        *picks.entry(best).or_default() += 1;
        loho.merge(&per[best][f]);
    }
    let (hr, rec, ndcg) = loho.mean();
    let _ = writeln!(
        out,
        "leave-one-history-out (each file scored with the grid point best on the other {}): HR@10 {hr:.3} recall@10 {rec:.3} nDCG@10 {ndcg:.3}",
        files.len().saturating_sub(1)
    );
    let mut picks: Vec<(usize, usize)> = picks.into_iter().collect();
    picks.sort_by_key(|p| std::cmp::Reverse(p.1));
    for (g, n) in picks {
        let p = grid[g];
        let _ = writeln!(
            out,
            "  chosen {n}×: half-life {} engagement {} likes {}",
            p.half_life_days, p.engagement, p.max_liked
        );
    }
}
