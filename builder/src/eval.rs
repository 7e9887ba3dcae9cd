//! `builder eval --histories DIR`: the next-watch benchmark on real viewing histories.
//!
//! For each history file and several cut dates (at the quantiles of its viewing days), the
//! rows before the cut, read and resolved by the engine's history reader, make the profile;
//! the truth is the recommendable catalog titles first watched in the `--horizon` days
//! after the cut and never before. Each method lists 10 titles (watched titles excluded,
//! nothing released after the cut's year): the history profile, the popularity prior alone,
//! and what was in the global Top 10 in the two weeks published before the cut. HR@10,
//! recall@10 and nDCG@10 per file and overall, and the catalog coverage of the lists.
//!
//! The one-title benchmark scores the "more like this" lists: for each title a person
//! watched, the titles of its kind they first watched in the next 30 days are relevant to
//! it. The model's list (`Query::like`, as the app asks), the original system's TF-IDF
//! and the popularity prior are scored with HR@10, recall@10, nDCG@10 and coverage.
//!
//! `--tune` also scores a small grid of profile parameters (half-life, engagement,
//! number of likes) and validates the choice leave-one-history-out: each file is scored
//! with the parameters that did best on the other files.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use engine::catalog::Catalog;
use engine::features::{canonicalize, normalize, Index, SparseVec};
use engine::history::{profile, Day, Import, Resolver};
use engine::metrics::{Baseline, Recommender as _};
use engine::model::{Model, Weights};
use engine::recommend::{recommend, top_n, Filters, Query};
use engine::Bundle;

/// Arguments of `builder eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Directory of viewing-history CSV files (every `*.csv` in it).
    #[arg(long)]
    pub histories: PathBuf,
    /// The bundle (its `details.bin` beside it gives the Top 10 weeks for the trending
    /// baseline).
    #[arg(long, default_value = "public/bundle.bin")]
    pub bundle: PathBuf,
    /// Cut dates per history.
    #[arg(long, default_value_t = 4)]
    pub cuts: usize,
    /// Days after a cut whose first viewings are the truth.
    #[arg(long, default_value_t = 60)]
    pub horizon: i32,
    /// Also score a grid of profile parameters, validated leave-one-history-out.
    #[arg(long)]
    pub tune: bool,
}

/// List length scored.
const K: usize = 10;
/// Fewest watched titles before a cut for it to be scored.
const MIN_BEFORE: usize = 5;

/// HR, recall and nDCG of one list, summed over cuts.
#[derive(Debug, Clone, Copy, Default)]
struct Scores {
    n: usize,
    hr: f64,
    recall: f64,
    ndcg: f64,
}

impl Scores {
    fn add(&mut self, list: &[usize], truth: &HashSet<usize>) {
        let hits: Vec<usize> = (0..list.len().min(K))
            .filter(|&r| truth.contains(&list[r]))
            .collect();
        let dcg: f64 = hits.iter().map(|&r| 1.0 / ((r + 2) as f64).log2()).sum();
        let ideal: f64 = (0..truth.len().min(K))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        self.n += 1;
        self.hr += f64::from(u8::from(!hits.is_empty()));
        self.recall += hits.len() as f64 / truth.len().max(1) as f64;
        self.ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
    }
    fn merge(&mut self, o: &Scores) {
        self.n += o.n;
        self.hr += o.hr;
        self.recall += o.recall;
        self.ndcg += o.ndcg;
    }
    fn mean(&self) -> (f64, f64, f64) {
        let n = self.n.max(1) as f64;
        (self.hr / n, self.recall / n, self.ndcg / n)
    }
}

/// One scored cut of one history.
struct Cut {
    day: Day,
    watched: Vec<profile::Watched>,
    truth: HashSet<usize>,
    filters: Filters,
    /// The trending list, when Top 10 weeks published just before the cut exist.
    trending: Option<Vec<usize>>,
}

/// One history file read for the benchmark.
struct FileCuts {
    name: String,
    rows: usize,
    matched: usize,
    viewing: usize,
    cuts: Vec<Cut>,
}

