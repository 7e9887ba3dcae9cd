//! The app's data, built once after the bundle is decoded, and the "seen" set kept in
//! localStorage.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use engine::model::{Model, Weights};
use engine::search::SearchIndex;
use engine::trends::Charted;
use engine::Bundle;
use leptos::prelude::*;

/// Where the details file (descriptions, every name, weekly history) is. It is fetched
/// after the first results are on screen, so pages that need it wait on this.
#[derive(Clone, Debug, PartialEq)]
pub enum Details {
    /// Not downloaded yet.
    Pending,
    /// Attached: [`AppData::catalog`] and [`AppData::trends`] now return the full data.
    Ready,
    /// Missing, corrupt or from another build: the message says which.
    Failed(String),
}

/// Everything the pages need: the bundle and the structures derived from it.
pub struct AppData {
    /// The decoded core bundle (`bundle.bin`): what recommending needs.
    pub bundle: Bundle,
    /// The core bundle completed with `details.bin`, once it arrived.
    full: OnceLock<Bundle>,
    /// Whether the details are there (tracked: pages that need them re-render).
    pub details: RwSignal<Details>,
    /// The recommendation model, built once.
    pub model: Model,
    /// Search over titles and the people of the core bundle, built on first use.
    search: OnceLock<SearchIndex>,
    /// Search over titles and every person, built once the details arrived.
    search_full: OnceLock<SearchIndex>,
    /// Title id → index.
    pub by_id: HashMap<String, usize>,
    /// Per title: its Top 10 summary, if it ever charted.
    pub charted: Vec<Option<Charted>>,
    /// Per title: the most-viewed trailer snapshot's index into `trends.trailers`.
    pub trailer: Vec<Option<usize>>,
    /// Milliseconds spent decoding and building (shown on the data page).
    pub prepare_ms: f64,
}

impl AppData {
    /// Decodes the core bundle and builds the model and per-title summaries.
    pub fn from_bytes(bytes: &[u8]) -> Result<AppData, String> {
        let t0 = crate::api::now_ms();
        let bundle =
            Bundle::decode(bytes).map_err(|e| format!("The catalog cannot be read: {e}."))?;
        let t_decoded = crate::api::now_ms();
        let catalog = &bundle.body.catalog;
        let model = Model::build(catalog, &Weights::default());
        let t_model = crate::api::now_ms();
        // Phase timings for the cold-start figures in BENCHMARKS.md (read by the tests).
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(
                &w,
                &"__prepareMs".into(),
                &js_sys::Array::of3(
                    &t0.into(),
                    &(t_decoded - t0).into(),
                    &(t_model - t_decoded).into(),
                ),
            );
        }
        let by_id = catalog
            .titles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let n = catalog.titles.len();
        let trends = &bundle.body.trends;
        let mut charted: Vec<Option<Charted>> = vec![None; n];
        for c in &trends.charted {
            if let Some(slot) = charted.get_mut(c.title as usize) {
                *slot = Some(*c);
            }
        }
        let mut trailer: Vec<Option<usize>> = vec![None; n];
        for (k, t) in trends.trailers.iter().enumerate() {
            let i = t.title as usize;
            if i >= n {
                continue;
            }
            let better = trailer[i].is_none_or(|j| trends.trailers[j].views < t.views);
            if better {
                trailer[i] = Some(k);
            }
        }
        Ok(AppData {
            prepare_ms: crate::api::now_ms() - t0,
            bundle,
            full: OnceLock::new(),
            details: RwSignal::new(Details::Pending),
            model,
            search: OnceLock::new(),
            search_full: OnceLock::new(),
            by_id,
            charted,
            trailer,
        })
    }

    /// Completes the catalog with the details file's bytes and builds the search index
    /// over every person; on failure the app keeps working on the core data and says why.
    pub fn attach_details(&self, bytes: Result<Vec<u8>, String>) {
        let state = bytes.and_then(|b| {
            self.bundle
                .with_details(&b)
                .map_err(|e| format!("The title details cannot be read: {e}."))
        });
        match state {
            Ok(full) => {
                let _ = self.search_full.set(SearchIndex::build(&full.body.catalog));
                let _ = self.full.set(full);
                self.details.set(Details::Ready);
            }
            Err(e) => self.details.set(Details::Failed(e)),
        }
    }

    /// The search index: over every person once the details are there, else over the
    /// core bundle's (built on first use: a shared link needs only the model, and the
    /// index costs a noticeable share of the cold start).
    pub fn search(&self) -> &SearchIndex {
        match self.search_full.get() {
            Some(s) => s,
            None => self
                .search
                .get_or_init(|| SearchIndex::build(&self.bundle.body.catalog)),
        }
    }

    /// Builds the search index now if it is not built yet (called once the first page has
    /// been painted, so the first keystroke does not wait for it).
    pub fn warm_search(&self) {
        let _ = self.search();
    }

    /// Title index for an id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The complete bundle once the details are attached, else the core one. Titles,
    /// their indices and recommendations are the same in both.
    pub fn current(&self) -> &Bundle {
        self.full.get().unwrap_or(&self.bundle)
    }

    /// The catalog (complete once the details are attached).
    pub fn catalog(&self) -> &engine::Catalog {
        &self.current().body.catalog
    }

    /// The trends (with weekly rows and country runs once the details are attached).
    pub fn trends(&self) -> &engine::trends::Trends {
        &self.current().body.trends
    }
}

