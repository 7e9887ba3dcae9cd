//! `builder recommend`: the browser's recommender on the command line. It decodes the
//! bundle, builds the model and calls `engine::recommend::recommend`, exactly as the app.
//!
//! Title lookup: exact id, else exact folded-title match (`engine::search`, as the app's
//! search box); among several, a title within a year of `--year` wins (exact year first),
//! else the most-voted. Unknown titles fail with the titles the search box would offer.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use engine::catalog::{Catalog, Kind};
use engine::metrics::Baseline;
use engine::model::{has_metadata, Model, Weights};
use engine::normalize::fold;
use engine::recommend::{recommend, Filters, Query, Recommendation};
use engine::search::{Hit, SearchIndex};
use engine::Bundle;
use serde::{Deserialize, Serialize};

/// Film or series, as a command-line value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// Films.
    Movie,
    /// Series.
    Show,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Movie => Kind::Movie,
            KindArg::Show => Kind::Show,
        }
    }
}

/// Arguments of `builder recommend`.
#[derive(Debug, Clone, clap::Args)]
pub struct RecommendArgs {
    /// A liked title (repeat for a taste profile).
    #[arg(long = "title")]
    pub titles: Vec<String>,
    /// Release year of the title(s), to pick among same-named titles (±1 tolerated).
    #[arg(long)]
    pub year: Option<u16>,
    /// A disliked title: results like it are pushed down (repeatable).
    #[arg(long = "dislike")]
    pub dislikes: Vec<String>,
    /// Number of recommendations.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// JSON output (one object per query).
    #[arg(long)]
    pub json: bool,
    /// Batch mode: a file with one `{"query": "<title>", "year": <int|null>}` per line.
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// The bundle to read.
    #[arg(long, default_value = "public/bundle.bin")]
    pub bundle: PathBuf,
    /// Only this type (default: the liked titles' type).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Mix films and series.
    #[arg(long)]
    pub mix_kinds: bool,
    /// Earliest release year.
    #[arg(long)]
    pub year_min: Option<u16>,
    /// Latest release year.
    #[arg(long)]
    pub year_max: Option<u16>,
    /// Only titles with one of these genres (repeatable, e.g. `--genre crime`).
    #[arg(long = "genre")]
    pub genres: Vec<String>,
    /// No titles with this genre (repeatable).
    #[arg(long = "without-genre")]
    pub without_genres: Vec<String>,
    /// Minimum IMDb score.
    #[arg(long)]
    pub min_imdb: Option<f32>,
    /// Production country, ISO 3166-1 alpha-2 (e.g. `KR`).
    #[arg(long)]
    pub country: Option<String>,
    /// Allowed age certifications (repeatable, e.g. `--age-rating PG-13`).
    #[arg(long = "age-rating")]
    pub age_ratings: Vec<String>,
    /// Titles already seen, never returned (repeatable; title or id).
    #[arg(long = "exclude")]
    pub exclude: Vec<String>,
    /// MMR diversity λ from 0 (pure relevance) to 1.
    #[arg(long, default_value_t = 0.0)]
    pub diversity: f32,
    /// Print the offline metrics of the model and of the field-blind TF-IDF baseline.
    #[arg(long)]
    pub eval: bool,
    /// A Netflix viewing history (`NetflixViewingHistory.csv` or `ViewingActivity.csv`):
    /// recommend from what was watched, films and series mixed, watched titles excluded.
    #[arg(long, conflicts_with_all = ["titles", "queries"])]
    pub history: Option<PathBuf>,
    /// The profile to read from a ViewingActivity file with several profiles.
    #[arg(long, requires = "history")]
    pub profile: Option<String>,
}

/// What happened to the rows of a history file, in `--json` output.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryJson {
    /// Data rows in the file.
    pub rows: usize,
    /// Rows whose title matched a catalog title.
    pub matched_rows: usize,
    /// Distinct catalog titles matched.
    pub titles: usize,
    /// Viewing rows that matched nothing.
    pub unmatched_rows: usize,
    /// Rows not used (placeholders, bad dates, duplicates, trailers, other profiles).
    pub skipped_rows: usize,
}

/// `--history --json` output.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryOutput {
    /// Row counts.
    pub history: HistoryJson,
    /// Recommendations, best first.
    pub recs: Vec<RecJson>,
}

/// One line of a `--queries` file.
#[derive(Debug, Clone, Deserialize)]
struct QueryLine {
    query: String,
    #[serde(default)]
    year: Option<i64>,
}

