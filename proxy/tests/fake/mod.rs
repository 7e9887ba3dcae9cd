//! A fake Gemini on loopback that speaks the real `generateContent` REST format, plus
//! helpers to start the proxy against it.

#![allow(dead_code)]

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
}

/// What the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: Option<String>,
    pub key: Option<String>,
    pub body: Value,
}

/// Fake state: scripted replies (the last one repeats) and requests seen.
#[derive(Default)]
pub struct Fake {
    pub replies: Mutex<VecDeque<Reply>>,
    pub seen: Mutex<Vec<Seen>>,
}

impl Fake {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
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
    if let Ok(mut s) = fake.seen.lock() {
        s.push(Seen {
            path,
            query,
            key: key.clone(),
            body,
        });
    }
    let reply = {
        let mut r = fake.replies.lock().expect("fake lock");
        if r.len() > 1 {
            r.pop_front()
        } else {
            r.front().cloned()
        }
    };
    let reply = reply.unwrap_or_else(|| Reply::Json(200, answer(&[("c1", "default")])));
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
    }
}

/// Starts the fake with scripted replies.
pub async fn start_fake(replies: Vec<Reply>) -> (SocketAddr, Arc<Fake>) {
    let fake = Arc::new(Fake {
        replies: Mutex::new(replies.into()),
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new().fallback(handle).with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fake");
    let addr = listener.local_addr().expect("fake addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, fake)
}

/// Proxy config pointed at the fake, with the test key, quick timeouts and a generous
/// rate limit.
pub fn config(fake: SocketAddr) -> proxy::Config {
    let mut c = proxy::Config::for_site(std::env::temp_dir().join("no-such-site"));
    c.gemini_api_key = Some(proxy::ApiKey::new(KEY));
    c.gemini_model = "gemini-test".into();
    c.gemini_base_url = format!("http://{fake}");
    c.upstream_timeout_ms = 500;
    c.retry_backoff_ms = 20;
    c.rate_per_minute = 6000;
    c.rate_burst = 1000;
    c
}

/// Starts the proxy with `config` on loopback.
pub async fn start_proxy(config: &proxy::Config) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind proxy");
    let addr = listener.local_addr().expect("proxy addr");
    let config = config.clone();
    tokio::spawn(async move {
        let _ = proxy::serve(listener, &config, std::future::pending()).await;
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
