//! Talking to the network: the bundle download, with progress, and the details file.

use std::time::Duration;

use js_sys::{Promise, Reflect, Uint8Array};
use leptos::prelude::{request_animation_frame, set_timeout};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Path of the bundle relative to the page, so the site works under a sub-path.
pub const BUNDLE_URL: &str = "public/bundle.bin";

/// Path of the details file (descriptions, every name, weekly history), fetched after the
/// first results are on screen.
pub const DETAILS_URL: &str = "public/details.bin";

/// Downloads the details file in one piece. The error is a sentence for the user.
pub async fn load_details() -> Result<Vec<u8>, String> {
    get_ok(DETAILS_URL, "title details file")
        .await?
        .binary()
        .await
        .map_err(|e| format!("The title details download was interrupted: {e}"))
}

/// Downloads the bundle, reporting `(bytes received, bytes in all if known)` as it goes.
/// The error is a sentence for the user.
pub async fn load_bundle(progress: impl Fn(u64, Option<u64>)) -> Result<Vec<u8>, String> {
    let resp = get_ok(BUNDLE_URL, "catalog").await?;
    // With Content-Encoding the length counts compressed bytes while the stream yields
    // decoded ones, so the total is only meaningful for an unencoded response.
    let headers = resp.headers();
    let total = match headers.get("content-encoding") {
        Some(enc) if enc != "identity" => None,
        _ => headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok()),
    };
    let raw: web_sys::Response = resp.into();
    let Some(body) = raw.body() else {
        return Err("The catalog download was empty.".into());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|_| "This browser cannot stream downloads.".to_string())?;
    let mut bytes: Vec<u8> = Vec::with_capacity(total.unwrap_or(1 << 20) as usize);
    progress(0, total);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("The catalog download was interrupted: {}", js_text(&e)))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) {
            if let Some(arr) = value.dyn_ref::<Uint8Array>() {
                let start = bytes.len();
                bytes.resize(start + arr.length() as usize, 0);
                arr.copy_to(&mut bytes[start..]);
                progress(bytes.len() as u64, total);
            }
        }
    }
    Ok(bytes)
}

/// GETs `url`, turning a network failure or an HTTP error into a sentence naming `what`.
async fn get_ok(url: &str, what: &str) -> Result<gloo_net::http::Response, String> {
    let resp = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| format!("Could not download the {what} ({url}): {e}"))?;
    if !resp.ok() {
        return Err(format!(
            "The {what} is missing ({url}: HTTP {}).",
            resp.status()
        ));
    }
    Ok(resp)
}

/// A JS error value as text.
pub fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Resolves after the browser had a chance to paint (a zero-delay timer).
pub async fn next_frame() {
    let p = Promise::new(&mut |resolve, _| {
        set_timeout(
            move || {
                let _ = resolve.call0(&JsValue::NULL);
            },
            Duration::ZERO,
        );
    });
    let _ = JsFuture::from(p).await;
}

/// Resolves after the browser has painted the current frame (a timer started from an
/// animation frame callback runs after that frame's paint).
pub async fn after_paint() {
    let p = Promise::new(&mut |resolve, _| {
        request_animation_frame(move || {
            set_timeout(
                move || {
                    let _ = resolve.call0(&JsValue::NULL);
                },
                Duration::ZERO,
            );
        });
    });
    let _ = JsFuture::from(p).await;
}

/// Milliseconds from the page's time origin (`performance.now()`), 0 if unavailable.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
