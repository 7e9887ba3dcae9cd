//! `builder build`: snapshot in, bundle out. Offline and deterministic: the same `data/`
//! gives a byte-identical bundle (titles sorted by id, tables sorted, no clock, no hash-map
//! iteration order in the output).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use engine::bundle::Body;
// FxHash: short keys from trusted data; SipHash costs time for nothing here.
use engine::report::{DataReport, Freshness, FreshnessCount, FreshnessGap, JoinReport, MatchNote};
use engine::trends::{
    Category, Country, CountryRun, EngagementEntry, PopularEntry, Trailer, Trends, WeeklyEntry,
};
use engine::{Bundle, Catalog, Kind, Title};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::datadirs::DataDirs;
use crate::fsutil::write_atomic;
use crate::link::{infer_kinds, link_engagement, link_top10, link_trailers};
use crate::resolve::{resolve, Draft};
use crate::sources::top10::CountryKey;
use crate::sources::{engagement, jsonl, justwatch, kaggle, tmdb, top10, youtube, SourceLog};

/// File name of the bundle inside the output directory.
pub const BUNDLE_FILE: &str = "bundle.bin";
/// File name of the bundle's details (descriptions, weekly rows, ...) inside the output
/// directory; see `engine::bundle`.
pub const DETAILS_FILE: &str = "details.bin";
/// File name of the data-quality report (JSON) inside the output directory.
pub const REPORT_FILE: &str = "report.json";
/// How many of the least certain matches the report lists.
pub const LOW_CONFIDENCE_LISTED: usize = 30;
/// Cast members considered per title, in billing order. The credits list up to ~100 names
/// per title; the engine's similarity uses the leads, and the long tail would double the
/// people table (and the bundle).
pub const MAX_CAST: usize = 10;
/// Leading cast members always kept (for display). Further cast members (up to
/// [`MAX_CAST`]) are kept only when they appear in at least two titles: a person credited
/// once links nothing to anything else, so only costs bundle bytes.
pub const CAST_ALWAYS: usize = 4;
/// Longest description kept, in characters; longer ones are cut at a sentence or word end.
/// Descriptions are most of the bundle; a logline is enough to display and to search.
/// 200 (was 220) saves ~9% of the description bytes; almost all loglines fit whole.
pub const MAX_DESCRIPTION: usize = 200;
/// Directors kept per title.
pub const MAX_DIRECTORS: usize = 5;
/// Weeks of the global Top 10 the freshness figure looks back over.
pub const FRESHNESS_WEEKS: usize = 52;
/// Charted titles without metadata listed in the freshness report.
pub const FRESHNESS_GAPS: usize = 15;

/// What `builder build` does besides reading the sources.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The project's metrics history (JSON lines), read into the bundle.
    pub history: std::path::PathBuf,
    /// Append this build's metrics to `history` (the weekly workflow asks for it; tests
    /// and local builds do not, so they never change a tracked file).
    pub record_metrics: bool,
}

/// Builds the bundle from the data in `dirs` into `out`, writing `bundle.bin`,
/// `details.bin` and `report.json`, and returns the printable report. Nothing is written
/// when a source is fatally broken, so the previous outputs stay in place.
pub fn run(dirs: &DataDirs, out: &Path, opts: &BuildOptions) -> anyhow::Result<String> {
    dirs.require_some()?;
    let started = std::time::Instant::now();
    let mut bundle = assemble(dirs)?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "sources read, resolved and linked"
    );
    let mut t = std::time::Instant::now();
    let histories = dirs.list(crate::eval::HISTORIES_DIR, ".csv");
    crate::train::attach_metrics_with(&opts.history, &mut bundle, opts.record_metrics, &histories)?;
    lap(&mut t, "metrics attached");
    let (bytes, details) = bundle.encode_both()?;
    lap(&mut t, "bundle encoded");
    let report_json = serde_json::to_vec_pretty(&bundle.body.report)?;
    // Details first: a reader that sees the new core finds its details already there (a
    // crash in between leaves the old core, whose details are refused as mismatched, and
    // the next build fixes both).
    write_atomic(&out.join(DETAILS_FILE), &details)?;
    write_atomic(&out.join(BUNDLE_FILE), &bytes)?;
    write_atomic(&out.join(REPORT_FILE), &report_json)?;
    let mut text = crate::report::summary(&bundle.body.report);
    let trend_only = bundle
        .body
        .catalog
        .titles
        .iter()
        .filter(|t| t.trend_only)
        .count();
    text.push_str(&format!(
        "wrote {} ({} bytes) and {} ({} bytes): {} titles ({} trend-only), data through week {}\n",
        out.join(BUNDLE_FILE).display(),
        bytes.len(),
        DETAILS_FILE,
        details.len(),
        bundle.body.catalog.titles.len(),
        trend_only,
        bundle.header.data_week
    ));
    Ok(text)
}

