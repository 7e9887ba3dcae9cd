//! The trend tables of `builder build`: weeks, the global weekly lists, countries and their
//! runs, the most-popular lists, trailers and engagement, all pointing at final title
//! indices. Runs while the catalog is interned on the other threads.

use std::collections::{BTreeMap, BTreeSet};

use crate::{HashMap, HashSet};
use engine::trends::{
    Country, CountryRun, EngagementEntry, PopularEntry, Trailer, Trends, WeeklyEntry,
};
use engine::Kind;

use super::category_kind;
use super::read::TrendPart;

/// The links the tables need, in the drafts' (pre-sort) indices.
pub(super) struct TableLinks<'a> {
    /// Top 10 names to their drafts.
    pub(super) by_name: &'a HashMap<(String, Kind), usize>,
    /// Final index of every draft.
    pub(super) new_index: &'a [u32],
    /// Each trailer row's draft, if linked.
    pub(super) trailers: &'a [crate::link::TrailerLink],
    /// Each engagement row's draft, if linked.
    pub(super) engagement: &'a [Option<usize>],
}

/// The trend tables and the trailer rows no title took (line, name), for the report.
pub(super) fn trend_tables(
    part: &TrendPart,
    links: &TableLinks<'_>,
) -> anyhow::Result<(Trends, Vec<(u64, String)>)> {
    let lookup = Lookup::new(part, links);
    let global = global_entries(part, &lookup)?;
    let (countries, country_runs) = country_runs(part, &lookup)?;
    let countries_through = part.country_rows.values().map(|r| r.week.clone()).max();
    let most_popular = popular_entries(part, &lookup)?;
    let (trailers, unlinked) = trailers(part, links);
    let (engagement_periods, engagement) = engagement(part, links);
    let mut trends = Trends {
        weeks: lookup.weeks,
        global,
        countries,
        country_runs,
        countries_through,
        most_popular,
        trailers,
        charted: Vec::new(),
        engagement_periods,
        engagement,
    };
    trends.summarize();
    Ok((trends, unlinked))
}

/// The weeks table and the name lookup the per-row tables share.
struct Lookup<'a> {
    /// Every week any list covers, sorted.
    weeks: Vec<String>,
    week_ix: HashMap<String, u16>,
    /// Borrowed keys, so the ~145k row lookups allocate nothing.
    final_index: HashMap<(&'a str, Kind), u32>,
}

impl<'a> Lookup<'a> {
    fn new(part: &TrendPart, links: &TableLinks<'a>) -> Self {
        let mut weeks: BTreeSet<&str> = part.global.iter().map(|r| r.week.as_str()).collect();
        weeks.extend(part.country_rows.values().map(|r| r.week.as_str()));
        let weeks: Vec<String> = weeks.into_iter().map(str::to_owned).collect();
        let week_ix = weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u16))
            .collect();
        let final_index = links
            .by_name
            .iter()
            .map(|((show, kind), &i)| ((show.as_str(), *kind), links.new_index[i]))
            .collect();
        Lookup {
            weeks,
            week_ix,
            final_index,
        }
    }

    fn week(&self, week: &str) -> u16 {
        self.week_ix[week]
    }

    /// Every name was linked before, so a miss is a bug in the linker: it stops the build
    /// rather than sending the rows to some other title.
    fn title_of(&self, show: &str, kind: Kind) -> anyhow::Result<u32> {
        self.final_index.get(&(show, kind)).copied().ok_or_else(|| {
            anyhow::anyhow!(
                "internal error: the Top 10 name {show:?} ({}) was not linked to a title",
                kind.label()
            )
        })
    }
}

