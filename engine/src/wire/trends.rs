//! The trend tables as columns: the small tables and per-title summary in the core file
//! ([`WireTrends`]), the weekly rows and country runs in the details file
//! ([`WireTrendsDetails`]).

use serde::{Deserialize, Serialize};

use super::columns::*;
use super::WireError;
use crate::trends::{
    Category, Charted, Country, CountryRun, EngagementEntry, PopularEntry, Trailer, Trends,
    WeeklyEntry,
};

pub(super) fn category_code(c: Category) -> u8 {
    match c {
        Category::FilmsEnglish => 0,
        Category::FilmsNonEnglish => 1,
        Category::TvEnglish => 2,
        Category::TvNonEnglish => 3,
    }
}

pub(super) fn category_of(code: u8) -> Result<Category, WireError> {
    Category::ALL
        .get(code as usize)
        .copied()
        .ok_or_else(|| "category code out of range".to_owned())
}

/// Trends' part of the core file: the small tables and the per-title summary.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct WireTrends {
    pub(super) weeks: FrontCol,
    pub(super) countries: Vec<Country>,
    pub(super) countries_through: Option<String>,
    pub(super) most_popular: Vec<PopularEntry>,
    pub(super) trailers: Vec<Trailer>,
    /// Charted summaries: title as the difference to the previous one's.
    pub(super) c_title_delta: Vec<u32>,
    pub(super) c_weeks: Vec<u16>,
    pub(super) c_best_rank: Vec<u8>,
    pub(super) engagement_periods: Vec<String>,
}

/// Trends' part of the details file: the two big tables (global weekly rows, country
/// runs) as columns.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct WireTrendsDetails {
    /// Global rows: week as the difference to the previous row's week (wrapping), so the
    /// usual (week, category, rank) order is a column of zeros and ones.
    pub(super) g_week_delta: Vec<u16>,
    pub(super) g_category: Vec<u8>,
    pub(super) g_rank: Vec<u8>,
    pub(super) g_title: Vec<u32>,
    pub(super) g_season: DictCol,
    pub(super) g_hours: CountCol,
    /// `0` none, else `pack_round(views) + 1` (escape in `g_views_big`).
    pub(super) g_views: CountCol,
    pub(super) g_views_some: Vec<u8>,
    pub(super) g_cumulative: Vec<u16>,
    /// True when the runs are written in (title, country) order and must be sorted back
    /// to (country, title); false when written in their in-memory order.
    pub(super) runs_by_title: bool,
    /// Country runs: title as a zig-zag delta to the previous run's; country and first
    /// week as deltas to the previous run of the same title (from 0 for a new title).
    pub(super) r_title_delta: Vec<u32>,
    pub(super) r_country_delta: Vec<u16>,
    pub(super) r_weeks: Vec<u16>,
    pub(super) r_best_rank: Vec<u8>,
    pub(super) r_first_week: Vec<u32>,
    /// `last_week - first_week` (wrapping).
    pub(super) r_span: Vec<u16>,
    /// Engagement rows: period, title as a zig-zag delta to the previous row's, hours;
    /// views as `g_views` (a flag column and the packed values).
    pub(super) e_period: Vec<u8>,
    pub(super) e_title_delta: Vec<u32>,
    pub(super) e_hours: CountCol,
    pub(super) e_views_some: Vec<u8>,
    pub(super) e_views: CountCol,
}

pub(super) fn zigzag(d: i64) -> u32 {
    ((d << 1) ^ (d >> 63)) as u32
}

pub(super) fn unzigzag(z: u32) -> i64 {
    i64::from(z >> 1) ^ -i64::from(z & 1)
}

impl WireTrends {
    pub(super) fn encode(t: &Trends) -> WireTrends {
        let mut w = WireTrends {
            weeks: FrontCol::encode(t.weeks.iter().map(String::as_str)),
            countries: t.countries.clone(),
            countries_through: t.countries_through.clone(),
            most_popular: t.most_popular.clone(),
            trailers: t.trailers.clone(),
            engagement_periods: t.engagement_periods.clone(),
            ..WireTrends::default()
        };
        let mut prev = 0u32;
        for c in &t.charted {
            w.c_title_delta.push(c.title.wrapping_sub(prev));
            prev = c.title;
            w.c_weeks.push(c.weeks);
            w.c_best_rank.push(c.best_rank);
        }
        w
    }

    pub(super) fn decode(self) -> Result<Trends, WireError> {
        let mut title = 0u32;
        let charted = (0..self.c_title_delta.len())
            .map(|i| {
                title = title.wrapping_add(self.c_title_delta[i]);
                Ok(Charted {
                    title,
                    weeks: at(&self.c_weeks, i, "charted weeks")?,
                    best_rank: at(&self.c_best_rank, i, "charted rank")?,
                })
            })
            .collect::<Result<Vec<_>, WireError>>()?;
        Ok(Trends {
            weeks: self.weeks.decode()?,
            global: Vec::new(),
            countries: self.countries,
            country_runs: Vec::new(),
            countries_through: self.countries_through,
            most_popular: self.most_popular,
            trailers: self.trailers,
            charted,
            engagement_periods: self.engagement_periods,
            engagement: Vec::new(),
        })
    }
}

