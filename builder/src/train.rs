//! Training and offline evaluation at build time: computes the metrics for this build,
//! appends them to the project's history when asked and puts the history in the bundle.
//!
//! "Training" is building the content model with the configured weights; the metrics are
//! those of `engine::metrics` (MAP@10 on shared genres, coverage, intra-list similarity,
//! intra-list diversity, novelty) for movies and shows. They run the very queries the app
//! runs, every recommendable title once, split over the machine's cores.

use std::path::Path;

use anyhow::Context;
use engine::catalog::{Catalog, Kind};
use engine::metrics::{self, Recommender};
use engine::model::{Model, Weights};
use engine::report::MetricsRecord;
use engine::Bundle;

use crate::fsutil::write_atomic;

/// File name of the metrics history inside the project's `data/` directory.
pub const HISTORY_FILE: &str = "metrics_history.jsonl";
/// The project's metrics history, relative to the checkout (tracked in git).
pub const DEFAULT_HISTORY: &str = "data/metrics_history.jsonl";

/// List length the metrics are computed at.
pub const K: usize = 10;

/// Computes this build's metrics and attaches the metrics history read from `path` to
/// `bundle`. `record` appends this build's line to `path` (skipped when unchanged). The
/// line is stamped with the clock only when recorded: otherwise it carries the data week,
/// so a build's output depends on nothing but its inputs.
pub fn attach_metrics(path: &Path, bundle: &mut Bundle, record: bool) -> anyhow::Result<()> {
    attach_metrics_with(path, bundle, record, &[])
}

/// [`attach_metrics`], with the behavioural headline figures (`eval::headline`) on the
/// viewing histories `histories` when the line is recorded. They read and resolve every
/// history and run ~7,000 queries, too slow for every build (see BENCHMARKS.md), so an
/// unrecorded build carries the sanity line alone and the bundle's history keeps the
/// figures of the last recorded build.
pub fn attach_metrics_with(
    path: &Path,
    bundle: &mut Bundle,
    record: bool,
    histories: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    let weights = Weights::default();
    let model = Model::build(&bundle.body.catalog, &weights);
    let mut values = Vec::new();
    if record && !histories.is_empty() {
        let started = std::time::Instant::now();
        values = crate::eval::headline(&bundle.body.catalog, &model, histories)?;
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            histories = histories.len(),
            "behavioural metrics computed"
        );
    }
    values.extend(evaluate(&model, &bundle.body.catalog));
    let git_rev = if bundle.header.git_rev != "unknown" && !bundle.header.git_rev.is_empty() {
        bundle.header.git_rev.clone()
    } else {
        code_revision()
    };
    let current = MetricsRecord {
        time: if record {
            now_rfc3339()
        } else {
            bundle.header.build_time.clone()
        },
        git_rev,
        weights: weights.as_pairs(),
        values,
    };
    let mut history = read_history(path)?;
    let changed = history
        .last()
        .is_none_or(|last| !same_build(last, &current));
    if changed {
        if record {
            let mut text = std::fs::read_to_string(path).unwrap_or_default();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&serde_json::to_string(&current)?);
            text.push('\n');
            write_atomic(path, text.as_bytes())?;
        }
        history.push(current);
    }
    bundle.body.metrics_history = history;
    Ok(())
}

/// Whether two records describe the same build: revision, weights and metrics (not time).
pub fn same_build(a: &MetricsRecord, b: &MetricsRecord) -> bool {
    a.git_rev == b.git_rev && a.weights == b.weights && a.values == b.values
}

/// Reads the history file; a missing file is an empty history. Lines that do not parse
/// are skipped with a warning rather than failing the build.
pub fn read_history(path: &Path) -> anyhow::Result<Vec<MetricsRecord>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<MetricsRecord>(line) {
            Ok(r) => out.push(r),
            Err(e) => tracing::warn!("{}:{}: skipped metrics line: {e}", path.display(), n + 1),
        }
    }
    Ok(out)
}

/// All metrics of a recommender for movies and shows, as `kind.metric` pairs, rounded to
/// six decimals so the history compares and diffs cleanly.
pub fn evaluate<R: Recommender + Sync>(rec: &R, catalog: &Catalog) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for (kind, prefix) in [(Kind::Movie, "movie"), (Kind::Show, "show")] {
        let queries = metrics::queries(catalog, kind);
        let (lists, spreads): (Vec<_>, Vec<_>) = parallel_lists(rec, catalog, kind, &queries)
            .into_iter()
            .unzip();
        let m = metrics::evaluate_spread(catalog, kind, K, &queries, &lists, &spreads);
        out.extend(
            m.named(prefix, K)
                .into_iter()
                .map(|(name, v)| (name, (v * 1e6).round() / 1e6)),
        );
    }
    out
}

/// Runs the queries, and the pairwise part of their metrics, on all cores; the lists come
/// back in query order, so the result does not depend on the number of threads.
fn parallel_lists<R: Recommender + Sync>(
    rec: &R,
    catalog: &Catalog,
    kind: Kind,
    queries: &[usize],
) -> Vec<(Vec<usize>, Option<metrics::Spread>)> {
    crate::par::map_ordered(queries, |&q| {
        let list = rec.top_k(catalog, q, kind, K);
        let spread = metrics::spread(rec, catalog, &list);
        (list, spread)
    })
}

/// The short git revision of the code: `$WTW_GIT_REV` when set (a build outside the
/// checkout), else the repository the builder runs in; "unknown" without git. Never the
/// data's: the snapshot lives in another directory, possibly another repository.
pub fn code_revision() -> String {
    if let Some(rev) = std::env::var("WTW_GIT_REV").ok().filter(|r| !r.is_empty()) {
        return rev;
    }
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match run(&["rev-parse", "--short=12", "HEAD"]) {
        Some(rev) if !rev.is_empty() => rev,
        _ => "unknown".into(),
    }
}

/// The current UTC time as RFC 3339 (seconds), without a date crate.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Formats Unix seconds as `YYYY-MM-DDThh:mm:ssZ` (the date through the engine's calendar).
pub fn rfc3339(secs: u64) -> String {
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::refresh::civil_date((secs / 86_400) as i64),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_784_592_000 + 3_723), "2026-07-21T01:02:03Z");
    }
}
