//! Trends: the latest week's four lists, hours and rank over time for chosen titles,
//! longest runs, category shares, per-country runs, the most-popular lists, and trailer
//! views against weeks in the Top 10.
//!
//! The queries are `engine::trends` functions (shared with the CLI); this page only draws.

use charming::component::{Axis, Legend, LegendType};
use charming::datatype::{CompositeValue, DataPointItem};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line, Scatter};
use engine::trends::{self as queries, Category};
use engine::Kind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::components::charts::{build, Chart};
use crate::components::combobox::SearchBox;
use crate::components::lists::{ListCard, RankRow};
use crate::components::section::Section;
use crate::state::AppData;
use crate::ui::{compact, thousands, title_href, use_data, WithDetails};
use crate::url::query_string;

/// Titles charted by default: the latest week's number ones.
fn default_titles(data: &AppData) -> Vec<usize> {
    queries::number_ones(data.trends(), 3)
        .into_iter()
        .map(|i| i as usize)
        .collect()
}

/// A title's name by index (empty when out of range).
fn name_of(data: &AppData, i: usize) -> String {
    data.catalog()
        .titles
        .get(i)
        .map(|t| t.title.clone())
        .unwrap_or_default()
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
    let to_url = use_navigate();
    let navigate = Callback::new(move |(titles, country): (Vec<String>, Option<String>)| {
        let mut parts = Vec::new();
        if !titles.is_empty() {
            parts.push(("t", titles.join(",")));
        }
        if let Some(c) = country {
            parts.push(("country", c));
        }
        to_url(
            &format!("/trends{}", query_string(parts)),
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
        navigate.run((ids_of(&v), country.get_untracked()));
    });
    let remove = Callback::new(move |i: usize| {
        let v: Vec<usize> = chosen
            .get_untracked()
            .into_iter()
            .filter(|&x| x != i)
            .collect();
        let ids = ids_of2(&v);
        // An empty list would fall back to the defaults; keep a marker so "none" sticks.
        navigate.run((
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
        <Section id="latest-h" title=format!("Top 10 for the week of {latest}")>
            <LatestLists />
        </Section>
        <Section id="over-h" title="Hours viewed and rank over time">
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
        </Section>
        <Section id="long-h" title="Longest-running titles">
            <LongestRunning />
        </Section>
        <Section id="share-h" title="Share of hours viewed by list">
            <CategoryShares />
        </Section>
        <Section id="country-h" title="By country">
            <CountryRuns country navigate chosen_ids=Signal::derive(move || {
                let d = use_data();
                chosen.get().iter().filter_map(|&i| d.catalog().titles.get(i).map(|t| t.id.clone())).collect::<Vec<_>>()
            }) />
        </Section>
        <Section id="watched-h" title="Most watched per half-year (Netflix engagement reports)">
            <MostWatched />
        </Section>
        <Section id="pop-h" title="Most popular ever (first 91 days)">
            <MostPopular />
        </Section>
        <Section id="trail-h" title="Trailer views against weeks in the Top 10">
            <TrailerScatter />
        </Section>
    }
}

/// The four lists of the latest week.
#[component]
fn LatestLists() -> impl IntoView {
    let data = use_data();
    let lists = queries::latest_lists(data.trends());
    if lists.is_empty() {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    }
    view! {
        <div class="lists">
            // Owned rows: a card's children render lazily, after this borrow ends.
            {lists.into_iter().map(|(c, rows)| (c, rows.into_iter().cloned().collect::<Vec<_>>())).map(|(c, rows)| view! {
                <ListCard title=c.label()>
                    {rows.into_iter().map(|e| {
                        let weeks = match e.cumulative_weeks { 1 => "1st week".to_string(), n => format!("week {n}") };
                        let figure = format!("{} hours · {weeks}", compact(e.hours_viewed));
                        view! { <RankRow rank=e.rank title=e.title season=e.season.clone() figure /> }
                    }).collect_view()}
                </ListCard>
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
        let chosen: Vec<u32> = chosen.get().iter().map(|&i| i as u32).collect();
        let t = d.trends();
        let s = queries::weekly_series(t, &chosen)?;
        let labels: Vec<String> = s
            .weeks
            .iter()
            .map(|&w| t.weeks.get(w as usize).cloned().unwrap_or_default())
            .collect();
        let mut hours = Vec::new();
        let mut ranks = Vec::new();
        for (i, points) in &s.titles {
            let name = name_of(&d, *i as usize);
            let col = |f: &dyn Fn(&queries::WeekPoint) -> f64| {
                points
                    .iter()
                    .map(|p| build::gap(p.as_ref().map(f)))
                    .collect::<Vec<_>>()
            };
            hours.push((name.clone(), col(&|p| p.hours as f64)));
            ranks.push((name, col(&|p| f64::from(p.best_rank))));
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
    let v = queries::longest_running(&data.trends().charted, 15);
    if v.is_empty() {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    }
    // Horizontal bars read best with the longest at the top: ECharts draws categories
    // bottom-up, so reverse.
    let names: Vec<String> = v
        .iter()
        .rev()
        .map(|c| name_of(&data, c.title as usize))
        .collect();
    let vals: Vec<CompositeValue> = v
        .iter()
        .rev()
        .map(|c| CompositeValue::from(i64::from(c.weeks)))
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
    if t.weeks.is_empty() {
        return view! { <p class="muted">"No Top 10 data in this bundle."</p> }.into_any();
    }
    let shares = queries::category_shares(t);
    let mut chart = build::base(Trigger::Axis)
        .x_axis(Axis::new().type_(AxisType::Category).data(t.weeks.clone()))
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("% of hours")
                .max(100),
        );
    for (ci, c) in Category::ALL.iter().enumerate() {
        let vals: Vec<CompositeValue> = shares
            .iter()
            .map(|week| build::gap(week.map(|s| s[ci])))
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
    navigate: Callback<(Vec<String>, Option<String>)>,
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
        queries::country_index(d.trends(), &code).or(Some(0))
    });
    let d = data.clone();
    view! {
        <p class="note">{format!("The snapshot's per-country lists end in the week of {through}; later weeks are global only.")}</p>
        <label for="country-sel">"Country "</label>
        <select id="country-sel" on:change=move |ev| {
            let v = event_target_value(&ev);
            navigate.run((chosen_ids.get_untracked(), Some(v)));
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
            let mut runs = queries::country_runs_in(t, ci);
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
    // Owned rows: a card's children render lazily, after this borrow ends.
    let lists: Vec<(Category, Vec<engine::trends::PopularEntry>)> = Category::ALL
        .into_iter()
        .map(|c| {
            (
                c,
                queries::most_popular(t, c).into_iter().cloned().collect(),
            )
        })
        .collect();
    view! {
        <div class="lists">
            {lists.into_iter().map(|(c, rows)| view! {
                <ListCard title=c.label()>
                    {rows.into_iter().map(|e| {
                        let figure = format!("{} views", compact(e.views));
                        view! { <RankRow rank=e.rank title=e.title season=e.season.clone() figure /> }
                    }).collect_view()}
                </ListCard>
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
                    <ListCard title=label kind=kind.label()>
                        {rows.into_iter().enumerate().map(|(r, e)| {
                            let figure = format!("{} hours", compact(e.hours_viewed));
                            view! { <RankRow rank=(r + 1) as u8 title=e.title season=None figure /> }
                        }).collect_view()}
                    </ListCard>
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
        let name = name_of(&data, i);
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
