//! The read step of `builder build`: the catalog sources (read and resolved) on one
//! thread, the Top 10, trailer and engagement sources on another.

use std::collections::{BTreeMap, BTreeSet};

use crate::{HashMap, HashSet};
use engine::trends::Category;
use engine::Kind;

use super::{category_kind, lap};
use crate::datadirs::DataDirs;
use crate::link::infer_kinds;
use crate::resolve::resolve;
use crate::sources::top10::CountryKey;
use crate::sources::{engagement, jsonl, justwatch, kaggle, tmdb, top10, youtube, SourceLog};

/// Reads both source groups on both cores. They are independent; errors keep their order
/// of precedence (catalog first), so a broken snapshot reports the same error.
pub(crate) fn read_sources(dirs: &DataDirs) -> anyhow::Result<(CatalogPart, TrendPart)> {
    let (catalog_part, trend_part) = std::thread::scope(|s| {
        let trends = s.spawn(|| read_trend_sources(dirs));
        let catalog = read_catalog(dirs);
        let trends = trends
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the Top 10 sources panicked")));
        (catalog, trends)
    });
    Ok((catalog_part?, trend_part?))
}

/// Catalog sources read and resolved, with their logs in reading order.
pub(crate) struct CatalogPart {
    pub(crate) logs: Vec<SourceLog>,
    pub(crate) resolved: crate::resolve::Resolved,
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
pub(crate) struct TrendPart {
    pub(crate) logs: Vec<SourceLog>,
    pub(crate) global: Vec<top10::GlobalRow>,
    pub(crate) popular: Vec<top10::PopularRow>,
    pub(crate) country_rows: BTreeMap<CountryKey, top10::CountryRow>,
    pub(crate) trailer_rows: Vec<youtube::TrailerRow>,
    pub(crate) names: Top10Names,
    pub(crate) engagement_rows: Vec<engagement::EngagementRow>,
    pub(crate) enrichment: Vec<tmdb::Enrichment>,
}

/// The distinct names of the Top 10 lists, gathered on the trend thread (while the catalog
/// is still being read and resolved) so that linking starts from ~4k names, not from the
/// ~150k rows they come from.
pub(crate) struct Top10Names {
    /// Latest week of the global lists; `None` when the global file has no usable row.
    pub(crate) latest_week: Option<String>,
    /// Every name with the first week it charted (most-popular names without a chart
    /// week are dated by the latest week, which accepts titles of any year).
    pub(crate) first_week: BTreeMap<(String, Kind), String>,
    /// Names of the global lists, with their number of rows.
    pub(crate) global: BTreeMap<(String, Kind), u64>,
    /// Names of the country lists.
    pub(crate) countries: BTreeSet<(String, Kind)>,
    /// Names of the most-popular lists.
    pub(crate) popular: BTreeSet<(String, Kind)>,
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
