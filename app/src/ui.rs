//! Small shared pieces: number formatting and the result card.

use std::sync::Arc;

use engine::recommend::Recommendation;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::state::{AppData, Details, Seen};

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

/// Title link target for a title index.
pub fn title_href(data: &AppData, i: usize) -> String {
    data.catalog()
        .titles
        .get(i)
        .map(|t| format!("/title/{}", crate::url::encode(&t.id)))
        .unwrap_or_else(|| "/".into())
}

/// One result: title, facts, badges, explanation chips, and the seen / like buttons.
#[component]
pub fn TitleCard(
    /// The recommendation to show.
    rec: Recommendation,
    /// Called with the title id when "More like this" is pressed; no button when absent.
    #[prop(optional)]
    on_like: Option<Callback<String>>,
    /// Why a refinement picked it (the LLM's sentence or the refiner's labels), if it did.
    #[prop(optional)]
    reasons: Vec<String>,
    /// "Because you watched …" for results from an imported viewing history.
    /// Empty when there is none.
    #[prop(optional)]
    because: String,
) -> impl IntoView {
    let data = use_data();
    let seen = expect_context::<Seen>();
    let cat = data.catalog();
    let i = rec.index;
    let Some(t) = cat.titles.get(i) else {
        return ().into_any();
    };
    let id = t.id.clone();
    let href = title_href(&data, i);
    let name = t.title.clone();
    let meta = meta_line(&data, i);
    let imdb = t.imdb_score.map(|s| format!("IMDb {s:.1}"));
    let charted = data.charted.get(i).copied().flatten().map(|c| {
        let label = format!(
            "Top 10: {} week{}, best #{}",
            c.weeks,
            if c.weeks == 1 { "" } else { "s" },
            c.best_rank
        );
        view! { <span class="badge trend" title="Weeks on Netflix's global Top 10 and best rank">{label}</span> }
    });
    let trailer = data
        .trailer
        .get(i)
        .copied()
        .flatten()
        .and_then(|k| data.trends().trailers.get(k))
        .map(|tr| {
            view! { <span class="badge">{format!("Trailer {} views", compact(tr.views))}</span> }
        });
    let chips = rec.explanation.chips(cat);
    let chips_view = (!chips.is_empty()).then(|| {
        view! {
            <ul class="chips" aria-label="Why this was recommended">
                {chips.into_iter().map(|c| view! { <li class="chip">{c}</li> }).collect_view()}
            </ul>
        }
    });
    let reasons_view = (!reasons.is_empty()).then(|| {
        view! { <p class="reason small">{format!("Fits: {}", reasons.join("; "))}</p> }
    });
    let id_seen = id.clone();
    let id_toggle = id.clone();
    let is_seen = Signal::derive(move || seen.has(&id_seen));
    let like_btn = on_like.map(|cb| {
        let id = id.clone();
        let label = format!("More like {name}");
        view! {
            <button class="ghost" aria-label=label on:click=move |_| cb.run(id.clone())>"👍 More like this"</button>
        }
    });
    let title_text = t.title.clone();
    // Data attributes let the browser tests check kinds and genres without parsing text.
    let genres_attr = cat.genre_names(t).collect::<Vec<_>>().join(",");
    let kind_attr = t.kind.label();
    view! {
        <li class="card" class:seen=is_seen data-id=id.clone() data-genres=genres_attr data-kind=kind_attr>
            <h3><A href=href>{title_text}</A></h3>
            <p class="meta">{meta}</p>
            <p class="badges">
                {imdb.map(|s| view! { <span class="badge imdb">{s}</span> })}
                {charted}
                {trailer}
            </p>
            {reasons_view}
            {(!because.is_empty()).then(|| view! { <p class="because small">{because}</p> })}
            {chips_view}
            <div class="card-actions">
                <button class="ghost seen-toggle" aria-pressed=move || is_seen.get().to_string()
                    on:click=move |_| seen.toggle(&id_toggle)>
                    {move || if is_seen.get() { "✓ Seen" } else { "Mark seen" }}
                </button>
                {like_btn}
            </div>
        </li>
    }
    .into_any()
}
