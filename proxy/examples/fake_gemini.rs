//! A minimal fake Gemini `generateContent` for load tests: answers every POST at once with
//! a valid structured answer picking the first candidates of the request.
//!
//! Usage: `cargo run --example fake_gemini -- 127.0.0.1:9090`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::extract::Json;
use axum::Router;
use serde_json::{json, Value};

async fn generate(Json(req): Json<Value>) -> Json<Value> {
    // The user turn is JSON text holding the candidates; pick the first three.
    let user: Value = req
        .pointer("/contents/0/parts/0/text")
        .and_then(Value::as_str)
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let picks: Vec<Value> = user["candidates"]
        .as_array()
        .map(|c| {
            c.iter()
                .take(3)
                .map(|c| json!({"id": c["id"], "reason": "Fits the request."}))
                .collect()
        })
        .unwrap_or_default();
    Json(json!({
        "candidates": [{
            "content": {"role": "model", "parts": [{"text": json!({"picks": picks}).to_string()}]},
            "finishReason": "STOP", "index": 0
        }],
        "modelVersion": "fake"
    }))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(
        listener,
        Router::new().fallback(axum::routing::post(generate)),
    )
    .await?;
    Ok(())
}
