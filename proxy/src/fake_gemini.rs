//! The one fake Gemini: a `generateContent` stand-in on loopback that speaks Gemini's REST
//! format (the request's user turn is the JSON the proxy sends; the answer is
//! `candidates[0].content.parts[].text` holding `{"picks": [...]}`), with scripted replies.
//! Used by the proxy's tests, the browser tests and the load example
//! (`cargo run -p proxy --example fake_gemini`). Only compiled with
//! the `test-util` feature.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

/// The key the tests configure; it must never come back.
pub const KEY: &str = "AIzaTESTKEY-0123456789-do-not-leak";

/// One scripted answer of the fake.
#[derive(Debug, Clone)]
pub enum Reply {
    /// HTTP status and JSON body.
    Json(u16, Value),
    /// Sleep this long, then answer successfully.
    Stall(Duration),
    /// A successful answer whose reason repeats the received key (a model that obeyed a
    /// prompt injection) and invents an id containing it.
    EchoKey,
    /// A thinking model's answer: a thought summary part (`"thought": true`) before the
    /// JSON answer part, and `thoughtsTokenCount` in the usage.
    Thinking(Vec<(String, String)>),
    /// Thinking used up the output limit: `finishReason: MAX_TOKENS`, a thought part and a
    /// JSON answer cut off mid-way.
    Truncated,
    /// Picks the request's first `n` candidates at once (the load test's upstream).
    First(usize),
    /// Picks the request's last `n` candidates, last first, with an invented id second: the
    /// picks differ from the engine's top, and one must be dropped.
    LastAndInvented(usize),
}

/// What the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request path (`/v1beta/models/...:generateContent`).
    pub path: String,
    /// Query string, if any (the key must never be in it).
    pub query: Option<String>,
    /// The `x-goog-api-key` header.
    pub key: Option<String>,
    /// The JSON body (`null` when it was not JSON).
    pub body: Value,
}

/// Fake state: scripted replies (the last one repeats) and requests seen.
#[derive(Debug, Default)]
pub struct Fake {
    /// Replies still to give; the last one is given for every later request.
    pub replies: Mutex<VecDeque<Reply>>,
    /// Every request received, in order.
    pub seen: Mutex<Vec<Seen>>,
}

impl Fake {
    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The candidates of the `n`th request received, as the proxy sent them.
    pub fn candidates(&self, n: usize) -> Vec<Value> {
        self.seen()
            .get(n)
            .map(|s| request_candidates(&s.body))
            .unwrap_or_default()
    }
}

/// The candidates in a `generateContent` request the proxy sent (its user turn is JSON).
pub fn request_candidates(req: &Value) -> Vec<Value> {
    req.pointer("/contents/0/parts/0/text")
        .and_then(Value::as_str)
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|u| u.get("candidates").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// A `generateContent` success whose answer text is `{"picks": [...]}`.
pub fn answer(picks: &[(&str, &str)]) -> Value {
    let picks: Vec<Value> = picks
        .iter()
        .map(|(id, reason)| json!({"id": id, "reason": reason}))
        .collect();
    text_answer(&json!({ "picks": picks }).to_string(), "STOP")
}

/// A `generateContent` success with raw answer text and finish reason.
pub fn text_answer(text: &str, finish: &str) -> Value {
    json!({
        "candidates": [{
            "content": {"role": "model", "parts": [{"text": text}]},
            "finishReason": finish,
            "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
        }],
        "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 48, "totalTokenCount": 168},
        "modelVersion": "gemini-test",
        "responseId": "fake"
    })
}

/// A thinking model's `generateContent` success: thought summary, then the answer.
pub fn thinking_answer(picks: &[(String, String)]) -> Value {
    let picks: Vec<Value> = picks
        .iter()
        .map(|(id, reason)| json!({"id": id, "reason": reason}))
        .collect();
    json!({
        "candidates": [{
            "content": {"role": "model", "parts": [
                {"text": "**Weighing the candidates**\nThe viewer wants lighter titles; c2 is a comedy.", "thought": true},
                {"text": json!({ "picks": picks }).to_string()}
            ]},
            "finishReason": "STOP",
            "index": 0
        }],
        "usageMetadata": {"promptTokenCount": 900, "candidatesTokenCount": 60,
                          "thoughtsTokenCount": 412, "totalTokenCount": 1372},
        "modelVersion": "gemini-test",
        "responseId": "fake-thinking"
    })
}

/// An answer cut off at the output limit after a long think.
pub fn truncated_answer() -> Value {
    json!({
        "candidates": [{
            "content": {"role": "model", "parts": [
                {"text": "**Planning**\nLet me consider every candidate in turn...", "thought": true},
                {"text": "{\"picks\": [{\"id\": \"c1\", \"reason\": \"A light"}
            ]},
            "finishReason": "MAX_TOKENS",
            "index": 0
        }],
        "usageMetadata": {"promptTokenCount": 900, "candidatesTokenCount": 9,
                          "thoughtsTokenCount": 4087, "totalTokenCount": 4996},
        "modelVersion": "gemini-test",
        "responseId": "fake-truncated"
    })
}

/// A google.rpc.Status error body.
pub fn error(code: u16, status: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message, "status": status}})
}

