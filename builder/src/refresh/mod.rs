//! `builder refresh`: fetches fresh data and merges it into the live directory, over the
//! snapshot (see [`crate::datadirs`]): the snapshot is never written.
//!
//! Sources: the Netflix Top 10 TSVs (no key), the three Kaggle catalog datasets (basic
//! auth with `KAGGLE_USERNAME`/`KAGGLE_KEY` when set), the Netflix engagement reports
//! whose URLs are configured, the Streaming Availability API v4 (when `RAPIDAPI_KEY` is
//! set) and the YouTube Data API v3 (when `YOUTUBE_API_KEY` is set).
//!
//! Each source is fetched and merged in memory, then its files are written, each
//! atomically. A source that fails (an expired key, an exhausted quota, a broken download)
//! writes nothing and keeps what it had; the others are still refreshed, and the summary
//! names each failure with its reason ([`Status`] tells the cases apart for the exit
//! status). Merges are idempotent and never delete kept history: Top 10 rows are keyed by
//! (week, category, rank) and (country, week, category, rank), catalog shows by source id,
//! trailer statistics by (video id, fetch date); a fetched row replaces a stored row with
//! the same key. Errors and the summary never hold a URL's query or a key (see [`http`]).

pub mod http;
pub mod kaggle;
mod merge;
pub mod reports;
mod streaming;
mod youtube;

use std::fmt;

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
    /// Whether to download the Kaggle catalog datasets.
    pub kaggle: bool,
    /// Kaggle base URL (`/api/v1/datasets/download/…` is appended).
    pub kaggle_base: String,
    /// Kaggle user name and API key, when both are set.
    pub kaggle_auth: Option<(String, String)>,
    /// Netflix engagement report (xlsx) URLs; each is one source.
    pub engagement_urls: Vec<String>,
    /// Largest file accepted from inside a zip, in bytes, counted as it inflates.
    pub max_entry_bytes: u64,
    /// Date stamped on fetched statistics (`YYYY-MM-DD`); today when `None`.
    pub today: Option<String>,
    /// Timeouts and retries.
    pub http: HttpConfig,
}

impl RefreshConfig {
    /// Defaults pointing at the real services, keys from the environment (never from
    /// flags, which other users can read in the process list).
    pub fn new(dirs: DataDirs) -> Self {
        let env = |name: &str| std::env::var(name).ok().filter(|k| !k.is_empty());
        RefreshConfig {
            dirs,
            dry_run: false,
            netflix_base: "https://www.netflix.com/tudum/top10/data".into(),
            countries: true,
            sa_base: "https://streaming-availability.p.rapidapi.com".into(),
            sa_key: env("RAPIDAPI_KEY"),
            sa_country: "us".into(),
            sa_max_pages: 500,
            yt_base: "https://www.googleapis.com/youtube/v3".into(),
            yt_key: env("YOUTUBE_API_KEY"),
            yt_channel: "UCWOA1ZGywLbqmigxE4Qlvuw".into(),
            yt_max_pages: 20,
            kaggle: true,
            kaggle_base: "https://www.kaggle.com".into(),
            kaggle_auth: env("KAGGLE_USERNAME").zip(env("KAGGLE_KEY")),
            engagement_urls: Vec::new(),
            // The largest catalog CSV is ~6 MB; a zip bomb stops here.
            max_entry_bytes: 256 << 20,
            today: None,
            http: HttpConfig::default(),
        }
    }

    /// Every secret this configuration holds, for redaction.
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = self.sa_key.iter().chain(&self.yt_key).cloned().collect();
        if let Some((_, key)) = &self.kaggle_auth {
            out.push(key.clone());
        }
        out
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

/// How a refresh went, as the exit status tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every source attempted was refreshed (or had nothing new).
    AllFine,
    /// Some sources failed and kept their previous data; the others were refreshed.
    SomeFailed,
    /// Every source attempted failed: nothing usable was fetched.
    NothingUsable,
}

