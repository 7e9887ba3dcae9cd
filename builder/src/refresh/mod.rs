//! `builder refresh`: fetches fresh data and merges it into the live directory, over the
//! snapshot (see [`crate::datadirs`]): the snapshot is never written.
//!
//! Sources: the Netflix Top 10 TSVs (no key), the Streaming Availability API v4 (when
//! `RAPIDAPI_KEY` is set) and the YouTube Data API v3 (when `YOUTUBE_API_KEY` is set).
//! Everything is fetched and merged in memory first; files are written (each atomically)
//! only when every fetch succeeded, so a failed or interrupted refresh leaves the live
//! directory as it was. Merges are idempotent and never delete kept history: Top 10 rows are keyed by
//! (week, category, rank) and (country, week, category, rank), catalog shows by source id,
//! trailer statistics by (video id, fetch date); a fetched row replaces a stored row with
//! the same key.

pub mod http;
mod merge;
mod streaming;
mod youtube;

use crate::datadirs::DataDirs;

use anyhow::Context;

use crate::fsutil::write_atomic;
use http::{Http, HttpConfig};

/// Where to fetch from and what to do.
#[derive(Debug, Clone)]
pub struct RefreshConfig {
    /// Snapshot (read) and live directory (written).
    pub dirs: DataDirs,
    /// Print what would change, write nothing.
    pub dry_run: bool,
    /// Base URL of the Top 10 files (`…/all-weeks-global.tsv` is appended).
    pub netflix_base: String,
    /// Whether to fetch the per-country file (~30 MB).
    pub countries: bool,
    /// Streaming Availability base URL.
    pub sa_base: String,
    /// RapidAPI key; `None` skips the catalog.
    pub sa_key: Option<String>,
    /// Catalog country (ISO2, lower case).
    pub sa_country: String,
    /// Page limit for the catalog (each page is one API call).
    pub sa_max_pages: u32,
    /// YouTube Data API base URL.
    pub yt_base: String,
    /// YouTube key; `None` skips trailers.
    pub yt_key: Option<String>,
    /// Channel whose uploads are read.
    pub yt_channel: String,
    /// Page limit for the uploads playlist (50 videos per page).
    pub yt_max_pages: u32,
    /// Date stamped on fetched statistics (`YYYY-MM-DD`); today when `None`.
    pub today: Option<String>,
    /// Timeouts and retries.
    pub http: HttpConfig,
}

impl RefreshConfig {
    /// Defaults pointing at the real services, keys from the environment.
    pub fn new(dirs: DataDirs) -> Self {
        RefreshConfig {
            dirs,
            dry_run: false,
            netflix_base: "https://www.netflix.com/tudum/top10/data".into(),
            countries: true,
            sa_base: "https://streaming-availability.p.rapidapi.com".into(),
            sa_key: std::env::var("RAPIDAPI_KEY").ok().filter(|k| !k.is_empty()),
            sa_country: "us".into(),
            sa_max_pages: 500,
            yt_base: "https://www.googleapis.com/youtube/v3".into(),
            yt_key: std::env::var("YOUTUBE_API_KEY")
                .ok()
                .filter(|k| !k.is_empty()),
            yt_channel: "UCWOA1ZGywLbqmigxE4Qlvuw".into(),
            yt_max_pages: 20,
            today: None,
            http: HttpConfig::default(),
        }
    }
}

/// One file the refresh would write, with a description of the change.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path relative to the live directory (the same as in the snapshot).
    pub file: String,
    /// New content.
    pub bytes: Vec<u8>,
    /// Human summary (`+12 rows, 3 updated`).
    pub summary: String,
}

/// Fetches, merges and (unless dry-run) writes. Returns a printable summary.
pub fn run(cfg: &RefreshConfig) -> anyhow::Result<String> {
    let changes = plan(cfg)?;
    let mut out = String::new();
    for c in &changes {
        out.push_str(&format!("{}: {}\n", c.file, c.summary));
    }
    if changes.is_empty() {
        out.push_str("nothing to change\n");
    }
    if cfg.dry_run {
        out.push_str("dry run: nothing written\n");
        return Ok(out);
    }
    for c in &changes {
        write_atomic(&cfg.dirs.live_path(&c.file), &c.bytes)?;
    }
    Ok(out)
}

/// Fetches everything and computes the new file contents, writing nothing. Files whose
/// content would not change are left out.
pub fn plan(cfg: &RefreshConfig) -> anyhow::Result<Vec<Change>> {
    let http = Http::new(cfg.http.clone())?;
    let today = cfg.today.clone().unwrap_or_else(today_utc);
    let bar = progress(if cfg.countries { 3 } else { 2 });
    let mut changes = Vec::new();
    let base = cfg.netflix_base.trim_end_matches('/');

    bar.set_message("Top 10: global");
    let global = http.get(&format!("{base}/all-weeks-global.tsv"), &[])?;
    changes.push(merge::top10_global(&cfg.dirs, &global)?);
    bar.inc(1);
    bar.set_message("Top 10: most popular");
    let popular = http.get(&format!("{base}/most-popular.tsv"), &[])?;
    changes.push(merge::top10_popular(&cfg.dirs, &popular)?);
    bar.inc(1);
    if cfg.countries {
        bar.set_message("Top 10: countries (~30 MB)");
        let countries = http.get(&format!("{base}/all-weeks-countries.tsv"), &[])?;
        changes.push(merge::top10_countries(&cfg.dirs, &countries)?);
        bar.inc(1);
    }
    if let Some(key) = &cfg.sa_key {
        bar.set_message("Streaming Availability");
        let shows = streaming::fetch(&http, cfg, key)?;
        changes.push(merge::streaming(&cfg.dirs, shows)?);
    } else {
        tracing::info!("RAPIDAPI_KEY not set: catalog not refreshed");
    }
    if let Some(key) = &cfg.yt_key {
        bar.set_message("YouTube");
        let rows = youtube::fetch(&http, cfg, key, &today)?;
        changes.push(merge::youtube(&cfg.dirs, rows)?);
    } else {
        tracing::info!("YOUTUBE_API_KEY not set: trailer statistics not refreshed");
    }
    bar.finish_and_clear();
    let mut kept = Vec::new();
    for c in changes {
        let old = std::fs::read(cfg.dirs.file(&c.file)).ok();
        if old.as_deref() != Some(c.bytes.as_slice()) {
            kept.push(c);
        }
    }
    Ok(kept)
}

fn progress(steps: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(steps);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:20} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Today's date in UTC, `YYYY-MM-DD` (civil-from-days, so no date crate is needed).
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The date `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads the current copy of `file` (live, else snapshot), `None` when absent.
fn read_opt(dirs: &DataDirs, file: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let p = dirs.file(file);
    match std::fs::read(&p) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", p.display())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_653), "2026-07-19");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
