//! Helpers shared by the browser tests: page scripts, waits, picks, DevTools commands.

pub(crate) use std::path::Path;
pub(crate) use std::time::Duration;

pub(crate) use anyhow::{bail, Context};
pub(crate) use fantoccini::key::Key;
pub(crate) use fantoccini::{Client, Locator};
pub(crate) use serde_json::{json, Value};
pub(crate) use tests::{
    copy_site, fake_gemini, output_dir, regenerate_service_worker, screenshot, serve, serve_with,
    wait_text, workspace_root, Driver, FakeGemini, StaticSite,
};

/// Runs a script in the page and returns its value.
pub(crate) async fn js(c: &Client, script: &str) -> anyhow::Result<Value> {
    Ok(c.execute(script, vec![]).await?)
}

/// Polls a script until it returns something truthy (or fails after `secs`).
pub(crate) async fn wait_js(c: &Client, script: &str, secs: u64) -> anyhow::Result<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let v = js(c, script).await?;
        let truthy = match &v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(_) => true,
        };
        if truthy {
            return Ok(v);
        }
        if std::time::Instant::now() > deadline {
            bail!("timed out waiting for: {script}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Errors the page's hook collected (uncaught errors and console.error).
pub(crate) async fn page_errors(c: &Client) -> anyhow::Result<Vec<String>> {
    let v = js(c, "return window.__errors || [];").await?;
    Ok(serde_json::from_value(v)?)
}

/// Chart elements and ECharts instances on the page: ECharts marks each container it
/// initialises, so a stacked chart shows up as more instances than elements.
pub(crate) async fn chart_counts(c: &Client) -> anyhow::Result<Value> {
    js(
        c,
        "return [document.querySelectorAll('.chart').length, document.querySelectorAll('.chart [_echarts_instance_]').length];",
    )
    .await
}

/// Runs a script that returns a list of strings.
pub(crate) async fn strings(c: &Client, script: &str) -> anyhow::Result<Vec<String>> {
    Ok(serde_json::from_value(js(c, script).await?)?)
}

/// Ids of the result cards, in order.
pub(crate) async fn result_ids(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#results li.card')).map(e => e.dataset.id);",
    )
    .await
}

/// Waits until the results list shows at least one card.
pub(crate) async fn wait_results(c: &Client, secs: u64) -> anyhow::Result<()> {
    wait_js(
        c,
        "return document.querySelectorAll('#results li.card').length;",
        secs,
    )
    .await?;
    Ok(())
}

/// Waits for the app to be ready (the Discover summary) on a fresh page load.
pub(crate) async fn open(c: &Client, url: &str) -> anyhow::Result<()> {
    c.goto(url).await?;
    let ready = wait_js(
        c,
        "return document.querySelector('main h1') && !document.querySelector('#loading');",
        30,
    )
    .await;
    if let Err(e) = ready {
        // Say what the page shows instead, so a failure explains itself.
        let page = js(c, "return [location.href, document.body ? document.body.innerText.slice(0, 300) : '', window.__errors || []];").await?;
        bail!("{url} did not become ready: {e}; page: {page}");
    }
    Ok(())
}

/// Types into the search box and picks the option whose label contains `want`, by keyboard.
pub(crate) async fn pick_by_keyboard(c: &Client, query: &str, want: &str) -> anyhow::Result<()> {
    let q = c.find(Locator::Css("#q")).await?;
    q.click().await?;
    q.send_keys(query).await?;
    let labels = wait_js(
        c,
        "return Array.from(document.querySelectorAll('#q-list .opt-label')).map(e => e.textContent);",
        10,
    )
    .await?;
    let labels: Vec<String> = serde_json::from_value(labels)?;
    let pos = labels
        .iter()
        .position(|l| l.contains(want))
        .with_context(|| format!("{want:?} not among options for {query:?}: {labels:?}"))?;
    for _ in 0..=pos {
        q.send_keys(&String::from(char::from(Key::Down))).await?;
    }
    let active = js(
        c,
        "const id = document.querySelector('#q').getAttribute('aria-activedescendant'); return id && document.getElementById(id).querySelector('.opt-label').textContent;",
    )
    .await?;
    assert!(
        active.as_str().is_some_and(|s| s.contains(want)),
        "active option is {active}, wanted {want}"
    );
    q.send_keys(&String::from(char::from(Key::Enter))).await?;
    Ok(())
}

/// Names in the taste profile.
pub(crate) async fn profile_names(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#profile .pname')).map(e => e.textContent);",
    )
    .await
}