/// Logs the time since `t` at debug level under `what` and restarts `t`.
fn lap(t: &mut std::time::Instant, what: &str) {
    tracing::debug!(us = t.elapsed().as_micros() as u64, "{what}");
    *t = std::time::Instant::now();
}

fn category_kind(c: Category) -> Kind {
    match c {
        Category::FilmsEnglish | Category::FilmsNonEnglish => Kind::Movie,
        Category::TvEnglish | Category::TvNonEnglish => Kind::Show,
    }
}

/// Catalog sources read and resolved, with their logs in reading order.
struct CatalogPart {
    logs: Vec<SourceLog>,
    resolved: crate::resolve::Resolved,
}

/// Reads and resolves the catalog sources (Kaggle, JustWatch, Streaming Availability).
fn read_catalog(dirs: &DataDirs) -> anyhow::Result<CatalogPart> {
    let mut t = std::time::Instant::now();
    let mut logs: Vec<SourceLog> = Vec::new();
    // JustWatch 2022 is read on its own thread: with the Top 10 thread that keeps both
    // cores busy until the resolve step, which needs every catalog source.
    let (kaggle_read, jw23_read, (jw22_read, tmdb_read)) = std::thread::scope(|s| {
        let jw22 = s.spawn(|| {
            let jw22 = justwatch::read(dirs, justwatch::JW_2022);
            // Newer than the snapshots the other readers expect: skipped when absent.
            let mut tlog = SourceLog::new(tmdb::MOVIES_SOURCE, tmdb::MOVIES_FILE);
            let films = match dirs.layers(tmdb::MOVIES_FILE).pop() {
                Some(path) => tmdb::read_movies(&path, &mut tlog).map(|r| Some((r, tlog))),
                None => Ok(None),
            };
            (jw22, films)
        });
        let mut klog = SourceLog::new(kaggle::SOURCE, kaggle::FILE);
        let kaggle_rows = match dirs.source(kaggle::FILE) {
            Some(path) => kaggle::read(&path, &mut klog),
            None => Ok(Vec::new()),
        }
        .map(|rows| (rows, klog));
        let jw23 = justwatch::read(dirs, justwatch::JW_2023);
        let jw22 = jw22
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (kaggle_rows, jw23, jw22)
    });
    // Errors in reading order, as when the sources were read one after another.
    let (kaggle_rows, klog) = kaggle_read?;
    logs.push(klog);
    let (jw23, l1, l2) = jw23_read?;
    logs.extend([l1, l2]);
    let (jw22, l1, l2) = jw22_read?;
    logs.extend([l1, l2]);
    let tmdb_films = match tmdb_read? {
        Some((rows, log)) => {
            logs.push(log);
            rows
        }
        None => Vec::new(),
    };
    let mut slog = SourceLog::new(jsonl::SOURCE, jsonl::FILE);
    let live = jsonl::read(&dirs.file(jsonl::FILE), &mut slog)?;
    if dirs.has(jsonl::FILE) {
        logs.push(slog);
    }
    lap(&mut t, "catalog sources read");
    let resolved = resolve(live, jw23, jw22, kaggle_rows, tmdb_films);
    lap(&mut t, "catalogs resolved");
    Ok(CatalogPart { logs, resolved })
}

/// Top 10 and trailer rows, with their logs in reading order.
struct TrendPart {
    logs: Vec<SourceLog>,
    global: Vec<top10::GlobalRow>,
    popular: Vec<top10::PopularRow>,
    country_rows: BTreeMap<CountryKey, top10::CountryRow>,
    trailer_rows: Vec<youtube::TrailerRow>,
    names: Top10Names,
    engagement_rows: Vec<engagement::EngagementRow>,
    enrichment: Vec<tmdb::Enrichment>,
}

