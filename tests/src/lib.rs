//! Harness for the browser tests: serves `dist/` with the real proxy router on a free
//! loopback port, starts chromedriver, and opens headless Chromium through WebDriver.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder, Locator};

/// The workspace root (where `dist/` is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where screenshots and figures of a test run go.
pub fn output_dir() -> PathBuf {
    let d = workspace_root().join("tests/output");
    let _ = std::fs::create_dir_all(&d);
    d
}

/// Serves `site` with the proxy's router on 127.0.0.1 and an ephemeral port.
pub async fn serve(site: &Path) -> anyhow::Result<SocketAddr> {
    serve_with(site, |_| {}).await
}

/// Like [`serve`], with the proxy's configuration adjusted first (an LLM key and base URL).
pub async fn serve_with(
    site: &Path,
    configure: impl FnOnce(&mut proxy::Config),
) -> anyhow::Result<SocketAddr> {
    if !site.join("index.html").exists() {
        bail!(
            "{} has no index.html: build the site first (make test does)",
            site.display()
        );
    }
    let mut config = proxy::Config::for_site(site);
    config.addr = "127.0.0.1:0".into();
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = proxy::router(&config).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

/// How the loopback stand-in for Gemini answers.
#[derive(Debug, Clone, Copy)]
pub enum FakeGemini {
    /// A valid structured answer: the last three candidates of the request (so the picks
    /// differ from the engine's top), plus one id that is not a candidate.
    Picks,
    /// HTTP 500 with Google's error body.
    Fails,
}

/// Starts a stand-in for Gemini's `generateContent` on loopback that speaks its REST
/// format (the request's user turn is the JSON the proxy sends; the answer is a
/// `candidates[0].content.parts[0].text` holding `{"picks": [...]}`).
pub async fn fake_gemini(mode: FakeGemini) -> anyhow::Result<SocketAddr> {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use serde_json::{json, Value};
    let handler = move |axum::extract::Json(req): axum::extract::Json<Value>| async move {
        if let FakeGemini::Fails = mode {
            let body = json!({"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}});
            return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
        }
        let user: Value = req
            .pointer("/contents/0/parts/0/text")
            .and_then(Value::as_str)
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null);
        let cands = user["candidates"].as_array().cloned().unwrap_or_default();
        let mut picks: Vec<Value> = cands
            .iter()
            .rev()
            .take(3)
            .map(|c| json!({"id": c["id"], "reason": format!("A lighter pick than your list: {}.", c["title"].as_str().unwrap_or("?"))}))
            .collect();
        picks.insert(
            1,
            json!({"id": "tt0000000-invented", "reason": "Invented."}),
        );
        let text = json!({ "picks": picks }).to_string();
        axum::Json(json!({
            "candidates": [{
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP", "index": 0
            }],
            "modelVersion": "gemini-fake"
        }))
        .into_response()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback(axum::routing::post(handler));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

/// A running chromedriver, killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it answers.
    pub async fn start() -> anyhow::Result<Driver> {
        let port = free_port()?;
        let child =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context(
                    "starting chromedriver (apt-get install chromium-driver; make test does)",
                )?;
        let driver = Driver {
            child,
            port,
            _profile: tempfile::tempdir()?,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(driver)
    }

    /// Opens a fresh headless Chromium session of the given window size.
    pub async fn browser(&self, width: u32, height: u32) -> anyhow::Result<Client> {
        let profile = tempfile::tempdir()?.keep();
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args, "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()) }),
        );
        caps.insert(
            "goog:loggingPrefs".into(),
            serde_json::json!({ "browser": "ALL" }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("connecting to chromedriver")?;
        Ok(client)
    }
}

/// Waits up to `secs` for an element and returns its text.
pub async fn wait_text(c: &Client, css: &str, secs: u64) -> anyhow::Result<String> {
    let el = c
        .wait()
        .at_most(Duration::from_secs(secs))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))?;
    Ok(el.text().await?)
}

/// Saves a screenshot of the page into the output directory.
pub async fn screenshot(c: &Client, name: &str) -> anyhow::Result<()> {
    let png = c.screenshot().await?;
    std::fs::write(output_dir().join(format!("{name}.png")), png)?;
    Ok(())
}