impl WireTrendsDetails {
    pub(super) fn encode(t: &Trends) -> WireTrendsDetails {
        let mut w = WireTrendsDetails {
            g_season: DictCol::encode(t.global.iter().map(|e| e.season.as_deref())),
            ..WireTrendsDetails::default()
        };
        let mut prev_week = 0u16;
        for e in &t.global {
            w.g_week_delta.push(e.week.wrapping_sub(prev_week));
            prev_week = e.week;
            w.g_category.push(category_code(e.category));
            w.g_rank.push(e.rank);
            w.g_title.push(e.title);
            w.g_hours.push(e.hours_viewed);
            w.g_views_some.push(u8::from(e.views.is_some()));
            w.g_views.push(e.views.unwrap_or(0));
            w.g_cumulative.push(e.cumulative_weeks);
        }
        // Runs are written title by title (a title charts in many countries in the same
        // weeks, so first weeks delta-code to almost nothing) when the in-memory order is
        // (country, title) ascending, which decoding restores by sorting.
        let by_key = t
            .country_runs
            .windows(2)
            .all(|p| (p[0].country, p[0].title) < (p[1].country, p[1].title));
        let mut runs: Vec<&CountryRun> = t.country_runs.iter().collect();
        if by_key {
            runs.sort_by_key(|r| (r.title, r.country));
        }
        w.runs_by_title = by_key;
        let (mut prev_c, mut prev_t, mut prev_first) = (0u16, 0u32, 0u16);
        for r in runs {
            w.r_title_delta
                .push(zigzag(i64::from(r.title) - i64::from(prev_t)));
            if r.title != prev_t {
                prev_c = 0;
                prev_first = 0;
            }
            w.r_country_delta.push(r.country.wrapping_sub(prev_c));
            w.r_first_week
                .push(zigzag(i64::from(r.first_week) - i64::from(prev_first)));
            prev_c = r.country;
            prev_t = r.title;
            prev_first = r.first_week;
            w.r_weeks.push(r.weeks);
            w.r_best_rank.push(r.best_rank);
            w.r_span.push(r.last_week.wrapping_sub(r.first_week));
        }
        let mut prev_t = 0u32;
        for e in &t.engagement {
            w.e_period.push(e.period);
            w.e_title_delta
                .push(zigzag(i64::from(e.title) - i64::from(prev_t)));
            prev_t = e.title;
            w.e_hours.push(e.hours_viewed);
            w.e_views_some.push(u8::from(e.views.is_some()));
            if let Some(v) = e.views {
                w.e_views.push(v);
            }
        }
        w
    }

    /// Fills the weekly rows and country runs of `t` (decoded from the core file).
    pub(super) fn attach(self, t: &mut Trends) -> Result<(), WireError> {
        let n = self.g_week_delta.len();
        let mut global = Vec::with_capacity(n);
        let (mut hours, mut views) = (
            CountReader {
                col: &self.g_hours,
                next: 0,
                big: 0,
            },
            CountReader {
                col: &self.g_views,
                next: 0,
                big: 0,
            },
        );
        let mut week = 0u16;
        for i in 0..n {
            week = week.wrapping_add(self.g_week_delta[i]);
            let v = views.next()?;
            global.push(WeeklyEntry {
                week,
                category: category_of(at(&self.g_category, i, "category")?)?,
                rank: at(&self.g_rank, i, "rank")?,
                title: at(&self.g_title, i, "title")?,
                season: self.g_season.get(i)?,
                hours_viewed: hours.next()?,
                views: (at(&self.g_views_some, i, "views")? != 0).then_some(v),
                cumulative_weeks: at(&self.g_cumulative, i, "cumulative weeks")?,
            });
        }
        let m = self.r_country_delta.len();
        let mut runs = Vec::with_capacity(m);
        let (mut prev_c, mut prev_t, mut prev_first) = (0u16, 0u32, 0u16);
        for i in 0..m {
            let title = u32::try_from(
                i64::from(prev_t) + unzigzag(at(&self.r_title_delta, i, "run title")?),
            )
            .map_err(|_| "run title out of range".to_owned())?;
            if title != prev_t {
                prev_c = 0;
                prev_first = 0;
            }
            let c = prev_c.wrapping_add(self.r_country_delta[i]);
            let first = u16::try_from(
                i64::from(prev_first) + unzigzag(at(&self.r_first_week, i, "first week")?),
            )
            .map_err(|_| "first week out of range".to_owned())?;
            prev_c = c;
            prev_t = title;
            prev_first = first;
            runs.push(CountryRun {
                country: c,
                title,
                weeks: at(&self.r_weeks, i, "run weeks")?,
                best_rank: at(&self.r_best_rank, i, "best rank")?,
                first_week: first,
                last_week: first.wrapping_add(at(&self.r_span, i, "span")?),
            });
        }
        if self.runs_by_title {
            // Keys are unique (checked when encoding), so an unstable sort is exact.
            runs.sort_unstable_by_key(|r| (r.country, r.title));
        }
        if global.iter().any(|e| e.week as usize >= t.weeks.len())
            || runs.iter().any(|r| r.country as usize >= t.countries.len())
        {
            return Err("weekly row or country run out of range".to_owned());
        }
        let mut engagement = Vec::with_capacity(self.e_period.len());
        let (mut hours, mut views) = (
            CountReader {
                col: &self.e_hours,
                next: 0,
                big: 0,
            },
            CountReader {
                col: &self.e_views,
                next: 0,
                big: 0,
            },
        );
        let mut prev_t = 0u32;
        for (i, &period) in self.e_period.iter().enumerate() {
            let title = u32::try_from(
                i64::from(prev_t) + unzigzag(at(&self.e_title_delta, i, "engagement title")?),
            )
            .map_err(|_| "engagement title out of range".to_owned())?;
            prev_t = title;
            if period as usize >= t.engagement_periods.len() {
                return Err("engagement period out of range".to_owned());
            }
            engagement.push(EngagementEntry {
                period,
                title,
                hours_viewed: hours.next()?,
                views: if at(&self.e_views_some, i, "engagement views")? != 0 {
                    Some(views.next()?)
                } else {
                    None
                },
            });
        }
        t.global = global;
        t.country_runs = runs;
        t.engagement = engagement;
        Ok(())
    }
}
