//! The Refine box under the results: free-text feedback ("lighter, no zombies, something
//! Korean") answered by the proxy's LLM when the site has one and the browser is online,
//! otherwise at once by the on-device refiner. It always says which one answered and why,
//! and it never waits longer than [`LLM_TIMEOUT_MS`].

use std::cell::RefCell;
use std::sync::Arc;

use engine::recommend::{Query, Recommendation};
use engine::refine::{self, ApiError, RefineRequest, RefineResponse};
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::state::AppData;
use crate::ui::{use_data, TitleCard};

/// Longest wait for the LLM before the on-device refiner answers instead: the engine's one
/// refine budget, from which the proxy derives its own shorter one, so a proxy `timeout`
/// answer arrives (and is shown as the reason) before the browser gives up.
pub const LLM_TIMEOUT_MS: i32 = refine::LLM_BUDGET_MS as i32;

/// The site's refine settings: `config.json` next to `index.html` (served by the proxy, or a
/// static file on static hosting).
#[derive(Debug, Clone, Deserialize)]
pub struct SiteConfig {
    /// Where to POST refine requests: relative to the site, or an absolute URL of a proxy
    /// on another origin.
    pub refine_url: String,
    /// Whether that endpoint has an LLM behind it.
    #[serde(default)]
    pub llm: bool,
}

/// What `config.json` said.
#[derive(Debug, Clone)]
enum Config {
    /// A refine endpoint.
    Found(SiteConfig),
    /// No usable config: a static host without a proxy.
    Absent,
    /// The request failed (server down, network cut): try again next time.
    Unreachable,
}

thread_local! {
    /// `config.json` once it has been read (an unreachable server is not remembered).
    static CONFIG: RefCell<Option<Config>> = const { RefCell::new(None) };
}

/// The site config, fetched on first use.
async fn site_config() -> Config {
    if let Some(c) = CONFIG.with(|c| c.borrow().clone()) {
        return c;
    }
    let fetched = match gloo_net::http::Request::get("config.json").send().await {
        Ok(r) if r.ok() => match r.text().await {
            Ok(t) => serde_json::from_str::<SiteConfig>(&t).map_or(Config::Absent, Config::Found),
            Err(_) => Config::Unreachable,
        },
        Ok(_) => Config::Absent,
        Err(_) => Config::Unreachable,
    };
    if !matches!(fetched, Config::Unreachable) {
        CONFIG.with(|c| *c.borrow_mut() = Some(fetched.clone()));
    }
    fetched
}

/// Whether the browser believes it is online (`navigator.onLine`; true if unknown).
fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Who produced a refined list.
#[derive(Debug, Clone, PartialEq)]
pub enum Answerer {
    /// The LLM behind the proxy.
    Llm {
        /// Model id the proxy used.
        model: String,
        /// Upstream latency the proxy measured.
        latency_ms: u64,
        /// Picks the proxy dropped (ids not among the candidates, duplicates).
        dropped: usize,
    },
    /// The on-device refiner; `why` says why the LLM did not answer.
    OnDevice {
        /// E.g. "this site has no LLM configured", "you are offline".
        why: String,
    },
}

/// One refined pick: the title and why it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct RefinedTitle {
    /// Index into the catalog.
    pub index: usize,
    /// Reasons: the LLM's sentence, or the on-device refiner's short labels.
    pub reasons: Vec<String>,
}

/// A finished refinement.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The picks, best first.
    pub picks: Vec<RefinedTitle>,
    /// Who answered.
    pub by: Answerer,
    /// What the on-device parser understood (shown in both cases: it explains the
    /// candidate list the LLM chose from too).
    pub understood: Vec<String>,
    /// Picks that were not in the list shown before.
    pub added: usize,
    /// Titles of the list shown before that are no longer there.
    pub removed: usize,
}

/// Refinement state shown under the box.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Working(&'static str),
    Done(Outcome),
    Invalid(String),
}

/// Why the proxy did not produce picks, as a clause for "the on-device refiner answered
/// because …".
fn failure_reason(status: u16, body: &str) -> String {
    match serde_json::from_str::<ApiError>(body) {
        Ok(e) => match e.error.code {
            refine::ErrorCode::NoKey => "the server has no LLM key configured".into(),
            refine::ErrorCode::RateLimited => "the LLM service is rate limited right now".into(),
            refine::ErrorCode::Timeout => "the LLM did not answer in time".into(),
            refine::ErrorCode::Upstream => "the LLM service failed".into(),
            refine::ErrorCode::TooLarge | refine::ErrorCode::BadRequest => {
                format!("the LLM service refused the request ({})", e.error.message)
            }
        },
        Err(_) => format!("the LLM service answered HTTP {status}"),
    }
}

