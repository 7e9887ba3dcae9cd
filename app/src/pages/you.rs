//! "Your Netflix" (`/you`): what the imported history says about the viewer: titles and
//! episodes watched, hours where the file has durations, a month-by-month chart, top
//! genres, shows and people, and binge days. Computed on the device from the loaded
//! history only; nothing here is in the URL.

use std::collections::{BTreeMap, HashMap};

use engine::history::Day;
use engine::Kind;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::charts::{build, Chart};
use crate::history::{HistoryCtx, Loaded};
use crate::state::AppData;
use crate::ui::{thousands, title_href, use_data};

/// Episodes of one show on one day that make a binge day.
pub const BINGE_EPISODES: u32 = 3;
/// Rows of each "top" list.
const TOP: usize = 10;

/// The figures of the page, from a loaded history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Distinct catalog titles watched.
    pub titles: usize,
    /// Viewing rows that were episodes of a show.
    pub episodes: usize,
    /// Other viewing rows (films, specials).
    pub other: usize,
    /// Hours watched, when the file has durations.
    pub hours: Option<f64>,
    /// Per month (`YYYY-MM`, every month from first to last): episodes and other rows.
    pub months: Vec<(String, u32, u32)>,
    /// Genres by matched rows.
    pub genres: Vec<(String, u32)>,
    /// Series (title index) by episodes.
    pub shows: Vec<(usize, u32)>,
    /// People by the number of watched titles they are in (two or more).
    pub people: Vec<(String, u32)>,
    /// Days with at least [`BINGE_EPISODES`] episodes of one show: day, show, episodes;
    /// most episodes first.
    pub binges: Vec<(Day, String, u32)>,
}

