//! Trend queries over [`Trends`]: the latest lists, a title's weekly series, the longest
//! runs, the lists' shares of hours, per-country runs, the most-popular lists, and the
//! titles that charted alongside a title. Pure functions, shared by the app and the CLI;
//! every ordering breaks ties by title index so results never depend on row order.

use super::{Category, Charted, CountryRun, PopularEntry, Trends, WeeklyEntry};
use crate::normalize::fold;

/// Index of the latest week of the global lists.
fn last_week(t: &Trends) -> Option<u16> {
    t.weeks
        .len()
        .checked_sub(1)
        .and_then(|w| u16::try_from(w).ok())
}

/// The four lists of the latest week, in Netflix's order, each sorted by rank. A list
/// with no rows that week is returned empty.
pub fn latest_lists(t: &Trends) -> Vec<(Category, Vec<&WeeklyEntry>)> {
    let Some(last) = last_week(t) else {
        return Vec::new();
    };
    Category::ALL
        .into_iter()
        .map(|c| {
            let mut rows: Vec<&WeeklyEntry> = t
                .global
                .iter()
                .filter(|e| e.week == last && e.category == c)
                .collect();
            rows.sort_by_key(|e| (e.rank, e.title));
            (c, rows)
        })
        .collect()
}

/// The latest week's number ones, one per list in Netflix's order, at most `n` distinct.
pub fn number_ones(t: &Trends, n: usize) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for (_, rows) in latest_lists(t) {
        if let Some(e) = rows.first().filter(|e| e.rank <= 1) {
            if !out.contains(&e.title) && out.len() < n {
                out.push(e.title);
            }
        }
    }
    out
}

/// One title's figures in one week: hours summed over seasons and lists, best rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekPoint {
    /// Hours viewed that week, all seasons and lists summed.
    pub hours: u64,
    /// Best rank that week (1 is best).
    pub best_rank: u8,
}

/// Weekly figures of several titles over one span of weeks (for charts).
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklySeries {
    /// Every week from the first any title charted to the last (indices into
    /// [`Trends::weeks`]), gaps included so the x axis is time.
    pub weeks: Vec<u16>,
    /// Per title, in the order asked: its point for each week of `weeks`, `None` when
    /// it was not on a list that week.
    pub titles: Vec<(u32, Vec<Option<WeekPoint>>)>,
}

/// The weekly series of `titles`; `None` when none of them ever charted.
pub fn weekly_series(t: &Trends, titles: &[u32]) -> Option<WeeklySeries> {
    let rows = || t.global.iter().filter(|e| titles.contains(&e.title));
    let lo = rows().map(|e| e.week).min()?;
    let hi = rows().map(|e| e.week).max()?;
    let weeks: Vec<u16> = (lo..=hi).collect();
    let mut points: Vec<Vec<Option<WeekPoint>>> = vec![vec![None; weeks.len()]; titles.len()];
    for e in rows() {
        let w = usize::from(e.week - lo);
        for (k, _) in titles.iter().enumerate().filter(|(_, &i)| i == e.title) {
            let p = points[k][w].get_or_insert(WeekPoint {
                hours: 0,
                best_rank: u8::MAX,
            });
            p.hours = p.hours.saturating_add(e.hours_viewed);
            p.best_rank = p.best_rank.min(e.rank);
        }
    }
    let titles = titles.iter().copied().zip(points).collect();
    Some(WeeklySeries { weeks, titles })
}

/// One title's global Top 10 history, per season label, over the weeks it charted.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleHistory<'a> {
    /// The distinct weeks it charted, ascending (indices into [`Trends::weeks`]).
    pub weeks: Vec<u16>,
    /// Per season label (empty for films and unlabelled rows), sorted by label: its row
    /// for each week of `weeks`, `None` when that season did not chart that week.
    pub seasons: Vec<(String, Vec<Option<&'a WeeklyEntry>>)>,
    /// Best rank over all rows.
    pub best_rank: u8,
    /// Hours viewed over all rows.
    pub hours: u64,
}