impl Status {
    /// The process exit code: 0 all fine, 2 some sources failed, 1 nothing usable.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::AllFine => 0,
            Status::SomeFailed => 2,
            Status::NothingUsable => 1,
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone)]
pub struct SourceOutcome {
    /// Source name (`Top 10 global`, `YouTube`, `Kaggle shivamb/netflix-shows`, ...).
    pub source: String,
    /// The files that changed (written unless a dry run), or why the source failed
    /// (secrets redacted).
    pub result: Result<Vec<Change>, String>,
}

/// The outcome of a refresh: every source attempted and every source skipped.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Sources attempted, in order.
    pub sources: Vec<SourceOutcome>,
    /// Sources not attempted, with the reason (a key not set).
    pub skipped: Vec<String>,
    /// Whether nothing was written on purpose.
    pub dry_run: bool,
}

impl Summary {
    /// All fine, some failed, or nothing usable.
    pub fn status(&self) -> Status {
        let failed = self.failed().count();
        if failed == 0 {
            Status::AllFine
        } else if failed == self.sources.len() {
            Status::NothingUsable
        } else {
            Status::SomeFailed
        }
    }

    /// The failed sources and their reasons.
    pub fn failed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sources.iter().filter_map(|s| match &s.result {
            Err(why) => Some((s.source.as_str(), why.as_str())),
            Ok(_) => None,
        })
    }

    /// Every change of the sources that succeeded.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.sources
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
            .flatten()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.changes() {
            writeln!(f, "{}: {}", c.file, c.summary)?;
        }
        if self.changes().next().is_none() {
            writeln!(f, "nothing to change")?;
        }
        for s in &self.skipped {
            writeln!(f, "skipped: {s}")?;
        }
        // One line per failure, each starting with `failed:`, so the weekly workflow can
        // turn them into annotations.
        for (source, why) in self.failed() {
            writeln!(f, "failed: {source}: {why}")?;
        }
        if self.dry_run {
            writeln!(f, "dry run: nothing written")?;
        }
        let failed = self.failed().count();
        if failed > 0 {
            writeln!(
                f,
                "{failed} of {} sources failed and kept their previous data",
                self.sources.len()
            )?;
        }
        Ok(())
    }
}

/// One source to refresh: its name and how to fetch and merge it.
type Job<'a> = (
    String,
    Box<dyn FnOnce() -> anyhow::Result<Vec<Change>> + 'a>,
);

/// Fetches and merges each source, and (unless dry-run) writes the files of each that
/// succeeded. Only a client that cannot be built at all is an error; a failing source is
/// reported in the [`Summary`].
pub fn run(cfg: &RefreshConfig) -> anyhow::Result<Summary> {
    let http = Http::new(cfg.http.clone())?.hiding(cfg.secrets());
    let today = cfg.today.clone().unwrap_or_else(today_utc);
    let (jobs, skipped) = jobs(cfg, &http, &today);
    let bar = progress(jobs.len() as u64);
    let mut sources = Vec::new();
    for (source, job) in jobs {
        bar.set_message(source.clone());
        let result = job()
            .and_then(|changes| keep_changed(&cfg.dirs, changes))
            .and_then(|changes| {
                if !cfg.dry_run {
                    for c in &changes {
                        write_atomic(&cfg.dirs.live_path(&c.file), &c.bytes)?;
                    }
                }
                Ok(changes)
            })
            .map_err(|e| one_line(&http.redact(&format!("{e:#}"))));
        if let Err(why) = &result {
            tracing::warn!(source = %source, "failed, previous data kept: {why}");
        }
        sources.push(SourceOutcome { source, result });
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Summary {
        sources,
        skipped,
        dry_run: cfg.dry_run,
    })
}

