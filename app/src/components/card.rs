//! The result card: title, facts, badges, why-chips in a viewer's words, and the seen /
//! like buttons. Used by Discover, the Title page and the Refine box.

use engine::recommend::Recommendation;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::state::{AppData, Seen};
use crate::ui::{compact, meta_line, one_line, title_href, use_data};

/// Words that are real but say nothing about why two stories are alike.
const VAGUE: &[&str] = &[
    "becomes", "comes", "finds", "find", "gets", "goes", "help", "helps", "life", "lives", "live",
    "living", "make", "makes", "mean", "means", "must", "new", "one", "people", "take", "takes",
    "thing", "things", "time", "two", "way", "ways", "world", "year", "years",
];

/// The words of a description as written, each with its stem. Words written with a capital
/// are left out: mid-sentence they are names ("Walter White"), which make poor themes.
fn written_words(tok: &engine::text::Tokenizer, text: &str) -> Vec<(String, String)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_lowercase()))
        .filter(|w| !w.contains(['\'', '’']))
        .filter(|w| engine::text::is_content_word(w) && !VAGUE.contains(w))
        .filter_map(|w| tok.stem(w).map(|s| (w.to_owned(), s)))
        .collect()
}

/// Why-chips in a viewer's words: one per liked title the result has something in common
/// with, naming it ("Because you liked Narcos: same director …; shared cast …"). Description
/// themes are shown only as a word written in both descriptions, never as a stem.
pub fn because_chips(data: &AppData, rec: &Recommendation, liked: &[usize]) -> Vec<String> {
    let cat = data.catalog();
    let e = &rec.explanation;
    let Some(t) = cat.titles.get(rec.index) else {
        return Vec::new();
    };
    let tok = engine::text::Tokenizer::default();
    let mine = written_words(&tok, &t.description);
    let shared_stems: Vec<String> = e
        .shared_terms
        .iter()
        .filter_map(|w| tok.stem(&w.to_lowercase()))
        .collect();
    let person = |p: u32| {
        Some(cat.person(p))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut said_genres: Vec<u32> = Vec::new();
    let series_share = e.share(engine::model::Block::Franchise);
    let base = engine::franchise::base_name(&t.title).0;
    let mut out = Vec::new();
    for &l in liked.iter().filter(|&&l| l != rec.index) {
        let Some(lt) = cat.titles.get(l) else {
            continue;
        };
        let mut parts = Vec::new();
        // The franchise block says the result continues a liked title's series of stories
        // (a base name and a person in common); name it first, as the engine's chips do.
        if series_share > 0.0 && engine::franchise::base_name(&lt.title).0 == base {
            parts.push("same series".to_owned());
        }
        let dirs: Vec<String> = e
            .shared_directors
            .iter()
            .filter(|p| lt.directors.contains(p))
            .take(2)
            .filter_map(|&p| person(p))
            .collect();
        if !dirs.is_empty() {
            parts.push(format!("same director {}", dirs.join(", ")));
        }
        let cast: Vec<String> = e
            .shared_cast
            .iter()
            .filter(|p| lt.cast.contains(p))
            .take(3)
            .filter_map(|&p| person(p))
            .collect();
        if !cast.is_empty() {
            parts.push(format!("shared cast {}", cast.join(", ")));
        }
        let genres: Vec<&str> = e
            .shared_genres
            .iter()
            .filter(|g| lt.genres.contains(g) && !said_genres.contains(g))
            .filter_map(|&g| cat.genres.get(g as usize).map(String::as_str))
            .take(3)
            .collect();
        said_genres.extend(e.shared_genres.iter().filter(|g| lt.genres.contains(g)));
        if !genres.is_empty() {
            parts.push(format!("also {}", genres.join(", ")));
        }
        let theirs = written_words(&tok, &lt.description);
        let mut themes: Vec<&str> = Vec::new();
        for stem in &shared_stems {
            let written = mine.iter().find(|(_, s)| s == stem);
            let in_theirs = theirs.iter().any(|(_, s)| s == stem);
            if let (Some((w, _)), true) = (written, in_theirs) {
                if !themes.contains(&w.as_str()) && themes.len() < 3 {
                    themes.push(w);
                }
            }
        }
        if !themes.is_empty() {
            parts.push(format!("also about {}", themes.join(", ")));
        }
        if !parts.is_empty() {
            out.push(format!(
                "Because you liked {}: {}",
                lt.title,
                parts.join("; ")
            ));
        }
        if out.len() == 3 {
            break;
        }
    }
    out
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
    /// The liked titles behind the list, so each explanation chip can name its title.
    #[prop(optional)]
    liked: Vec<usize>,
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
            let href = format!(
                "https://www.youtube.com/watch?v={}",
                crate::url::encode(&tr.video_id)
            );
            let label = format!("Trailer ({} views)", compact(tr.views));
            view! { <a class="trailer" href=href target="_blank" rel="noopener noreferrer">{label}</a> }
        });
    // No source carries a title's netflix.com address, so this is Netflix's own search.
    let netflix = format!(
        "https://www.netflix.com/search?q={}",
        crate::url::encode(&t.title)
    );
    let d_chips = data.clone();
    let rec_chips = rec.clone();
    // Descriptions arrive with the details file: the synopsis and the theme words follow.
    let chips_view = move || {
        d_chips.details.track();
        let chips = if liked.is_empty() {
            rec_chips
                .explanation
                .chips(d_chips.catalog())
                .into_iter()
                .filter(|c| !c.starts_with("themes:"))
                .collect()
        } else {
            because_chips(&d_chips, &rec_chips, &liked)
        };
        (!chips.is_empty()).then(|| {
            view! {
                <ul class="chips" aria-label="Why this was recommended">
                    {chips.into_iter().map(|c| view! { <li class="chip">{c}</li> }).collect_view()}
                </ul>
            }
        })
    };
    let d_syn = data.clone();
    let synopsis = move || {
        d_syn.details.track();
        let text = d_syn
            .catalog()
            .titles
            .get(i)
            .map(|t| one_line(&t.description))
            .unwrap_or_default();
        (!text.is_empty()).then(|| view! { <p class="synopsis">{text}</p> })
    };
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
    // TMDB posters are in the details file: the image appears once they are attached,
    // lazily, over the tile; a failed load (offline, blocked) removes it, so no
    // broken-image icon ever shows.
    let d_poster = data.clone();
    let poster_failed = RwSignal::new(false);
    let poster = move || {
        d_poster.details.track();
        let src = d_poster
            .catalog()
            .titles
            .get(i)
            .and_then(|t| t.poster_url())?;
        (!poster_failed.get()).then(|| {
            view! {
                <img class="poster-img" src=src alt="" width="44" height="64" loading="lazy"
                    decoding="async" referrerpolicy="no-referrer"
                    on:error=move |_| poster_failed.set(true) />
            }
        })
    };
    let initial: String = t
        .title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    // A stable colour per title, so the tiles tell cards apart at a glance.
    let hue =
        t.id.bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
            % 360;
    // Data attributes let the browser tests check kinds and genres without parsing text.
    let genres_attr = cat.genre_names(t).collect::<Vec<_>>().join(",");
    let kind_attr = t.kind.label();
    view! {
        <li class="card" class:seen=is_seen data-id=id.clone() data-genres=genres_attr data-kind=kind_attr>
            <div class="card-top">
                // The drawn tile stays underneath: it shows until the poster loads and for
                // good when there is none or it fails.
                <div class="poster" aria-hidden="true" style=format!("--hue:{hue}")>{initial}{poster}</div>
                <div class="card-head">
                    <h3><A href=href>{title_text}</A></h3>
                    <p class="meta">{meta}</p>
                </div>
            </div>
            {synopsis}
            <p class="badges">
                {imdb.map(|s| view! { <span class="badge imdb">{s}</span> })}
                {charted}
            </p>
            <p class="watch">
                <a class="netflix" href=netflix target="_blank" rel="noopener noreferrer">"Watch on Netflix"</a>
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
