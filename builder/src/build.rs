//! `builder build`: snapshot in, bundle out. Offline and deterministic: the same `data/`
//! gives a byte-identical bundle (titles sorted by id, tables sorted, no clock, no hash-map
//! iteration order in the output).

//!
//! The steps, in order: [`read`] (both source groups on both cores, the catalog resolved),
//! [`link`] (Top 10 names, engagement rows and trailers to titles), [`final_order`] (titles
//! sorted by id), then on three threads the catalog ([`intern`]), the descriptions and the
//! trend tables ([`tables`]), and last the report ([`crate::report`]).

mod intern;
mod read;
mod tables;

use std::path::Path;

use engine::bundle::Body;
use engine::report::{JoinReport, MatchNote};
use engine::trends::Category;
use engine::{Bundle, Catalog, Kind, Title};

use crate::datadirs::DataDirs;
use crate::fsutil::write_atomic;
use crate::link::{link_engagement, link_top10, link_trailers, TrailerLink};
use crate::resolve::{works, Draft};
use crate::sources::top10;

pub use intern::{round_significant, shorten};
pub(crate) use read::Top10Names;

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
    crate::train::attach_metrics(&opts.history, &mut bundle, opts.record_metrics)?;
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

/// What the link step decided, in the drafts' (pre-sort) indices.
struct Linked {
    drafts: Vec<Draft>,
    joins: Vec<JoinReport>,
    notes: Vec<MatchNote>,
    top10: crate::link::Top10Links,
    /// Each engagement row's draft, if linked.
    engagement: Vec<Option<usize>>,
    /// Each trailer row's draft, if linked.
    trailers: Vec<TrailerLink>,
}

/// Reads the sources, resolves and links them, and assembles the bundle in memory.
pub fn assemble(dirs: &DataDirs) -> anyhow::Result<Bundle> {
    let mut t = std::time::Instant::now();
    let (catalog_part, mut trend_part) = read::read_sources(dirs)?;
    let mut logs = catalog_part.logs;
    logs.append(&mut trend_part.logs);
    lap(&mut t, "sources read (two threads)");
    let latest_week = trend_part.names.latest_week.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "{}: no usable rows, cannot date the build",
            dirs.file(top10::GLOBAL_FILE).display()
        )
    })?;
    let linked = link(catalog_part.resolved, &trend_part, &mut t);
    let (order, new_index) = final_order(&linked.drafts);
    let drafts = &linked.drafts;
    // Interning (people, descriptions, source refs) needs only the drafts and the trend
    // tables only the links: descriptions are cut and stemmed on one thread, people and
    // titles interned on another, while this one assembles the trend tables.
    let (mut catalog, (descriptions, terms), (trends, unlinked)) = std::thread::scope(|s| {
        let describing = s.spawn(|| describe(order.iter().map(|&i| &drafts[i])));
        let interning = s.spawn(|| intern::intern(order.iter().map(|&i| &drafts[i])));
        let tables = tables::trend_tables(
            &trend_part,
            &tables::TableLinks {
                by_name: &linked.top10.by_name,
                new_index: &new_index,
                trailers: &linked.trailers,
                engagement: &linked.engagement,
            },
        );
        let catalog = interning
            .join()
            .map_err(|_| anyhow::anyhow!("interning the catalog panicked"));
        let described = describing
            .join()
            .map_err(|_| anyhow::anyhow!("indexing the descriptions panicked"));
        anyhow::Ok((catalog?, described?, tables?))
    })?;
    attach_engagement_views(&mut catalog, &trends.engagement);
    for (t, d) in catalog.titles.iter_mut().zip(descriptions) {
        t.description = d;
    }
    catalog.terms = terms;
    lap(&mut t, "catalog interned and trends assembled");
    let freshness = crate::report::freshness(&catalog, &trends.weeks, &trends.global);
    let report = crate::report::data_report(logs, linked.joins, linked.notes, &unlinked, freshness);
    let body = Body {
        catalog,
        trends,
        report,
        metrics_history: Vec::new(),
    };
    let build_time = format!("{latest_week}T00:00:00Z");
    Ok(Bundle::new(body, &build_time, &latest_week, "unknown"))
}

/// The link step: Top 10 names, engagement rows and trailers to drafts (adding trend-only
/// and engagement-only drafts), with their joins and inexact matches.
fn link(
    resolved: crate::resolve::Resolved,
    part: &read::TrendPart,
    t: &mut std::time::Instant,
) -> Linked {
    let mut drafts = resolved.drafts;
    let mut joins = resolved.joins;
    let mut notes = resolved.notes;
    let before = drafts.len();
    let aliases = works::aliases(&part.engagement_rows, &drafts);
    let merged = works::merge_works(&mut drafts, &aliases);
    for m in &merged {
        tracing::debug!(
            "one work: {} {:?} <- {:?} [{}] ({})",
            m.kept,
            m.kept_title,
            m.merged_title,
            m.merged_sources.join(", "),
            m.evidence
        );
    }
    joins.push(crate::report::works_join(merged.len(), before));
    lap(t, "works under two names merged");
    let top10 = link_top10(&mut drafts, &part.names.first_week);
    notes.extend(top10.notes.iter().cloned());
    lap(t, "top 10 linked");
    joins.extend(crate::report::top10_joins(
        &top10,
        &drafts,
        &part.names,
        part.global.len(),
    ));
    let eng = link_engagement(
        &mut drafts,
        &top10.by_name,
        &part.engagement_rows,
        &part.enrichment,
    );
    joins.extend(eng.joins);
    notes.extend(eng.notes);
    lap(t, "engagement linked");
    let keys: Vec<(Option<String>, String)> = part
        .trailer_rows
        .iter()
        .map(|r| (r.query_title.clone(), r.video_title.clone()))
        .collect();
    let trailers = link_trailers(&drafts, &keys, &mut notes);
    joins.extend(crate::report::trailer_joins(&trailers, &drafts));
    lap(t, "trailers linked");
    Linked {
        drafts,
        joins,
        notes,
        top10,
        engagement: eng.row_title,
        trailers,
    }
}

/// Titles ordered by id so indices are reproducible: the drafts in final order, and each
/// draft's final index.
fn final_order(drafts: &[Draft]) -> (Vec<usize>, Vec<u32>) {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by(|&a, &b| drafts[a].id.cmp(&drafts[b].id));
    let mut new_index = vec![0u32; drafts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new as u32;
    }
    (order, new_index)
}

/// Descriptions cut to [`MAX_DESCRIPTION`] and their index terms, stemmed here, once, so
/// neither the browser nor the metrics stem descriptions.
fn describe<'a>(
    drafts: impl Iterator<Item = &'a Draft>,
) -> (Vec<String>, engine::catalog::TermIndex) {
    let descriptions: Vec<String> = drafts
        .map(|d| shorten(&d.rec.description, MAX_DESCRIPTION))
        .collect();
    let terms = engine::text::index_descriptions(descriptions.iter().map(String::as_str));
    (descriptions, terms)
}

/// Each title's engagement views: the largest half-year figure, rounded.
fn attach_engagement_views(catalog: &mut Catalog, engagement: &[engine::trends::EngagementEntry]) {
    for e in engagement {
        if let (Some(v), Some(t)) = (e.views, catalog.titles.get_mut(e.title as usize)) {
            let v = round_significant(v, 2);
            t.engagement_views = Some(t.engagement_views.map_or(v, |old| old.max(v)));
        }
    }
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
