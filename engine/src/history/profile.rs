//! A taste profile from what was watched: each title weighted by how much of it was
//! watched and how recently, the strongest become weighted likes, and every watched title
//! is excluded from the results.
//!
//! `weight = units^engagement · 0.5^(age / half_life)`, where `units` is the number of
//! rows (episodes or viewings) or, when the file has durations, the hours watched in
//! 45-minute units, and `age` is the days from the title's last viewing to `as_of`.

use serde::{Deserialize, Serialize};

use super::{Day, Import};
use crate::catalog::Catalog;
use crate::model::Model;
use crate::recommend::{recommend_weighted, Query, Recommendation};

/// How a history becomes likes (tuned by `builder eval`, see BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    /// Days after which a viewing counts half; 0 or less means no decay.
    pub half_life_days: f32,
    /// Exponent on the watched units: 0 counts every title alike, 1 in proportion.
    pub engagement: f32,
    /// At most this many titles become likes (the strongest).
    pub max_liked: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            // Chosen leave-one-history-out on the 20 real exports (BENCHMARKS.md,
            // "Next-watch benchmark"): what was watched last matters more than how much.
            half_life_days: 30.0,
            engagement: 0.0,
            max_liked: 50,
        }
    }
}

/// One catalog title the viewer watched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watched {
    /// Index into `Catalog::titles`.
    pub title: usize,
    /// Rows (episodes or viewings) of it.
    pub rows: u32,
    /// Seconds watched, summed over rows that had a duration.
    pub seconds: u64,
    /// First and last viewing day.
    pub first: Day,
    /// Last viewing day.
    pub last: Day,
}

impl Watched {
    /// How much was watched: hours in 45-minute units when durations are known, else rows.
    pub fn units(&self) -> f32 {
        if self.seconds > 0 {
            (self.seconds as f32 / 2700.0).max(0.1)
        } else {
            self.rows as f32
        }
    }
}

/// The matched titles of `import` viewed before `before` (all when None), most recently
/// watched first.
pub fn watched(import: &Import, before: Option<Day>) -> Vec<Watched> {
    let mut by_title: std::collections::HashMap<usize, Watched> = Default::default();
    for (i, e) in import.history.entries.iter().enumerate() {
        if before.is_some_and(|b| e.day >= b) {
            continue;
        }
        let Some(t) = import.title_of(i) else {
            continue;
        };
        let w = by_title.entry(t).or_insert(Watched {
            title: t,
            rows: 0,
            seconds: 0,
            first: e.day,
            last: e.day,
        });
        w.rows += 1;
        w.seconds += u64::from(e.seconds.unwrap_or(0));
        w.first = w.first.min(e.day);
        w.last = w.last.max(e.day);
    }
    let mut v: Vec<Watched> = by_title.into_values().collect();
    v.sort_by(|a, b| b.last.cmp(&a.last).then(a.title.cmp(&b.title)));
    v
}

/// The last viewing day of all, the natural `as_of`.
pub fn last_day(watched: &[Watched]) -> Option<Day> {
    watched.iter().map(|w| w.last).max()
}

/// Weighted likes: the `max_liked` strongest recommendable watched titles, strongest first.
pub fn likes(watched: &[Watched], model: &Model, params: &Params, as_of: Day) -> Vec<(usize, f32)> {
    let now = as_of.days();
    let mut v: Vec<(usize, f32)> = watched
        .iter()
        .filter(|w| w.title < model.len() && model.is_candidate(w.title))
        .map(|w| {
            let age = (now - w.last.days()).max(0) as f32;
            let decay = if params.half_life_days > 0.0 {
                0.5f32.powf(age / params.half_life_days)
            } else {
                1.0
            };
            (w.title, w.units().powf(params.engagement) * decay)
        })
        .filter(|&(_, w)| w.is_finite() && w > 0.0)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(params.max_liked);
    v
}

/// `base` with the likes of `watched` and every watched title excluded; films and series
/// mixed unless `base` filters a kind. Returns the query and the likes' weights.
pub fn query(
    watched: &[Watched],
    model: &Model,
    params: &Params,
    as_of: Day,
    base: &Query,
) -> (Query, Vec<f32>) {
    let likes = likes(watched, model, params, as_of);
    let mut q = base.clone();
    q.liked = likes.iter().map(|&(i, _)| i).collect();
    q.mix_kinds = true;
    q.filters.exclude.extend(watched.iter().map(|w| w.title));
    (q, likes.into_iter().map(|(_, w)| w).collect())
}

/// Recommendations from a history: [`query`] run by
/// [`crate::recommend::recommend_weighted`]. Each result's explanation names the watched
/// titles it comes from (`Explanation::because`).
pub fn recommend(
    model: &Model,
    catalog: &Catalog,
    watched: &[Watched],
    params: &Params,
    as_of: Day,
    base: &Query,
) -> Vec<Recommendation> {
    let (q, w) = query(watched, model, params, as_of, base);
    recommend_weighted(model, catalog, &q, &w)
}
