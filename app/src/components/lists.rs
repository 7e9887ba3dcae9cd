//! The ranked-list cards of the Trends page: one card per list, one row per title.

use engine::trends::entry_label;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::{title_href, use_data};

/// A card holding one ranked list ("Films (English)", "Series").
#[component]
pub fn ListCard(
    /// The list's name.
    #[prop(into)]
    title: String,
    /// `data-kind` of the list, when it holds one kind (the tests read it).
    #[prop(optional)]
    kind: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="list-card">
            <h3>{title}</h3>
            <ol class="rank-list" data-kind=kind>{children()}</ol>
        </div>
    }
}

/// One row of a ranked list: rank, linked title (with its season, said once), and a
/// figure on the right.
#[component]
pub fn RankRow(
    /// Position in the list (1 is best).
    rank: u8,
    /// Index into the catalog.
    title: u32,
    /// Season or part as Netflix prints it, when the row is about one.
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
        .map(|t| entry_label(&t.title, season.as_deref()))
        .unwrap_or_default();
    view! {
        <li>
            <span class="rank">{rank}</span>
            <span class="rl-main"><A href=title_href(&data, i)>{name}</A></span>
            <span class="muted small rl-num">{figure}</span>
        </li>
    }
}
