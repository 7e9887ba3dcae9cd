//! The web app: downloads the bundle, builds the model once, and serves four pages
//! (Discover, Title, Trends, Model and data) plus a hidden benchmark route.
//!
//! Every page keeps its state in the URL (path and query string), so a link reproduces
//! what the user saw and back/forward work.

pub mod advice;
pub mod api;
pub mod components;
pub mod history;
pub mod pages;
pub mod state;
pub mod ui;
pub mod url;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::state::{AppData, HistoryEdits, LastDiscover, Seen};

/// Where the bundle is in the app's lifecycle.
#[derive(Clone)]
pub enum LoadState {
    /// Download in progress: bytes received and, when the server said, bytes in all.
    Loading(u64, Option<u64>),
    /// Downloaded; decoding and building the model.
    Preparing,
    /// Decoded and ready.
    Ready(Arc<AppData>),
    /// Missing, corrupt or incompatible: the message says which.
    Failed(String),
}

/// The router base: the path of the document's `<base href>` without its trailing slash,
/// so the site works when served under a sub-path such as `/repo-name/`.
fn router_base() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    // base_uri is absolute ("http://host/repo/"): keep only its path.
    let path = base
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// The root component: loads the bundle, then renders the router.
#[component]
pub fn App() -> impl IntoView {
    let state = RwSignal::new(LoadState::Loading(0, None));
    provide_context(Seen::load());
    provide_context(LastDiscover::load());
    provide_context(HistoryEdits::new());
    let history = history::HistoryCtx::new();
    provide_context(history);
    leptos::task::spawn_local(async move {
        let progress =
            move |got: u64, total: Option<u64>| state.set(LoadState::Loading(got, total));
        let next = match api::load_bundle(progress).await {
            Ok(bytes) => {
                state.set(LoadState::Preparing);
                // Let the browser paint "Preparing…" before the synchronous decode and build.
                api::next_frame().await;
                match AppData::from_bytes(&bytes) {
                    Ok(d) => LoadState::Ready(Arc::new(d)),
                    Err(e) => LoadState::Failed(e),
                }
            }
            Err(e) => LoadState::Failed(e),
        };
        let ready = match &next {
            LoadState::Ready(d) => Some(d.clone()),
            _ => None,
        };
        state.set(next);
        if let Some(d) = ready {
            // Let the first page paint, then build the search index before the first
            // keystroke needs it, fetch the details (descriptions, every name, weekly
            // history) and only then start the service worker's downloads.
            api::after_paint().await;
            d.warm_search();
            d.attach_details(api::load_details().await);
            announce_ready();
        }
    });
    let base = router_base();
    view! {
        <Router base=base>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="top">
                <A href="/" attr:class="brand">"What to watch next"</A>
                <nav aria-label="Pages">
                    <A href="/">"Discover"</A>
                    <A href="/trends">"Trends"</A>
                    <A href="/data">"Model & data"</A>
                    {move || history.loaded.with(Option::is_some).then(|| view! { <A href="/you" attr:id="nav-you">"Your Netflix"</A> })}
                </nav>
            </header>
            <main id="main">
                {move || match state.get() {
                    LoadState::Loading(got, total) => view! { <LoadingView got total /> }.into_any(),
                    LoadState::Preparing => view! {
                        <LoadingFrame>
                            <p class="status" role="status" id="loading">"Preparing recommendations…"</p>
                        </LoadingFrame>
                    }.into_any(),
                    LoadState::Failed(msg) => view! {
                        <div class="error" role="alert" id="load-error">
                            <h2>"The catalog could not be loaded"</h2>
                            <p>{msg}</p>
                            <p>"Reload the page to try again. If this persists, the site's data file needs rebuilding."</p>
                        </div>
                    }.into_any(),
                    LoadState::Ready(d) => {
                        provide_context(d.clone());
                        view! { <Pages /> }.into_any()
                    }
                }}
            </main>
        </Router>
    }
}

/// Tells the page (web/pwa.js) that the app is up, so the service worker's install starts
/// only after the first visit's own downloads and work are done.
fn announce_ready() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(ev) = web_sys::Event::new("wtw-ready") {
        let _ = w.dispatch_event(&ev);
    }
}

/// The routes, once the data is ready.
#[component]
fn Pages() -> impl IntoView {
    // A history remembered on this device is read again once the catalog is there.
    expect_context::<history::HistoryCtx>().restore(&ui::use_data());
    view! {
        <Routes fallback=|| view! { <p class="empty">"No such page. "<A href="/">"Go to Discover"</A></p> }>
            <Route path=path!("/") view=pages::discover::Discover />
            <Route path=path!("/title/:id") view=pages::title::TitlePage />
            <Route path=path!("/trends") view=pages::trends::TrendsPage />
            <Route path=path!("/data") view=pages::data::DataPage />
            <Route path=path!("/bench") view=pages::bench::BenchPage />
            <Route path=path!("/you") view=pages::you::YouPage />
        </Routes>
    }
}

/// Download progress: bytes of total when the length is known, else bytes only.
#[component]
fn LoadingView(got: u64, total: Option<u64>) -> impl IntoView {
    let text = match total {
        Some(t) if t >= got && t > 0 => {
            format!(
                "Loading the catalog… {} of {}",
                ui::bytes(got),
                ui::bytes(t)
            )
        }
        _ => format!("Loading the catalog… {}", ui::bytes(got)),
    };
    let bar = total.filter(|&t| t >= got && t > 0).map(|t| {
        view! { <progress max=t.to_string() value=got.to_string()></progress> }
    });
    view! {
        <LoadingFrame>
            <div class="status" role="status" id="loading">
                <p>{text}</p>
                {bar}
            </div>
        </LoadingFrame>
    }
}

/// What index.html paints before the wasm (the pitch, a status, skeleton cards), kept while
/// the catalog loads so mounting the app does not flash an emptier page.
#[component]
fn LoadingFrame(children: Children) -> impl IntoView {
    view! {
        <p class="lede pitch">
            "What to watch next on Netflix, and why: recommendations computed privately in your browser from Netflix's Top 10 and open catalogs. Not affiliated with Netflix."
        </p>
        {children()}
        <ol class="cards skeleton" aria-hidden="true">
            {(0..6).map(|_| view! { <li class="card"></li> }).collect_view()}
        </ol>
    }
}
