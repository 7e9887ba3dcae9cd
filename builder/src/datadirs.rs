//! Where source data comes from: one rule for every command.
//!
//! - The **snapshot** is read-only input that this repository never carries (third-party
//!   files): `--data DIR`, else `$WTW_DATA`, else `../shared/data` when it exists.
//! - The **live** directory is the project's own (git-ignored, `data/live` by default,
//!   `--live DIR` or `$WTW_LIVE`): `builder refresh` writes fetched data there, with the
//!   same relative paths as the snapshot.
//!
//! Layering: a source file is looked up by its relative path. Whole-file sources (catalog
//! dumps, reports) take the live copy when there is one ([`DataDirs::file`]); history
//! sources (Top 10 weeks, trailer statistics) read both copies, snapshot first, and the
//! readers merge them by row key with the live row winning ([`DataDirs::layers`]).

use std::path::{Path, PathBuf};

/// Environment variable naming the snapshot directory.
pub const DATA_ENV: &str = "WTW_DATA";
/// Environment variable naming the live directory.
pub const LIVE_ENV: &str = "WTW_LIVE";
/// The workspace snapshot beside the checkout, used when nothing else is given.
pub const DEFAULT_SNAPSHOT: &str = "../shared/data";
/// The project's own live directory (git-ignored), used when nothing else is given.
pub const DEFAULT_LIVE: &str = "data/live";

/// No source data anywhere: the one message every command gives.
#[derive(Debug, thiserror::Error)]
#[error(
    "no source data: no snapshot ({reason}) and no live data in {live}.\n\
     Get data one of two ways:\n  \
     1. point at a snapshot: `--data DIR` or {DATA_ENV}=DIR (the workspace keeps one at \
     {DEFAULT_SNAPSHOT}), or\n  \
     2. download the live sources into {live}: `builder refresh` (Netflix Top 10 needs no \
     key; Kaggle, Streaming Availability and YouTube use the keys in README \"Fork and deploy\")."
)]
pub struct NoData {
    /// Why no snapshot was found.
    pub reason: String,
    /// The live directory that was looked in.
    pub live: String,
}

/// The snapshot and live directories of one run.
#[derive(Debug, Clone)]
pub struct DataDirs {
    /// Read-only snapshot, when one was found.
    pub snapshot: Option<PathBuf>,
    /// Project-owned live directory (may not exist yet).
    pub live: PathBuf,
}

impl DataDirs {
    /// Both directories given explicitly (tests, library callers).
    pub fn new(snapshot: Option<PathBuf>, live: PathBuf) -> Self {
        DataDirs { snapshot, live }
    }

