//! Title page: metadata, description, similar titles, Top 10 history (per season), the
//! countries where it charted, trailer stats and the sources it was merged from.

use engine::recommend::{recommend, Query};
use engine::trends as queries;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::charts::{build, Chart};
use crate::components::section::Section;
use crate::state::LastDiscover;
use crate::ui::{thousands, use_data, TitleCard, WithDetails};
use crate::url::DiscoverState;

/// Country runs listed before "show all".
const COUNTRIES_FIRST: usize = 10;

/// The title page for `/title/:id`.
#[component]
pub fn TitlePage() -> impl IntoView {
    let params = use_params_map();
    let data = use_data();
    move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        match data.index(&id) {
            Some(i) => view! { <WithDetails what="this title's details"><TitleView i /></WithDetails> }.into_any(),
            None => view! {
                <div class="empty" role="alert">
                    <h1>"Title not found"</h1>
                    <p>{format!("No title with id “{id}” in this catalog. ")}<A href="/">"Search on Discover"</A></p>
                </div>
            }
            .into_any(),
        }
    }
}

/// The page body for one title.
#[component]
fn TitleView(i: usize) -> impl IntoView {
    let data = use_data();
    let cat = data.catalog();
    let trends = data.trends();
    let t = &cat.titles[i];
    crate::ui::set_doc_title(&t.title);
    let people = |v: &[u32], max: usize| -> String {
        v.iter()
            .take(max)
            .map(|&p| cat.person(p))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut facts: Vec<(&'static str, String)> = Vec::new();
    if let Some(s) = t.imdb_score {
        let votes = t
            .imdb_votes
            .map(|v| format!(" ({} votes)", thousands(v as u64)))
            .unwrap_or_default();
        facts.push(("IMDb", format!("{s:.1}{votes}")));
    }
    if let Some(s) = t.tmdb_score {
        facts.push(("TMDB", format!("{s:.1}")));
    }
    if let Some(a) = &t.age_rating {
        facts.push(("Age rating", a.clone()));
    }
    if let Some(r) = t.runtime_min {
        facts.push(("Runtime", format!("{r} min")));
    }
    if let Some(s) = t.seasons {
        facts.push(("Seasons", s.to_string()));
    }
    if !t.directors.is_empty() {
        facts.push(("Director", people(&t.directors, 4)));
    }
    if !t.cast.is_empty() {
        facts.push(("Cast", people(&t.cast, 10)));
    }
    if !t.countries.is_empty() {
        let c: Vec<&str> = t
            .countries
            .iter()
            .filter_map(|&c| cat.countries.get(c as usize).map(String::as_str))
            .collect();
        facts.push(("Countries", c.join(", ")));
    }
    // "Recommend titles like this" adds to the profile the viewer came with, like the
    // cards' "More like this": it never silently replaces a profile.
    let last = expect_context::<LastDiscover>().0.get_untracked();
    let back_href = format!("/{last}");
    let mut with_this = DiscoverState::from_query_str(&last);
    with_this.disliked.retain(|x| *x != t.id);
    let already = with_this.liked.contains(&t.id);
    let others = with_this.liked.iter().filter(|x| **x != t.id).count();
    if !already {
        with_this.liked.push(t.id.clone());
    }
    let like_href = format!("/{}", with_this.to_query());
    let like_label = match (already, others) {
        (true, _) => "👍 In your profile: see recommendations".to_string(),
        (false, 0) => "👍 Recommend titles like this".to_string(),
        (false, 1) => "👍 Add to your profile (with 1 other title)".to_string(),
        (false, n) => format!("👍 Add to your profile (with {n} other titles)"),
    };
    let similar = recommend(&data.model, cat, &Query::like(i, 6));
    // A title with no metadata to compare: what charted alongside it instead, labelled.
    let co_charted = if similar.is_empty() {
        crate::advice::co_charted(&data, &Query::like(i, 6))
            .map(|f| f.recs)
            .unwrap_or_default()
    } else {
        Vec::new()
    };

    // Top 10 history, one series per season label ("" for films and unlabelled rows).
    let history = match queries::title_history(trends, i as u32) {
        None => {
            view! { <p class="muted">"Never on Netflix's global weekly Top 10."</p> }.into_any()
        }
        Some(h) => {
            let labels: Vec<String> = h
                .weeks
                .iter()
                .map(|&w| trends.weeks.get(w as usize).cloned().unwrap_or_default())
                .collect();
            let series = |f: &dyn Fn(&engine::trends::WeeklyEntry) -> f64| {
                h.seasons
                    .iter()
                    .map(|(season, cells)| {
                        let name = if season.is_empty() {
                            t.title.clone()
                        } else {
                            queries::entry_label(&t.title, Some(season))
                        };
                        let vals = cells.iter().map(|e| build::gap(e.map(f))).collect();
                        (name, vals)
                    })
                    .collect::<Vec<_>>()
            };
            let hours = build::bars(
                labels.clone(),
                "hours viewed",
                series(&|e| e.hours_viewed as f64),
            );
            let ranks = build::lines(labels, "rank (1 = top)", true, series(&|e| e.rank as f64));
            let weeks_n = h.weeks.len();
            view! {
                <p>{format!("{weeks_n} week{} on the global Top 10, best rank #{}, {} hours viewed in charting weeks.",
                    if weeks_n == 1 { "" } else { "s" }, h.best_rank, thousands(h.hours))}</p>
                <h3>"Hours viewed per week"</h3>
                <Chart option=move || hours.clone() label="Hours viewed per week in the Top 10" />
                <h3>"Weekly rank"</h3>
                <Chart option=move || ranks.clone() height=260 label="Weekly rank in the Top 10" />
            }
            .into_any()
        }
    };

    // Netflix's half-year engagement reports: every title watched for over 50,000 hours,
    // so this covers far more of the catalog than the Top 10.
    let engagement_rows = trends.engagement_of(i as u32);
    let engagement = if engagement_rows.is_empty() {
        view! { <p class="muted" id="engagement-none">"Not in Netflix's engagement reports (under 50,000 hours in each half-year reported, or not matched)."</p> }.into_any()
    } else {
        let label = |p: u8| {
            trends
                .engagement_periods
                .get(p as usize)
                .map_or_else(String::new, |s| half_year(s))
        };
        let labels: Vec<String> = engagement_rows.iter().map(|e| label(e.period)).collect();
        let hours: Vec<_> = engagement_rows
            .iter()
            .map(|e| build::gap(Some(e.hours_viewed as f64)))
            .collect();
        let chart = build::bars(
            labels,
            "hours viewed",
            vec![("Hours viewed".to_string(), hours)],
        );
        let total: u64 = engagement_rows.iter().map(|e| e.hours_viewed).sum();
        let n = engagement_rows.len();
        view! {
            <p id="engagement-summary">{format!("{} hours viewed over {n} half-year report{}.",
                thousands(total), if n == 1 { "" } else { "s" })}</p>
            <Chart option=move || chart.clone() height=260 label="Hours viewed per half-year in Netflix's engagement reports" />
        }
        .into_any()
    };

    // Countries: the ten longest runs, the rest behind "show all".
    let runs: Vec<engine::trends::CountryRun> = queries::country_runs_of(trends, i as u32)
        .into_iter()
        .cloned()
        .collect();
    let through = trends
        .countries_through
        .clone()
        .unwrap_or_else(|| "an earlier date".into());
    let countries = if runs.is_empty() {
        view! { <p class="muted">"Not on any country's Top 10 in the snapshot."</p> }.into_any()
    } else {
        let total = runs.len();
        let all = RwSignal::new(false);
        let d = data.clone();
        let rows = move || {
            let trends = d.trends();
            let week = |w: u16| trends.weeks.get(w as usize).cloned().unwrap_or_default();
            runs.iter()
                .take(if all.get() { usize::MAX } else { COUNTRIES_FIRST })
                .map(|r| {
                    let name = trends.countries.get(r.country as usize).map(|c| c.name.clone()).unwrap_or_default();
                    view! { <tr><td>{name}</td><td>{r.weeks}</td><td>{format!("#{}", r.best_rank)}</td><td>{week(r.first_week)}</td><td>{week(r.last_week)}</td></tr> }
                })
                .collect_view()
        };
        let more = (total > COUNTRIES_FIRST).then(|| view! {
            <button class="ghost small" id="countries-all" aria-controls="country-runs" aria-expanded=move || all.get().to_string()
                on:click=move |_| all.update(|a| *a = !*a)>
                {move || if all.get() { "Show the top 10 only".to_string() } else { format!("Show all {total} countries") }}
            </button>
        });
        view! {
            <p class="muted small">{format!("Charted in {total} {}; country lists in this snapshot end {through}.",
                if total == 1 { "country" } else { "countries" })}</p>
            <div class="table-wrap">
                <table id="country-runs">
                    <thead><tr><th scope="col">"Country"</th><th scope="col">"Weeks"</th><th scope="col">"Best rank"</th><th scope="col">"First"</th><th scope="col">"Last"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {more}
        }
        .into_any()
    };

    let trailers: Vec<&engine::trends::Trailer> = trends
        .trailers
        .iter()
        .filter(|tr| tr.title as usize == i)
        .collect();
    let trailers_view = if trailers.is_empty() {
        view! { <p class="muted">"No trailer statistics for this title."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Video"</th><th scope="col">"Published"</th><th scope="col">"Views"</th><th scope="col">"Likes"</th><th scope="col">"Comments"</th><th scope="col">"Read on"</th></tr></thead>
                    <tbody>
                        {trailers.iter().map(|tr| {
                            let opt = |v: Option<u64>| v.map(thousands).unwrap_or_else(|| "—".into());
                            view! { <tr>
                                <td>{tr.video_title.clone()}</td><td>{tr.published.clone()}</td>
                                <td>{thousands(tr.views)}</td><td>{opt(tr.likes)}</td><td>{opt(tr.comments)}</td><td>{tr.fetched.clone()}</td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };

    let sources = t
        .sources
        .iter()
        .map(|s| view! { <li>{source_name(&s.source)}</li> })
        .collect_view();
    let description = if t.description.is_empty() {
        "No description in the sources.".to_string()
    } else {
        t.description.clone()
    };
    let bare = !data.model.is_candidate(i);
    let trend_note = (t.trend_only || bare).then(|| {
        let text = if t.trend_only {
            "Known only from the Netflix Top 10 lists: no catalog record matched this title yet, so it has no genres, people or description. Recommendations from it are titles that charted alongside it."
        } else {
            "Our sources have too little about this title (no genres, people or description) to compare it with others. Recommendations from it are titles that charted alongside it."
        };
        view! { <p class="muted small" id="trend-only-note">{text}</p> }
    });
    // No facts box at all rather than an empty one.
    let facts_box = (!facts.is_empty()).then(|| {
        view! {
            <dl class="facts">
                {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        }
    });

    view! {
        <article class="title-page">
            <p class="crumbs"><A href=back_href attr:id="back-discover">"← Discover"</A></p>
            <h1 class="page-title" id="title-h">{t.title.clone()}</h1>
            <p class="meta">{crate::ui::meta_line(&data, i)}</p>
            <div class="title-top">
                <div>
                    <p class="description">{description}</p>
                    {trend_note}
                    <p><A href=like_href attr:class="button" attr:id="like-this">{like_label}</A></p>
                </div>
                {facts_box}
            </div>
            <Section id="sim-h" title=if co_charted.is_empty() { "Similar titles" } else { "Charted alongside it" }>
                {if !similar.is_empty() {
                    view! { <ol class="cards" id="similar">{similar.into_iter().map(|rec| view! { <TitleCard rec liked=vec![i] /> }).collect_view()}</ol> }.into_any()
                } else if !co_charted.is_empty() {
                    view! { <ol class="cards" id="similar" data-fallback="top10">{co_charted.into_iter().map(|(rec, because)| view! { <TitleCard rec because /> }).collect_view()}</ol> }.into_any()
                } else {
                    view! { <p class="muted">"No similar titles: this title has too little metadata."</p> }.into_any()
                }}
            </Section>
            <Section id="hist-h" title="Top 10 history">{history}</Section>
            <Section id="eng-h" title="Hours viewed per half-year (Netflix engagement reports)">{engagement}</Section>
            <Section id="ctry-h" title="Countries where it charted">{countries}</Section>
            <Section id="trailer-h" title="Trailer">{trailers_view}</Section>
            <Section id="src-h" title="Data sources"><ul class="sources">{sources}</ul></Section>
        </article>
    }
}

/// A source as a viewer reads it ("JustWatch catalog, 2023"), not its internal name.
fn source_name(source: &str) -> String {
    match source {
        "kaggle" => "Kaggle Netflix titles (2021)".into(),
        "justwatch_2022" => "JustWatch catalog (2022)".into(),
        "justwatch_2023" => "JustWatch catalog (2023)".into(),
        "streaming_availability" => "Streaming Availability (live)".into(),
        "top10" => "Netflix Top 10 lists".into(),
        "tmdb" | "tmdb_2025" => "TMDB films (2025)".into(),
        "tmdb_enrichment" => "TMDB genres for Netflix's reports".into(),
        "engagement" => "Netflix engagement reports".into(),
        other => other.replace('_', " "),
    }
}

/// "2025H1" as a viewer reads it ("Jan–Jun 2025"); other labels unchanged.
pub fn half_year(period: &str) -> String {
    match period.split_once('H') {
        Some((year, "1")) => format!("Jan–Jun {year}"),
        Some((year, "2")) => format!("Jul–Dec {year}"),
        _ => period.to_owned(),
    }
}