/// The distinct names of the Top 10 lists, gathered on the trend thread (while the catalog
/// is still being read and resolved) so that linking starts from ~4k names, not from the
/// ~150k rows they come from.
struct Top10Names {
    /// Latest week of the global lists; `None` when the global file has no usable row.
    latest_week: Option<String>,
    /// Every name with the first week it charted (most-popular names without a chart
    /// week are dated by the latest week, which accepts titles of any year).
    first_week: BTreeMap<(String, Kind), String>,
    /// Names of the global lists, with their number of rows.
    global: BTreeMap<(String, Kind), u64>,
    /// Names of the country lists.
    countries: BTreeSet<(String, Kind)>,
    /// Names of the most-popular lists.
    popular: BTreeSet<(String, Kind)>,
}

impl Top10Names {
    /// Gathers the names with borrowed keys (one allocation per distinct name).
    fn gather<'a>(
        global: &'a [top10::GlobalRow],
        country_rows: &'a BTreeMap<CountryKey, top10::CountryRow>,
        popular: &'a [top10::PopularRow],
    ) -> Top10Names {
        let latest_week = global.iter().map(|r| r.week.as_str()).max();
        let mut first: HashMap<(&'a str, Kind), &'a str> = HashMap::default();
        let mut note = |title: &'a str, kind: Kind, week: &'a str| {
            let e = first.entry((title, kind)).or_insert(week);
            if week < *e {
                *e = week;
            }
        };
        let mut global_rows: HashMap<(&str, Kind), u64> = HashMap::default();
        for r in global {
            let kind = category_kind(r.category);
            note(&r.show_title, kind, &r.week);
            *global_rows.entry((&r.show_title, kind)).or_default() += 1;
        }
        let mut countries: HashSet<(&str, Kind)> = HashSet::default();
        for r in country_rows.values() {
            note(&r.show_title, r.kind, &r.week);
            countries.insert((&r.show_title, r.kind));
        }
        let mut popular_names: HashSet<(&str, Kind)> = HashSet::default();
        if let Some(latest) = latest_week {
            for r in popular {
                let kind = category_kind(r.category);
                note(&r.show_title, kind, latest);
                popular_names.insert((&r.show_title, kind));
            }
        }
        let owned = |(t, k): (&str, Kind)| (t.to_owned(), k);
        Top10Names {
            latest_week: latest_week.map(str::to_owned),
            first_week: first
                .into_iter()
                .map(|(key, week)| (owned(key), week.to_owned()))
                .collect(),
            global: global_rows
                .into_iter()
                .map(|(key, n)| (owned(key), n))
                .collect(),
            countries: countries.into_iter().map(owned).collect(),
            popular: popular_names.into_iter().map(owned).collect(),
        }
    }
}

/// Reads the global weekly lists of every layer (snapshot, then live). A later layer's row
/// replaces an earlier one with the same (week, list, rank): Netflix corrects rows after
/// the fact, and the live copy is the newer. Missing everywhere is fatal: the lists date
/// the build.
fn read_global_layers(
    dirs: &DataDirs,
    logs: &mut Vec<SourceLog>,
) -> anyhow::Result<Vec<top10::GlobalRow>> {
    let mut layers = dirs.layers(top10::GLOBAL_FILE);
    if layers.is_empty() {
        // Not found anywhere: let the reader name the expected file.
        layers.push(dirs.file(top10::GLOBAL_FILE));
    }
    let mut merged: BTreeMap<(String, Category, u8), top10::GlobalRow> = BTreeMap::new();
    let single = layers.len() == 1;
    let mut only = Vec::new();
    for (i, path) in layers.iter().enumerate() {
        let name = if i == 0 {
            "top10_global"
        } else {
            "top10_global_live"
        };
        let mut log = SourceLog::new(name, top10::GLOBAL_FILE);
        let rows = top10::read_global(path, &mut log)?;
        logs.push(log);
        if single {
            only = rows;
        } else {
            for r in rows {
                merged.insert((r.week.clone(), r.category, r.rank), r);
            }
        }
    }
    Ok(if single {
        only
    } else {
        merged.into_values().collect()
    })
}

