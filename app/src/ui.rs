//! Small shared pieces: number formatting, the data from context, the details gate,
//! title links and the lines a card shows.

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::{AppData, Details};

/// `1234567` → `1.2 MB`-style byte counts.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.0} KB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Compact counts: `1.2M`, `34K`, `950`.
pub fn compact(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1}B", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1}M", n as f64 / 1e6),
        n if n >= 10_000 => format!("{:.0}K", n as f64 / 1e3),
        n if n >= 1_000 => format!("{:.1}K", n as f64 / 1e3),
        n => n.to_string(),
    }
}

/// Thousands separators: `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The app data from context (present on every page: pages render only once it is ready).
pub fn use_data() -> Arc<AppData> {
    expect_context::<Arc<AppData>>()
}

/// Renders its children once the details file is attached (descriptions, every name,
/// weekly history); a status line while it downloads, the reason if it failed.
#[component]
pub fn WithDetails(
    /// What is waiting, for the status line ("this title's details").
    what: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let data = use_data();
    move || match data.details.get() {
        Details::Ready => children().into_any(),
        Details::Pending => view! {
            <p class="status" role="status" id="details-loading">{format!("Loading {what}…")}</p>
        }
        .into_any(),
        Details::Failed(msg) => view! {
            <div class="error" role="alert" id="details-error">
                <h2>{format!("Could not load {what}")}</h2>
                <p>{msg}</p>
                <p>"Recommendations still work. Reload the page to try again."</p>
            </div>
        }
        .into_any(),
    }
}

/// The first sentence of a description, cut at a word near 140 characters.
pub fn one_line(text: &str) -> String {
    let text = text.trim();
    let first = match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    };
    if first.chars().count() <= 140 {
        return first.to_owned();
    }
    let cut: String = first.chars().take(140).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// "Movie · 2019 · drama, crime" line of a title.
pub fn meta_line(data: &AppData, i: usize) -> String {
    let cat = data.catalog();
    let Some(t) = cat.titles.get(i) else {
        return String::new();
    };
    let mut parts = vec![t.kind.label().to_owned()];
    if let Some(y) = t.year {
        parts.push(y.to_string());
    }
    let genres: Vec<&str> = cat.genre_names(t).collect();
    if !genres.is_empty() {
        parts.push(genres.join(", "));
    }
    parts.join(" · ")
}

/// Sets the browser tab's title to "`page` · What to watch next" (the bare name on none).
pub fn set_doc_title(page: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if page.is_empty() {
        doc.set_title("What to watch next");
    } else {
        doc.set_title(&format!("{page} · What to watch next"));
    }
}

/// Title link target for a title index.
pub fn title_href(data: &AppData, i: usize) -> String {
    data.catalog()
        .titles
        .get(i)
        .map(|t| format!("/title/{}", crate::url::encode(&t.id)))
        .unwrap_or_else(|| "/".into())
}

/// The result card lives with the components; pages and other modules name it here.
pub use crate::components::card::TitleCard;