/// Types feedback into the Refine box, submits, and waits for the answer line.
pub(crate) async fn refine(c: &Client, feedback: &str) -> anyhow::Result<(String, String)> {
    let box_ = c.find(Locator::Css("#refine-text")).await?;
    box_.clear().await?;
    box_.send_keys(feedback).await?;
    c.find(Locator::Css("#refine-go")).await?.click().await?;
    // The LLM timeout is 10 s; the answer (either one) must come before 15.
    let by = wait_js(
        c,
        "const e = document.querySelector('#refine-by'); return e && [e.dataset.by, e.textContent];",
        15,
    )
    .await?;
    let pair: (String, String) = serde_json::from_value(by)?;
    Ok(pair)
}

/// Genres (comma-joined) of the refined picks, in order.
pub(crate) async fn refined_genres(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#refine-results li.card')).map(e => e.dataset.genres);",
    )
    .await
}

/// Sends one DevTools command to the page the session drives.
pub(crate) async fn cdp(c: &Client, cmd: &'static str, params: Value) -> anyhow::Result<Value> {
    c.issue_cmd(Cdp { cmd, params })
        .await
        .with_context(|| format!("DevTools {cmd}"))
}

/// Limits the page's network to `mbit` Mbit/s down and up, with `latency_ms` round trips.
pub(crate) async fn throttle(c: &Client, mbit: f64, latency_ms: f64) -> anyhow::Result<()> {
    let bytes_per_s = mbit * 1_000_000.0 / 8.0;
    cdp(c, "Network.enable", json!({})).await?;
    cdp(
        c,
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": latency_ms,
               "downloadThroughput": bytes_per_s, "uploadThroughput": bytes_per_s}),
    )
    .await?;
    Ok(())
}

/// Opens a shared Discover link in a fresh browser (cold: empty cache, no service worker)
/// and returns when the first cards showed and when the static first paint did, in ms from
/// navigation start.
pub(crate) async fn cold_first_results(
    driver: &Driver,
    url: &str,
    mbit: Option<f64>,
) -> anyhow::Result<(f64, f64)> {
    let c = driver.browser(1280, 900).await?;
    if let Some(mbit) = mbit {
        throttle(&c, mbit, 20.0).await?;
    }
    c.goto(url).await?;
    wait_results(&c, 60).await?;
    let v = js(
        &c,
        "const p = performance.getEntriesByName('first-contentful-paint')[0]; return [window.__firstResultsMs || 0, p ? p.startTime : 0];",
    )
    .await?;
    c.close().await?;
    let (results, paint): (f64, f64) = serde_json::from_value(v)?;
    Ok((results, paint))
}

/// Core and details bundle as the site serves them, decoded, for checks against the data.
pub(crate) fn served_bundle() -> anyhow::Result<engine::Bundle> {
    let dir = workspace_root().join("dist/public");
    Ok(engine::Bundle::decode_with_details(
        &std::fs::read(dir.join("bundle.bin"))?,
        &std::fs::read(dir.join("details.bin"))?,
    )?)
}

/// A Chrome DevTools Protocol command sent through chromedriver's `goog/cdp/execute`
/// endpoint (fantoccini has no CDP call of its own).
#[derive(Debug)]
pub(crate) struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}
