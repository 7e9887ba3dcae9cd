//! The Refine box under the results: free-text feedback ("lighter, no zombies, something
//! Korean") answered by the proxy's LLM when the site has one and the browser is online,
//! otherwise at once by the on-device refiner. It always says which one answered and why,
//! and it never waits longer than [`LLM_TIMEOUT_MS`].
//!
//! The refined list replaces the list on screen ([`RefinedList`]) and is kept in the URL
//! (`refine=`): opening such a link re-applies the feedback on device. The request runs as
//! a Leptos action ([`Refinement`]).

use std::cell::RefCell;
use std::sync::Arc;

use engine::recommend::{Query, Recommendation};
use engine::refine::{self, ApiError, RefineRequest, RefineResponse};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use serde::Deserialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::state::AppData;
use crate::ui::TitleCard;

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
    /// What was understood but matched nothing in the catalog ("No Korean titles …").
    pub unmatched: Vec<String>,
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
    llm: bool,
) -> Outcome {
    let cat = data.catalog();
    let local = refine::on_device(&data.model, cat, data.search(), &query, &feedback, k);
    let understood = refine::describe(&local.constraints);
    let unmatched = local.unmatched.iter().map(|c| c.no_match()).collect();
    let mut by = None;
    let mut picks: Vec<RefinedTitle> = Vec::new();
    let why = if !llm {
        "the feedback came with the link".to_string()
    } else if !online() {
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
        unmatched,
    }
}

/// One refinement to run.
#[derive(Debug, Clone)]
struct Job {
    query: Query,
    shown: Vec<usize>,
    feedback: String,
    /// Whether the LLM may answer: feedback just typed. Feedback from a link is re-applied
    /// on device, so opening a shared link sends nothing anywhere.
    llm: bool,
}

/// A finished refinement and what it refined.
#[derive(Debug, Clone, PartialEq)]
pub struct Refined {
    /// The engine query of the list it refined.
    pub query: Query,
    /// The feedback it answered.
    pub feedback: String,
    /// The answer.
    pub outcome: Outcome,
}

/// The refinement shared by the Refine box and the results list: the feedback lives in the
/// URL (`refine=`), the request in a Leptos action. A new query (another profile, other
/// filters) leaves the URL without `refine=`, so the engine's list comes back.
#[derive(Clone, Copy)]
pub struct Refinement {
    action: Action<Job, Refined>,
    /// `refine=` of the URL, when not blank.
    feedback: Memo<Option<String>>,
    query: Memo<Query>,
    /// Feedback just submitted: its run may ask the LLM.
    typed: StoredValue<Option<String>>,
    /// Feedback refused before running (empty).
    invalid: RwSignal<Option<String>>,
}

impl Refinement {
    /// Starts refining the list of `query` (whose titles are `shown`) whenever the URL
    /// carries feedback for it.
    pub fn new(data: Arc<AppData>, query: Memo<Query>, shown: Signal<Vec<usize>>) -> Refinement {
        let params = use_query_map();
        let feedback = Memo::new(move |_| {
            params
                .with(|m| m.get("refine"))
                .map(|f| {
                    f.trim()
                        .chars()
                        .take(refine::MAX_FEEDBACK_CHARS)
                        .collect::<String>()
                })
                .filter(|f| !f.is_empty())
        });
        let action = Action::new_local(move |job: &Job| {
            let data = data.clone();
            let job = job.clone();
            async move {
                let k = job.query.k;
                let outcome = run(
                    data,
                    job.query.clone(),
                    job.shown,
                    job.feedback.clone(),
                    k,
                    job.llm,
                )
                .await;
                Refined {
                    query: job.query,
                    feedback: job.feedback,
                    outcome,
                }
            }
        });
        let typed = StoredValue::new(None::<String>);
        let r = Refinement {
            action,
            feedback,
            query,
            typed,
            invalid: RwSignal::new(None),
        };
        Effect::new(move |_| {
            let (Some(text), q) = (feedback.get(), query.get()) else {
                return;
            };
            let done = action.value().with_untracked(|v| {
                v.as_ref()
                    .is_some_and(|v| v.feedback == text && v.query == q)
            });
            if !done {
                r.start(text, q, shown.get_untracked());
            }
        });
        r
    }

    fn start(&self, feedback: String, query: Query, shown: Vec<usize>) {
        let llm = self.typed.get_value().as_deref() == Some(feedback.as_str());
        self.typed.set_value(None);
        self.invalid.set(None);
        self.action.dispatch_local(Job {
            query,
            shown,
            feedback,
            llm,
        });
    }

    /// The refinement of the list now on screen, if the URL asks for one and it is done.
    pub fn current(&self) -> Option<Refined> {
        let text = self.feedback.get()?;
        let q = self.query.get();
        self.action
            .value()
            .get()
            .filter(|v| v.feedback == text && v.query == q)
    }

    /// Whether a request is running.
    fn pending(&self) -> bool {
        self.action.pending().get()
    }
}