    /// Applies the rule: `data`, else `$WTW_DATA`, else `../shared/data` when it exists;
    /// `live`, else `$WTW_LIVE`, else `data/live`. An explicitly named snapshot that does
    /// not exist is an error, not a silent fallback.
    pub fn locate(data: Option<PathBuf>, live: Option<PathBuf>) -> anyhow::Result<Self> {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let live = live
            .or_else(|| env(LIVE_ENV))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_LIVE));
        let snapshot = match data {
            Some(d) => Some(named_dir(d, "--data")?),
            None => match env(DATA_ENV) {
                Some(d) => Some(named_dir(d, DATA_ENV)?),
                None => Some(PathBuf::from(DEFAULT_SNAPSHOT)).filter(|d| d.is_dir()),
            },
        };
        Ok(DataDirs { snapshot, live })
    }

    /// Fails with [`NoData`] when there is neither a snapshot nor any file in the live
    /// directory, so that no command builds an empty site.
    pub fn require_some(&self) -> Result<(), NoData> {
        if self.snapshot.is_some() || has_files(&self.live) {
            return Ok(());
        }
        Err(NoData {
            reason: format!("none given and {DEFAULT_SNAPSHOT} does not exist"),
            live: self.live.display().to_string(),
        })
    }

    /// The copy of `rel` to read for a whole-file source: the live one when it exists,
    /// else the snapshot's (which may not exist either; the reader reports that).
    pub fn file(&self, rel: &str) -> PathBuf {
        let live = self.live.join(rel);
        if live.exists() {
            return live;
        }
        match &self.snapshot {
            Some(s) => s.join(rel),
            None => live,
        }
    }

    /// The copy of `rel` to read for a source that may be absent: `None` when there is no
    /// snapshot and no live copy (a fork that has not downloaded that source). With a
    /// snapshot, its file is expected, so a missing one reaches the reader as an error.
    pub fn source(&self, rel: &str) -> Option<PathBuf> {
        let live = self.live.join(rel);
        if live.exists() {
            return Some(live);
        }
        self.snapshot.as_ref().map(|s| s.join(rel))
    }

    /// Every existing copy of `rel`, snapshot first, for history sources merged by key.
    pub fn layers(&self, rel: &str) -> Vec<PathBuf> {
        self.snapshot
            .iter()
            .map(|s| s.join(rel))
            .chain(std::iter::once(self.live.join(rel)))
            .filter(|p| p.exists())
            .collect()
    }

    /// Whether any copy of `rel` exists.
    pub fn has(&self, rel: &str) -> bool {
        !self.layers(rel).is_empty()
    }

    /// Files directly in directory `rel` of either layer whose names end with `suffix`,
    /// sorted by name; a live file replaces the snapshot file of the same name.
    pub fn list(&self, rel: &str, suffix: &str) -> Vec<PathBuf> {
        let mut by_name = std::collections::BTreeMap::new();
        for dir in self.snapshot.iter().chain(std::iter::once(&self.live)) {
            let Ok(entries) = std::fs::read_dir(dir.join(rel)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(suffix) && !name.starts_with('.') && e.path().is_file() {
                    by_name.insert(name, e.path());
                }
            }
        }
        by_name.into_values().collect()
    }

    /// Where `rel` goes when written by `builder refresh`.
    pub fn live_path(&self, rel: &str) -> PathBuf {
        self.live.join(rel)
    }
}

fn named_dir(d: PathBuf, by: &str) -> anyhow::Result<PathBuf> {
    if d.is_dir() {
        Ok(d)
    } else {
        anyhow::bail!(
            "snapshot directory {} (from {by}) does not exist or is not a directory",
            d.display()
        )
    }
}

/// Whether `dir` holds any regular file, at any depth.
fn has_files(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            has_files(&p)
        } else {
            !e.file_name().to_string_lossy().starts_with('.')
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_copy_wins_for_whole_files_and_layers_keep_both() {
        let snap = tempfile::tempdir().unwrap();
        let live = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(snap.path().join("a")).unwrap();
        std::fs::create_dir_all(live.path().join("a")).unwrap();
        std::fs::write(snap.path().join("a/x.csv"), "s").unwrap();
        std::fs::write(snap.path().join("a/y.csv"), "s").unwrap();
        std::fs::write(live.path().join("a/x.csv"), "l").unwrap();
        let dirs = DataDirs::new(Some(snap.path().into()), live.path().into());
        assert_eq!(dirs.file("a/x.csv"), live.path().join("a/x.csv"));
        assert_eq!(dirs.file("a/y.csv"), snap.path().join("a/y.csv"));
        assert_eq!(
            dirs.layers("a/x.csv"),
            vec![snap.path().join("a/x.csv"), live.path().join("a/x.csv")]
        );
        assert_eq!(
            dirs.list("a", ".csv"),
            vec![live.path().join("a/x.csv"), snap.path().join("a/y.csv")]
        );
        dirs.require_some().unwrap();
    }

    #[test]
    fn nothing_anywhere_names_both_ways_to_get_data() {
        let live = tempfile::tempdir().unwrap();
        let dirs = DataDirs::new(None, live.path().join("live"));
        let msg = dirs.require_some().unwrap_err().to_string();
        assert!(msg.contains("--data DIR"), "{msg}");
        assert!(msg.contains("builder refresh"), "{msg}");
        // An explicitly named snapshot that is missing is an error of its own.
        let err = DataDirs::locate(Some(live.path().join("nope")), None).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
