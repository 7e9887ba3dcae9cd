//! The app's data, built once after the bundle is decoded, and the "seen" set kept in
//! localStorage.

use std::collections::{HashMap, HashSet};

use engine::model::{Model, Weights};
use engine::search::SearchIndex;
use engine::Bundle;
use leptos::prelude::*;

/// A title's Top 10 summary: weeks on the global lists and best rank reached.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Charted {
    /// Distinct weeks on any global list.
    pub weeks: u16,
    /// Best rank (1 is best).
    pub best_rank: u8,
}

/// Everything the pages need: the bundle and the structures derived from it.
pub struct AppData {
    /// The decoded bundle.
    pub bundle: Bundle,
    /// The recommendation model, built once.
    pub model: Model,
    /// Search over titles and people, built on first use (see [`AppData::search`]).
    search: std::sync::OnceLock<SearchIndex>,
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
    /// Decodes the bundle and builds the model, search index and per-title summaries.
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
        let mut weeks_seen: Vec<HashSet<u16>> = Vec::new();
        weeks_seen.resize_with(n, HashSet::new);
        let mut charted: Vec<Option<Charted>> = vec![None; n];
        for e in &trends.global {
            let i = e.title as usize;
            if i >= n {
                continue;
            }
            weeks_seen[i].insert(e.week);
            let c = charted[i].get_or_insert(Charted {
                weeks: 0,
                best_rank: u8::MAX,
            });
            c.best_rank = c.best_rank.min(e.rank);
        }
        for (c, w) in charted.iter_mut().zip(&weeks_seen) {
            if let Some(c) = c {
                c.weeks = w.len() as u16;
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
            model,
            search: std::sync::OnceLock::new(),
            by_id,
            charted,
            trailer,
        })
    }

    /// The search index. Built on first use rather than before the first results: a shared
    /// link needs only the model, and the index costs a noticeable share of the cold start.
    /// [`AppData::warm_search`] builds it once the first page is on screen.
    pub fn search(&self) -> &SearchIndex {
        self.search
            .get_or_init(|| SearchIndex::build(&self.bundle.body.catalog))
    }

    /// Builds the search index now if it is not built yet (called when the browser is idle
    /// after the first render, so the first keystroke does not wait for it).
    pub fn warm_search(&self) {
        let _ = self.search();
    }

    /// Title index for an id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The catalog.
    pub fn catalog(&self) -> &engine::Catalog {
        &self.bundle.body.catalog
    }

    /// The trends.
    pub fn trends(&self) -> &engine::trends::Trends {
        &self.bundle.body.trends
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
        if let (Some(st), Ok(json)) = (storage(), serde_json::to_string(&ids)) {
            // Storage may be full or disabled: the toggle still works for this session.
            let _ = st.set_item(SEEN_KEY, &json);
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