/// The Discover URL of query string `search` with `refine=` set to `feedback` (or removed).
fn url_with_feedback(search: &str, feedback: Option<&str>) -> String {
    let mut parts: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("refine="))
        .map(str::to_string)
        .collect();
    if let Some(f) = feedback {
        let enc = percent_encoding::utf8_percent_encode(f, percent_encoding::NON_ALPHANUMERIC);
        parts.push(format!("refine={enc}"));
    }
    if parts.is_empty() {
        "/".into()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

/// The Refine box: the feedback field (Enter submits) and what the last answer was.
#[component]
pub fn RefineBox(
    /// The refinement it drives.
    refinement: Refinement,
    /// Title indices of the results shown now (when the same feedback is submitted again).
    shown: Signal<Vec<usize>>,
) -> impl IntoView {
    // Read at submit time: a signal fed by `input` events misses programmatic edits
    // (autofill, a cleared field).
    let input = NodeRef::<leptos::html::Input>::new();
    let navigate = use_navigate();
    let location = use_location();
    // The field shows the feedback of a shared link.
    Effect::new(move |_| {
        if let (Some(f), Some(el)) = (refinement.feedback.get(), input.get()) {
            if el.value().trim() != f {
                el.set_value(&f);
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let feedback: String = input
            .get_untracked()
            .map(|a| {
                a.value()
                    .trim()
                    .chars()
                    .take(refine::MAX_FEEDBACK_CHARS)
                    .collect()
            })
            .unwrap_or_default();
        if feedback.is_empty() {
            refinement.invalid.set(Some(
                "Say what you want instead, e.g. \"funnier, no horror, something Korean\".".into(),
            ));
            return;
        }
        refinement.typed.set_value(Some(feedback.clone()));
        if refinement.feedback.get_untracked().as_deref() == Some(feedback.as_str()) {
            // The URL already says so: run again (the LLM may answer this time).
            refinement.start(
                feedback,
                refinement.query.get_untracked(),
                shown.get_untracked(),
            );
        } else {
            let search = location.search.get_untracked();
            navigate(
                &url_with_feedback(&search, Some(&feedback)),
                NavigateOptions::default(),
            );
        }
    };
    view! {
        <section class="panel refine" aria-labelledby="refine-h">
            <h2 id="refine-h" class="small-h">"Refine these picks"</h2>
            <form id="refine-form" on:submit=submit>
                <label for="refine-text" class="muted small">
                    "Tell us what you want instead: lighter, funnier, no horror, something Korean, a series, with Ryan Reynolds, more like Dark…"
                </label>
                <div class="refine-row">
                    <input type="text" id="refine-text" enterkeyhint="go" autocomplete="off"
                        maxlength=refine::MAX_FEEDBACK_CHARS.to_string() node_ref=input />
                    <button type="submit" id="refine-go" disabled=move || refinement.pending()>"Refine"</button>
                </div>
            </form>
            {move || {
                if let Some(msg) = refinement.invalid.get() {
                    view! { <p class="muted small" id="refine-status" role="status">{msg}</p> }.into_any()
                } else if refinement.pending() {
                    view! { <p class="status small" id="refine-status" role="status">"Refining…"</p> }.into_any()
                } else if let Some(r) = refinement.current() {
                    view! { <OutcomeView out=r.outcome /> }.into_any()
                } else {
                    ().into_any()
                }
            }}
        </section>
    }
}

/// Who answered, what was understood, and what changed.
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
        "{} new title{}, {} from the engine's list dropped.",
        out.added,
        if out.added == 1 { "" } else { "s" },
        out.removed
    );
    view! {
        <div class="refine-out">
            <p class="small" id="refine-by" data-by=by_kind role="status">{by_text}</p>
            {understood}
            <p class="muted small" id="refine-changed">{changed}</p>
        </div>
    }
}

/// The refined picks, in place of the engine's list: what they answer, what matched
/// nothing, and a way back to the engine's list.
#[component]
pub fn RefinedList(
    /// The finished refinement.
    refined: Refined,
    /// Called with the title id when "More like this" is pressed.
    on_like: Callback<String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let clear = move |_| {
        let search = location.search.get_untracked();
        navigate(
            &url_with_feedback(&search, None),
            NavigateOptions::default(),
        );
    };
    let out = refined.outcome;
    let empty = out.picks.is_empty();
    let liked = refined.query.liked.clone();
    view! {
        <div id="refine-results" class="refined">
            <p class="small refined-head" id="refined-head">
                {format!("Refined for “{}”. ", refined.feedback)}
                <button type="button" class="linkish" id="refine-clear" on:click=clear>"Show the engine's list"</button>
            </p>
            {(!out.unmatched.is_empty()).then(|| view! {
                <ul class="empty" id="refine-unmatched" role="status">
                    {out.unmatched.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            })}
            {empty.then(|| view! { <p class="empty" id="refine-empty">"Nothing in the candidates fits all of that. Remove a constraint or loosen the filters."</p> })}
            <ol class="cards" id="results">
                {out.picks.into_iter().map(|p| {
                    let rec = Recommendation { index: p.index, score: 0.0, explanation: Default::default() };
                    let liked = liked.clone();
                    view! { <TitleCard rec on_like reasons=p.reasons liked /> }
                }).collect_view()}
            </ol>
        </div>
    }
}
