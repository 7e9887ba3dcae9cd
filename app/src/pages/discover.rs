//! Discover: search, a taste profile (liked and disliked titles), filters, diversity and k,
//! and the recommendations as cards. All of it lives in the URL query string.

use engine::recommend::{recommend, Recommendation};
use engine::Kind;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::advice::{self, Fallback};
use crate::components::combobox::SearchBox;
use crate::components::history_likes::{self, HistoryLikes};
use crate::components::refine::{RefineBox, RefinedList, Refinement};
use crate::history::{HistoryCtx, ImportPanel};
use crate::state::{AppData, HistoryEdits, LastDiscover, Seen};
use crate::ui::{use_data, TitleCard};
use crate::url::DiscoverState;

/// Reads the Discover state from the URL and gives a way to change it (a new history entry).
/// The state is remembered on the device: a bare `/` (a reload of the home page, a later
/// visit) restores the last one, and "← Discover" on a title page returns to it.
fn use_discover_state() -> (Memo<DiscoverState>, Callback<DiscoverState>) {
    let q = use_query_map();
    let state = Memo::new(move |_| q.with(DiscoverState::from_query));
    let navigate = use_navigate();
    let last = expect_context::<LastDiscover>();
    let stored = last.0.get_untracked();
    let restoring = q.with_untracked(|m| m.into_iter().next().is_none())
        && LastDiscover::stored()
        && !stored.is_empty();
    if restoring {
        navigate(
            &format!("/{stored}"),
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        );
    }
    // Until the restored state is in the URL, the bare one must not overwrite it.
    let waiting = StoredValue::new(restoring);
    Effect::new(move |_| {
        let query = state.with(DiscoverState::to_query);
        if waiting.get_value() {
            if query != stored {
                return;
            }
            waiting.set_value(false);
        }
        last.save(&query);
    });
    let to_url = use_navigate();
    let navigate = Callback::new(move |s: DiscoverState| {
        to_url(&format!("/{}", s.to_query()), NavigateOptions::default());
    });
    (state, navigate)
}

/// Results of one run and how long the engine took.
#[derive(Clone, PartialEq)]
struct Results {
    recs: Vec<Recommendation>,
    ms: f64,
    /// When nothing could be recommended from liked titles known only from the Top 10:
    /// what charted alongside them.
    fallback: Option<Fallback>,
}

impl Results {
    /// Indices of every card on screen.
    fn shown(&self) -> Vec<usize> {
        let fallback = self.fallback.iter().flat_map(|f| &f.recs).map(|(r, _)| r);
        self.recs.iter().chain(fallback).map(|r| r.index).collect()
    }
}