/// Reads the Top 10 lists and the trailer statistics. Independent of the catalog, so it
/// runs on its own thread while the catalog is read and resolved.
fn read_trend_sources(dirs: &DataDirs) -> anyhow::Result<TrendPart> {
    let mut t = std::time::Instant::now();
    let mut logs: Vec<SourceLog> = Vec::new();
    let global = read_global_layers(dirs, &mut logs)?;
    let mut plog = SourceLog::new("top10_most_popular", top10::POPULAR_FILE);
    let popular = match dirs.source(top10::POPULAR_FILE) {
        Some(path) => top10::read_popular(&path, &mut plog)?,
        None => Vec::new(),
    };
    logs.push(plog);
    let mut country_rows: BTreeMap<CountryKey, top10::CountryRow> = BTreeMap::new();
    for (name, file) in [
        ("top10_countries", top10::COUNTRIES_FILE),
        ("top10_countries_live", top10::COUNTRIES_LIVE_FILE),
    ] {
        let Some(path) = (if file == top10::COUNTRIES_LIVE_FILE {
            dirs.layers(file).pop()
        } else {
            dirs.source(file)
        }) else {
            continue;
        };
        let mut log = SourceLog::new(name, file);
        // Later files (the live one) replace rows with the same key: Netflix renames
        // season titles after the fact.
        for r in top10::read_countries(&path, &mut log)? {
            country_rows.insert(r.key(), r);
        }
        logs.push(log);
    }
    let names = Top10Names::gather(&global, &country_rows, &popular);
    lap(&mut t, "top 10 read and names gathered");
    let mut ylog = SourceLog::new("youtube_trailers_2025", youtube::SNAPSHOT_FILE);
    let mut trailer_rows = match dirs.source(youtube::SNAPSHOT_FILE) {
        Some(path) => youtube::read_snapshot(&path, &mut ylog)?,
        None => Vec::new(),
    };
    logs.push(ylog);
    if let Some(path) = dirs.layers(youtube::LIVE_FILE).pop() {
        let mut log = SourceLog::new("youtube_live", youtube::LIVE_FILE);
        trailer_rows.extend(youtube::read_live(&path, &mut log)?);
        logs.push(log);
    }
    lap(&mut t, "trailers read");
    let (mut engagement_rows, mut enrichment, elogs) = engagement::read_all(dirs)?;
    logs.extend(elogs);
    if let Some(path) = dirs.layers(tmdb::ENRICHMENT_FILE).pop() {
        let mut log = SourceLog::new(tmdb::ENRICHMENT_SOURCE, tmdb::ENRICHMENT_FILE);
        // The cache first: its rows win over the derived table's for the same name.
        let mut cache = tmdb::read_enrichment(&path, &mut log)?;
        cache.append(&mut enrichment);
        enrichment = cache;
        logs.push(log);
    }
    infer_kinds(&mut engagement_rows, &enrichment);
    lap(&mut t, "engagement reports read");
    Ok(TrendPart {
        logs,
        global,
        popular,
        country_rows,
        trailer_rows,
        names,
        engagement_rows,
        enrichment,
    })
}