/// The global Top 10 history of `title`; `None` when it never charted.
pub fn title_history(t: &Trends, title: u32) -> Option<TitleHistory<'_>> {
    let rows: Vec<&WeeklyEntry> = t.global.iter().filter(|e| e.title == title).collect();
    let best_rank = rows.iter().map(|e| e.rank).min()?;
    let mut weeks: Vec<u16> = rows.iter().map(|e| e.week).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let mut labels: Vec<String> = rows
        .iter()
        .map(|e| e.season.clone().unwrap_or_default())
        .collect();
    labels.sort();
    labels.dedup();
    let seasons = labels
        .into_iter()
        .map(|label| {
            let cells = weeks
                .iter()
                .map(|&w| {
                    rows.iter()
                        .filter(|e| e.week == w && e.season.as_deref().unwrap_or("") == label)
                        .min_by_key(|e| e.rank)
                        .copied()
                })
                .collect();
            (label, cells)
        })
        .collect();
    Some(TitleHistory {
        weeks,
        seasons,
        best_rank,
        hours: rows.iter().map(|e| e.hours_viewed).sum(),
    })
}

/// The `n` titles with the most weeks on the global lists, from the per-title summaries
/// ([`Trends::charted`]): most weeks first, then best rank, then title index.
pub fn longest_running(charted: &[Charted], n: usize) -> Vec<Charted> {
    let mut v = charted.to_vec();
    v.sort_by(|a, b| {
        b.weeks
            .cmp(&a.weeks)
            .then(a.best_rank.cmp(&b.best_rank))
            .then(a.title.cmp(&b.title))
    });
    v.truncate(n);
    v
}

/// Per week of [`Trends::weeks`], each list's share of that week's hours in percent
/// (one decimal), in [`Category::ALL`] order; `None` for a week with no hours.
pub fn category_shares(t: &Trends) -> Vec<Option<[f64; 4]>> {
    let mut hours = vec![[0u64; 4]; t.weeks.len()];
    for e in &t.global {
        if let Some(row) = hours.get_mut(e.week as usize) {
            let c = Category::ALL
                .iter()
                .position(|&c| c == e.category)
                .unwrap_or(0);
            row[c] = row[c].saturating_add(e.hours_viewed);
        }
    }
    hours
        .iter()
        .map(|row| {
            let total: u64 = row.iter().sum();
            (total > 0).then(|| row.map(|h| (h as f64 * 1000.0 / total as f64).round() / 10.0))
        })
        .collect()
}

/// Index of the country with ISO code `iso2` in [`Trends::countries`].
pub fn country_index(t: &Trends, iso2: &str) -> Option<usize> {
    t.countries.iter().position(|c| c.iso2 == iso2)
}

/// The chart runs of one country (index into [`Trends::countries`]): longest first, then
/// best rank, then title index.
pub fn country_runs_in(t: &Trends, country: usize) -> Vec<&CountryRun> {
    let mut runs: Vec<&CountryRun> = t
        .country_runs
        .iter()
        .filter(|r| r.country as usize == country)
        .collect();
    runs.sort_by(|a, b| {
        b.weeks
            .cmp(&a.weeks)
            .then(a.best_rank.cmp(&b.best_rank))
            .then(a.title.cmp(&b.title))
    });
    runs
}

/// One title's runs in the countries it charted in: longest first, then best rank, then
/// country index.
pub fn country_runs_of(t: &Trends, title: u32) -> Vec<&CountryRun> {
    let mut runs: Vec<&CountryRun> = t.country_runs.iter().filter(|r| r.title == title).collect();
    runs.sort_by(|a, b| {
        b.weeks
            .cmp(&a.weeks)
            .then(a.best_rank.cmp(&b.best_rank))
            .then(a.country.cmp(&b.country))
    });
    runs
}

