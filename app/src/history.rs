//! The viewer's Netflix viewing history, imported in the browser: the file is read here
//! with the engine's reader and resolver, never sent anywhere, and kept on the device only
//! when the viewer asks ("Remember on this device"). The Discover results then come from
//! the weighted profile of what was watched (`engine::history::profile`).
//!
//! The history is never part of the URL state (`url::DiscoverState`) nor of a refine
//! request: the Refine box keeps using the URL profile's query.

use std::cell::OnceCell;
use std::rc::Rc;
use std::sync::Arc;

use engine::history::profile::{self, Params, Watched};
use engine::history::{HistoryError, Import, Resolver, Summary};
use engine::recommend::{recommend_weighted, Query, Recommendation};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use crate::state::AppData;
use crate::ui::use_data;

/// localStorage key of the remembered file's bytes (one char per byte, U+0000–U+00FF).
const BYTES_KEY: &str = "wtw.history";
/// localStorage key of the remembered file's name and chosen profile (JSON).
const META_KEY: &str = "wtw.history.meta";
/// Larger files are refused: the largest real exports are well under 2 MB.
const MAX_FILE_BYTES: f64 = 50.0 * 1024.0 * 1024.0;
/// Unmatched names listed with suggestions.
const MAX_UNMATCHED: usize = 30;

/// A history read and resolved against the loaded catalog.
pub struct Loaded {
    /// The file's name as the browser gave it.
    pub name: String,
    /// The raw bytes (kept to re-read for another profile, and to remember on request).
    pub bytes: Vec<u8>,
    /// The chosen profile of a ViewingActivity file, when it has several.
    pub profile: Option<String>,
    /// The rows, read and resolved.
    pub import: Import,
    /// What happened to the rows.
    pub summary: Summary,
    /// The watched catalog titles, most recent first.
    pub watched: Vec<Watched>,
    /// Milliseconds to read and resolve the file.
    pub ms: f64,
}

/// The history state, provided at the app's root (the header links `/you` when loaded).
#[derive(Clone, Copy)]
pub struct HistoryCtx {
    /// The imported history, if any.
    pub loaded: RwSignal<Option<Arc<Loaded>>>,
    /// Why the last file could not be read.
    pub error: RwSignal<Option<String>>,
    /// Whether the viewer asked to keep the file on this device.
    pub remember: RwSignal<bool>,
    /// Show watched titles among the results.
    pub show_watched: RwSignal<bool>,
}

impl HistoryCtx {
    /// Empty state; "remember" is on when a remembered file exists.
    pub fn new() -> HistoryCtx {
        let stored = storage()
            .and_then(|s| s.get_item(BYTES_KEY).ok().flatten())
            .is_some();
        HistoryCtx {
            loaded: RwSignal::new(None),
            error: RwSignal::new(None),
            remember: RwSignal::new(stored),
            show_watched: RwSignal::new(false),
        }
    }

    /// Whether a history with at least one matched title is loaded (tracked).
    pub fn active(&self) -> bool {
        self.loaded
            .with(|l| l.as_ref().is_some_and(|l| !l.watched.is_empty()))
    }