/// Reads the sources, resolves and links them, and assembles the bundle in memory.
pub fn assemble(dirs: &DataDirs) -> anyhow::Result<Bundle> {
    let mut t = std::time::Instant::now();
    // The two source groups are independent: read them on both cores. Errors keep their
    // order of precedence (catalog first), so a broken snapshot reports the same error.
    let (catalog_part, trend_part) = std::thread::scope(|s| {
        let trends = s.spawn(|| read_trend_sources(dirs));
        let catalog = read_catalog(dirs);
        let trends = trends
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the Top 10 sources panicked")));
        (catalog, trends)
    });
    let CatalogPart { mut logs, resolved } = catalog_part?;
    let TrendPart {
        logs: trend_logs,
        global,
        popular,
        country_rows,
        trailer_rows,
        names,
        engagement_rows,
        enrichment,
    } = trend_part?;
    logs.extend(trend_logs);
    lap(&mut t, "sources read (two threads)");
    let mut drafts = resolved.drafts;
    let mut joins = resolved.joins;
    let mut notes = resolved.notes;

    let latest_week = names.latest_week.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "{}: no usable rows, cannot date the build",
            dirs.file(top10::GLOBAL_FILE).display()
        )
    })?;

    let links = link_top10(&mut drafts, &names.first_week);
    notes.extend(links.notes.iter().cloned());
    lap(&mut t, "top 10 linked");
    joins.push(links.join(
        "top10_global titles → catalog",
        &drafts,
        names.global.keys(),
    ));
    let global_rows_matched: u64 = names
        .global
        .iter()
        .filter(|(name, _)| {
            links
                .by_name
                .get(*name)
                .is_some_and(|&i| !drafts[i].trend_only)
        })
        .map(|(_, rows)| rows)
        .sum();
    joins.push(JoinReport {
        name: "top10_global rows → catalog".into(),
        matched: global_rows_matched,
        total: global.len() as u64,
    });
    joins.push(links.join(
        "top10_countries titles → catalog",
        &drafts,
        names.countries.iter(),
    ));
    joins.push(links.join(
        "top10_most_popular titles → catalog",
        &drafts,
        names.popular.iter(),
    ));

    let eng = link_engagement(&mut drafts, &links.by_name, &engagement_rows, &enrichment);
    joins.extend(eng.joins);
    notes.extend(eng.notes);
    lap(&mut t, "engagement linked");

    let keys: Vec<(Option<String>, String)> = trailer_rows
        .iter()
        .map(|r| (r.query_title.clone(), r.video_title.clone()))
        .collect();
    let trailer_links = link_trailers(&drafts, &keys, &mut notes);
    joins.push(JoinReport {
        name: "trailers → titles".into(),
        matched: trailer_links.iter().filter(|l| l.is_some()).count() as u64,
        total: trailer_links.len() as u64,
    });
    joins.push(JoinReport {
        name: "trailers → catalog (not trend-only)".into(),
        matched: trailer_links
            .iter()
            .filter(|l| l.is_some_and(|(i, _)| !drafts[i].trend_only))
            .count() as u64,
        total: trailer_links.len() as u64,
    });

    lap(&mut t, "trailers linked");
    // Order titles by id so indices are reproducible, then remap every link.
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by(|&a, &b| drafts[a].id.cmp(&drafts[b].id));
    let mut new_index = vec![0u32; drafts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new as u32;
    }
    // Interning (people, descriptions, source refs) needs only the drafts and the trend
    // tables only the links: build them on both cores.
    std::thread::scope(|s| {
        // Descriptions are cut and stemmed on one thread, people and titles interned on
        // another, while this one assembles the trend tables.
        let describing = s.spawn(|| {
            let descriptions: Vec<String> = order
                .iter()
                .map(|&i| shorten(&drafts[i].rec.description, MAX_DESCRIPTION))
                .collect();
            // Stemmed here, once, so neither the browser nor the metrics stem descriptions.
            let terms = engine::text::index_descriptions(descriptions.iter().map(String::as_str));
            (descriptions, terms)
        });
        let interning = s.spawn(|| intern(order.iter().map(|&i| &drafts[i])));
        // Weeks table: every week any list covers.
        let mut weeks: BTreeSet<&str> = global.iter().map(|r| r.week.as_str()).collect();
        weeks.extend(country_rows.values().map(|r| r.week.as_str()));
        let weeks: Vec<String> = weeks.into_iter().map(str::to_owned).collect();
        let week_ix: HashMap<&str, u16> = weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i as u16))
            .collect();
        // Borrowed keys, so the ~145k row lookups below allocate nothing.
        let final_index: HashMap<(&str, Kind), u32> = links
            .by_name
            .iter()
            .map(|((show, kind), &i)| ((show.as_str(), *kind), new_index[i]))
            .collect();
        // Every name was linked above, so a miss is a bug in the linker: it stops the build
        // rather than sending the rows to some other title.
        let title_of = |show: &str, kind: Kind| -> anyhow::Result<u32> {
            final_index.get(&(show, kind)).copied().ok_or_else(|| {
                anyhow::anyhow!(
                    "internal error: the Top 10 name {show:?} ({}) was not linked to a title",
                    kind.label()
                )
            })
        };

        let mut global_entries: Vec<WeeklyEntry> = global
            .iter()
            .map(|r| {
                Ok(WeeklyEntry {
                    week: week_ix[r.week.as_str()],
                    category: r.category,
                    rank: r.rank,
                    title: title_of(&r.show_title, category_kind(r.category))?,
                    season: r.season.clone(),
                    hours_viewed: r.hours,
                    views: r.views,
                    cumulative_weeks: r.cumulative_weeks,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        global_entries.sort_by_key(|e| (e.week, e.category, e.rank));

        // Countries and their runs.
        let mut country_names_by_iso: BTreeMap<&str, &str> = BTreeMap::new();
        for r in country_rows.values() {
            country_names_by_iso.insert(&r.iso2, &r.country_name);
        }
        let countries: Vec<Country> = country_names_by_iso
            .iter()
            .map(|(iso, name)| Country {
                iso2: (*iso).to_owned(),
                name: (*name).to_owned(),
            })
            .collect();
        let country_ix: HashMap<&str, u16> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso2.as_str(), i as u16))
            .collect();
        let mut runs: BTreeMap<(u16, u32), CountryRun> = BTreeMap::new();
        let mut run_weeks: HashSet<(u16, u32, u16)> = HashSet::default();
        for r in country_rows.values() {
            let c = country_ix[r.iso2.as_str()];
            let t = title_of(&r.show_title, r.kind)?;
            let w = week_ix[r.week.as_str()];
            let run = runs.entry((c, t)).or_insert(CountryRun {
                country: c,
                title: t,
                weeks: 0,
                best_rank: r.rank,
                first_week: w,
                last_week: w,
            });
            if run_weeks.insert((c, t, w)) {
                run.weeks += 1;
            }
            run.best_rank = run.best_rank.min(r.rank);
            run.first_week = run.first_week.min(w);
            run.last_week = run.last_week.max(w);
        }
        let countries_through = country_rows.values().map(|r| r.week.clone()).max();

        let mut most_popular: Vec<PopularEntry> = popular
            .iter()
            .map(|r| {
                Ok(PopularEntry {
                    category: r.category,
                    rank: r.rank,
                    title: title_of(&r.show_title, category_kind(r.category))?,
                    season: r.season.clone(),
                    views: r.views,
                    hours_viewed: r.hours,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        most_popular.sort_by_key(|e| (e.category, e.rank));

        let mut trailers: Vec<Trailer> = Vec::new();
        let mut unlinked: Vec<(u64, String)> = Vec::new();
        for (r, link) in trailer_rows.iter().zip(&trailer_links) {
            match link {
                Some((i, _)) => trailers.push(Trailer {
                    title: new_index[*i],
                    video_id: r.video_id.clone(),
                    video_title: r.video_title.clone(),
                    published: r.published.clone(),
                    fetched: r.fetched.clone(),
                    views: r.views,
                    likes: r.likes,
                    comments: r.comments,
                    duration_s: r.duration_s,
                }),
                None => unlinked.push((
                    r.line,
                    r.query_title
                        .clone()
                        .unwrap_or_else(|| r.video_title.clone()),
                )),
            }
        }
        trailers.sort_by(|a, b| {
            (a.title, &a.video_id, &a.fetched).cmp(&(b.title, &b.video_id, &b.fetched))
        });
        // The same video found for two spellings of one title is one trailer.
        trailers.dedup_by(|a, b| {
            a.title == b.title && a.video_id == b.video_id && a.fetched == b.fetched
        });

        // Engagement: one row per (half-year, title), seasons summed.
        let mut periods: Vec<String> = engagement_rows.iter().map(|r| r.period.clone()).collect();
        periods.sort_unstable();
        periods.dedup();
        let mut per: BTreeMap<(u32, u8), (u64, Option<u64>)> = BTreeMap::new();
        for (r, link) in engagement_rows.iter().zip(&eng.row_title) {
            let Some(i) = link else { continue };
            let p = periods.binary_search(&r.period).unwrap_or(0) as u8;
            let e = per.entry((new_index[*i], p)).or_default();
            e.0 = e.0.saturating_add(r.hours);
            if let Some(v) = r.views {
                e.1 = Some(e.1.unwrap_or(0).saturating_add(v));
            }
        }
        let engagement_entries: Vec<EngagementEntry> = per
            .iter()
            .map(|(&(title, period), &(hours, views))| EngagementEntry {
                period,
                title,
                hours_viewed: hours,
                views,
            })
            .collect();

        let mut catalog = interning
            .join()
            .map_err(|_| anyhow::anyhow!("interning the catalog panicked"))?;
        for e in &engagement_entries {
            if let (Some(v), Some(t)) = (e.views, catalog.titles.get_mut(e.title as usize)) {
                let v = round_significant(v, 2);
                t.engagement_views = Some(t.engagement_views.map_or(v, |old| old.max(v)));
            }
        }
        let (descriptions, terms) = describing
            .join()
            .map_err(|_| anyhow::anyhow!("indexing the descriptions panicked"))?;
        for (t, d) in catalog.titles.iter_mut().zip(descriptions) {
            t.description = d;
        }
        catalog.terms = terms;
        lap(&mut t, "catalog interned and trends assembled");
        let sources: Vec<_> = logs.into_iter().map(SourceLog::finish).collect();
        notes.sort_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then_with(|| a.join.cmp(&b.join))
                .then_with(|| a.left.cmp(&b.left))
        });
        notes.truncate(LOW_CONFIDENCE_LISTED);
        for (line, title) in &unlinked {
            notes.push(MatchNote {
                join: "trailers → titles (unmatched)".into(),
                left: format!("{title} (line {line})"),
                right: String::new(),
                score: 0.0,
            });
        }

        let freshness = freshness(&catalog, &weeks, &global_entries);
        let report = DataReport {
            sources,
            joins,
            low_confidence: notes,
            freshness: Some(freshness),
        };
        let mut trends = Trends {
            weeks,
            global: global_entries,
            countries,
            country_runs: runs.into_values().collect(),
            countries_through,
            most_popular,
            trailers,
            charted: Vec::new(),
            engagement_periods: periods,
            engagement: engagement_entries,
        };
        trends.summarize();
        let body = Body {
            catalog,
            trends,
            report,
            metrics_history: Vec::new(),
        };
        let build_time = format!("{latest_week}T00:00:00Z");
        Ok(Bundle::new(body, &build_time, &latest_week, "unknown"))
    })
}

/// Interns people, genres and countries into sorted tables and converts the drafts (given
/// in final order) to engine titles, leaving descriptions and terms to `assemble`.
fn intern<'a>(drafts: impl Iterator<Item = &'a Draft> + Clone) -> Catalog {
    let mut credits: HashMap<&str, u32> = HashMap::default();
    for d in drafts.clone() {
        for p in d.rec.cast.iter().take(MAX_CAST) {
            *credits.entry(p.as_str()).or_default() += 1;
        }
    }
    let kept_cast = |d: &'a Draft| {
        d.rec
            .cast
            .iter()
            .take(MAX_CAST)
            .enumerate()
            .filter(|(i, p)| *i < CAST_ALWAYS || credits.get(p.as_str()).is_some_and(|&n| n >= 2))
            .map(|(_, p)| p.as_str())
    };
    // Hashed, then sorted once: cheaper than ~90k ordered insertions.
    let mut people: HashSet<&str> = HashSet::default();
    let mut countries: HashSet<&str> = HashSet::default();
    for d in drafts.clone() {
        people.extend(
            d.rec
                .directors
                .iter()
                .take(MAX_DIRECTORS)
                .map(String::as_str),
        );
        people.extend(kept_cast(d));
        countries.extend(d.rec.countries.iter().map(String::as_str));
    }
    let sorted = |set: HashSet<&str>| {
        let mut v: Vec<&str> = set.into_iter().collect();
        v.sort_unstable();
        v.into_iter().map(str::to_owned).collect::<Vec<String>>()
    };
    let people = sorted(people);
    let countries = sorted(countries);
    let genres: Vec<String> = crate::vocab::GENRES
        .iter()
        .map(|g| (*g).to_owned())
        .collect();
    let person_ix: HashMap<&str, u32> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let country_ix: HashMap<&str, u32> = countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect();
    let genre_ix = |g: &str| {
        crate::vocab::GENRES
            .iter()
            .position(|x| *x == g)
            .map(|i| i as u32)
    };
    let titles = drafts
        .map(|d| {
            let r = &d.rec;
            Title {
                id: d.id.clone(),
                title: r.title.clone(),
                kind: r.kind,
                year: r.year,
                // Cut and stemmed on their own thread (see `assemble`).
                description: String::new(),
                genres: r.genres.iter().filter_map(|g| genre_ix(g)).collect(),
                directors: r
                    .directors
                    .iter()
                    .take(MAX_DIRECTORS)
                    .map(|p| person_ix[p.as_str()])
                    .collect(),
                cast: kept_cast(d).map(|p| person_ix[p]).collect(),
                countries: r.countries.iter().map(|c| country_ix[c.as_str()]).collect(),
                age_rating: r.age_rating.clone(),
                runtime_min: r.runtime_min,
                seasons: r.seasons,
                imdb_id: r.imdb_id.clone(),
                imdb_score: r.imdb_score,
                imdb_votes: r.imdb_votes,
                tmdb_popularity: r.tmdb_popularity,
                tmdb_score: r.tmdb_score,
                // Set from the engagement rows once titles have their final indices.
                engagement_views: None,
                sources: source_refs(d),
                trend_only: d.trend_only,
            }
        })
        .collect();
    Catalog {
        titles,
        people,
        genres,
        countries,
        terms: Default::default(),
    }
}

