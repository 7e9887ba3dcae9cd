//! Talking to the network: the bundle download.

use engine::Bundle;

/// Path of the bundle relative to the page, so the site works under a sub-path.
pub const BUNDLE_URL: &str = "public/bundle.bin";

/// Downloads and decodes the bundle; the error is a sentence for the user.
pub async fn load_bundle() -> Result<Bundle, String> {
    let resp = gloo_net::http::Request::get(BUNDLE_URL)
        .send()
        .await
        .map_err(|e| format!("Could not download the catalog ({BUNDLE_URL}): {e}"))?;
    if !resp.ok() {
        return Err(format!(
            "The catalog is missing ({BUNDLE_URL}: HTTP {})",
            resp.status()
        ));
    }
    let bytes = resp
        .binary()
        .await
        .map_err(|e| format!("The catalog download was interrupted: {e}"))?;
    Bundle::decode(&bytes).map_err(|e| format!("The catalog cannot be read: {e}"))
}