/// Asks the proxy; `Err` carries the reason to show when falling back.
async fn ask_llm(url: &str, req: &RefineRequest) -> Result<RefineResponse, String> {
    let body = serde_json::to_string(req).map_err(|e| format!("cannot encode request: {e}"))?;
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let cb = Closure::once_into_js(move || c.abort());
        web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.unchecked_ref(),
                LLM_TIMEOUT_MS,
            )
            .ok()
        })
    });
    let sent = gloo_net::http::Request::post(url)
        .header("content-type", "application/json")
        .abort_signal(signal.as_ref())
        .body(body)
        .map_err(|e| format!("cannot build the request: {e}"))?
        .send()
        .await;
    let result = match sent {
        Ok(resp) => {
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            if resp.ok() {
                serde_json::from_str::<RefineResponse>(&text)
                    .map_err(|_| "the LLM service sent an unreadable answer".to_string())
            } else {
                Err(failure_reason(status, &text))
            }
        }
        Err(_) if signal.as_ref().is_some_and(|s| s.aborted()) => Err(format!(
            "the LLM did not answer within {} s",
            LLM_TIMEOUT_MS / 1000
        )),
        Err(_) => Err("the LLM service could not be reached".into()),
    };
    if let (Some(t), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(t);
    }
    result
}

/// Runs one refinement: the LLM when possible, else (or on any failure) on-device.
async fn run(
    data: Arc<AppData>,
    query: Query,
    shown: Vec<usize>,
    feedback: String,
    k: usize,
) -> Outcome {
    let cat = data.catalog();
    let local = refine::on_device(&data.model, cat, data.search(), &query, &feedback, k);
    let understood = refine::describe(&local.constraints);
    let mut by = None;
    let mut picks: Vec<RefinedTitle> = Vec::new();
    let why = if !online() {
        "you are offline".to_string()
    } else {
        match site_config().await {
            Config::Unreachable => "the server cannot be reached (offline?)".to_string(),
            Config::Absent => "this site has no refine service".to_string(),
            Config::Found(c) if !c.llm => "this site has no LLM configured".to_string(),
            Config::Found(c) => {
                // The same list the on-device answer chose from: the LLM sees no other titles.
                let cands: Vec<usize> = local.candidates.iter().map(|c| c.0).collect();
                let req = RefineRequest::from_catalog(cat, &query.liked, &feedback, &cands, k);
                match ask_llm(&c.refine_url, &req).await {
                    Ok(r) => {
                        picks = r
                            .picks
                            .iter()
                            .filter_map(|p| {
                                data.index(&p.id).map(|index| RefinedTitle {
                                    index,
                                    reasons: vec![p.reason.clone()],
                                })
                            })
                            .collect();
                        if picks.is_empty() {
                            "the LLM returned no usable picks".to_string()
                        } else {
                            by = Some(Answerer::Llm {
                                model: r.model,
                                latency_ms: r.latency_ms,
                                dropped: r.dropped,
                            });
                            String::new()
                        }
                    }
                    Err(why) => why,
                }
            }
        }
    };
    let by = by.unwrap_or_else(|| {
        picks = local
            .picks
            .iter()
            .map(|p| RefinedTitle {
                index: p.index,
                reasons: p.reasons.clone(),
            })
            .collect();
        Answerer::OnDevice { why }
    });
    let added = picks.iter().filter(|p| !shown.contains(&p.index)).count();
    let removed = shown
        .iter()
        .filter(|i| !picks.iter().any(|p| p.index == **i))
        .count();
    Outcome {
        picks,
        by,
        understood,
        added,
        removed,
    }
}