/// The title's source references for the bundle: every source name is kept (the title
/// page lists what a title was merged from), but an id that repeats the title's own id or
/// display title (the usual case for IMDb-keyed JustWatch rows and for Top 10 names) is
/// left empty, since the page already shows it. Saves most of the source-id bytes.
fn source_refs(d: &Draft) -> Vec<engine::SourceRef> {
    d.sources
        .iter()
        .map(|s| engine::SourceRef {
            source: s.source.clone(),
            id: if s.id == d.id || s.id == d.rec.title {
                String::new()
            } else {
                s.id.clone()
            },
        })
        .collect()
}

/// `v` rounded to `digits` significant decimal digits: a popularity signal needs no more,
/// and the bundle stores round numbers in a few bits.
pub fn round_significant(v: u64, digits: u32) -> u64 {
    let mut scale = 1u64;
    while v / scale >= 10u64.pow(digits) {
        scale = scale.saturating_mul(10);
    }
    (v.saturating_add(scale / 2) / scale).saturating_mul(scale)
}

/// Whether a title can seed recommendations from its own metadata: genres, plus a
/// description, people or a production country.
pub fn recommendable(t: &Title) -> bool {
    !t.genres.is_empty()
        && (!t.description.is_empty()
            || !t.directors.is_empty()
            || !t.cast.is_empty()
            || !t.countries.is_empty())
}