/// One recommendation in JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct RecJson {
    /// Stable title id (IMDb id where known).
    pub id: String,
    /// Display title.
    pub title: String,
    /// Release year.
    pub year: Option<u16>,
    /// `movie` or `show`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Score in [0, 1].
    pub score: f32,
}

/// One query's JSON output line.
#[derive(Debug, Clone, Serialize)]
pub struct QueryJson {
    /// The query text as given.
    pub query: String,
    /// The year as given.
    pub year: Option<i64>,
    /// Recommendations, best first (empty on error).
    pub recs: Vec<RecJson>,
    /// Why the query produced nothing, when it did not resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Title lookup: ids, and names through the engine's search index (the app's search box),
/// so the CLI and the app find the same titles for the same words.
pub struct TitleIndex {
    search: SearchIndex,
    by_id: HashMap<String, usize>,
}

impl TitleIndex {
    /// Indexes every title of `catalog`.
    pub fn new(catalog: &Catalog) -> TitleIndex {
        let by_id = catalog
            .titles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        TitleIndex {
            search: SearchIndex::build_titles(catalog),
            by_id,
        }
    }

    /// Resolves a title name (or id) with an optional year, or explains why it cannot.
    pub fn resolve(
        &self,
        catalog: &Catalog,
        name: &str,
        year: Option<i64>,
    ) -> Result<usize, String> {
        if let Some(&i) = self.by_id.get(name.trim()) {
            return Ok(i);
        }
        let votes = |i: usize| catalog.titles[i].imdb_votes.unwrap_or(0);
        let all: Vec<usize> = self
            .search
            .exact(&fold(name))
            .into_iter()
            .filter_map(|h| match h {
                Hit::Title(i) => Some(i),
                Hit::Person(_) => None,
            })
            .collect();
        if !all.is_empty() {
            // A Top 10-only record without metadata cannot seed recommendations: prefer the
            // catalog records of the same name.
            let with_meta: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| has_metadata(catalog, i))
                .collect();
            if with_meta.is_empty() {
                // Seeding with it would silently return nothing: say why instead.
                return Err(format!(
                    "{name:?} is known only from the Netflix Top 10 lists: no catalog record \
                     (genres, people, description) matched it, so it cannot seed \
                     recommendations; closest catalog titles: {}",
                    self.closest(catalog, name, 5)
                ));
            }
            let cands = &with_meta;
            let dist = |i: usize| {
                year.zip(catalog.titles[i].year)
                    .map(|(y, ty)| (i64::from(ty) - y).abs())
            };
            // Exact year, then ±1; otherwise the most-voted of all same-named titles.
            let near = cands
                .iter()
                .copied()
                .filter(|&i| dist(i).is_some_and(|d| d <= 1))
                .min_by_key(|&i| (dist(i), std::cmp::Reverse(votes(i)), i));
            let best = near.or_else(|| {
                cands
                    .iter()
                    .copied()
                    .max_by_key(|&i| (votes(i), std::cmp::Reverse(i)))
            });
            if let Some(i) = best {
                return Ok(i);
            }
        }
        Err(format!(
            "no title named {name:?}{}; closest: {}",
            year.map(|y| format!(" ({y})")).unwrap_or_default(),
            self.closest(catalog, name, 5)
        ))
    }

    /// Up to `n` recommendable titles the search box would offer for `name`, as
    /// `Title (year, kind)` joined by `; ` ("none" when nothing comes near).
    pub fn closest(&self, catalog: &Catalog, name: &str, n: usize) -> String {
        // Titles without metadata are skipped, so ask the search for more than `n`.
        let found: Vec<String> = self
            .search
            .titles(name, n + CLOSEST_SLACK)
            .into_iter()
            .filter(|&(i, _)| has_metadata(catalog, i))
            .take(n)
            .map(|(i, _)| describe(catalog, i))
            .collect();
        if found.is_empty() {
            "none".to_owned()
        } else {
            found.join("; ")
        }
    }
}

/// Extra search results asked for when listing the closest titles, to make up for the
/// trend-only ones dropped.
const CLOSEST_SLACK: usize = 45;

/// One line per result: rank, title, score and `reason` (the CLI's text output).
fn write_recs(
    out: &mut String,
    catalog: &Catalog,
    recs: &[Recommendation],
    reason: impl Fn(&Recommendation) -> String,
) -> std::fmt::Result {
    for (n, r) in recs.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. {:<48} {:.3}  {}",
            n + 1,
            describe(catalog, r.index),
            r.score,
            reason(r)
        )?;
    }
    Ok(())
}

fn describe(catalog: &Catalog, i: usize) -> String {
    let t = &catalog.titles[i];
    match t.year {
        Some(y) => format!("{} ({y}, {})", t.title, t.kind.label()),
        None => format!("{} ({})", t.title, t.kind.label()),
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Movie => "movie",
        Kind::Show => "show",
    }
}

