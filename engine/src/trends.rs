//! Netflix Top 10 history and trailer engagement, linked to catalog titles.

use serde::{Deserialize, Serialize};

mod query;
pub use query::{
    category_shares, co_charting, country_index, country_runs_in, country_runs_of, entry_label,
    latest_lists, longest_running, most_popular, number_ones, title_history, weekly_series,
    CoCharted, TitleHistory, WeekPoint, WeeklySeries,
};

/// One of Netflix's four global weekly lists.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Category {
    /// "Films (English)".
    #[default]
    FilmsEnglish,
    /// "Films (Non-English)".
    FilmsNonEnglish,
    /// "TV (English)".
    TvEnglish,
    /// "TV (Non-English)".
    TvNonEnglish,
}

impl Category {
    /// All four lists in Netflix's order.
    pub const ALL: [Category; 4] = [
        Category::FilmsEnglish,
        Category::FilmsNonEnglish,
        Category::TvEnglish,
        Category::TvNonEnglish,
    ];

    /// Netflix's own label.
    pub fn label(self) -> &'static str {
        match self {
            Category::FilmsEnglish => "Films (English)",
            Category::FilmsNonEnglish => "Films (Non-English)",
            Category::TvEnglish => "TV (English)",
            Category::TvNonEnglish => "TV (Non-English)",
        }
    }

    /// Parses Netflix's label.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.label() == s)
    }
}

/// One row of a global weekly list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WeeklyEntry {
    /// Index into [`Trends::weeks`].
    pub week: u16,
    /// Which list.
    pub category: Category,
    /// 1–10.
    pub rank: u8,
    /// Index into the catalog's titles.
    pub title: u32,
    /// Season label as Netflix prints it, when not "N/A".
    pub season: Option<String>,
    /// Hours viewed that week.
    pub hours_viewed: u64,
    /// Views (hours / runtime), from 2023-06 on.
    pub views: Option<u64>,
    /// Weeks in the Top 10 so far, as Netflix counts them.
    pub cumulative_weeks: u16,
}

/// How long a title charted in one country (aggregated from the weekly country lists).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountryRun {
    /// Index into [`Trends::countries`].
    pub country: u16,
    /// Index into the catalog's titles.
    pub title: u32,
    /// Weeks in that country's Top 10.
    pub weeks: u16,
    /// Best rank reached.
    pub best_rank: u8,
    /// First week charted (index into [`Trends::weeks`]).
    pub first_week: u16,
    /// Last week charted (index into [`Trends::weeks`]).
    pub last_week: u16,
}

/// A country with Top 10 lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub iso2: String,
    /// English name as Netflix prints it.
    pub name: String,
}

/// One row of the all-time most-popular lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PopularEntry {
    /// Which list.
    pub category: Category,
    /// 1–10.
    pub rank: u8,
    /// Index into the catalog's titles.
    pub title: u32,
    /// Season label, when any.
    pub season: Option<String>,
    /// Views in the first 91 days.
    pub views: u64,
    /// Hours viewed in the first 91 days.
    pub hours_viewed: u64,
}

/// A trailer's engagement snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trailer {
    /// Index into the catalog's titles.
    pub title: u32,
    /// YouTube video id.
    pub video_id: String,
    /// The video's title on YouTube.
    pub video_title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Date the statistics were read, `YYYY-MM-DD`.
    pub fetched: String,
    /// View count.
    pub views: u64,
    /// Like count, when public.
    pub likes: Option<u64>,
    /// Comment count, when public.
    pub comments: Option<u64>,
    /// Length in seconds.
    pub duration_s: u32,
}

/// All trend data in the bundle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    /// Every week (Sunday, `YYYY-MM-DD`) any list covers, ascending.
    pub weeks: Vec<String>,
    /// Global weekly rows.
    pub global: Vec<WeeklyEntry>,
    /// Countries with lists.
    pub countries: Vec<Country>,
    /// Per-country chart runs.
    pub country_runs: Vec<CountryRun>,
    /// Last week covered by the country lists (they may end earlier than the global ones).
    pub countries_through: Option<String>,
    /// The all-time most-popular lists.
    pub most_popular: Vec<PopularEntry>,
    /// Trailer stats, possibly several snapshots per video.
    pub trailers: Vec<Trailer>,
    /// Per charted title, its global Top 10 summary, by title index: derived from
    /// `global` by [`Trends::summarize`] and kept in the core file so the Discover cards'
    /// badges need no weekly rows.
    pub charted: Vec<Charted>,
    /// Half-years of Netflix's engagement reports (`2023H1`, ...), ascending; the core
    /// file carries this small table, the rows are details.
    pub engagement_periods: Vec<String>,
    /// Engagement-report rows linked to titles (details file): every title watched for
    /// over 50,000 hours in a half-year, summed over a title's seasons.
    pub engagement: Vec<EngagementEntry>,
}