    /// Reads the remembered file, if any, once the catalog is ready.
    pub fn restore(&self, data: &AppData) {
        if self.loaded.get_untracked().is_some() {
            return;
        }
        let Some(st) = storage() else { return };
        let Some(text) = st.get_item(BYTES_KEY).ok().flatten() else {
            return;
        };
        let Some(bytes) = from_storage_text(&text) else {
            // Not written by us: drop it rather than fail on every visit.
            forget_stored();
            return;
        };
        let meta: Meta = st
            .get_item(META_KEY)
            .ok()
            .flatten()
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        match load(data, bytes, meta.name, meta.profile) {
            Ok(l) => self.loaded.set(Some(Arc::new(l))),
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Forgets everything: the loaded history, the remembered copy and the choices.
    pub fn forget(&self) {
        forget_stored();
        self.loaded.set(None);
        self.error.set(None);
        self.remember.set(false);
        self.show_watched.set(false);
    }

    /// Writes the loaded history to the device, or removes it, as "remember" says.
    fn persist(&self) {
        if !self.remember.get_untracked() {
            forget_stored();
            return;
        }
        let Some(l) = self.loaded.get_untracked() else {
            return;
        };
        let Some(st) = storage() else { return };
        let meta = Meta {
            name: l.name.clone(),
            profile: l.profile.clone(),
        };
        let ok = serde_json::to_string(&meta).is_ok_and(|m| {
            st.set_item(BYTES_KEY, &to_storage_text(&l.bytes)).is_ok()
                && st.set_item(META_KEY, &m).is_ok()
        });
        if !ok {
            forget_stored();
            self.error.set(Some(
                "This browser's storage is full or disabled: the history is used now but cannot be remembered.".into(),
            ));
        }
    }
}

impl Default for HistoryCtx {
    fn default() -> Self {
        HistoryCtx::new()
    }
}

/// The remembered file's name and profile.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Meta {
    name: String,
    profile: Option<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn forget_stored() {
    if let Some(st) = storage() {
        let _ = st.remove_item(BYTES_KEY);
        let _ = st.remove_item(META_KEY);
    }
}

/// Bytes as a string of the same length (each byte one char): localStorage holds text, and
/// an export may be UTF-16 or Windows-1252, which the reader decodes itself.
fn to_storage_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The inverse of [`to_storage_text`]; `None` for a char above U+00FF.
fn from_storage_text(text: &str) -> Option<Vec<u8>> {
    text.chars().map(|c| u8::try_from(c).ok()).collect()
}

thread_local! {
    /// Built on the first import: it indexes every title name once.
    static RESOLVER: OnceCell<Rc<Resolver>> = const { OnceCell::new() };
}

fn resolver(data: &AppData) -> Rc<Resolver> {
    RESOLVER.with(|r| {
        r.get_or_init(|| {
            let t0 = crate::api::now_ms();
            let res = Rc::new(Resolver::new(data.catalog()));
            set_global("__historyResolverMs", crate::api::now_ms() - t0);
            res
        })
        .clone()
    })
}

thread_local! {
    /// Whether the import code has run once in this page (see [`warm`]).
    static WARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Rows of the warm-up import: enough for the browser to compile and optimise the reader
/// and resolver, a few milliseconds.
const WARM_ROWS: usize = 400;

/// Prepares an import ahead of a file being chosen (the viewer reaches for the file
/// input): builds the resolver (it indexes every title name) and imports a small export
/// written from catalog titles once, so the browser has compiled the reader and resolver
/// before the viewer's file arrives (the first run of wasm code is several times slower
/// than later ones).
fn warm(data: &AppData) {
    let resolver = resolver(data);
    if WARMED.with(|w| w.replace(true)) {
        return;
    }
    let t0 = crate::api::now_ms();
    let csv = crate::pages::bench::synthetic_history(data.catalog(), WARM_ROWS);
    if let Ok(import) = Import::new(csv.as_bytes(), None, &resolver) {
        std::hint::black_box((
            import.summary(None, MAX_UNMATCHED),
            profile::watched(&import, None),
        ));
    }
    set_global("__historyWarmMs", crate::api::now_ms() - t0);
}

/// Sets a number on `window`, read back by the browser tests for BENCHMARKS.md.
fn set_global(key: &str, v: f64) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &key.into(), &v.into());
    }
}

/// Reads and resolves `bytes`. A ViewingActivity file with several profiles is read for
/// `profile`, else for its first profile (the page then offers the others).
pub fn load(
    data: &AppData,
    bytes: Vec<u8>,
    name: String,
    profile: Option<String>,
) -> Result<Loaded, String> {
    let resolver = resolver(data);
    let t0 = crate::api::now_ms();
    let import = match Import::new(&bytes, profile.as_deref(), &resolver) {
        Err(HistoryError::ChooseProfile { profiles })
        | Err(HistoryError::UnknownProfile { profiles, .. }) => {
            let first = profiles.first().cloned();
            Import::new(&bytes, first.as_deref(), &resolver)
        }
        r => r,
    }
    .map_err(|e| format!("{name}: {e}."))?;
    let t_read = crate::api::now_ms();
    let summary = import.summary(None, MAX_UNMATCHED);
    let watched = profile::watched(&import, None);
    set_global("__historyReadMs", t_read - t0);
    set_global("__historySummaryMs", crate::api::now_ms() - t_read);
    Ok(Loaded {
        name,
        profile: import.history.profile.clone(),
        bytes,
        import,
        summary,
        watched,
        ms: crate::api::now_ms() - t0,
    })
}

/// Recommendations from the history's weighted likes, with `base`'s filters, k and
/// diversity; the URL profile's likes are added at the strongest weight and its dislikes
/// kept. Watched titles are excluded unless `show_watched`.
pub fn recommend(
    data: &AppData,
    loaded: &Loaded,
    base: &Query,
    show_watched: bool,
) -> Vec<Recommendation> {
    let Some(as_of) = profile::last_day(&loaded.watched) else {
        return Vec::new();
    };
    let (mut q, mut w) = profile::query(
        &loaded.watched,
        &data.model,
        &Params::default(),
        as_of,
        base,
    );
    let top = w.iter().copied().fold(1.0f32, f32::max);
    for &i in &base.liked {
        if !q.liked.contains(&i) {
            q.liked.push(i);
            w.push(top);
        }
    }
    if show_watched {
        q.filters.exclude = base.filters.exclude.clone();
    }
    recommend_weighted(&data.model, data.catalog(), &q, &w)
}

