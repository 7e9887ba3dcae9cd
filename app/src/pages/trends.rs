//! Trends: the latest week's four lists, hours and rank over time for chosen titles,
//! longest runs, category shares, per-country runs, the most-popular lists, and trailer
//! views against weeks in the Top 10.
//!
//! The trend queries are computed here from the bundle's rows: the engine has no trend
//! query functions yet.

use std::collections::HashMap;

use charming::component::{Axis, Legend, LegendType};
use charming::datatype::{CompositeValue, DataPointItem};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line, Scatter};
use engine::trends::{Category, WeeklyEntry};
use engine::Kind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::components::charts::{build, Chart};
use crate::components::combobox::SearchBox;
use crate::state::AppData;
use crate::ui::{compact, thousands, title_href, use_data, WithDetails};
use crate::url::query_string;

/// Titles charted by default: the latest week's number ones.
fn default_titles(data: &AppData) -> Vec<usize> {
    let t = data.trends();
    let Some(last) = t.weeks.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut v: Vec<&WeeklyEntry> = t
        .global
        .iter()
        .filter(|e| e.week as usize == last && e.rank <= 1)
        .collect();
    v.sort_by_key(|e| e.category);
    v.into_iter().map(|e| e.title as usize).take(3).collect()
}

/// The Trends page (`/trends?t=id,id&country=US`): its charts need the weekly history of
/// the details file.
#[component]
pub fn TrendsPage() -> impl IntoView {
    crate::ui::set_doc_title("Trends");
    view! { <WithDetails what="the weekly Top 10 history"><TrendsView /></WithDetails> }
}