fn global_entries(part: &TrendPart, lookup: &Lookup<'_>) -> anyhow::Result<Vec<WeeklyEntry>> {
    let mut entries: Vec<WeeklyEntry> = part
        .global
        .iter()
        .map(|r| {
            Ok(WeeklyEntry {
                week: lookup.week(&r.week),
                category: r.category,
                rank: r.rank,
                title: lookup.title_of(&r.show_title, category_kind(r.category))?,
                season: r.season.clone(),
                hours_viewed: r.hours,
                views: r.views,
                cumulative_weeks: r.cumulative_weeks,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    entries.sort_by_key(|e| (e.week, e.category, e.rank));
    Ok(entries)
}

/// The countries (sorted by ISO code) and one run per (country, title).
fn country_runs(
    part: &TrendPart,
    lookup: &Lookup<'_>,
) -> anyhow::Result<(Vec<Country>, Vec<CountryRun>)> {
    let mut names_by_iso: BTreeMap<&str, &str> = BTreeMap::new();
    for r in part.country_rows.values() {
        names_by_iso.insert(&r.iso2, &r.country_name);
    }
    let countries: Vec<Country> = names_by_iso
        .iter()
        .map(|(iso, name)| Country {
            iso2: (*iso).to_owned(),
            name: (*name).to_owned(),
        })
        .collect();
    let country_ix: HashMap<&str, u16> = countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.iso2.as_str(), i as u16))
        .collect();
    let mut runs: BTreeMap<(u16, u32), CountryRun> = BTreeMap::new();
    let mut run_weeks: HashSet<(u16, u32, u16)> = HashSet::default();
    for r in part.country_rows.values() {
        let c = country_ix[r.iso2.as_str()];
        let t = lookup.title_of(&r.show_title, r.kind)?;
        let w = lookup.week(&r.week);
        let run = runs.entry((c, t)).or_insert(CountryRun {
            country: c,
            title: t,
            weeks: 0,
            best_rank: r.rank,
            first_week: w,
            last_week: w,
        });
        if run_weeks.insert((c, t, w)) {
            run.weeks += 1;
        }
        run.best_rank = run.best_rank.min(r.rank);
        run.first_week = run.first_week.min(w);
        run.last_week = run.last_week.max(w);
    }
    Ok((countries, runs.into_values().collect()))
}

fn popular_entries(part: &TrendPart, lookup: &Lookup<'_>) -> anyhow::Result<Vec<PopularEntry>> {
    let mut entries: Vec<PopularEntry> = part
        .popular
        .iter()
        .map(|r| {
            Ok(PopularEntry {
                category: r.category,
                rank: r.rank,
                title: lookup.title_of(&r.show_title, category_kind(r.category))?,
                season: r.season.clone(),
                views: r.views,
                hours_viewed: r.hours,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    entries.sort_by_key(|e| (e.category, e.rank));
    Ok(entries)
}

/// The linked trailers (one per title, video and fetch) and the unlinked rows.
fn trailers(part: &TrendPart, links: &TableLinks<'_>) -> (Vec<Trailer>, Vec<(u64, String)>) {
    let mut trailers: Vec<Trailer> = Vec::new();
    let mut unlinked: Vec<(u64, String)> = Vec::new();
    for (r, link) in part.trailer_rows.iter().zip(links.trailers) {
        match link {
            Some((i, _)) => trailers.push(Trailer {
                title: links.new_index[*i],
                video_id: r.video_id.clone(),
                video_title: r.video_title.clone(),
                published: r.published.clone(),
                fetched: r.fetched.clone(),
                views: r.views,
                likes: r.likes,
                comments: r.comments,
                duration_s: r.duration_s,
            }),
            None => unlinked.push((
                r.line,
                r.query_title
                    .clone()
                    .unwrap_or_else(|| r.video_title.clone()),
            )),
        }
    }
    trailers.sort_by(|a, b| {
        (a.title, &a.video_id, &a.fetched).cmp(&(b.title, &b.video_id, &b.fetched))
    });
    // The same video found for two spellings of one title is one trailer.
    trailers
        .dedup_by(|a, b| a.title == b.title && a.video_id == b.video_id && a.fetched == b.fetched);
    (trailers, unlinked)
}

/// The half-year periods and one engagement row per (half-year, title), seasons summed.
fn engagement(part: &TrendPart, links: &TableLinks<'_>) -> (Vec<String>, Vec<EngagementEntry>) {
    let rows = &part.engagement_rows;
    let mut periods: Vec<String> = rows.iter().map(|r| r.period.clone()).collect();
    periods.sort_unstable();
    periods.dedup();
    let mut per: BTreeMap<(u32, u8), (u64, Option<u64>)> = BTreeMap::new();
    for (r, link) in rows.iter().zip(links.engagement) {
        let Some(i) = link else { continue };
        let p = periods.binary_search(&r.period).unwrap_or(0) as u8;
        let e = per.entry((links.new_index[*i], p)).or_default();
        e.0 = e.0.saturating_add(r.hours);
        if let Some(v) = r.views {
            e.1 = Some(e.1.unwrap_or(0).saturating_add(v));
        }
    }
    let entries = per
        .iter()
        .map(|(&(title, period), &(hours, views))| EngagementEntry {
            period,
            title,
            hours_viewed: hours,
            views,
        })
        .collect();
    (periods, entries)
}