/// Records when a file was chosen, for the "file chosen → first results" figure.
fn mark_chosen() {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &w,
            &"__historyChosenAt".into(),
            &crate::api::now_ms().into(),
        );
        let _ = js_sys::Reflect::delete_property(&w, &"__historyResultsMs".into());
    }
}

/// Sets `window.__historyResultsMs` (file chosen → results on screen) once per file.
pub fn mark_results() {
    let Some(w) = web_sys::window() else { return };
    let Ok(t0) = js_sys::Reflect::get(&w, &"__historyChosenAt".into()) else {
        return;
    };
    let Some(t0) = t0.as_f64() else { return };
    let _ = js_sys::Reflect::set(
        &w,
        &"__historyResultsMs".into(),
        &(crate::api::now_ms() - t0).into(),
    );
    let _ = js_sys::Reflect::delete_property(&w, &"__historyChosenAt".into());
}

/// The bytes of the file chosen in `input`, with its name.
async fn read_input(
    input: &web_sys::HtmlInputElement,
) -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Ok(None);
    };
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        return Err(format!(
            "{name}: {} is too large for a viewing history (at most 50 MB).",
            crate::ui::bytes(file.size() as u64)
        ));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| {
            format!(
                "{name}: the browser could not read the file ({}).",
                crate::api::js_text(&e)
            )
        })?;
    Ok(Some((name, js_sys::Uint8Array::new(&buf).to_vec())))
}

/// The import block on Discover: file input, privacy note, what matched, profile chooser,
/// "Show watched", "Remember on this device" and "Forget my history".
#[component]
pub fn ImportPanel() -> impl IntoView {
    let data = use_data();
    let h = expect_context::<HistoryCtx>();
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let busy = RwSignal::new(false);
    let d = data.clone();
    let on_file = move |_| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let el: web_sys::HtmlInputElement = el.unchecked_into();
        mark_chosen();
        busy.set(true);
        let d = d.clone();
        leptos::task::spawn_local(async move {
            let res = match read_input(&el).await {
                Ok(Some((name, bytes))) => load(&d, bytes, name, None).map(Some),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            busy.set(false);
            match res {
                Ok(Some(l)) => {
                    h.error.set(None);
                    h.loaded.set(Some(Arc::new(l)));
                    h.persist();
                }
                Ok(None) => {}
                Err(e) => h.error.set(Some(e)),
            }
        });
    };
    let dw = data.clone();
    let warm_up = move || warm(&dw);
    let warm_focus = warm_up.clone();
    let d = data.clone();
    let on_profile = Callback::new(move |want: String| {
        let Some(l) = h.loaded.get_untracked() else {
            return;
        };
        match load(&d, l.bytes.clone(), l.name.clone(), Some(want)) {
            Ok(l) => {
                h.loaded.set(Some(Arc::new(l)));
                h.persist();
            }
            Err(e) => h.error.set(Some(e)),
        }
    });
    let forget = move |_| {
        h.forget();
        if let Some(el) = input.get_untracked() {
            el.set_value("");
        }
    };
    view! {
        <section class="history" aria-labelledby="history-h">
            <h2 id="history-h" class="small-h">"Import your Netflix viewing history"</h2>
            <p class="muted small">"On Netflix: Account → Profile → Viewing activity → Download all, then choose the CSV file here."</p>
            <p class="small" id="history-privacy">"Your file is read on this device and never uploaded; it is kept here only if you tick “Remember on this device”."</p>
            <input id="history-file" type="file" accept=".csv,text/csv,text/plain"
                aria-label="Netflix viewing history file (CSV)" node_ref=input on:change=on_file
                on:focus=move |_| warm_focus() on:pointerenter=move |_| warm_up() />
            <label class="check">
                <input id="history-remember" type="checkbox" prop:checked=move || h.remember.get()
                    on:change=move |ev| {
                        h.remember.set(event_target_checked(&ev));
                        h.persist();
                    } />
                "Remember on this device"
            </label>
            {move || busy.get().then(|| view! { <p class="status small" role="status">"Reading the file…"</p> })}
            {move || h.error.get().map(|e| view! { <p class="error small" role="alert" id="history-error">{e}</p> })}
            {move || h.loaded.get().map(|l| view! { <SummaryView l on_profile /> })}
            {move || (h.loaded.with(Option::is_some) || h.remember.get()).then(|| view! {
                <button class="ghost small" id="history-forget" on:click=forget>"Forget my history"</button>
            })}
        </section>
    }
}