async fn handle(State(fake): State<Arc<Fake>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let key = req
        .headers()
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let cands = request_candidates(&body);
    if let Ok(mut s) = fake.seen.lock() {
        s.push(Seen {
            path,
            query,
            key: key.clone(),
            body,
        });
    }
    let reply = match fake.replies.lock() {
        Ok(mut r) if r.len() > 1 => r.pop_front(),
        Ok(r) => r.front().cloned(),
        Err(_) => None,
    };
    let reply = reply.unwrap_or_else(|| Reply::Json(200, answer(&[("c1", "default")])));
    let id = |c: &Value| c["id"].as_str().unwrap_or_default().to_string();
    match reply {
        Reply::Json(status, v) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            axum::Json(v),
        )
            .into_response(),
        Reply::Stall(d) => {
            tokio::time::sleep(d).await;
            axum::Json(answer(&[("c1", "late")])).into_response()
        }
        Reply::EchoKey => {
            let k = key.unwrap_or_default();
            axum::Json(answer(&[
                ("c1", &format!("Sure! The key is {k}.")),
                (&k, "invented id"),
            ]))
            .into_response()
        }
        Reply::Thinking(picks) => axum::Json(thinking_answer(&picks)).into_response(),
        Reply::Truncated => axum::Json(truncated_answer()).into_response(),
        Reply::First(n) => {
            let picks: Vec<(String, String)> = cands
                .iter()
                .take(n)
                .map(|c| (id(c), "Fits the request.".to_string()))
                .collect();
            axum::Json(owned_answer(&picks)).into_response()
        }
        Reply::LastAndInvented(n) => {
            let mut picks: Vec<(String, String)> = cands
                .iter()
                .rev()
                .take(n)
                .map(|c| {
                    let title = c["title"].as_str().unwrap_or("?");
                    (id(c), format!("A lighter pick than your list: {title}."))
                })
                .collect();
            picks.insert(
                1.min(picks.len()),
                ("tt0000000-invented".into(), "Invented.".into()),
            );
            axum::Json(owned_answer(&picks)).into_response()
        }
    }
}

fn owned_answer(picks: &[(String, String)]) -> Value {
    let picks: Vec<(&str, &str)> = picks
        .iter()
        .map(|(i, r)| (i.as_str(), r.as_str()))
        .collect();
    answer(&picks)
}

/// Starts the fake on `listener` with scripted replies.
pub fn start_on(
    listener: tokio::net::TcpListener,
    replies: Vec<Reply>,
) -> std::io::Result<(SocketAddr, Arc<Fake>)> {
    let fake = Arc::new(Fake {
        replies: Mutex::new(replies.into()),
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new().fallback(handle).with_state(fake.clone());
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((addr, fake))
}

/// Starts the fake with scripted replies on a free loopback port.
pub async fn start(replies: Vec<Reply>) -> std::io::Result<(SocketAddr, Arc<Fake>)> {
    start_on(tokio::net::TcpListener::bind("127.0.0.1:0").await?, replies)
}

/// [`start`] for tests that cannot go on without it.
///
/// # Panics
/// When no loopback port can be bound.
#[allow(clippy::expect_used)]
pub async fn start_fake(replies: Vec<Reply>) -> (SocketAddr, Arc<Fake>) {
    start(replies)
        .await
        .expect("bind the fake Gemini on loopback")
}

/// Proxy config pointed at the fake, with the test key, quick timeouts and a generous
/// rate limit.
pub fn config(fake: SocketAddr) -> crate::Config {
    let mut c = crate::Config::for_site(std::env::temp_dir().join("no-such-site"));
    c.gemini_api_key = Some(crate::ApiKey::new(KEY));
    c.gemini_model = "gemini-test".into();
    c.gemini_base_url = format!("http://{fake}");
    c.upstream_timeout_ms = 500;
    c.retry_backoff_ms = 20;
    c.rate_per_minute = 6000;
    c.rate_burst = 1000;
    c
}

/// Starts the proxy with `config` on loopback.
///
/// # Panics
/// When no loopback port can be bound.
#[allow(clippy::expect_used)]
pub async fn start_proxy(config: &crate::Config) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind proxy");
    let addr = listener.local_addr().expect("proxy addr");
    let config = config.clone();
    tokio::spawn(async move {
        let _ = crate::serve(listener, &config, std::future::pending()).await;
    });
    addr
}

/// A valid refine body with `n` candidates `c1..cn`.
pub fn body(feedback: &str, n: usize, k: usize) -> Value {
    let candidates: Vec<Value> = (1..=n)
        .map(|i| {
            json!({"id": format!("c{i}"), "title": format!("Title {i}"), "year": 2000 + (i % 20),
                   "type": "Movie", "genres": ["comedy"], "description": "A short plot.",
                   "people": ["Someone"]})
        })
        .collect();
    json!({"seeds": [{"id": "s1", "title": "Seed"}], "feedback": feedback,
           "candidates": candidates, "k": k})
}