/// The sources this configuration refreshes, and those it skips with the reason.
fn jobs<'a>(cfg: &'a RefreshConfig, http: &'a Http, today: &'a str) -> (Vec<Job<'a>>, Vec<String>) {
    let base = cfg.netflix_base.trim_end_matches('/');
    let mut jobs: Vec<Job<'a>> = Vec::new();
    let mut skipped = Vec::new();
    let top10 = move |file: &'static str| move || http.get(&format!("{base}/{file}"), &[]);
    jobs.push((
        "Top 10 global".into(),
        Box::new(move || -> anyhow::Result<Vec<Change>> {
            Ok(vec![merge::top10_global(
                &cfg.dirs,
                &top10("all-weeks-global.tsv")()?,
            )?])
        }),
    ));
    jobs.push((
        "Top 10 most popular".into(),
        Box::new(move || -> anyhow::Result<Vec<Change>> {
            Ok(vec![merge::top10_popular(
                &cfg.dirs,
                &top10("most-popular.tsv")()?,
            )?])
        }),
    ));
    if cfg.countries {
        jobs.push((
            "Top 10 countries".into(),
            Box::new(move || -> anyhow::Result<Vec<Change>> {
                Ok(vec![merge::top10_countries(
                    &cfg.dirs,
                    &top10("all-weeks-countries.tsv")()?,
                )?])
            }),
        ));
    }
    if cfg.kaggle {
        for ds in &kaggle::DATASETS {
            jobs.push((
                format!("Kaggle {}", ds.slug),
                Box::new(move || kaggle::fetch(http, cfg, ds)),
            ));
        }
    } else {
        skipped.push("Kaggle datasets (--no-kaggle)".into());
    }
    let mut names = std::collections::BTreeSet::new();
    for url in cfg.engagement_urls.iter().filter(|u| !u.trim().is_empty()) {
        let url = url.trim();
        let name = reports::file_name(url);
        let source = match &name {
            Ok(n) => format!("engagement report {n}"),
            Err(_) => format!("engagement report {}", http::shown_url(url)),
        };
        let fresh = match &name {
            Ok(n) => names.insert(n.clone()),
            Err(_) => true,
        };
        jobs.push((
            source,
            Box::new(move || -> anyhow::Result<Vec<Change>> {
                let name = name?;
                if !fresh {
                    anyhow::bail!("two configured URLs are both stored as engagement/{name}");
                }
                Ok(vec![reports::fetch(http, url, &name)?])
            }),
        ));
    }
    match &cfg.sa_key {
        Some(key) => jobs.push((
            "Streaming Availability".into(),
            Box::new(move || -> anyhow::Result<Vec<Change>> {
                let shows = streaming::fetch(http, cfg, key)?;
                Ok(vec![merge::streaming(&cfg.dirs, shows)?])
            }),
        )),
        None => skipped.push("Streaming Availability (RAPIDAPI_KEY not set)".into()),
    }
    match &cfg.yt_key {
        Some(key) => jobs.push((
            "YouTube".into(),
            Box::new(move || -> anyhow::Result<Vec<Change>> {
                let rows = youtube::fetch(http, cfg, key, today)?;
                Ok(vec![merge::youtube(&cfg.dirs, rows)?])
            }),
        )),
        None => skipped.push("YouTube trailer statistics (YOUTUBE_API_KEY not set)".into()),
    }
    (jobs, skipped)
}

/// `text` on one line, runs of white space as one space: each failure is one summary line
/// (an error page's HTML must not spill over the next lines).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Leaves out files whose content would not change.
fn keep_changed(dirs: &DataDirs, changes: Vec<Change>) -> anyhow::Result<Vec<Change>> {
    let mut kept = Vec::new();
    for c in changes {
        if read_opt(dirs, &c.file)?.as_deref() != Some(c.bytes.as_slice()) {
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

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The date `days` after 1970-01-01, through the engine's one calendar
/// (`engine::history::Day`).
pub fn civil_date(days: i64) -> String {
    // Years 0..=9999 are all a `YYYY-MM-DD` can say; the clamp keeps the arithmetic in range.
    engine::history::Day::from_days(days.clamp(-719_468, 2_932_896) as i32).to_string()
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
    fn reasons_are_one_line() {
        assert_eq!(
            super::one_line("HTTP 404: <html>\n  <body>\r\n</body>\n"),
            "HTTP 404: <html> <body> </body>"
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_653), "2026-07-19");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
