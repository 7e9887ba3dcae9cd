//! The likes an imported viewing history contributes, in the profile panel: each can be
//! removed or marked disliked, and the results follow (`pages::discover`). The history
//! itself is read by `crate::history`; this only edits what it contributes.

use std::sync::Arc;

use engine::history::profile::{self, Params};
use engine::recommend::{Query, Recommendation};
use leptos::prelude::*;

use crate::history::{HistoryCtx, Loaded};
use crate::state::{AppData, Edits, HistoryEdits};
use crate::ui::use_data;

/// Chips shown before "Show all".
const FIRST: usize = 10;

/// The address that tells one loaded file from another.
pub fn file_key(l: &Arc<Loaded>) -> usize {
    Arc::as_ptr(l) as usize
}

/// The history's weighted likes after the edits, strongest first (as the results use them).
fn likes(data: &AppData, l: &Loaded, edits: &Edits) -> Vec<usize> {
    let watched: Vec<_> = l
        .watched
        .iter()
        .filter(|w| !edits.drops(w.title))
        .cloned()
        .collect();
    let Some(as_of) = profile::last_day(&l.watched) else {
        return Vec::new();
    };
    profile::likes(&watched, &data.model, &Params::default(), as_of)
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

/// Recommendations from the history with the viewer's edits: removed and disliked titles
/// are no longer likes, disliked ones push results away, and every watched title stays
/// hidden unless "Show watched".
pub fn recommend(
    data: &AppData,
    l: &Loaded,
    edits: &Edits,
    base: &Query,
    show_watched: bool,
) -> Vec<Recommendation> {
    if edits.is_empty() {
        return crate::history::recommend(data, l, base, show_watched);
    }
    let edited = Loaded {
        name: l.name.clone(),
        bytes: Vec::new(),
        profile: l.profile.clone(),
        import: l.import.clone(),
        summary: l.summary.clone(),
        watched: l
            .watched
            .iter()
            .filter(|w| !edits.drops(w.title))
            .cloned()
            .collect(),
        ms: l.ms,
    };
    let mut q = base.clone();
    for &i in &edits.disliked {
        if !q.disliked.contains(&i) {
            q.disliked.push(i);
        }
    }
    if !show_watched {
        q.filters.exclude.extend(edits.removed.iter().copied());
    }
    crate::history::recommend(data, &edited, &q, show_watched)
}

/// The history's likes and dislikes as chips with 👎 / 👍 and ✕.
#[component]
pub fn HistoryLikes() -> impl IntoView {
    let data = use_data();
    let hist = expect_context::<HistoryCtx>();
    let edits = expect_context::<HistoryEdits>();
    let show_all = RwSignal::new(false);
    move || {
        let l = hist.loaded.get().filter(|l| !l.watched.is_empty())?;
        let file = file_key(&l);
        let e = edits.for_file(file);
        let liked = likes(&data, &l, &e);
        let n = liked.len();
        let shown: Vec<(usize, bool)> = liked
            .into_iter()
            .take(if show_all.get() { usize::MAX } else { FIRST })
            .map(|i| (i, true))
            .chain(e.disliked.iter().map(|&i| (i, false)))
            .collect();
        let d = data.clone();
        let chips = shown
            .into_iter()
            .map(|(i, liked)| {
                let name = d
                    .catalog()
                    .titles
                    .get(i)
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                let id = d
                    .catalog()
                    .titles
                    .get(i)
                    .map(|t| t.id.clone())
                    .unwrap_or_default();
                let flip = move |_| {
                    edits.update(file, |e| {
                        if liked {
                            e.disliked.push(i);
                        } else {
                            e.disliked.retain(|&x| x != i);
                        }
                    })
                };
                let remove = move |_| {
                    edits.update(file, |e| {
                        e.disliked.retain(|&x| x != i);
                        if !e.removed.contains(&i) {
                            e.removed.push(i);
                        }
                    })
                };
                let (flip_label, flip_icon) = if liked {
                    (format!("Dislike {name}"), "👎")
                } else {
                    (format!("Like {name} again"), "👍")
                };
                view! {
                    <li class="pchip" class:disliked=!liked data-id=id>
                        <span class="pname">{name.clone()}</span>
                        <button class="icon" aria-label=flip_label on:click=flip>{flip_icon}</button>
                        <button class="icon" aria-label=format!("Remove {name} from your profile") on:click=remove>"✕"</button>
                    </li>
                }
            })
            .collect_view();
        let more = (n > FIRST && !show_all.get()).then(|| {
            view! { <button class="ghost small" id="history-likes-all" on:click=move |_| show_all.set(true)>{format!("Show all {n}")}</button> }
        });
        let removed = e.removed.len();
        let restore = (removed > 0).then(|| {
            view! {
                <button class="ghost small" id="history-likes-restore"
                    on:click=move |_| edits.update(file, |e| e.removed.clear())>
                    {format!("Put back {removed} removed")}
                </button>
            }
        });
        Some(view! {
            <div class="history-likes">
                <h3 class="small-h" id="history-likes-h">"From your viewing history"</h3>
                <p class="muted small">"The titles your history counts most. 👎 pushes results away from one, ✕ takes it out."</p>
                <ul class="profile-list" id="history-likes" aria-labelledby="history-likes-h">{chips}</ul>
                {more}
                {restore}
            </div>
        })
    }
}