/// The days (since 1970) each global Top 10 week was published (two days after the
/// week's Sunday), with the titles ranked that week.
fn top10_weeks(bundle: &Bundle) -> Vec<(i32, Vec<(usize, u8)>)> {
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
    args: &EvalArgs,
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
    for q in 1..=args.cuts {
        let Some(&day) = days.get(days.len() * q / (args.cuts + 1)) else {
            continue;
        };
        let watched = profile::watched(import, Some(day));
        let end = day.days() + args.horizon;
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
fn model_list(model: &Model, catalog: &Catalog, cut: &Cut, p: &profile::Params) -> Vec<usize> {
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

fn popular_list(model: &Model, catalog: &Catalog, cut: &Cut) -> Vec<usize> {
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

fn row(out: &mut String, name: &str, s: &Scores, cov: Option<f64>) {
    let (hr, rec, ndcg) = s.mean();
    let _ = write!(out, "  {name:<28} {hr:>7.3} {rec:>9.3} {ndcg:>8.3}");
    match cov {
        Some(c) => {
            let _ = writeln!(out, " {c:>9.3}");
        }
        None => {
            let _ = writeln!(out);
        }
    }
}

/// Runs the benchmark and returns the report.
pub fn run(args: &EvalArgs) -> anyhow::Result<String> {
    let bytes = std::fs::read(&args.bundle).with_context(|| {
        format!(
            "reading bundle {} (run `builder build` first)",
            args.bundle.display()
        )
    })?;
    let mut bundle =
        Bundle::decode(&bytes).with_context(|| format!("decoding {}", args.bundle.display()))?;
    let details = args.bundle.with_file_name("details.bin");
    let have_weeks = match std::fs::read(&details) {
        Ok(d) => {
            bundle
                .attach_details(&d)
                .with_context(|| format!("decoding {}", details.display()))?;
            true
        }
        Err(_) => false,
    };
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let resolver = Resolver::new(catalog);
    let weeks = top10_weeks(&bundle);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&args.histories)
        .with_context(|| format!("listing {}", args.histories.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("no .csv files in {}", args.histories.display());
    }
    let mut out = String::new();
    let mut files = Vec::new();
    for p in &paths {
        let name = file_name(p);
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        match Import::new(&bytes, None, &resolver) {
            Ok(import) => files.push(cuts_of(name, &import, &model, catalog, &weeks, args)),
            Err(e) => {
                let _ = writeln!(out, "{name}: not read: {e}");
            }
        }
    }
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
    row(&mut out, "history profile", &total[0], cov(&seen[0]));
    row(&mut out, "popularity", &total[1], cov(&seen[1]));
    row(&mut out, "trending (Top 10 cuts)", &total[2], cov(&seen[2]));
    row(
        &mut out,
        "history profile (Top 10 cuts)",
        &with_trend[0],
        None,
    );
    row(&mut out, "popularity (Top 10 cuts)", &with_trend[1], None);
    let _ = writeln!(
        out,
        "  profile: half-life {} days, engagement {}, {} likes at most",
        params.half_life_days, params.engagement, params.max_liked
    );
    if args.tune {
        tune(&mut out, &files, &model, catalog);
    }
    one_title(&mut out, &bundle, have_weeks, args)?;
    Ok(out)
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

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// The one-title benchmark.

/// Days after a title's first viewing whose first viewings of other titles are its truth.
const ONE_TITLE_WINDOW: i32 = 30;
/// Content candidates the audience re-ranking looks at per query.
const POOL: usize = 100;

/// One one-title query: a title a person watched and what they went on to watch.
struct OneQuery {
    /// History file (index into the files read).
    file: usize,
    /// The title watched (the "more like this" title).
    title: usize,
    /// Nothing released after the window's last year is listed.
    year_max: u16,
    /// Catalog titles of the same kind first watched in the window after it.
    truth: HashSet<usize>,
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
fn tfidf_list(base: &Baseline, catalog: &Catalog, model: &Model, q: &OneQuery) -> Vec<usize> {
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
fn popular_one(model: &Model, catalog: &Catalog, q: &OneQuery) -> Vec<usize> {
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

/// Per-title audience vectors: one feature per (country, week) a title was in that
/// country's Top 10, valued by its best rank there (rank 1 → 1.0, rank 10 → 0.1), spread
/// over the run's weeks; unit length. Titles in the Top 10 of the same countries in the
/// same weeks were watched by the same audiences.
pub struct Audience {
    index: Index,
}

impl Audience {
    /// Builds the vectors from the bundle's country runs (details file). With `weeks`
    /// false the feature is the country alone (valued by best rank times weeks charted):
    /// "charted in the same countries", whatever the week.
    pub fn build(bundle: &Bundle, n_titles: usize, weeks: bool) -> Audience {
        let t = &bundle.body.trends;
        let n_weeks = if weeks {
            t.weeks.len().max(1) as u32
        } else {
            1
        };
        let mut vectors: Vec<SparseVec> = vec![Vec::new(); n_titles];
        for r in &t.country_runs {
            let Some(v) = vectors.get_mut(r.title as usize) else {
                continue;
            };
            let rank = f32::from(11u8.saturating_sub(r.best_rank.clamp(1, 10))) / 10.0;
            if !weeks {
                v.push((u32::from(r.country), rank * f32::from(r.weeks)));
                continue;
            }
            let span = r.last_week.saturating_sub(r.first_week) + 1;
            // A run's weeks may have gaps: its value is shared over the span.
            let x = rank * f32::from(r.weeks.min(span)) / f32::from(span);
            for w in r.first_week..=r.last_week {
                v.push((u32::from(r.country) * n_weeks + u32::from(w), x));
            }
        }
        let n_features = t.countries.len() * n_weeks as usize;
        let vectors: Vec<SparseVec> = vectors
            .into_iter()
            .map(|v| {
                let mut v = canonicalize(v);
                normalize(&mut v);
                v
            })
            .collect();
        let indexed: Vec<bool> = vectors.iter().map(|v| !v.is_empty()).collect();
        Audience {
            index: Index::build(vectors, n_features, &indexed),
        }
    }

    /// Audience cosine of `a` with every title (dense).
    fn scores(&self, a: usize) -> Vec<f32> {
        let n = self.index.len();
        let (mut acc, mut touched, mut hits) = (vec![0.0f32; n], vec![false; n], Vec::new());
        if let Some(q) = self.index.vectors.get(a) {
            self.index.accumulate(q, &mut acc, &mut touched, &mut hits);
        }
        acc
    }

    /// Titles with a chart history.
    fn charted(&self) -> usize {
        self.index.vectors.iter().filter(|v| !v.is_empty()).count()
    }
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

/// The model's one-title list: `recommend` with `Query::like`, the content pool re-ranked
/// by `score + audience · audience_cos` when the variant uses the audience term (titles
/// outside the content pool that share an audience join with the audience term alone).
fn model_one(
    model: &Model,
    catalog: &Catalog,
    audience: Option<&Audience>,
    weight: f32,
    q: &OneQuery,
) -> Vec<usize> {
    let mut query = Query::like(q.title, K);
    query.filters.year_max = Some(q.year_max);
    let Some(aud) = audience.filter(|_| weight > 0.0) else {
        return recommend(model, catalog, &query)
            .into_iter()
            .map(|r| r.index)
            .collect();
    };
    query.k = POOL;
    let a = aud.scores(q.title);
    let mut scored: HashMap<usize, f32> = recommend(model, catalog, &query)
        .into_iter()
        .map(|r| {
            (
                r.index,
                r.score + weight * a.get(r.index).copied().unwrap_or(0.0),
            )
        })
        .collect();
    let kind = model.kind(q.title);
    for (i, &x) in a.iter().enumerate() {
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
            scored.insert(i, weight * x);
        }
    }
    let mut v: Vec<(usize, f32)> = scored.into_iter().collect();
    top_n(&mut v, K);
    v.into_iter().map(|(i, _)| i).collect()
}

/// Per-file scores and the set of listed titles of one method over the queries.
fn score_one(
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

fn total_of(per: &[Scores], skip: Option<usize>) -> Scores {
    let mut s = Scores::default();
    for (f, x) in per.iter().enumerate() {
        if Some(f) != skip {
            s.merge(x);
        }
    }
    s
}

/// The one-title benchmark's headline figures, for the build's metrics history.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneTitleFigures {
    /// Queries scored.
    pub queries: usize,
    /// nDCG@10 of the model's lists.
    pub ndcg: f64,
    /// recall@10 of the model's lists.
    pub recall: f64,
    /// Catalog coverage of the model's lists.
    pub coverage: f64,
}

/// Reads every history of `dir` and returns its one-title queries.
fn read_queries(
    dir: &Path,
    catalog: &Catalog,
    model: &Model,
    out: &mut String,
) -> anyhow::Result<(Vec<String>, Vec<OneQuery>)> {
    let resolver = Resolver::new(catalog);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    paths.sort();
    let mut names = Vec::new();
    let mut queries = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        match Import::new(&bytes, None, &resolver) {
            Ok(import) => {
                queries.extend(one_title_queries(names.len(), &import, model));
                names.push(file_name(p));
            }
            Err(e) => {
                let _ = writeln!(out, "{}: not read: {e}", file_name(p));
            }
        }
    }
    Ok((names, queries))
}

/// The model's one-title figures on the histories of `dir` (for the build's metrics
/// history; the content model only, as the app ships it).
pub fn one_title_figures(
    dir: &Path,
    catalog: &Catalog,
    model: &Model,
) -> anyhow::Result<OneTitleFigures> {
    let mut sink = String::new();
    let (names, queries) = read_queries(dir, catalog, model, &mut sink)?;
    let (per, seen) = score_one(names.len(), &queries, |q| {
        model_one(model, catalog, None, 0.0, q)
    });
    let (_, recall, ndcg) = total_of(&per, None).mean();
    Ok(OneTitleFigures {
        queries: queries.len(),
        ndcg,
        recall,
        coverage: seen.len() as f64 / candidates(model) as f64,
    })
}

fn candidates(model: &Model) -> usize {
    (0..model.len())
        .filter(|&i| model.is_candidate(i))
        .count()
        .max(1)
}

/// The one-title benchmark: the model (and its variants), TF-IDF and popularity.
fn one_title(
    out: &mut String,
    bundle: &Bundle,
    have_details: bool,
    args: &EvalArgs,
) -> anyhow::Result<()> {
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    let (names, queries) = read_queries(&args.histories, catalog, &model, out)?;
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
        model_one(&model, catalog, None, 0.0, q)
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
        return Ok(());
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
            model_one(m, catalog, aud, v.audience, q)
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::bundle::Body;
    use engine::catalog::{Kind, Title};
    use engine::trends::{Country, CountryRun};

    fn catalog() -> Catalog {
        let mut c = engine::synth::catalog(200, 5);
        for (id, title, kind) in [
            ("tt1000001", "Dark", Kind::Show),
            ("tt1000002", "Heat", Kind::Movie),
            ("tt1000003", "The Crown", Kind::Show),
            ("tt1000004", "Roma", Kind::Movie),
            ("tt1000005", "Narcos", Kind::Show),
        ] {
            c.titles.push(Title {
                id: id.into(),
                title: title.into(),
                kind,
                year: Some(2018),
                description: "kaex loex mirenex tuex vorex delex prina golex".into(),
                genres: vec![0, 2],
                ..Title::default()
            });
        }
        c
    }

    fn idx(c: &Catalog, title: &str) -> usize {
        c.titles
            .iter()
            .position(|t| t.title == title)
            .unwrap_or(usize::MAX)
    }

    /// Dark first on 1 March, The Crown the same day, Heat and Roma (films) after it,
    /// Narcos 40 days later: Dark's truth is The Crown only (same kind, in the window,
    /// the same day included); a second viewing of Dark moves nothing.
    const HISTORY: &str = "Title,Date\r\n\
\"Narcos: Season 1: Descenso\",\"04/10/2021\"\r\n\
\"Dark: Season 1: Lies\",\"03/20/2021\"\r\n\
\"Roma\",\"03/05/2021\"\r\n\
\"Heat\",\"03/02/2021\"\r\n\
\"The Crown: Season 1: Wolferton Splash\",\"03/01/2021\"\r\n\
\"Dark: Season 1: Secrets\",\"03/01/2021\"\r\n";

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
            let l = model_one(&model, &c, None, 0.0, q);
            assert!(!l.contains(&q.title));
            assert!(l.iter().all(|&i| model.kind(i) == model.kind(q.title)));
        }
    }

    #[test]
    fn audience_overlap_follows_shared_country_weeks() {
        let c = catalog();
        let (dark, crown, narcos) = (idx(&c, "Dark"), idx(&c, "The Crown"), idx(&c, "Narcos"));
        let mut body = Body {
            catalog: c,
            ..Body::default()
        };
        let t = &mut body.trends;
        t.weeks = (0..10).map(|w| format!("2021-01-{:02}", w + 1)).collect();
        t.countries = ["KR", "JP", "US"]
            .iter()
            .map(|c| Country {
                iso2: (*c).into(),
                name: (*c).into(),
            })
            .collect();
        let run = |country: u16, title: usize, first: u16, last: u16| CountryRun {
            country,
            title: title as u32,
            weeks: last - first + 1,
            best_rank: 1,
            first_week: first,
            last_week: last,
        };
        // Dark and The Crown charted in KR and JP in the same weeks; Narcos in the US.
        t.country_runs = vec![
            run(0, dark, 0, 3),
            run(1, dark, 0, 3),
            run(0, crown, 2, 5),
            run(1, crown, 2, 5),
            run(2, narcos, 0, 3),
            run(0, narcos, 8, 9),
        ];
        let bundle = Bundle::new(body, "2021-01-11T00:00:00Z", "2021-01-10", "test");
        let n = bundle.body.catalog.titles.len();
        let weekly = Audience::build(&bundle, n, true);
        let s = weekly.scores(dark);
        assert!(s[crown] > 0.4, "{}", s[crown]);
        assert_eq!(s[narcos], 0.0, "KR in other weeks is not the same audience");
        let countries = Audience::build(&bundle, n, false);
        let s = countries.scores(dark);
        assert!(s[crown] > s[narcos] && s[narcos] > 0.0);
        assert_eq!(weekly.charted(), 3);
    }
}