/// One of the all-time most-popular lists, by rank.
pub fn most_popular(t: &Trends, category: Category) -> Vec<&PopularEntry> {
    let mut rows: Vec<&PopularEntry> = t
        .most_popular
        .iter()
        .filter(|e| e.category == category)
        .collect();
    rows.sort_by_key(|e| (e.rank, e.title));
    rows
}

/// How a list row names its title: Netflix prints the season with the title in it
/// ("Wednesday: Season 2"), so a label that already starts with the title is shown alone
/// instead of "Wednesday · Wednesday: Season 2"; any other label follows the title.
pub fn entry_label(title: &str, season: Option<&str>) -> String {
    let Some(season) = season.map(str::trim).filter(|s| !s.is_empty()) else {
        return title.to_owned();
    };
    let (ft, fs) = (fold(title), fold(season));
    if fs.starts_with(&ft) {
        season.to_owned()
    } else {
        format!("{title}: {season}")
    }
}

/// A title that charted alongside the seeds, with what they shared.
#[derive(Debug, Clone, PartialEq)]
pub struct CoCharted {
    /// Index into the catalog's titles.
    pub title: u32,
    /// Higher is closer: one per week in the same global list as a seed, plus half per
    /// country whose chart it shared with a seed in overlapping weeks.
    pub score: f32,
    /// Distinct weeks on the same global list as a seed.
    pub weeks: u16,
    /// Countries where its run overlapped a seed's.
    pub countries: u16,
}

/// Titles that charted in the same global lists and weeks, and in the same countries at
/// the same time, as the `seeds`: the fallback for titles known only from the Top 10,
/// which have no metadata to compare. Seeds and titles failing `keep` are left out; the
/// best `n` by score, then title index.
pub fn co_charting(
    t: &Trends,
    seeds: &[u32],
    keep: impl Fn(u32) -> bool,
    n: usize,
) -> Vec<CoCharted> {
    // Sorted vectors rather than hash sets: this runs in the browser, where every new
    // map type is more code to download.
    let mut slots: Vec<(u16, Category)> = t
        .global
        .iter()
        .filter(|e| seeds.contains(&e.title))
        .map(|e| (e.week, e.category))
        .collect();
    slots.sort_unstable();
    slots.dedup();
    let seed_runs: Vec<&CountryRun> = t
        .country_runs
        .iter()
        .filter(|r| seeds.contains(&r.title))
        .collect();
    let eligible = |title: u32| !seeds.contains(&title) && keep(title);
    // (title, week) on a seed's list, and (title, country) overlapping a seed's run.
    let mut weeks: Vec<(u32, u16)> = t
        .global
        .iter()
        .filter(|e| slots.binary_search(&(e.week, e.category)).is_ok() && eligible(e.title))
        .map(|e| (e.title, e.week))
        .collect();
    weeks.sort_unstable();
    weeks.dedup();
    let mut countries: Vec<(u32, u16)> = t
        .country_runs
        .iter()
        .filter(|r| {
            seed_runs.iter().any(|s| {
                s.country == r.country && s.first_week <= r.last_week && r.first_week <= s.last_week
            }) && eligible(r.title)
        })
        .map(|r| (r.title, r.country))
        .collect();
    countries.sort_unstable();
    countries.dedup();
    let count = |v: &[(u32, u16)], title: u32| {
        let from = v.partition_point(|&(t, _)| t < title);
        v[from..].iter().take_while(|&&(t, _)| t == title).count()
    };
    let mut titles: Vec<u32> = weeks.iter().chain(&countries).map(|&(t, _)| t).collect();
    titles.sort_unstable();
    titles.dedup();
    let mut out: Vec<CoCharted> = titles
        .into_iter()
        .map(|title| {
            let w = count(&weeks, title);
            let c = count(&countries, title);
            CoCharted {
                title,
                score: w as f32 + 0.5 * c as f32,
                weeks: u16::try_from(w).unwrap_or(u16::MAX),
                countries: u16::try_from(c).unwrap_or(u16::MAX),
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.title.cmp(&b.title)));
    out.truncate(n);
    out
}