/// Turns the filter flags into engine filters, resolving names against the catalog.
fn filters(args: &RecommendArgs, catalog: &Catalog, index: &TitleIndex) -> anyhow::Result<Filters> {
    let genre = |name: &str| -> anyhow::Result<u32> {
        let key = fold(name).replace(' ', "");
        catalog
            .genres
            .iter()
            .position(|g| fold(g).replace(' ', "") == key)
            .map(|i| i as u32)
            .ok_or_else(|| {
                anyhow!(
                    "unknown genre {name:?}; genres are: {}",
                    catalog.genres.join(", ")
                )
            })
    };
    let country = match &args.country {
        Some(c) => Some(
            catalog
                .countries
                .iter()
                .position(|x| x.eq_ignore_ascii_case(c.trim()))
                .map(|i| i as u32)
                .ok_or_else(|| {
                    anyhow!("unknown country code {c:?} (use ISO alpha-2, e.g. US, KR)")
                })?,
        ),
        None => None,
    };
    let mut exclude = Vec::new();
    for e in &args.exclude {
        exclude.push(index.resolve(catalog, e, None).map_err(|m| anyhow!(m))?);
    }
    Ok(Filters {
        kind: args.kind.map(Kind::from),
        year_min: args.year_min,
        year_max: args.year_max,
        genres_in: args
            .genres
            .iter()
            .map(|g| genre(g))
            .collect::<anyhow::Result<_>>()?,
        genres_out: args
            .without_genres
            .iter()
            .map(|g| genre(g))
            .collect::<anyhow::Result<_>>()?,
        min_imdb: args.min_imdb,
        country,
        age_ratings: args.age_ratings.clone(),
        exclude,
    })
}

fn to_json(catalog: &Catalog, recs: &[Recommendation]) -> Vec<RecJson> {
    recs.iter()
        .map(|r| {
            let t = &catalog.titles[r.index];
            RecJson {
                id: t.id.clone(),
                title: t.title.clone(),
                year: t.year,
                kind: kind_name(t.kind),
                score: (r.score * 1e4).round() / 1e4,
            }
        })
        .collect()
}

/// Runs the command and returns what to print on stdout.
pub fn run(args: &RecommendArgs) -> anyhow::Result<String> {
    let bytes = std::fs::read(&args.bundle).with_context(|| {
        format!(
            "reading bundle {} (run `builder build` first)",
            args.bundle.display()
        )
    })?;
    let bundle =
        Bundle::decode(&bytes).with_context(|| format!("decoding {}", args.bundle.display()))?;
    let catalog = &bundle.body.catalog;
    let model = Model::build(catalog, &Weights::default());
    if args.eval {
        return Ok(eval_report(&model, catalog));
    }
    let index = TitleIndex::new(catalog);
    let filters = filters(args, catalog, &index)?;
    let base = Query {
        filters,
        k: args.k,
        diversity: args.diversity,
        mix_kinds: args.mix_kinds,
        ..Query::default()
    };
    if let Some(path) = &args.queries {
        return run_batch(path, &model, catalog, &index, &base);
    }
    if let Some(path) = &args.history {
        return run_history(args, path, &model, catalog, &base);
    }
    if args.titles.is_empty() {
        bail!("give --title TITLE (repeatable), --history FILE or --queries FILE");
    }
    let year = args.year.map(i64::from);
    let mut query = base;
    for t in &args.titles {
        query
            .liked
            .push(index.resolve(catalog, t, year).map_err(|m| anyhow!(m))?);
    }
    for t in &args.dislikes {
        query
            .disliked
            .push(index.resolve(catalog, t, None).map_err(|m| anyhow!(m))?);
    }
    let recs = recommend(&model, catalog, &query);
    if args.json {
        let line = QueryJson {
            query: args.titles.join(" + "),
            year,
            recs: to_json(catalog, &recs),
            error: None,
        };
        return Ok(format!("{}\n", serde_json::to_string(&line)?));
    }
    let mut out = String::new();
    let liked: Vec<String> = query.liked.iter().map(|&i| describe(catalog, i)).collect();
    writeln!(out, "Because you liked {}:", liked.join(" + "))?;
    if recs.is_empty() {
        writeln!(out, "  (nothing matches these filters)")?;
    }
    write_recs(&mut out, catalog, &recs, |r| {
        r.explanation.chips(catalog).join(" · ")
    })?;
    Ok(out)
}