/// The Refine box. `query` is the engine query behind the list shown (`shown`); a new
/// query clears an earlier answer, since it refined a different list.
#[component]
pub fn RefineBox(
    /// The query behind the current results.
    query: Memo<Query>,
    /// Title indices of the results shown now (to say what changed).
    shown: Signal<Vec<usize>>,
) -> impl IntoView {
    let data = use_data();
    // Read at submit time: a signal fed by `input` events misses programmatic edits
    // (autofill, a cleared field).
    let area = NodeRef::<leptos::html::Textarea>::new();
    let status = RwSignal::new(Status::Idle);
    // A request still in flight when the query changes must not overwrite the new state.
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        query.track();
        generation.update_value(|g| *g += 1);
        status.set(Status::Idle);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let feedback = area
            .get_untracked()
            .map(|a| a.value().trim().to_string())
            .unwrap_or_default();
        if feedback.is_empty() {
            status.set(Status::Invalid(
                "Say what you want instead, e.g. \"funnier, no horror, something Korean\".".into(),
            ));
            return;
        }
        let q = query.get_untracked();
        let k = q.k;
        let data = data.clone();
        let shown = shown.get_untracked();
        let my_gen = generation.get_value();
        status.set(Status::Working("Refining…"));
        leptos::task::spawn_local(async move {
            let out = run(data, q, shown, feedback, k).await;
            if generation.get_value() == my_gen {
                status.set(Status::Done(out));
            }
        });
    };
    view! {
        <section class="panel refine" aria-labelledby="refine-h">
            <h2 id="refine-h" class="small-h">"Refine these picks"</h2>
            <form id="refine-form" on:submit=submit>
                <label for="refine-text" class="muted small">
                    "Tell us what you want instead: lighter, funnier, no horror, something Korean, a series, with Ryan Reynolds, more like Dark…"
                </label>
                <div class="refine-row">
                    <textarea id="refine-text" rows="2" maxlength=refine::MAX_FEEDBACK_CHARS.to_string()
                        node_ref=area></textarea>
                    <button type="submit" id="refine-go"
                        disabled=move || matches!(status.get(), Status::Working(_))>"Refine"</button>
                </div>
            </form>
            {move || match status.get() {
                Status::Idle => ().into_any(),
                Status::Invalid(msg) => view! { <p class="muted small" id="refine-status" role="status">{msg}</p> }.into_any(),
                Status::Working(msg) => view! { <p class="status small" id="refine-status" role="status">{msg}</p> }.into_any(),
                Status::Done(out) => view! { <OutcomeView out /> }.into_any(),
            }}
        </section>
    }
}

/// Who answered, what was understood, what changed, and the picks.
#[component]
fn OutcomeView(out: Outcome) -> impl IntoView {
    let (by_text, by_kind) = match &out.by {
        Answerer::Llm {
            model,
            latency_ms,
            dropped,
        } => {
            let mut s = format!("Answered by the LLM ({model}, {latency_ms} ms).");
            if *dropped > 0 {
                s.push_str(&format!(
                    " {dropped} suggestion{} outside the catalog {} removed.",
                    if *dropped == 1 { "" } else { "s" },
                    if *dropped == 1 { "was" } else { "were" }
                ));
            }
            (s, "llm")
        }
        Answerer::OnDevice { why } => (
            format!("Answered on this device, because {why}."),
            "on-device",
        ),
    };
    let understood = if out.understood.is_empty() {
        view! { <p class="muted small" id="refine-understood">"No constraint recognised in that text: the list keeps the engine's order. Try words like funnier, no horror, Korean, a series, 90s, short."</p> }.into_any()
    } else {
        view! {
            <div id="refine-understood">
                <span class="muted small">"Understood: "</span>
                <ul class="chips inline" aria-label="Constraints understood">
                    {out.understood.into_iter().map(|c| view! { <li class="chip">{c}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    };
    let changed = format!(
        "{} new title{}, {} from the list above dropped.",
        out.added,
        if out.added == 1 { "" } else { "s" },
        out.removed
    );
    let empty = out.picks.is_empty();
    view! {
        <div class="refine-out">
            <p class="small" id="refine-by" data-by=by_kind role="status">{by_text}</p>
            {understood}
            <p class="muted small" id="refine-changed">{changed}</p>
            {empty.then(|| view! { <p class="empty" id="refine-empty">"Nothing in the candidates fits all of that. Remove a constraint or loosen the filters."</p> })}
            <ol class="cards" id="refine-results">
                {out.picks.into_iter().map(|p| {
                    let rec = Recommendation { index: p.index, score: 0.0, explanation: Default::default() };
                    view! { <TitleCard rec reasons=p.reasons /> }
                }).collect_view()}
            </ol>
        </div>
    }
}