/// A title's hours and views in one half-year engagement report ("What We Watched").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementEntry {
    /// Index into [`Trends::engagement_periods`].
    pub period: u8,
    /// Index into the catalog's titles.
    pub title: u32,
    /// Hours viewed in the half-year (Netflix rounds to 100,000), all seasons summed.
    pub hours_viewed: u64,
    /// Views (hours / runtime) summed over seasons; none in the first report (2023H1).
    pub views: Option<u64>,
}

/// A title's global Top 10 summary, shown as the "trending" badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charted {
    /// Index into the catalog's titles.
    pub title: u32,
    /// Distinct weeks on any global list.
    pub weeks: u16,
    /// Best rank reached (1 is best).
    pub best_rank: u8,
}

impl Trends {
    /// The titles most watched in engagement half-year `period` (an index into
    /// [`Trends::engagement_periods`]) whose title index passes `keep`, most hours first
    /// (ties by title index), at most `n`. Empty until the details are attached.
    pub fn most_watched(
        &self,
        period: u8,
        keep: impl Fn(u32) -> bool,
        n: usize,
    ) -> Vec<EngagementEntry> {
        let mut rows: Vec<EngagementEntry> = self
            .engagement
            .iter()
            .filter(|e| e.period == period && keep(e.title))
            .copied()
            .collect();
        rows.sort_by(|a, b| {
            b.hours_viewed
                .cmp(&a.hours_viewed)
                .then(a.title.cmp(&b.title))
        });
        rows.truncate(n);
        rows
    }

    /// One title's engagement rows, in half-year order.
    pub fn engagement_of(&self, title: u32) -> Vec<EngagementEntry> {
        let mut rows: Vec<EngagementEntry> = self
            .engagement
            .iter()
            .filter(|e| e.title == title)
            .copied()
            .collect();
        rows.sort_by_key(|e| e.period);
        rows
    }

    /// Recomputes [`Trends::charted`] from the global weekly rows.
    pub fn summarize(&mut self) {
        let mut rows: Vec<(u32, u16, u8)> = self
            .global
            .iter()
            .map(|e| (e.title, e.week, e.rank))
            .collect();
        rows.sort_unstable();
        let mut out: Vec<Charted> = Vec::new();
        let mut last: Option<(u32, u16)> = None;
        for (title, week, rank) in rows {
            match out.last_mut() {
                Some(c) if c.title == title => {
                    c.best_rank = c.best_rank.min(rank);
                    if last != Some((title, week)) {
                        c.weeks = c.weeks.saturating_add(1);
                    }
                }
                _ => out.push(Charted {
                    title,
                    weeks: 1,
                    best_rank: rank,
                }),
            }
            last = Some((title, week));
        }
        self.charted = out;
    }

    /// The latest week of the global lists.
    pub fn latest_week(&self) -> Option<&str> {
        self.weeks.last().map(String::as_str)
    }
}

#[cfg(test)]
mod engagement_tests {
    use super::*;

    fn entry(period: u8, title: u32, hours: u64) -> EngagementEntry {
        EngagementEntry {
            period,
            title,
            hours_viewed: hours,
            views: None,
        }
    }

    #[test]
    fn most_watched_and_one_titles_history() {
        let t = Trends {
            engagement_periods: vec!["2024H2".into(), "2025H1".into()],
            engagement: vec![
                entry(1, 7, 50),
                entry(0, 7, 10),
                entry(1, 3, 90),
                entry(1, 4, 90),
                entry(1, 5, 20),
            ],
            ..Trends::default()
        };
        let top: Vec<u32> = t
            .most_watched(1, |_| true, 3)
            .iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(top, vec![3, 4, 7], "most hours first, ties by title");
        let odd: Vec<u32> = t
            .most_watched(1, |i| i % 2 == 1, 10)
            .iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(odd, vec![3, 7, 5]);
        assert!(t
            .most_watched(0, |_| true, 10)
            .iter()
            .all(|e| e.period == 0));
        let seven: Vec<u8> = t.engagement_of(7).iter().map(|e| e.period).collect();
        assert_eq!(seven, vec![0, 1]);
        assert!(t.engagement_of(99).is_empty());
    }
}
