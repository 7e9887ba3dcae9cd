//! The quality/popularity prior: how much a title is watched and liked, whatever the query.

use crate::catalog::Catalog;

/// The share of each component of the prior (see [`prior`]). `views` counts log
/// engagement-report views for every title that has them, beside the votes; the default
/// leaves it at 0 (views then only stand in for missing votes), as the one-title benchmark
/// found no gain from more (BENCHMARKS.md, "popularity prior").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorMix {
    /// Log IMDb votes (engagement views when a title has none).
    pub votes: f32,
    /// IMDb score shrunk towards the catalog mean.
    pub rating: f32,
    /// Log TMDB popularity.
    pub popularity: f32,
    /// Appeared in a Netflix Top 10 list.
    pub top10: f32,
    /// Log engagement-report views, for every title that has them.
    pub views: f32,
}

impl Default for PriorMix {
    fn default() -> Self {
        PriorMix {
            votes: 0.35,
            rating: 0.25,
            popularity: 0.15,
            top10: 0.25,
            views: 0.0,
        }
    }
}

/// The quality/popularity prior, 0–1:
/// `0.35·votes + 0.25·rating + 0.15·tmdb_popularity + 0.25·top10`, where votes and TMDB
/// popularity are log-scaled against the catalog maximum (both are heavy-tailed), the rating
/// is the IMDb score shrunk towards the catalog mean by 1,000 pseudo-votes (so a 9.5 from 30
/// voters does not beat a 8.5 from 500,000) and mapped from 4–9 onto 0–1, and top10 is 1 for
/// titles that appeared in a Netflix Top 10 list. A title without IMDb votes takes its
/// votes share from its engagement-report views instead (log-scaled against the catalog's
/// most viewed title): recent titles have no IMDb count in the catalogs, but Netflix
/// reports how many watched them.
pub fn prior(catalog: &Catalog) -> Vec<f32> {
    prior_mix(catalog, &PriorMix::default())
}

/// [`prior`] with other component shares (the benchmark's search over them).
pub fn prior_mix(catalog: &Catalog, mix: &PriorMix) -> Vec<f32> {
    const PSEUDO_VOTES: f32 = 1000.0;
    let max_votes = catalog
        .titles
        .iter()
        .filter_map(|t| t.imdb_votes)
        .max()
        .unwrap_or(0) as f32;
    let max_views = catalog
        .titles
        .iter()
        .filter_map(|t| t.engagement_views)
        .max()
        .unwrap_or(0) as f32;
    let log_views_max = (1.0 + max_views).ln();
    let max_pop = catalog
        .titles
        .iter()
        .filter_map(|t| t.tmdb_popularity)
        .filter(|p| p.is_finite())
        .fold(0.0f32, f32::max);
    let (sum, cnt) = catalog
        .titles
        .iter()
        .filter_map(|t| t.imdb_score.filter(|s| s.is_finite()))
        .fold((0.0f64, 0u32), |(s, c), x| (s + f64::from(x), c + 1));
    let mean = if cnt > 0 {
        (sum / f64::from(cnt)) as f32
    } else {
        6.5
    };
    let log_votes_max = (1.0 + max_votes).ln();
    let log_pop_max = (1.0 + max_pop).ln();
    catalog
        .titles
        .iter()
        .map(|t| {
            let v = t.imdb_votes.unwrap_or(0) as f32;
            let votes = match (t.imdb_votes, t.engagement_views) {
                (None, Some(views)) if log_views_max > 0.0 => {
                    (1.0 + views as f32).ln() / log_views_max
                }
                _ if log_votes_max > 0.0 => (1.0 + v).ln() / log_votes_max,
                _ => 0.0,
            };
            let score = t.imdb_score.filter(|s| s.is_finite()).unwrap_or(mean);
            let shrunk = (v * score + PSEUDO_VOTES * mean) / (v + PSEUDO_VOTES);
            let rating = ((shrunk - 4.0) / 5.0).clamp(0.0, 1.0);
            let pop = t
                .tmdb_popularity
                .filter(|p| p.is_finite() && *p > 0.0)
                .map_or(0.0, |p| {
                    if log_pop_max > 0.0 {
                        (1.0 + p).ln() / log_pop_max
                    } else {
                        0.0
                    }
                });
            let top10 = if t.sources.iter().any(|s| s.source.starts_with("top10")) {
                1.0
            } else {
                0.0
            };
            let views = t
                .engagement_views
                .filter(|_| log_views_max > 0.0)
                .map_or(0.0, |v| (1.0 + v as f32).ln() / log_views_max);
            (mix.votes * votes
                + mix.rating * rating
                + mix.popularity * pop
                + mix.top10 * top10
                + mix.views * views)
                .clamp(0.0, 1.0)
        })
        .collect()
}