/// The Discover page.
#[component]
pub fn Discover() -> impl IntoView {
    let data = use_data();
    let seen = expect_context::<Seen>();
    let (state, navigate) = use_discover_state();
    let update = move |f: &dyn Fn(&mut DiscoverState)| {
        let mut s = state.get_untracked();
        f(&mut s);
        navigate.run(s);
    };

    let d = data.clone();
    let query = Memo::new(move |_| {
        let s = state.get();
        let exclude: Vec<usize> = if s.hide_seen {
            seen.0
                .with(|set| set.iter().filter_map(|id| d.index(id)).collect())
        } else {
            Vec::new()
        };
        s.to_query_for(&d, exclude)
    });
    let d = data.clone();
    let hist = expect_context::<HistoryCtx>();
    let edits = expect_context::<HistoryEdits>();
    let results = Memo::new(move |_| {
        let q = query.get();
        let show_watched = hist.show_watched.get();
        let t0 = crate::api::now_ms();
        // With an imported history the results come from what was watched (with the
        // viewer's edits); the URL query (and so the Refine box and a share link) never
        // carries it.
        let recs = match hist.loaded.get().filter(|l| !l.watched.is_empty()) {
            Some(l) => {
                let e = edits.for_file(history_likes::file_key(&l));
                history_likes::recommend(&d, &l, &e, &q, show_watched)
            }
            None => recommend(&d.model, d.catalog(), &q),
        };
        let fallback = if recs.is_empty() {
            // The weekly rows arrive with the details file.
            d.details.track();
            advice::co_charted(&d, &q)
        } else {
            None
        };
        Results {
            recs,
            ms: crate::api::now_ms() - t0,
            fallback,
        }
    });
    let shown = Signal::derive(move || results.with(Results::shown));
    // Feedback in the URL (`refine=`) replaces the list below with the refined one.
    let refinement = Refinement::new(data.clone(), query, shown);

    let d1 = data.clone();
    // Record when the first results reached the screen, for the cold-load test.
    Effect::new(move |_| {
        if results.with(|r| !r.recs.is_empty()) {
            mark_first_results();
            if hist.active() {
                crate::history::mark_results();
            }
        }
    });

    crate::ui::set_doc_title("Discover");
    // Said to screen readers (and shown briefly) after a pick, since the list changes
    // elsewhere on the page; the first list is not news.
    let live = RwSignal::new(String::new());
    let first_run = StoredValue::new(true);
    Effect::new(move |_| {
        let n = results.with(|r| r.shown().len());
        if first_run.get_value() {
            first_run.set_value(false);
            return;
        }
        live.set(format!(
            "Results updated: {n} result{}.",
            if n == 1 { "" } else { "s" }
        ));
    });
    let picked = RwSignal::new(None::<String>);

    let on_pick = Callback::new(move |i: usize| {
        let id = d1.catalog().titles.get(i).map(|t| t.id.clone());
        picked.set(d1.catalog().titles.get(i).map(|t| t.title.clone()));
        update(&|s| {
            if let Some(id) = &id {
                s.disliked.retain(|x| x != id);
                if !s.liked.contains(id) {
                    s.liked.push(id.clone());
                }
            }
        });
    });
    let d2 = data.clone();
    let on_like = Callback::new(move |id: String| {
        if d2.index(&id).is_some() {
            update(&|s| {
                if !s.liked.contains(&id) {
                    s.liked.push(id.clone());
                }
            });
        }
    });

    let data_empty = data.clone();
    view! {
        <a class="skip" href="#results-h">"Skip to results"</a>
        <h1 class="page-title">"Discover"</h1>
        <p class="lede" id="pitch">
            "What to watch next on Netflix, and why: recommendations computed privately in your browser from Netflix's Top 10 and open catalogs. Not affiliated with Netflix."
        </p>
        <p class="lede" id="summary">
            {format!("{} titles, data through week {}. ", data.catalog().titles.len(), data.bundle.header.data_week)}
            "Search for something you liked, then tune the list."
        </p>
        <div class="discover">
            <aside class="panel controls" aria-label="Your taste profile and filters">
                <ImportPanel />
                <SearchBox id="q" label="Search titles and people" on_pick />
                {move || picked.get().map(|name| view! {
                    <p class="picked" id="picked">{format!("✓ Added {name} to your profile")}</p>
                })}
                <Profile state navigate />
                <FilterPanel state navigate />
            </aside>
            <section class="results" aria-labelledby="results-h">
                <ResultsHeader state navigate results />
                <p class="sr-only" id="results-live" aria-live="polite" aria-atomic="true">{move || live.get()}</p>
                {move || {
                    if let Some(refined) = refinement.current() {
                        return view! { <RefinedList refined on_like /> }.into_any();
                    }
                    let r = results.get();
                    let s = state.get();
                    let history = hist.active();
                    let cat = data_empty.catalog();
                    let liked = query.with(|q| q.liked.clone());
                    if let Some(f) = r.fallback.as_ref().filter(|f| r.recs.is_empty() && !f.recs.is_empty()) {
                        view! {
                            <p class="note" id="fallback-note">{format!(
                                "{} {} {}: these titles charted alongside {} in the same lists, weeks and countries.",
                                advice::quoted_names(&data_empty, &f.seeds),
                                if f.seeds.len() == 1 { "is" } else { "are" },
                                advice::missing(&data_empty, &f.seeds),
                                if f.seeds.len() == 1 { "it" } else { "them" })}</p>
                            <ol class="cards" id="results" data-fallback="top10">
                                {f.recs.iter().cloned().map(|(rec, because)| view! { <TitleCard rec on_like because /> }).collect_view()}
                            </ol>
                        }.into_any()
                    } else if r.recs.is_empty() {
                        let advice = empty_advice(&data_empty, &s, &r, hist, edits, &query.get_untracked());
                        view! { <p class="empty" id="no-results" role="status">{advice}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="cards" id="results">
                                {r.recs.into_iter().map(|rec| {
                                    let because = history.then(|| because_sentence(&rec.explanation.because_watched(cat))).flatten().unwrap_or_default();
                                    view! { <TitleCard rec on_like liked=liked.clone() because /> }
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                }}
                <RefineBox refinement shown />
            </section>
        </div>
    }
}

/// Heading, count, timing, diversity slider, k and "hide seen".
#[component]
fn ResultsHeader(
    state: Memo<DiscoverState>,
    navigate: Callback<DiscoverState>,
    results: Memo<Results>,
) -> impl IntoView {
    let set = move |f: &dyn Fn(&mut DiscoverState)| {
        let mut s = state.get_untracked();
        f(&mut s);
        navigate.run(s);
    };
    view! {
        <div class="results-head">
            <h2 id="results-h" tabindex="-1">
                {move || if let Some(f) = results.with(|r| r.fallback.clone().filter(|f| r.recs.is_empty() && !f.recs.is_empty())) {
                    format!("Charted alongside {}", advice::quoted_names(&use_data(), &f.seeds))
                } else if expect_context::<HistoryCtx>().active() {
                    "From your Netflix history".to_string()
                } else if state.with(|s| s.liked.is_empty()) {
                    "Popular and well rated".to_string()
                } else {
                    "Recommended for your profile".to_string()
                }}
            </h2>
            // The engine time is for the curious (hover), not part of the sentence.
            <p class="muted small" id="timing"
                title=move || results.with(|r| format!("computed in {:.1} ms on this device", r.ms))>
                {move || results.with(|r| match r.shown().len() {
                    1 => "1 result".to_string(),
                    n => format!("{n} results"),
                })}
            </p>
            <div class="tune">
                <label class="slider">
                    <span>"Diversity "<output id="div-out">{move || format!("{:.0}%", state.get().diversity * 100.0)}</output></span>
                    <input id="diversity" type="range" min="0" max="1" step="0.05"
                        prop:value=move || state.get().diversity.to_string()
                        on:change=move |ev| {
                            let v: f32 = event_target_value(&ev).parse().unwrap_or(0.0);
                            set(&|s| s.diversity = v.clamp(0.0, 1.0));
                        } />
                </label>
                <label>
                    "Show "
                    <select id="k" on:change=move |ev| {
                        let v: usize = event_target_value(&ev).parse().unwrap_or(12);
                        set(&|s| s.k = v);
                    }>
                        {[6usize, 12, 24, 48].into_iter().map(|k| view! {
                            <option value=k.to_string() selected=move || state.get().k == k>{k.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input id="hide-seen" type="checkbox" prop:checked=move || state.get().hide_seen
                        on:change=move |ev| {
                            let v = event_target_checked(&ev);
                            set(&|s| s.hide_seen = v);
                        } />
                    "Hide seen"
                </label>
            </div>
        </div>
    }
}

/// The liked and disliked titles, each with thumbs up / down and remove.
#[component]
fn Profile(state: Memo<DiscoverState>, navigate: Callback<DiscoverState>) -> impl IntoView {
    let data = use_data();
    let set = move |f: &dyn Fn(&mut DiscoverState)| {
        let mut s = state.get_untracked();
        f(&mut s);
        navigate.run(s);
    };
    view! {
        <section class="profile" aria-labelledby="profile-h">
            <h2 id="profile-h" class="small-h">"Your taste profile"</h2>
            <HistoryLikes />
            {move || {
                let s = state.get();
                if s.liked.is_empty() && s.disliked.is_empty() && expect_context::<HistoryCtx>().active() {
                    return ().into_any();
                }
                if s.liked.is_empty() && s.disliked.is_empty() {
                    return view! {
                        <p class="muted small" id="profile-empty">"Empty. Pick titles above: 👍 pulls results towards a title, 👎 pushes them away."</p>
                    }.into_any();
                }
                let items: Vec<(String, bool)> = s.liked.iter().map(|id| (id.clone(), true))
                    .chain(s.disliked.iter().map(|id| (id.clone(), false))).collect();
                let d = data.clone();
                view! {
                    <ul class="profile-list" id="profile">
                        {items.into_iter().map(|(id, liked)| {
                            let name = d.index(&id).and_then(|i| d.catalog().titles.get(i))
                                .map(|t| t.title.clone()).unwrap_or_else(|| format!("Unknown title {id}"));
                            let (a, b, c) = (id.clone(), id.clone(), id.clone());
                            view! {
                                <li class="pchip" class:disliked=!liked data-id=id.clone()>
                                    <span class="pname">{name.clone()}</span>
                                    <button class="icon" aria-label=format!("Like {name}") aria-pressed=liked.to_string()
                                        on:click=move |_| set(&|s| {
                                            s.disliked.retain(|x| *x != a);
                                            if !s.liked.contains(&a) { s.liked.push(a.clone()); }
                                        })>"👍"</button>
                                    <button class="icon" aria-label=format!("Dislike {name}") aria-pressed=(!liked).to_string()
                                        on:click=move |_| set(&|s| {
                                            s.liked.retain(|x| *x != b);
                                            if !s.disliked.contains(&b) { s.disliked.push(b.clone()); }
                                        })>"👎"</button>
                                    <button class="icon" aria-label=format!("Remove {name}")
                                        on:click=move |_| set(&|s| {
                                            s.liked.retain(|x| *x != c);
                                            s.disliked.retain(|x| *x != c);
                                        })>"✕"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button class="ghost small" on:click=move |_| set(&|s| { s.liked.clear(); s.disliked.clear(); })>"Clear profile"</button>
                }.into_any()
            }}
        </section>
    }
}

/// Type, years, genres in/out, minimum IMDb, country and age ratings.
#[component]
fn FilterPanel(state: Memo<DiscoverState>, navigate: Callback<DiscoverState>) -> impl IntoView {
    let data = use_data();
    let cat = data.catalog();
    let set = move |f: &dyn Fn(&mut DiscoverState)| {
        let mut s = state.get_untracked();
        f(&mut s);
        navigate.run(s);
    };
    let mut genres: Vec<String> = cat.genres.clone();
    genres.sort();
    // Countries and age ratings by how many titles carry them: the common ones first.
    let mut country_counts = vec![0usize; cat.countries.len()];
    let mut ages: std::collections::HashMap<String, usize> = Default::default();
    for t in &cat.titles {
        for &c in &t.countries {
            if let Some(n) = country_counts.get_mut(c as usize) {
                *n += 1;
            }
        }
        if let Some(a) = &t.age_rating {
            *ages.entry(a.clone()).or_default() += 1;
        }
    }
    let mut countries: Vec<(String, usize)> = cat
        .countries
        .iter()
        .cloned()
        .zip(country_counts)
        .filter(|(_, n)| *n > 0)
        .collect();
    countries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut ages: Vec<(String, usize)> = ages.into_iter().collect();
    ages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ages.truncate(14);
    let names: std::collections::HashMap<String, String> = data
        .trends()
        .countries
        .iter()
        .map(|c| (c.iso2.clone(), c.name.clone()))
        .collect();

    let region_names = RegionNames::new();
    let year = move |v: String| v.trim().parse::<u16>().ok();
    view! {
        // Open beside the results on wide screens; on a phone they would push the results
        // a screen down, so they start folded.
        <details class="filters" open=wide_screen()>
            <summary><h2 class="small-h">"Filters"</h2></summary>
            <div class="field">
                <label for="f-kind">"Type"</label>
                <select id="f-kind" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set(&|s| s.kind = match v.as_str() { "movie" => Some(Kind::Movie), "show" => Some(Kind::Show), _ => None });
                }>
                    <option value="" selected=move || state.get().kind.is_none()>"Same as profile"</option>
                    <option value="movie" selected=move || state.get().kind == Some(Kind::Movie)>"Movies"</option>
                    <option value="show" selected=move || state.get().kind == Some(Kind::Show)>"Series"</option>
                </select>
            </div>
            <div class="field two">
                <label>"From year"
                    <input id="f-from" type="number" min="1900" max="2100" inputmode="numeric"
                        prop:value=move || state.get().year_min.map(|y| y.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = year(event_target_value(&ev)); set(&|s| s.year_min = v); } />
                </label>
                <label>"To year"
                    <input id="f-to" type="number" min="1900" max="2100" inputmode="numeric"
                        prop:value=move || state.get().year_max.map(|y| y.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = year(event_target_value(&ev)); set(&|s| s.year_max = v); } />
                </label>
            </div>
            <div class="field">
                <label for="f-imdb">"Minimum IMDb score"</label>
                <select id="f-imdb" on:change=move |ev| {
                    let v = event_target_value(&ev).parse::<f32>().ok().filter(|v| *v > 0.0);
                    set(&|s| s.min_imdb = v);
                }>
                    {[0.0f32, 5.0, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5].into_iter().map(|v| {
                        let label = if v == 0.0 { "Any".to_string() } else { format!("{v:.1}+") };
                        view! { <option value=v.to_string() selected=move || state.get().min_imdb.unwrap_or(0.0) == v>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-country">"Production country"</label>
                <select id="f-country" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set(&|s| s.country = (!v.is_empty()).then(|| v.clone()));
                }>
                    <option value="" selected=move || state.get().country.is_none()>"Any"</option>
                    {countries.into_iter().filter(|(code, _)| code != "XX").map(|(code, n)| {
                        let name = names.get(&code).cloned()
                            .or_else(|| region_names.as_ref().and_then(|r| r.name(&code)))
                            .unwrap_or_else(|| format!("Other region ({code})"));
                        let label = format!("{name} ({n})");
                        let c2 = code.clone();
                        view! { <option value=code selected=move || state.get().country.as_deref() == Some(c2.as_str())>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>"Genres " <span class="muted small">"(click: include, again: exclude, again: clear)"</span></legend>
                <div class="toggles" id="f-genres">
                    {genres.into_iter().map(|g| {
                        let (g1, g2, g3, g4) = (g.clone(), g.clone(), g.clone(), g.clone());
                        let status = move || state.with(|s| if s.genres_in.contains(&g1) { 1 } else if s.genres_out.contains(&g1) { 2 } else { 0 });
                        let status2 = status.clone();
                        let status3 = status.clone();
                        view! {
                            <button class="toggle" data-genre=g4
                                class:inc=move || status() == 1 class:exc=move || status2() == 2
                                aria-label=move || format!("{}: {}", g3, ["not filtered", "included", "excluded"][status3()])
                                on:click=move |_| set(&|s| {
                                    if s.genres_in.contains(&g2) {
                                        s.genres_in.retain(|x| *x != g2);
                                        s.genres_out.push(g2.clone());
                                    } else if s.genres_out.contains(&g2) {
                                        s.genres_out.retain(|x| *x != g2);
                                    } else {
                                        s.genres_in.push(g2.clone());
                                    }
                                })>{g}</button>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <fieldset class="field">
                <legend>"Age ratings " <span class="muted small">"(any when none chosen)"</span></legend>
                <div class="toggles" id="f-ages">
                    {ages.into_iter().map(|(a, _)| {
                        let (a1, a2) = (a.clone(), a.clone());
                        let on = move || state.with(|s| s.ages.contains(&a1));
                        let on2 = on.clone();
                        view! {
                            <button class="toggle" class:inc=on aria-pressed=move || on2().to_string()
                                on:click=move |_| set(&|s| {
                                    if s.ages.contains(&a2) { s.ages.retain(|x| *x != a2); } else { s.ages.push(a2.clone()); }
                                })>{a}</button>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <button class="ghost small" id="f-reset" on:click=move |_| set(&|s| {
                let keep = (s.liked.clone(), s.disliked.clone(), s.k, s.diversity);
                *s = DiscoverState { liked: keep.0, disliked: keep.1, k: keep.2, diversity: keep.3, ..DiscoverState::default() };
            })>"Reset filters"</button>
        </details>
    }
}

/// Why the list is empty: the liked titles that cannot seed anything (and, once the Top 10
/// history is there, that nothing charted alongside them within the filters), else which
/// filter emptied it.
fn empty_advice(
    data: &AppData,
    state: &DiscoverState,
    results: &Results,
    hist: HistoryCtx,
    edits: HistoryEdits,
    query: &engine::recommend::Query,
) -> String {
    if let Some(f) = &results.fallback {
        let bare = advice::quoted_names(data, &f.seeds);
        let (is, it) = if f.seeds.len() == 1 {
            ("is", "it")
        } else {
            ("are", "them")
        };
        let missing = format!(
            "{bare} {is} {}, so nothing can be recommended from {it} by content.",
            advice::missing(data, &f.seeds)
        );
        return match data.details.get_untracked() {
            crate::state::Details::Pending => {
                format!("{missing} Looking for titles that charted alongside {it}…")
            }
            _ if state.has_filters() => format!(
                "{missing} Nothing that charted alongside {it} passes your filters: {}",
                advice::why_empty(data, state, query, |q| advice::co_charted(data, q)
                    .is_some_and(|f| !f.recs.is_empty()))
            ),
            _ => format!("{missing} Add a title with details to the profile."),
        };
    }
    let show_watched = hist.show_watched.get_untracked();
    let loaded = hist
        .loaded
        .get_untracked()
        .filter(|l| !l.watched.is_empty());
    let e = loaded
        .as_ref()
        .map(|l| edits.for_file(history_likes::file_key(l)))
        .unwrap_or_default();
    advice::why_empty(data, state, query, |q| match &loaded {
        Some(l) => !history_likes::recommend(data, l, &e, q, show_watched).is_empty(),
        None => !recommend(&data.model, data.catalog(), q).is_empty(),
    })
}

/// Whether the window is wide enough for the filters to sit open beside the results.
fn wide_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|w| w > 860.0)
}

/// "Because you watched A, B" from the engine's lower-case phrase; `None` when empty.
fn because_sentence(phrase: &str) -> Option<String> {
    let mut c = phrase.chars();
    let first = c.next()?;
    Some(first.to_uppercase().chain(c).collect())
}

/// Sets `window.__firstResultsMs` (ms since navigation start) the first time results show.
fn mark_first_results() {
    let Some(w) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("__firstResultsMs");
    if js_sys::Reflect::get(&w, &key).is_ok_and(|v| v.is_undefined()) {
        let _ = js_sys::Reflect::set(&w, &key, &crate::api::now_ms().into());
    }
}

/// Country names in the viewer's words, from the browser's own `Intl.DisplayNames`: the
/// catalogs carry ISO codes, and a table of every country would cost wasm bytes.
struct RegionNames {
    names: wasm_bindgen::JsValue,
    of: js_sys::Function,
}

impl RegionNames {
    /// `None` where the browser has no `Intl.DisplayNames` (codes are shown then).
    fn new() -> Option<RegionNames> {
        use wasm_bindgen::JsCast;
        let get = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
        let intl = get(&js_sys::global(), "Intl")?;
        let ctor: js_sys::Function = get(&intl, "DisplayNames")?.dyn_into().ok()?;
        let opts = js_sys::Object::new();
        js_sys::Reflect::set(&opts, &"type".into(), &"region".into()).ok()?;
        let args = js_sys::Array::of2(&js_sys::Array::of1(&"en".into()), &opts);
        let names = js_sys::Reflect::construct(&ctor, &args).ok()?;
        let of: js_sys::Function = get(&names, "of")?.dyn_into().ok()?;
        Some(RegionNames { names, of })
    }

    /// The name of an ISO2 code; `None` when the browser knows none.
    fn name(&self, code: &str) -> Option<String> {
        // Former countries the sources still use: not current regions, so browsers
        // return the code.
        let former = match code {
            "SU" => Some("Soviet Union"),
            "XC" | "CS" => Some("Czechoslovakia"),
            "XG" | "DD" => Some("East Germany"),
            "YU" => Some("Yugoslavia"),
            "AN" => Some("Netherlands Antilles"),
            _ => None,
        };
        if let Some(name) = former {
            return Some(name.into());
        }
        self.of
            .call1(&self.names, &code.into())
            .ok()?
            .as_string()
            .filter(|n| n != code)
    }
}
