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
    /// Never answers in time (sleeps a minute first): the proxy's budget must run out.
    Stalls,
}

/// Starts the shared fake Gemini (`proxy::fake_gemini`, Gemini's REST format on loopback)
/// answering as `mode` says.
pub async fn fake_gemini(mode: FakeGemini) -> anyhow::Result<SocketAddr> {
    use proxy::fake_gemini::{error, start, Reply};
    let reply = match mode {
        FakeGemini::Picks => Reply::LastAndInvented(3),
        FakeGemini::Fails => {
            Reply::Json(500, error(500, "INTERNAL", "Internal error encountered."))
        }
        FakeGemini::Stalls => Reply::Stall(Duration::from_secs(60)),
    };
    Ok(start(vec![reply]).await?.0)
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

/// A static host in the manner of GitHub Pages: `dir` served under the path `base` (such as
/// `/wtw/`), `404.html` for unknown paths, no proxy and no SPA fallback. It can be stopped
/// to cut the network, and the files in `dir` can be replaced to deploy a new version.
pub struct StaticSite {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StaticSite {
    /// Starts serving `dir` under `base` on a free loopback port.
    pub async fn start(dir: &Path, base: &str) -> anyhow::Result<StaticSite> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        Self::serve_on(listener, dir, base)
    }

    /// Starts again on the same address after [`StaticSite::stop`] (the network is back).
    pub async fn restart(addr: SocketAddr, dir: &Path, base: &str) -> anyhow::Result<StaticSite> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Self::serve_on(listener, dir, base)
    }

    fn serve_on(
        listener: tokio::net::TcpListener,
        dir: &Path,
        base: &str,
    ) -> anyhow::Result<StaticSite> {
        use tower_http::services::{ServeDir, ServeFile};
        let addr = listener.local_addr()?;
        let files = ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("404.html")));
        let app = axum::Router::new().nest_service(base.trim_end_matches('/'), files);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StaticSite { addr, task })
    }

    /// Stops serving and drops every open connection (like pulling the cable).
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Copies a built site into a fresh temporary directory (to modify and serve it).
pub fn copy_site(from: &Path) -> anyhow::Result<tempfile::TempDir> {
    fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            let target = to.join(e.file_name());
            if e.file_type()?.is_dir() {
                copy(&e.path(), &target)?;
            } else {
                std::fs::copy(e.path(), &target)?;
            }
        }
        Ok(())
    }
    let dir = tempfile::tempdir()?;
    copy(from, dir.path())?;
    Ok(dir)
}

/// Regenerates `dir/sw.js` for the files now in `dir` (what the post_build hook does), and
/// drops the precompressed twins, which would no longer match.
pub fn regenerate_service_worker(dir: &Path) -> anyhow::Result<()> {
    remove_twins(dir)?;
    let status = Command::new("bash")
        .arg(workspace_root().join("scripts/gen_sw.sh"))
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .context("running scripts/gen_sw.sh")?;
    if !status.success() {
        bail!("scripts/gen_sw.sh failed on {}", dir.display());
    }
    Ok(())
}

fn remove_twins(dir: &Path) -> anyhow::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            remove_twins(&p)?;
        } else if p.extension().is_some_and(|x| x == "br" || x == "gz") {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}