fn top<K: Ord + Clone>(m: HashMap<K, u32>, n: usize) -> Vec<(K, u32)> {
    let mut v: Vec<(K, u32)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// Computes the page's figures.
pub fn stats(data: &AppData, l: &Loaded) -> Stats {
    let cat = data.catalog();
    let imp = &l.import;
    let mut s = Stats {
        titles: l.summary.titles,
        ..Stats::default()
    };
    let mut months: BTreeMap<(u16, u8), (u32, u32)> = BTreeMap::new();
    let mut genres: HashMap<String, u32> = HashMap::new();
    let mut shows: HashMap<usize, u32> = HashMap::new();
    // Keyed by show (catalog title, else the name read): each episode row has its own
    // resolution, so the resolution index would count every episode apart.
    let mut binge: HashMap<(Day, Result<usize, u32>), u32> = HashMap::new();
    let mut seconds = 0u64;
    for (i, e) in imp.history.entries.iter().enumerate() {
        let r = imp.resolved.get(i).copied().unwrap_or(0);
        let episode = imp.names.get(r as usize).is_some_and(|n| n.episode);
        let m = months.entry((e.day.year, e.day.month)).or_default();
        if episode {
            s.episodes += 1;
            m.0 += 1;
            let show = imp.title_of(i).ok_or(r);
            *binge.entry((e.day, show)).or_default() += 1;
        } else {
            s.other += 1;
            m.1 += 1;
        }
        seconds += u64::from(e.seconds.unwrap_or(0));
        if let Some(t) = imp
            .title_of(i)
            .and_then(|t| cat.titles.get(t).map(|x| (t, x)))
        {
            for g in cat.genre_names(t.1) {
                *genres.entry(g.to_owned()).or_default() += 1;
            }
            if t.1.kind == Kind::Show {
                *shows.entry(t.0).or_default() += 1;
            }
        }
    }
    s.hours = (seconds > 0).then(|| seconds as f64 / 3600.0);
    // Every month between the first and the last, so gaps show as gaps.
    if let (Some((&first, _)), Some((&last, _))) =
        (months.first_key_value(), months.last_key_value())
    {
        let (mut y, mut m) = first;
        while (y, m) <= last {
            let (a, b) = months.get(&(y, m)).copied().unwrap_or_default();
            s.months.push((format!("{y:04}-{m:02}"), a, b));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let mut people: HashMap<u32, u32> = HashMap::new();
    for w in &l.watched {
        if let Some(t) = cat.titles.get(w.title) {
            let mut ps: Vec<u32> = t.directors.iter().chain(&t.cast).copied().collect();
            ps.sort_unstable();
            ps.dedup();
            for p in ps {
                *people.entry(p).or_default() += 1;
            }
        }
    }
    s.genres = top(genres, TOP);
    s.shows = top(shows, TOP);
    s.people = top(people, usize::MAX)
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(p, n)| (cat.person(p).to_owned(), n))
        .filter(|(name, _)| !name.is_empty())
        .take(TOP)
        .collect();
    let mut binges: Vec<(Day, String, u32)> = binge
        .into_iter()
        .filter(|&(_, n)| n >= BINGE_EPISODES)
        .map(|((day, show), n)| {
            let name = match show {
                Ok(t) => cat.titles.get(t).map(|t| t.title.clone()),
                Err(r) => imp.names.get(r as usize).map(|x| x.name.clone()),
            };
            (day, name.unwrap_or_default(), n)
        })
        .collect();
    binges.sort_by(|a, b| b.2.cmp(&a.2).then(b.0.cmp(&a.0)).then(a.1.cmp(&b.1)));
    s.binges = binges;
    s
}

/// The "Your Netflix" page.
#[component]
pub fn YouPage() -> impl IntoView {
    let h = expect_context::<HistoryCtx>();
    move || match h.loaded.get() {
        None => view! {
            <h1 class="page-title">"Your Netflix"</h1>
            <p class="empty" id="you-empty">"No viewing history is loaded. "
                <A href="/">"Import one on Discover"</A>
                " (it is read on this device and never uploaded)."</p>
        }
        .into_any(),
        Some(l) => view! { <YouView l /> }.into_any(),
    }
}

#[component]
fn YouView(l: std::sync::Arc<Loaded>) -> impl IntoView {
    let data = use_data();
    let s = stats(&data, &l);
    let x: Vec<String> = s.months.iter().map(|m| m.0.clone()).collect();
    let eps = s.months.iter().map(|m| f64::from(m.1).into()).collect();
    let oth = s.months.iter().map(|m| f64::from(m.2).into()).collect();
    let monthly = build::bars(
        x,
        "Rows",
        vec![("Episodes".into(), eps), ("Films and other".into(), oth)],
    );
    let gx: Vec<String> = s.genres.iter().map(|g| g.0.clone()).collect();
    let gy = s.genres.iter().map(|g| f64::from(g.1).into()).collect();
    let genres = build::bars(gx, "Rows", vec![("Rows watched".into(), gy)]);
    let hours = s
        .hours
        .map(|h| view! { <li><strong>{thousands(h.round() as u64)}</strong>" hours"</li> });
    let shows = s
        .shows
        .iter()
        .filter_map(|&(i, n)| {
            let t = data.catalog().titles.get(i)?;
            Some((t.title.clone(), title_href(&data, i), n))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(t, href, n)| view! { <li><A href=href>{t}</A>{format!(" — {n} episodes")}</li> })
        .collect_view();
    let people = s
        .people
        .iter()
        .map(|(p, n)| view! { <li>{format!("{p} — {n} titles")}</li> })
        .collect_view();
    let genre_list = s
        .genres
        .iter()
        .map(|(g, n)| view! { <li>{format!("{g} — {n}")}</li> })
        .collect_view();
    let binge_n = s.binges.len();
    let binges = s
        .binges
        .iter()
        .take(TOP)
        .map(|(d, name, n)| view! { <li>{format!("{d}: {name}, {n} episodes")}</li> })
        .collect_view();
    view! {
        <h1 class="page-title">"Your Netflix"</h1>
        <p class="lede">{format!("From {}, read on this device only.", l.name)}</p>
        <ul class="you-figures" id="you-figures">
            <li><strong>{thousands(s.titles as u64)}</strong>" titles"</li>
            <li><strong>{thousands(s.episodes as u64)}</strong>" episodes"</li>
            <li><strong>{thousands(s.other as u64)}</strong>" films and other viewings"</li>
            {hours}
            <li><strong>{thousands(binge_n as u64)}</strong>{format!(" binge days ({BINGE_EPISODES}+ episodes of one show)")}</li>
        </ul>
        <section class="panel" aria-labelledby="you-months-h">
            <h2 id="you-months-h">"Month by month"</h2>
            <Chart option=move || monthly.clone() height=280 label="Rows watched per month: episodes and films" />
        </section>
        <div class="you-grid">
            <section class="panel" aria-labelledby="you-genres-h">
                <h2 id="you-genres-h">"Top genres"</h2>
                <Chart option=move || genres.clone() height=260 label="Rows watched per genre" />
                <ol class="small">{genre_list}</ol>
            </section>
            <section class="panel" aria-labelledby="you-shows-h">
                <h2 id="you-shows-h">"Top shows"</h2>
                <ol id="you-shows">{shows}</ol>
            </section>
            <section class="panel" aria-labelledby="you-people-h">
                <h2 id="you-people-h">"Top people"</h2>
                <ol id="you-people">{people}</ol>
            </section>
            <section class="panel" aria-labelledby="you-binges-h">
                <h2 id="you-binges-h">"Binge days"</h2>
                <ol id="you-binges">{binges}</ol>
            </section>
        </div>
        <p><A href="/">"← Discover: next watches from this history"</A></p>
    }
}