/// The freshness figure: of the titles in the last [`FRESHNESS_WEEKS`] weeks of the global
/// Top 10, how many are [`recommendable`], by kind, and the biggest gaps by hours.
fn freshness(catalog: &Catalog, weeks: &[String], global: &[WeeklyEntry]) -> Freshness {
    let latest: BTreeSet<u16> = global.iter().map(|e| e.week).collect();
    let recent: BTreeSet<u16> = latest.iter().rev().take(FRESHNESS_WEEKS).copied().collect();
    let mut hours: BTreeMap<u32, u64> = BTreeMap::new();
    for e in global.iter().filter(|e| recent.contains(&e.week)) {
        *hours.entry(e.title).or_default() += e.hours_viewed;
    }
    let mut f = Freshness {
        weeks: recent.len().min(weeks.len()) as u32,
        ..Freshness::default()
    };
    let mut gaps: Vec<(u64, &str)> = Vec::new();
    for (&i, &h) in &hours {
        let Some(t) = catalog.titles.get(i as usize) else {
            continue;
        };
        let ok = recommendable(t);
        let part: &mut FreshnessCount = if t.kind == Kind::Show {
            &mut f.series
        } else {
            &mut f.films
        };
        part.titles += 1;
        part.recommendable += u64::from(ok);
        if !ok {
            gaps.push((h, t.title.as_str()));
        }
    }
    f.titles = f.films.titles + f.series.titles;
    f.recommendable = f.films.recommendable + f.series.recommendable;
    gaps.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    f.top_gaps = gaps
        .into_iter()
        .take(FRESHNESS_GAPS)
        .map(|(hours, title)| FreshnessGap {
            title: title.to_owned(),
            hours,
        })
        .collect();
    f
}

/// Cuts `text` to at most `max` characters: at the last sentence end that keeps at least
/// half of it, else at the last word end, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    if let Some(end) = head.rfind(['.', '!', '?']) {
        if end >= cut / 2 {
            return head[..=end].to_owned();
        }
    }
    match head.rfind(' ') {
        Some(sp) => format!("{}…", head[..sp].trim_end_matches([',', ';', ':', ' '])),
        None => format!("{head}…"),
    }
}