/// The Trends page's sections.
#[component]
fn TrendsView() -> impl IntoView {
    let data = use_data();
    let q = use_query_map();
    let navigate = use_navigate();
    let go = Callback::new(move |(titles, country): (Vec<String>, Option<String>)| {
        let mut parts = Vec::new();
        if !titles.is_empty() {
            parts.push(("t", titles.join(",")));
        }
        if let Some(c) = country {
            parts.push(("country", c));
        }
        navigate(
            &format!("/trends{}", query_string(&parts)),
            NavigateOptions::default(),
        );
    });
    let d = data.clone();
    let chosen = Memo::new(move |_| {
        let ids: Vec<String> = q.with(|m| {
            m.get_str("t")
                .map(|s| {
                    s.split(',')
                        .filter(|x| !x.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        });
        if ids.is_empty() {
            default_titles(&d)
        } else {
            ids.iter().filter_map(|id| d.index(id)).collect()
        }
    });
    let country = Memo::new(move |_| q.with(|m| m.get("country")));
    let d = data.clone();
    let ids_of = move |v: &[usize]| -> Vec<String> {
        v.iter()
            .filter_map(|&i| d.catalog().titles.get(i).map(|t| t.id.clone()))
            .collect()
    };
    let ids_of2 = ids_of.clone();
    let on_pick = Callback::new(move |i: usize| {
        let mut v = chosen.get_untracked();
        if !v.contains(&i) {
            v.push(i);
        }
        go.run((ids_of(&v), country.get_untracked()));
    });
    let remove = Callback::new(move |i: usize| {
        let v: Vec<usize> = chosen
            .get_untracked()
            .into_iter()
            .filter(|&x| x != i)
            .collect();
        let ids = ids_of2(&v);
        // An empty list would fall back to the defaults; keep a marker so "none" sticks.
        go.run((
            if ids.is_empty() {
                vec!["-".into()]
            } else {
                ids
            },
            country.get_untracked(),
        ));
    });
    let latest = data.trends().latest_week().unwrap_or("—").to_owned();

    view! {
        <h1 class="page-title">"Trends"</h1>
        <p class="lede">{format!("Netflix's global weekly Top 10, through the week of {latest}.")}</p>
        <section aria-labelledby="latest-h">
            <h2 id="latest-h">{format!("Top 10 for the week of {latest}")}</h2>
            <LatestLists />
        </section>
        <section aria-labelledby="over-h">
            <h2 id="over-h">"Hours viewed and rank over time"</h2>
            <div class="chooser">
                <SearchBox id="trend-q" label="Add a title to the charts" on_pick people=false />
                <ul class="profile-list" id="trend-titles">
                    {move || {
                        let d = use_data();
                        chosen.get().into_iter().map(|i| {
                            let name = d.catalog().titles.get(i).map(|t| t.title.clone()).unwrap_or_default();
                            view! { <li class="pchip"><span class="pname">{name.clone()}</span>
                                <button class="icon" aria-label=format!("Remove {name}") on:click=move |_| remove.run(i)>"✕"</button></li> }
                        }).collect_view()
                    }}
                </ul>
            </div>
            <TitleCharts chosen />
        </section>
        <section aria-labelledby="long-h">
            <h2 id="long-h">"Longest-running titles"</h2>
            <LongestRunning />
        </section>
        <section aria-labelledby="share-h">
            <h2 id="share-h">"Share of hours viewed by list"</h2>
            <CategoryShares />
        </section>
        <section aria-labelledby="country-h">
            <h2 id="country-h">"By country"</h2>
            <CountryRuns country go chosen_ids=Signal::derive(move || {
                let d = use_data();
                chosen.get().iter().filter_map(|&i| d.catalog().titles.get(i).map(|t| t.id.clone())).collect::<Vec<_>>()
            }) />
        </section>
        <section aria-labelledby="watched-h">
            <h2 id="watched-h">"Most watched per half-year (Netflix engagement reports)"</h2>
            <MostWatched />
        </section>
        <section aria-labelledby="pop-h">
            <h2 id="pop-h">"Most popular ever (first 91 days)"</h2>
            <MostPopular />
        </section>
        <section aria-labelledby="trail-h">
            <h2 id="trail-h">"Trailer views against weeks in the Top 10"</h2>
            <TrailerScatter />
        </section>
    }
}

/// One row of a ranked list: rank, linked title, season, and a figure on the right.
#[component]
fn RankRow(
    /// Position in the list (1 is best).
    rank: u8,
    /// Index into the catalog.
    title: u32,
    /// Season or part, when the row is about one.
    season: Option<String>,
    /// The number shown on the right ("12.3M hours · week 2", "325M views").
    figure: String,
) -> impl IntoView {
    let data = use_data();
    let i = title as usize;
    let name = data
        .catalog()
        .titles
        .get(i)
        .map(|t| t.title.clone())
        .unwrap_or_default();
    let season = season.map(|s| format!(" · {s}")).unwrap_or_default();
    view! {
        <li>
            <span class="rank">{rank}</span>
            <span class="rl-main"><A href=title_href(&data, i)>{name}</A><span class="muted small">{season}</span></span>
            <span class="muted small rl-num">{figure}</span>
        </li>
    }
}

/// The four lists of the latest week.
#[component]
fn LatestLists() -> impl IntoView {
    let data = use_data();
    let t = data.trends();
    let Some(last) = t.weeks.len().checked_sub(1) else {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    };
    view! {
        <div class="lists">
            {Category::ALL.into_iter().map(|c| {
                let mut rows: Vec<&WeeklyEntry> = t.global.iter().filter(|e| e.week as usize == last && e.category == c).collect();
                rows.sort_by_key(|e| e.rank);
                view! {
                    <div class="list-card">
                        <h3>{c.label()}</h3>
                        <ol class="rank-list">
                            {rows.into_iter().map(|e| {
                                let weeks = match e.cumulative_weeks { 1 => "1st week".to_string(), n => format!("week {n}") };
                                let figure = format!("{} hours · {weeks}", compact(e.hours_viewed));
                                view! { <RankRow rank=e.rank title=e.title season=e.season.clone() figure /> }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// Hours (summed over seasons and lists) and best rank per week for the chosen titles.
#[component]
fn TitleCharts(chosen: Memo<Vec<usize>>) -> impl IntoView {
    let data = use_data();
    let d = data.clone();
    let series = Memo::new(move |_| {
        let chosen = chosen.get();
        let t = d.trends();
        let mut per: HashMap<usize, HashMap<u16, (u64, u8)>> = HashMap::new();
        for e in &t.global {
            let i = e.title as usize;
            if chosen.contains(&i) {
                let w = per
                    .entry(i)
                    .or_default()
                    .entry(e.week)
                    .or_insert((0, u8::MAX));
                w.0 += e.hours_viewed;
                w.1 = w.1.min(e.rank);
            }
        }
        let weeks: Vec<u16> = per.values().flat_map(|m| m.keys().copied()).collect();
        let (Some(lo), Some(hi)) = (weeks.iter().min(), weeks.iter().max()) else {
            return None;
        };
        let span: Vec<u16> = (*lo..=*hi).collect();
        let labels: Vec<String> = span
            .iter()
            .map(|&w| t.weeks.get(w as usize).cloned().unwrap_or_default())
            .collect();
        let mut hours = Vec::new();
        let mut ranks = Vec::new();
        for &i in &chosen {
            let name = d
                .catalog()
                .titles
                .get(i)
                .map(|t| t.title.clone())
                .unwrap_or_default();
            let m = per.get(&i);
            let get = |w: &u16| m.and_then(|m| m.get(w)).copied();
            hours.push((
                name.clone(),
                span.iter()
                    .map(|w| build::gap(get(w).map(|x| x.0 as f64)))
                    .collect::<Vec<_>>(),
            ));
            ranks.push((
                name,
                span.iter()
                    .map(|w| build::gap(get(w).map(|x| x.1 as f64)))
                    .collect::<Vec<_>>(),
            ));
        }
        Some((labels, hours, ranks))
    });
    move || match series.get() {
        None => {
            view! { <p class="muted">"Pick a title that has been on the Top 10 to chart it."</p> }
                .into_any()
        }
        Some((labels, hours, ranks)) => {
            let l2 = labels.clone();
            view! {
                <div class="grid2">
                    <div><h3>"Hours viewed per week"</h3>
                        <Chart option=move || build::lines(labels.clone(), "hours viewed", false, hours.clone()) label="Weekly hours viewed of the chosen titles" /></div>
                    <div><h3>"Best weekly rank"</h3>
                        <Chart option=move || build::lines(l2.clone(), "rank (1 = top)", true, ranks.clone()) label="Weekly rank of the chosen titles" /></div>
                </div>
            }.into_any()
        }
    }
}

/// The 15 titles with the most weeks on the global lists.
#[component]
fn LongestRunning() -> impl IntoView {
    let data = use_data();
    let mut v: Vec<(usize, u16, u8)> = data
        .charted
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c.weeks, c.best_rank)))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    v.truncate(15);
    if v.is_empty() {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    }
    // Horizontal bars read best with the longest at the top: ECharts draws categories
    // bottom-up, so reverse.
    let names: Vec<String> = v
        .iter()
        .rev()
        .map(|&(i, _, _)| {
            data.catalog()
                .titles
                .get(i)
                .map(|t| t.title.clone())
                .unwrap_or_default()
        })
        .collect();
    let vals: Vec<CompositeValue> = v
        .iter()
        .rev()
        .map(|&(_, w, _)| CompositeValue::from(w as i64))
        .collect();
    let chart = build::base(Trigger::Axis)
        .legend(Legend::new().show(false))
        .x_axis(Axis::new().type_(AxisType::Value).name("weeks"))
        .y_axis(Axis::new().type_(AxisType::Category).data(names))
        .series(Bar::new().name("Weeks in the Top 10").data(vals));
    view! { <Chart option=move || chart.clone() height=420 label="Titles with the most weeks on the global Top 10" /> }.into_any()
}

/// Each list's share of all hours viewed, per week (stacked to 100 %).
#[component]
fn CategoryShares() -> impl IntoView {
    let data = use_data();
    let t = data.trends();
    let n = t.weeks.len();
    if n == 0 {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    }
    let mut hours = vec![[0u64; 4]; n];
    for e in &t.global {
        if let Some(row) = hours.get_mut(e.week as usize) {
            let c = Category::ALL
                .iter()
                .position(|&c| c == e.category)
                .unwrap_or(0);
            row[c] += e.hours_viewed;
        }
    }
    let mut chart = build::base(Trigger::Axis)
        .x_axis(Axis::new().type_(AxisType::Category).data(t.weeks.clone()))
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("% of hours")
                .max(100),
        );
    for (ci, c) in Category::ALL.iter().enumerate() {
        let vals: Vec<CompositeValue> = hours
            .iter()
            .map(|row| {
                let total: u64 = row.iter().sum();
                build::gap(
                    (total > 0).then(|| (row[ci] as f64 * 1000.0 / total as f64).round() / 10.0),
                )
            })
            .collect();
        chart = chart.series(
            Line::new()
                .name(c.label())
                .stack("share")
                .area_style(charming::element::AreaStyle::new())
                .show_symbol(false)
                .data(vals),
        );
    }
    view! { <Chart option=move || chart.clone() label="Share of weekly hours viewed per Top 10 list" /> }.into_any()
}

/// What charted in one country and for how long.
#[component]
fn CountryRuns(
    country: Memo<Option<String>>,
    go: Callback<(Vec<String>, Option<String>)>,
    chosen_ids: Signal<Vec<String>>,
) -> impl IntoView {
    let data = use_data();
    let t = data.trends();
    if t.countries.is_empty() {
        return view! { <p class="muted">"No per-country data in this bundle."</p> }.into_any();
    }
    let through = t.countries_through.clone().unwrap_or_else(|| "—".into());
    let mut opts: Vec<(String, String)> = t
        .countries
        .iter()
        .map(|c| (c.iso2.clone(), c.name.clone()))
        .collect();
    opts.sort_by(|a, b| a.1.cmp(&b.1));
    let d = data.clone();
    let current = Memo::new(move |_| {
        let code = country.get().unwrap_or_else(|| "US".into());
        d.trends()
            .countries
            .iter()
            .position(|c| c.iso2 == code)
            .or(Some(0))
    });
    let d = data.clone();
    view! {
        <p class="note">{format!("The snapshot's per-country lists end in the week of {through}; later weeks are global only.")}</p>
        <label for="country-sel">"Country "</label>
        <select id="country-sel" on:change=move |ev| {
            let v = event_target_value(&ev);
            go.run((chosen_ids.get_untracked(), Some(v)));
        }>
            {opts.into_iter().map(|(code, name)| {
                let c2 = code.clone();
                view! { <option value=code selected=move || {
                    let d = use_data();
                    current.get().and_then(|i| d.trends().countries.get(i)).is_some_and(|c| c.iso2 == c2)
                }>{name}</option> }
            }).collect_view()}
        </select>
        {move || {
            let Some(ci) = current.get() else { return view! { <p class="muted">"Pick a country."</p> }.into_any() };
            let t = d.trends();
            let mut runs: Vec<&engine::trends::CountryRun> = t.country_runs.iter().filter(|r| r.country as usize == ci).collect();
            runs.sort_by(|a, b| b.weeks.cmp(&a.weeks).then(a.best_rank.cmp(&b.best_rank)).then(a.title.cmp(&b.title)));
            let total = runs.len();
            runs.truncate(25);
            let week = |w: u16| t.weeks.get(w as usize).cloned().unwrap_or_default();
            view! {
                <p class="muted small">{format!("{total} titles charted; the 25 longest runs:")}</p>
                <div class="table-wrap">
                    <table id="country-table">
                        <thead><tr><th scope="col">"Title"</th><th scope="col">"Weeks"</th><th scope="col">"Best"</th><th scope="col">"From"</th><th scope="col">"To"</th></tr></thead>
                        <tbody>
                            {runs.into_iter().map(|r| {
                                let i = r.title as usize;
                                let name = d.catalog().titles.get(i).map(|t| t.title.clone()).unwrap_or_default();
                                view! { <tr><td><A href=title_href(&d, i)>{name}</A></td><td>{r.weeks}</td><td>{format!("#{}", r.best_rank)}</td><td>{week(r.first_week)}</td><td>{week(r.last_week)}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
    .into_any()
}

/// The all-time most-popular lists.
#[component]
fn MostPopular() -> impl IntoView {
    let data = use_data();
    let t = data.trends();
    if t.most_popular.is_empty() {
        return view! { <p class="muted">"No most-popular list in this bundle."</p> }.into_any();
    }
    view! {
        <div class="lists">
            {Category::ALL.into_iter().map(|c| {
                let mut rows: Vec<&engine::trends::PopularEntry> = t.most_popular.iter().filter(|e| e.category == c).collect();
                rows.sort_by_key(|e| e.rank);
                view! {
                    <div class="list-card">
                        <h3>{c.label()}</h3>
                        <ol class="rank-list">
                            {rows.into_iter().map(|e| {
                                let figure = format!("{} views", compact(e.views));
                                view! { <RankRow rank=e.rank title=e.title season=e.season.clone() figure /> }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// The most watched films and series of one half-year of Netflix's engagement reports,
/// with a chooser for the half-year (the latest first).
#[component]
fn MostWatched() -> impl IntoView {
    let data = use_data();
    let periods = data.trends().engagement_periods.clone();
    let Some(last) = periods.len().checked_sub(1) else {
        return view! { <p class="muted">"No engagement reports in this bundle."</p> }.into_any();
    };
    let chosen = RwSignal::new(last as u8);
    let lists = move || {
        let t = data.trends();
        let cat = data.catalog();
        let p = chosen.get();
        [(Kind::Movie, "Films"), (Kind::Show, "Series")]
            .into_iter()
            .map(|(kind, label)| {
                let rows = t.most_watched(
                    p,
                    |i| cat.titles.get(i as usize).is_some_and(|x| x.kind == kind),
                    10,
                );
                view! {
                    <div class="list-card">
                        <h3>{label}</h3>
                        <ol class="rank-list" data-kind=kind.label()>
                            {rows.into_iter().enumerate().map(|(r, e)| {
                                let figure = format!("{} hours", compact(e.hours_viewed));
                                view! { <RankRow rank=(r + 1) as u8 title=e.title season=None figure /> }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <label class="field">"Half-year "
            <select id="watched-period" on:change=move |ev| {
                if let Ok(p) = event_target_value(&ev).parse::<u8>() { chosen.set(p); }
            }>
                {periods.iter().enumerate().rev().map(|(i, p)| view! {
                    <option value=i.to_string() selected=i == last>{crate::pages::title::half_year(p)}</option>
                }).collect_view()}
            </select>
        </label>
        <div class="lists" id="most-watched">{lists}</div>
    }
    .into_any()
}

/// One point per title with a trailer: weeks in the Top 10 (x) against trailer views (y).
#[component]
fn TrailerScatter() -> impl IntoView {
    let data = use_data();
    let t = data.trends();
    let mut pts: Vec<DataPointItem> = Vec::new();
    let mut n_titles = 0usize;
    for (i, tr) in data.trailer.iter().enumerate() {
        let Some(k) = tr else { continue };
        let Some(tr) = t.trailers.get(*k) else {
            continue;
        };
        n_titles += 1;
        let weeks = data
            .charted
            .get(i)
            .copied()
            .flatten()
            .map_or(0, |c| c.weeks);
        let name = data
            .catalog()
            .titles
            .get(i)
            .map(|t| t.title.clone())
            .unwrap_or_default();
        pts.push(
            DataPointItem::new(vec![
                CompositeValue::from(weeks as i64),
                CompositeValue::from(tr.views.max(1) as f64),
            ])
            .name(name),
        );
    }
    if pts.is_empty() {
        return view! { <p class="muted">"No trailer statistics in this bundle."</p> }.into_any();
    }
    let chart = charming::Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(Legend::new().type_(LegendType::Scroll).bottom(0))
        .x_axis(Axis::new().type_(AxisType::Value).name("weeks in Top 10"))
        .y_axis(Axis::new().type_(AxisType::Log).name("trailer views"))
        .series(Scatter::new().name("Titles").symbol_size(7).data(pts));
    view! {
        <p class="muted small">{format!("{} titles with a trailer; {} views is the largest.", thousands(n_titles as u64),
            compact(t.trailers.iter().map(|x| x.views).max().unwrap_or(0)))}</p>
        <Chart option=move || chart.clone() height=360 label="Trailer views against weeks in the Top 10" />
    }
    .into_any()
}
