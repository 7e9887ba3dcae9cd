//! The web app. `api` loads the bundle; `routes` holds the pages.

pub mod api;

use std::sync::Arc;

use engine::Bundle;
use leptos::prelude::*;

/// Where the bundle is in the app's lifecycle.
#[derive(Clone)]
pub enum LoadState {
    /// Download in progress.
    Loading,
    /// Decoded and ready.
    Ready(Arc<Bundle>),
    /// Missing, corrupt or incompatible: the message says which.
    Failed(String),
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let state = RwSignal::new(LoadState::Loading);
    leptos::task::spawn_local(async move {
        let next = match api::load_bundle().await {
            Ok(b) => LoadState::Ready(Arc::new(b)),
            Err(e) => LoadState::Failed(e),
        };
        state.set(next);
    });
    view! {
        <header class="top"><h1>"What to watch next"</h1></header>
        <main>
            {move || match state.get() {
                LoadState::Loading => view! { <p class="status" role="status">"Loading the catalog…"</p> }.into_any(),
                LoadState::Failed(msg) => view! { <p class="error" role="alert">{msg}</p> }.into_any(),
                LoadState::Ready(b) => view! { <Discover bundle=b /> }.into_any(),
            }}
        </main>
    }
}

/// Title count, data week and a search box that lists matches as you type.
#[component]
fn Discover(bundle: Arc<Bundle>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let count = bundle.body.catalog.titles.len();
    let week = bundle.header.data_week.clone();
    let b = bundle.clone();
    let hits = move || {
        let q = query.get();
        engine::search::search_titles(&b.body.catalog, &q, 20)
            .into_iter()
            .map(|i| {
                let t = &b.body.catalog.titles[i];
                let year = t.year.map(|y| y.to_string()).unwrap_or_default();
                view! { <li class="hit">{t.title.clone()}" "<span class="muted">{year}</span></li> }
            })
            .collect_view()
    };
    view! {
        <p id="summary" class="status">{format!("{count} titles, data through week {week}")}</p>
        <label for="q">"Search titles"</label>
        <input id="q" type="search" autocomplete="off"
            on:input=move |ev| query.set(event_target_value(&ev)) />
        <ul id="hits">{hits}</ul>
    }
}
