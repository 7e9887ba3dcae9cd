//! The data-quality report of a build and the per-build metrics record, both carried in
//! the bundle for the app's "Model and data" page.

use serde::{Deserialize, Serialize};

/// What one build made of its inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataReport {
    /// One entry per source file read.
    pub sources: Vec<SourceReport>,
    /// One entry per join between sources.
    pub joins: Vec<JoinReport>,
    /// The least certain matches the resolver accepted, lowest first.
    pub low_confidence: Vec<MatchNote>,
    /// How much of the recent global Top 10 can seed recommendations from its own metadata.
    pub freshness: Option<Freshness>,
}

/// Share of the titles in the last weeks of the global Top 10 that are recommendable from
/// their own metadata: genres plus a description, people or a production country.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Freshness {
    /// Weeks looked back from the latest chart week.
    pub weeks: u32,
    /// Distinct titles charted in those weeks.
    pub titles: u64,
    /// Of those, the recommendable ones.
    pub recommendable: u64,
    /// Films only.
    pub films: FreshnessCount,
    /// Series only.
    pub series: FreshnessCount,
    /// The charted titles with the most hours in those weeks that are not recommendable,
    /// most hours first: where the next source would help most.
    pub top_gaps: Vec<FreshnessGap>,
}

/// Titles and recommendable titles of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshnessCount {
    /// Distinct titles charted.
    pub titles: u64,
    /// Of those, the recommendable ones.
    pub recommendable: u64,
}

/// A charted title without usable metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreshnessGap {
    /// Display title.
    pub title: String,
    /// Hours viewed in the Top 10 weeks counted.
    pub hours: u64,
}

impl Freshness {
    /// Share recommendable, 0–1.
    pub fn rate(&self) -> f64 {
        if self.titles == 0 {
            0.0
        } else {
            self.recommendable as f64 / self.titles as f64
        }
    }
}

/// Rows read and rejected from one source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// Source name (`top10_global`, `kaggle_netflix_titles`, ...).
    pub name: String,
    /// Path of the file relative to the data directory.
    pub file: String,
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Rows skipped with a reason.
    pub rows_rejected: u64,
    /// The first rejected rows with line numbers and reasons.
    pub rejects: Vec<Reject>,
    /// Latest date the source covers, when it has dates.
    pub latest: Option<String>,
}

/// One rejected row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    /// 1-based line number in the file.
    pub line: u64,
    /// Column name, when one column was at fault.
    pub column: Option<String>,
    /// What was wrong.
    pub reason: String,
}

/// How well one join matched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JoinReport {
    /// What was joined to what (`top10_global → catalog`).
    pub name: String,
    /// Left-side keys that found a partner.
    pub matched: u64,
    /// Left-side keys in all.
    pub total: u64,
}

impl JoinReport {
    /// Share matched, 0–1.
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.matched as f64 / self.total as f64
        }
    }
}

/// One accepted fuzzy match and how sure the resolver was.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchNote {
    /// Which join.
    pub join: String,
    /// The text on the left (a Top 10 title, a trailer title).
    pub left: String,
    /// The catalog title it was matched to.
    pub right: String,
    /// Similarity, 0–1.
    pub score: f32,
}

/// One build's model configuration and offline metrics, appended to the history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsRecord {
    /// Build time, RFC 3339.
    pub time: String,
    /// Git revision.
    pub git_rev: String,
    /// The weights used, as `name=value` pairs.
    pub weights: Vec<(String, f32)>,
    /// Metric name → value, per kind: e.g. `("movie.map@10", 0.71)`.
    pub values: Vec<(String, f64)>,
}