/// Key of the seen set in localStorage.
const SEEN_KEY: &str = "nfx.seen";

/// Titles the user marked as seen, by id, persisted in localStorage.
#[derive(Clone, Copy)]
pub struct Seen(pub RwSignal<HashSet<String>>);

impl Seen {
    /// Reads the set from localStorage (empty when absent, unreadable or disabled).
    pub fn load() -> Seen {
        let set = storage()
            .and_then(|s| s.get_item(SEEN_KEY).ok().flatten())
            .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
            .unwrap_or_default()
            .into_iter()
            .collect();
        Seen(RwSignal::new(set))
    }

    /// Flips one title and writes the set back.
    pub fn toggle(&self, id: &str) {
        self.0.update(|s| {
            if !s.remove(id) {
                s.insert(id.to_owned());
            }
        });
        let mut ids: Vec<String> = self.0.get_untracked().into_iter().collect();
        ids.sort();
        if let (Some(store), Ok(json)) = (storage(), serde_json::to_string(&ids)) {
            // Storage may be full or disabled: the toggle still works for this session.
            let _ = store.set_item(SEEN_KEY, &json);
        }
    }

    /// Whether a title is marked seen (tracked).
    pub fn has(&self, id: &str) -> bool {
        self.0.with(|s| s.contains(id))
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Key of the last Discover query string in localStorage.
const DISCOVER_KEY: &str = "wtw.discover";

/// The Discover state the viewer last had, as its query string (`?like=…`, or empty),
/// kept on the device so that "← Discover" returns to it and the profile survives a
/// reload or a later visit. "Clear profile" stores the cleared state.
#[derive(Clone, Copy)]
pub struct LastDiscover(pub RwSignal<String>);

impl LastDiscover {
    /// Reads the stored query string (empty when absent, unreadable or disabled).
    pub fn load() -> LastDiscover {
        let q = storage()
            .and_then(|s| s.get_item(DISCOVER_KEY).ok().flatten())
            .filter(|q| q.is_empty() || q.starts_with('?'))
            .unwrap_or_default();
        LastDiscover(RwSignal::new(q))
    }

    /// Remembers `query` (as made by `DiscoverState::to_query`).
    pub fn save(&self, query: &str) {
        if self.0.get_untracked() != query {
            self.0.set(query.to_owned());
        }
        if let Some(store) = storage() {
            // Storage may be full or disabled: the state still lives in the URL.
            let _ = store.set_item(DISCOVER_KEY, query);
        }
    }

    /// Whether anything was stored at all (a first visit has nothing to restore).
    pub fn stored() -> bool {
        storage()
            .and_then(|s| s.get_item(DISCOVER_KEY).ok().flatten())
            .is_some()
    }
}

/// The viewer's changes to the likes an imported viewing history contributes: titles
/// removed from the profile, or turned into dislikes. Kept for this session only, like
/// the history itself unless remembered; a share link never carries them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edits {
    /// Which imported file they apply to (the loaded history's address): another file
    /// starts with no edits.
    pub file: usize,
    /// Watched titles taken out of the profile (still watched, so still hidden).
    pub removed: Vec<usize>,
    /// Watched titles marked disliked: results like them are pushed down.
    pub disliked: Vec<usize>,
}

impl Edits {
    /// Whether nothing was changed.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.disliked.is_empty()
    }

    /// Whether a watched title no longer counts as a like.
    pub fn drops(&self, title: usize) -> bool {
        self.removed.contains(&title) || self.disliked.contains(&title)
    }
}

/// The edits of the history likes, provided at the app's root.
#[derive(Clone, Copy)]
pub struct HistoryEdits(pub RwSignal<Edits>);

impl HistoryEdits {
    /// Empty edits.
    pub fn new() -> HistoryEdits {
        HistoryEdits(RwSignal::new(Edits::default()))
    }

    /// The edits for the history loaded at `file` (tracked); none for another file.
    pub fn for_file(&self, file: usize) -> Edits {
        self.0.with(|e| {
            if e.file == file {
                e.clone()
            } else {
                Edits::default()
            }
        })
    }

    /// Changes the edits for the history at `file`, starting afresh for a new file.
    pub fn update(&self, file: usize, f: impl FnOnce(&mut Edits)) {
        self.0.update(|e| {
            if e.file != file {
                *e = Edits {
                    file,
                    ..Edits::default()
                };
            }
            f(e);
        });
    }
}

impl Default for HistoryEdits {
    fn default() -> Self {
        HistoryEdits::new()
    }
}