/// `--history FILE`: reads and resolves the export with the engine's reader, builds the
/// weighted profile and recommends, as the app does.
fn run_history(
    args: &RecommendArgs,
    path: &Path,
    model: &Model,
    catalog: &Catalog,
    base: &Query,
) -> anyhow::Result<String> {
    use engine::history::{profile, Import, Resolver};
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let resolver = Resolver::new(catalog);
    let import = Import::new(&bytes, args.profile.as_deref(), &resolver)
        .with_context(|| format!("reading history {}", path.display()))?;
    let watched = profile::watched(&import, None);
    let params = profile::Params::default();
    let recs = match profile::last_day(&watched) {
        Some(as_of) => profile::recommend(model, catalog, &watched, &params, as_of, base),
        // Nothing matched: the popular titles, as for a new viewer.
        None => recommend(
            model,
            catalog,
            &Query {
                mix_kinds: true,
                ..base.clone()
            },
        ),
    };
    if args.json {
        let s = import.summary(None, 0);
        let out = HistoryOutput {
            history: HistoryJson {
                rows: s.rows,
                matched_rows: s.matched_rows,
                titles: s.titles,
                unmatched_rows: s.unmatched_rows,
                skipped_rows: s.skipped_rows,
            },
            recs: to_json(catalog, &recs),
        };
        return Ok(format!("{}\n", serde_json::to_string(&out)?));
    }
    let search = engine::search::SearchIndex::build_titles(catalog);
    let s = import.summary(Some(&search), 10);
    let mut out = String::new();
    writeln!(
        out,
        "{}: {} rows, {} matched ({:.1}%) to {} titles, {} unmatched, {} skipped",
        path.display(),
        s.rows,
        s.matched_rows,
        100.0 * s.match_rate(),
        s.titles,
        s.unmatched_rows,
        s.skipped_rows
    )?;
    for (reason, n) in &s.skipped_by_reason {
        writeln!(out, "  skipped {n}: {}", reason.label())?;
    }
    for u in &s.unmatched {
        let sugg: Vec<String> = u
            .suggestions
            .iter()
            .map(|&i| describe(catalog, i))
            .collect();
        writeln!(
            out,
            "  unmatched {:?} ({} rows); closest: {}",
            u.name,
            u.rows,
            if sugg.is_empty() {
                "none".to_owned()
            } else {
                sugg.join("; ")
            }
        )?;
    }
    writeln!(out, "Because you watched:")?;
    if recs.is_empty() {
        writeln!(out, "  (nothing matches these filters)")?;
    }
    write_recs(&mut out, catalog, &recs, |r| {
        r.explanation.because_watched(catalog)
    })?;
    Ok(out)
}

/// Batch mode: one output line per input line, in order; lookup failures become an
/// `error` field and the run goes on.
fn run_batch(
    path: &Path,
    model: &Model,
    catalog: &Catalog,
    index: &TitleIndex,
    base: &Query,
) -> anyhow::Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = String::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<QueryLine>(line) {
            Ok(q) => match index.resolve(catalog, &q.query, q.year) {
                Ok(i) => {
                    let query = Query {
                        liked: vec![i],
                        ..base.clone()
                    };
                    QueryJson {
                        query: q.query,
                        year: q.year,
                        recs: to_json(catalog, &recommend(model, catalog, &query)),
                        error: None,
                    }
                }
                Err(e) => QueryJson {
                    query: q.query,
                    year: q.year,
                    recs: Vec::new(),
                    error: Some(e),
                },
            },
            Err(e) => QueryJson {
                query: line.to_owned(),
                year: None,
                recs: Vec::new(),
                error: Some(format!("line {}: not a query object: {e}", n + 1)),
            },
        };
        out.push_str(&serde_json::to_string(&result)?);
        out.push('\n');
    }
    Ok(out)
}

/// The metrics table: this model against the field-blind TF-IDF baseline.
pub fn eval_report(model: &Model, catalog: &Catalog) -> String {
    let t0 = std::time::Instant::now();
    let ours = crate::train::evaluate(model, catalog);
    let t_ours = t0.elapsed();
    let baseline = Baseline::build(catalog);
    let theirs = crate::train::evaluate(&baseline, catalog);
    let mut out = String::new();
    let _ = writeln!(out, "{:<18} {:>10} {:>10}", "metric", "model", "tfidf");
    for ((name, a), (_, b)) in ours.iter().zip(&theirs) {
        let _ = writeln!(out, "{name:<18} {a:>10.4} {b:>10.4}");
    }
    let _ = writeln!(
        out,
        "(model metrics computed in {:.0} ms)",
        t_ours.as_secs_f64() * 1e3
    );
    out
}