/// Counts, skipped rows by reason, unmatched names with suggestions, profile chooser.
#[component]
fn SummaryView(l: Arc<Loaded>, on_profile: Callback<String>) -> impl IntoView {
    let data = use_data();
    let h = expect_context::<HistoryCtx>();
    let s = &l.summary;
    let profiles = l.import.history.profiles.clone();
    let chooser = (profiles.len() > 1).then(|| {
        let chosen = l.profile.clone().unwrap_or_default();
        view! {
            <label>"Profile "
                <select id="history-profile" on:change=move |ev| on_profile.run(event_target_value(&ev))>
                    {profiles.into_iter().map(|p| {
                        let sel = p == chosen;
                        view! { <option value=p.clone() selected=sel>{p.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    });
    let skipped: Vec<String> = s
        .skipped_by_reason
        .iter()
        .map(|(r, n)| format!("{n} {}", r.label()))
        .collect();
    // Suggestions are searched only when the list is opened: a search per unmatched name
    // costs about as much as reading the whole file, and most viewers never look.
    let unmatched = (!s.unmatched.is_empty()).then(|| {
        let open = RwSignal::new(false);
        let names: Vec<(String, usize)> = s
            .unmatched
            .iter()
            .map(|u| (u.name.clone(), u.rows))
            .collect();
        let n = names.len();
        let d = data.clone();
        let items = move || {
            open.get().then(|| {
                let cat = d.catalog();
                names
                    .iter()
                    .map(|(name, rows)| {
                        let sugg: Vec<String> = d
                            .search()
                            .titles(name, 3)
                            .into_iter()
                            .filter_map(|(i, _)| cat.titles.get(i))
                            .map(|t| match t.year {
                                Some(y) => format!("{} ({y})", t.title),
                                None => t.title.clone(),
                            })
                            .collect();
                        let text = if sugg.is_empty() {
                            format!("{name} ({rows} rows)")
                        } else {
                            format!("{name} ({rows} rows): closest {}", sugg.join("; "))
                        };
                        view! { <li>{text}</li> }
                    })
                    .collect_view()
            })
        };
        view! {
            <details id="history-unmatched" on:toggle=move |_| open.set(true)>
                <summary>{format!("Unmatched titles ({n})")}</summary>
                <ul class="small">{items}</ul>
            </details>
        }
    });
    let rate = format!("{:.0}%", 100.0 * s.match_rate());
    view! {
        <div id="history-summary" data-rows=s.rows.to_string() data-matched=s.matched_rows.to_string()
            data-titles=s.titles.to_string() data-unmatched=s.unmatched_rows.to_string()
            data-skipped=s.skipped_rows.to_string() data-rate=format!("{:.4}", s.match_rate())>
            <p class="small"><strong>{l.name.clone()}</strong>{format!(
                ": {} rows, {} matched ({rate}) to {} titles, {} unmatched, {} skipped.",
                s.rows, s.matched_rows, s.titles, s.unmatched_rows, s.skipped_rows
            )}</p>
            {(!skipped.is_empty()).then(|| view! { <p class="muted small" id="history-skipped">{format!("Skipped: {}.", skipped.join(", "))}</p> })}
            {unmatched}
            {chooser}
            <label class="check">
                <input id="show-watched" type="checkbox" prop:checked=move || h.show_watched.get()
                    on:change=move |ev| h.show_watched.set(event_target_checked(&ev)) />
                "Show watched"
            </label>
            <p class="small"><A href="/you">"Your Netflix: what you watched →"</A></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{from_storage_text, to_storage_text};

    #[test]
    fn stored_bytes_round_trip_any_encoding() {
        // UTF-16 BOM, Windows-1252 "é", NUL and every other byte value.
        let bytes: Vec<u8> = (0..=255u8).chain([0xFF, 0xFE, 0xE9, 0]).collect();
        let text = to_storage_text(&bytes);
        assert_eq!(text.chars().count(), bytes.len());
        assert_eq!(from_storage_text(&text), Some(bytes));
    }

    #[test]
    fn foreign_stored_text_is_refused() {
        assert_eq!(from_storage_text("Title,Date\n€"), None);
        assert_eq!(from_storage_text(""), Some(Vec::new()));
    }
}
