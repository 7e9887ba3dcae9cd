//! Browser tests against the release build in `dist/`. Run by `make test`, which builds the
//! site and installs Chromium first; plain `cargo test` skips them (they are `#[ignore]`d).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use tests::{
    copy_site, fake_gemini, output_dir, regenerate_service_worker, screenshot, serve, serve_with,
    wait_text, workspace_root, Driver, FakeGemini, StaticSite,
};

/// Runs a script in the page and returns its value.
async fn js(c: &Client, script: &str) -> anyhow::Result<Value> {
    Ok(c.execute(script, vec![]).await?)
}

/// Polls a script until it returns something truthy (or fails after `secs`).
async fn wait_js(c: &Client, script: &str, secs: u64) -> anyhow::Result<Value> {
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
async fn page_errors(c: &Client) -> anyhow::Result<Vec<String>> {
    let v = js(c, "return window.__errors || [];").await?;
    Ok(serde_json::from_value(v)?)
}

/// Chart elements and ECharts instances on the page: ECharts marks each container it
/// initialises, so a stacked chart shows up as more instances than elements.
async fn chart_counts(c: &Client) -> anyhow::Result<Value> {
    js(
        c,
        "return [document.querySelectorAll('.chart').length, document.querySelectorAll('.chart [_echarts_instance_]').length];",
    )
    .await
}

/// Runs a script that returns a list of strings.
async fn strings(c: &Client, script: &str) -> anyhow::Result<Vec<String>> {
    Ok(serde_json::from_value(js(c, script).await?)?)
}

/// Ids of the result cards, in order.
async fn result_ids(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#results li.card')).map(e => e.dataset.id);",
    )
    .await
}

/// Waits until the results list shows at least one card.
async fn wait_results(c: &Client, secs: u64) -> anyhow::Result<()> {
    wait_js(
        c,
        "return document.querySelectorAll('#results li.card').length;",
        secs,
    )
    .await?;
    Ok(())
}

/// Waits for the app to be ready (the Discover summary) on a fresh page load.
async fn open(c: &Client, url: &str) -> anyhow::Result<()> {
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
async fn pick_by_keyboard(c: &Client, query: &str, want: &str) -> anyhow::Result<()> {
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
async fn profile_names(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#profile .pname')).map(e => e.textContent);",
    )
    .await
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn discover_search_profile_filters_and_shared_url() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    let summary = wait_text(&c, "#summary", 30).await?;
    let count: usize = summary
        .split_whitespace()
        .next()
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    assert!(count > 5_000, "{summary}");
    // The empty profile still shows popular titles and says what to do.
    wait_results(&c, 10).await?;
    assert!(wait_text(&c, "#profile-empty", 5)
        .await?
        .contains("Pick titles"));
    screenshot(&c, "discover-empty").await?;

    // Typos and accents, keyboard only.
    pick_by_keyboard(&c, "strnger thngs", "Stranger Things").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 1;",
        5,
    )
    .await?;
    pick_by_keyboard(&c, "les miserables", "Les Misérables").await?;
    pick_by_keyboard(&c, "the crwn", "The Crown").await?;
    let names = profile_names(&c).await?;
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.iter().any(|n| n.contains("Stranger Things")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("Les Misérables")),
        "{names:?}"
    );

    // Escape closes the listbox and keeps focus in the box.
    let q = c.find(Locator::Css("#q")).await?;
    q.send_keys("narcos").await?;
    wait_js(
        &c,
        "return document.querySelector('#q').getAttribute('aria-expanded') === 'true';",
        5,
    )
    .await?;
    q.send_keys(&String::from(char::from(Key::Escape))).await?;
    let expanded = js(
        &c,
        "return document.querySelector('#q').getAttribute('aria-expanded');",
    )
    .await?;
    assert_eq!(expanded, json!("false"));
    q.send_keys(&String::from(char::from(Key::Escape))).await?;
    assert_eq!(
        js(&c, "return document.querySelector('#q').value;").await?,
        json!("")
    );

    // Exclude the most common genre among the results: click its toggle twice.
    let before = result_ids(&c).await?;
    assert!(!before.is_empty());
    let genre = js(
        &c,
        "const n = {}; document.querySelectorAll('#results li.card').forEach(e => (e.dataset.genres || '').split(',').filter(Boolean).forEach(g => n[g] = (n[g] || 0) + 1));
         return Object.entries(n).sort((a, b) => b[1] - a[1])[0][0];",
    )
    .await?;
    let genre = genre.as_str().context("no genre on the cards")?.to_owned();
    let sel = format!("#f-genres button[data-genre='{genre}']");
    c.find(Locator::Css(&sel)).await?.click().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.find(Locator::Css(&sel)).await?.click().await?;
    wait_js(
        &c,
        &format!("return location.search.includes('gout={genre}');"),
        5,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let genres: Vec<String> = serde_json::from_value(
        js(&c, "return Array.from(document.querySelectorAll('#results li.card')).map(e => e.dataset.genres);").await?,
    )?;
    assert!(!genres.is_empty(), "no results after excluding {genre}");
    for g in &genres {
        assert!(
            !g.split(',').any(|x| x == genre),
            "excluded genre {genre} in {g}"
        );
    }
    screenshot(&c, "discover-profile").await?;

    // The diversity slider changes the list.
    let plain = result_ids(&c).await?;
    js(
        &c,
        "const s = document.querySelector('#diversity'); s.value = '0.8'; s.dispatchEvent(new Event('change', {bubbles: true}));",
    )
    .await?;
    wait_js(&c, "return location.search.includes('div=0.80');", 5).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let diverse = result_ids(&c).await?;
    assert_ne!(plain, diverse, "diversity did not change the list");

    // Back undoes the slider, forward redoes it.
    c.back().await?;
    wait_js(&c, "return !location.search.includes('div=');", 5).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(result_ids(&c).await?, plain);
    c.forward().await?;
    wait_js(&c, "return location.search.includes('div=0.80');", 5).await?;

    // "Seen" toggle persists in localStorage; "hide seen" drops the card.
    let first = diverse[0].clone();
    c.find(Locator::Css(&format!(
        "li.card[data-id='{first}'] .seen-toggle"
    )))
    .await?
    .click()
    .await?;
    let stored = js(&c, "return localStorage.getItem('nfx.seen');").await?;
    assert!(
        stored.as_str().is_some_and(|s| s.contains(&first)),
        "{stored}"
    );
    c.find(Locator::Css("#hide-seen")).await?.click().await?;
    wait_js(&c, "return location.search.includes('hide=1');", 5).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!result_ids(&c).await?.contains(&first));
    c.find(Locator::Css("#hide-seen")).await?.click().await?;
    wait_js(&c, "return !location.search.includes('hide=1');", 5).await?;

    // A shared link restores the same state in a fresh browser, quickly.
    let url = c.current_url().await?.to_string();
    let ids = result_ids(&c).await?;
    let names = profile_names(&c).await?;
    assert!(
        page_errors(&c).await?.is_empty(),
        "{:?}",
        page_errors(&c).await?
    );
    c.close().await?;

    let c2 = driver.browser(1280, 1000).await?;
    c2.goto(&url).await?;
    wait_results(&c2, 30).await?;
    let first_ms = js(&c2, "return window.__firstResultsMs;").await?;
    // Where the cold load's time goes: when each download finished.
    let phases = js(
        &c2,
        "return performance.getEntriesByType('resource').map(e => [new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)]);",
    )
    .await?;
    println!("cold load downloads [path, start ms, end ms]: {phases}");
    let prepare = js(&c2, "return window.__prepareMs;").await?;
    println!("cold load [decode start ms, decode ms, model build ms]: {prepare}");
    assert_eq!(result_ids(&c2).await?, ids);
    assert_eq!(profile_names(&c2).await?, names);
    let first_ms = first_ms.as_f64().unwrap_or(f64::MAX);
    println!("first recommendations on screen {first_ms:.0} ms after navigation start");
    std::fs::write(
        output_dir().join("first_results_ms.txt"),
        format!("{first_ms:.0}\n"),
    )?;
    // A figure for BENCHMARKS.md, not a pass/fail timing: speed is shown by benchmarks.
    assert!(
        first_ms.is_finite(),
        "the page did not record when results appeared"
    );
    c2.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn title_trends_and_data_pages_render_charts_without_errors() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    pick_by_keyboard(&c, "stranger things", "Stranger Things").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 1;",
        5,
    )
    .await?;
    let id: String = serde_json::from_value(
        js(
            &c,
            "return document.querySelector('#profile li').dataset.id;",
        )
        .await?,
    )?;

    // Title page, reached by a client-side link and then by a cold deep link.
    c.goto(&format!("http://{addr}/title/{id}")).await?;
    let h = wait_text(&c, "#title-h", 30).await?;
    assert!(h.contains("Stranger Things"), "{h}");
    wait_js(
        &c,
        "return document.querySelectorAll('#similar li.card').length;",
        10,
    )
    .await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart canvas').length >= 2;",
        10,
    )
    .await?;
    screenshot(&c, "title").await?;

    // Trends: every chart draws a canvas; revisiting the page does not stack charts.
    c.find(Locator::Css("nav a[href$='/trends']"))
        .await?
        .click()
        .await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart canvas').length >= 5;",
        20,
    )
    .await?;
    let charts = chart_counts(&c).await?;
    println!("trends charts/instances: {charts}");
    assert_eq!(
        charts[0], charts[1],
        "one ECharts instance per chart element"
    );
    assert!(wait_text(&c, "#country-h + .note, .note", 5)
        .await?
        .contains("end"));
    screenshot(&c, "trends").await?;
    c.back().await?;
    wait_text(&c, "#title-h", 10).await?;
    c.forward().await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart canvas').length >= 5;",
        20,
    )
    .await?;
    let again = chart_counts(&c).await?;
    assert_eq!(
        again[0], again[1],
        "revisiting trends stacked charts: {again}"
    );
    // Charts follow the window: narrower window, narrower canvas.
    let canvas_width =
        "return document.querySelector('.chart canvas').getBoundingClientRect().width;";
    let wide = js(&c, canvas_width).await?.as_f64().unwrap_or(0.0);
    c.set_window_size(400, 1000).await?;
    wait_js(
        &c,
        &format!("return document.querySelector('.chart canvas').getBoundingClientRect().width < {wide} - 50;"),
        5,
    )
    .await?;
    c.set_window_size(1280, 1000).await?;

    c.find(Locator::Css("nav a[href$='/data']"))
        .await?
        .click()
        .await?;
    wait_text(&c, "#data-summary", 10).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&c, "data").await?;

    let errors = page_errors(&c).await?;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn phone_width_has_no_horizontal_scroll() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(360, 800).await?;
    // Headless Chromium keeps windows at least 500 px wide: emulate the phone's screen.
    cdp(
        &c,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": true}),
    )
    .await?;

    let check =
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";
    open(&c, &format!("http://{addr}/")).await?;
    let vw = js(&c, "return window.innerWidth;").await?;
    println!("phone viewport width {vw}");
    assert_eq!(vw, json!(360));
    assert_eq!(
        js(&c, "return document.querySelector('details.filters').open;").await?,
        json!(false),
        "filters start folded on a phone"
    );
    pick_by_keyboard(&c, "narcos", "Narcos").await?;
    wait_results(&c, 10).await?;
    assert_eq!(js(&c, check).await?, json!(0), "Discover scrolls sideways");
    // The pick shows, and screen readers hear that the list changed.
    let picked = wait_text(&c, "#picked", 5).await?;
    assert!(picked.contains("Narcos"), "{picked}");
    let live = wait_js(
        &c,
        "const l = document.querySelector('[aria-live=polite]#results-live'); return l && l.textContent;",
        5,
    )
    .await?;
    assert!(
        live.as_str()
            .is_some_and(|t| t.starts_with("Results updated")),
        "{live}"
    );
    // The results start right under the search (not a screen of filters further down).
    let gap = js(
        &c,
        "return document.querySelector('#results-h').getBoundingClientRect().top - document.querySelector('#q').getBoundingClientRect().bottom;",
    )
    .await?;
    println!("search box to results heading: {gap} px");
    assert!(gap.as_f64().is_some_and(|g| g < 320.0), "{gap} px");
    screenshot(&c, "phone-discover").await?;
    // Every control a finger uses is at least 44 px tall (and icon buttons as wide), with
    // the filters folded and then open.
    let small_targets = "return Array.from(document.querySelectorAll('main button, main select, main input:not([type=checkbox]), header a, summary, label.check, .card h3 a, .card a')).filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || (e.matches('button') && r.width < 44); }).map(e => `${e.tagName} ${e.id || e.className} \"${(e.textContent || '').trim().slice(0, 24)}\" ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`);";
    let small = strings(&c, small_targets).await?;
    assert!(small.is_empty(), "targets under 44 px: {small:#?}");
    c.find(Locator::Css("details.filters summary"))
        .await?
        .click()
        .await?;
    let small = strings(&c, small_targets).await?;
    assert!(
        small.is_empty(),
        "targets under 44 px, filters open: {small:#?}"
    );
    let id: String = serde_json::from_value(
        js(
            &c,
            "return document.querySelector('#profile li').dataset.id;",
        )
        .await?,
    )?;
    for (path, name) in [
        (format!("/title/{id}"), "phone-title"),
        ("/trends".into(), "phone-trends"),
        ("/data".into(), "phone-data"),
    ] {
        open(&c, &format!("http://{addr}{path}")).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(js(&c, check).await?, json!(0), "{path} scrolls sideways");
        screenshot(&c, name).await?;
    }
    c.close().await?;
    Ok(())
}

/// Copies `dist/` to a temporary directory, replacing the core bundle and the details file
/// with the given bytes (or removing them when `None`), without their precompressed
/// variants (which would serve the old bytes).
fn site_with_bundle(
    bundle: Option<&[u8]>,
    details: Option<&[u8]>,
) -> anyhow::Result<tempfile::TempDir> {
    fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            let target = to.join(e.file_name());
            if e.file_type()?.is_dir() {
                copy(&e.path(), &target)?;
            } else {
                std::fs::copy(e.path(), target)?;
            }
        }
        Ok(())
    }
    let dir = tempfile::tempdir()?;
    copy(&workspace_root().join("dist"), dir.path())?;
    let public = dir.path().join("public");
    for (name, bytes) in [("bundle.bin", bundle), ("details.bin", details)] {
        for suffix in ["", ".br", ".gz"] {
            let _ = std::fs::remove_file(public.join(format!("{name}{suffix}")));
        }
        if let Some(b) = bytes {
            std::fs::write(public.join(name), b)?;
        }
    }
    Ok(dir)
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn hostile_title_is_text_and_bad_bundles_explain_themselves() -> anyhow::Result<()> {
    use engine::bundle::Body;
    use engine::catalog::{Kind, Title};
    use engine::Bundle;

    const HOSTILE: &str = "<img src=x onerror=alert(1)>";
    let mut body = Body::default();
    body.catalog.genres = vec!["drama".into(), "comedy".into()];
    body.catalog.people = vec!["<b>Bold</b> Person".into()];
    for (i, name) in [HOSTILE, "Quiet Drama", "Loud Comedy", "Another Drama"]
        .into_iter()
        .enumerate()
    {
        body.catalog.titles.push(Title {
            id: format!("tt{i:07}"),
            title: name.into(),
            kind: Kind::Movie,
            year: Some(2000 + i as u16),
            description: format!("{name} is a story about <script>alert(2)</script> friends."),
            genres: vec![(i % 2) as u32],
            cast: vec![0],
            imdb_score: Some(7.0),
            imdb_votes: Some(1000),
            ..Title::default()
        });
    }
    let bundle = Bundle::new(body, "2026-01-01T00:00:00Z", "2025-12-28", "test");
    let bytes = bundle.encode()?;
    let details = bundle.encode_details()?;
    let site = site_with_bundle(Some(&bytes), Some(&details))?;
    let addr = serve(site.path()).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 900).await?;

    open(&c, &format!("http://{addr}/title/tt0000000")).await?;
    let h = wait_text(&c, "#title-h", 20).await?;
    assert_eq!(h, HOSTILE);
    let imgs = js(&c, "return document.querySelectorAll('main img').length;").await?;
    assert_eq!(imgs, json!(0), "the title became markup");
    // The description comes from the details file, and is text too.
    let desc = wait_text(&c, ".description", 10).await?;
    assert!(desc.contains("<script>alert(2)</script>"), "{desc}");
    open(&c, &format!("http://{addr}/?like=tt0000001")).await?;
    wait_results(&c, 10).await?;
    let q = c.find(Locator::Css("#q")).await?;
    q.send_keys("img src").await?;
    let label = wait_js(
        &c,
        "return document.querySelector('#q-list .opt-label')?.textContent;",
        5,
    )
    .await?;
    assert_eq!(label, json!(HOSTILE));
    assert_eq!(
        js(
            &c,
            "return document.querySelectorAll('main img, main script').length;"
        )
        .await?,
        json!(0)
    );
    screenshot(&c, "hostile-title").await?;
    assert!(
        page_errors(&c).await?.is_empty(),
        "{:?}",
        page_errors(&c).await?
    );
    c.close().await?;

    // Missing, corrupt and foreign bundles each give a sentence, not a blank page.
    let mut corrupt = bytes.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    let cases: [(Option<&[u8]>, &str); 3] = [
        (None, "missing"),
        (Some(&corrupt), "corrupt"),
        (
            Some(b"<!DOCTYPE html><html></html>"),
            "not a recommendations bundle",
        ),
    ];
    for (bundle, want) in cases {
        let site = site_with_bundle(bundle, None)?;
        let addr = serve(site.path()).await?;
        let c = driver.browser(1000, 700).await?;
        c.goto(&format!("http://{addr}/")).await?;
        let msg = wait_text(&c, "#load-error", 20).await?;
        assert!(msg.contains(want), "wanted {want:?} in {msg:?}");
        if want == "missing" {
            screenshot(&c, "error-missing-bundle").await?;
        }
        c.close().await?;
    }

    // Details from another build: recommendations still work, the title page says why
    // its details are missing.
    let foreign = std::fs::read(workspace_root().join("dist/public/details.bin"))?;
    let site = site_with_bundle(Some(&bytes), Some(&foreign))?;
    let addr = serve(site.path()).await?;
    let c = driver.browser(1000, 700).await?;
    open(&c, &format!("http://{addr}/?like=tt0000001")).await?;
    wait_results(&c, 10).await?;
    c.goto(&format!("http://{addr}/title/tt0000000")).await?;
    let msg = wait_text(&c, "#details-error", 20).await?;
    assert!(msg.contains("another bundle"), "{msg}");
    c.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn browser_benchmark_and_transfer_sizes() -> anyhow::Result<()> {
    let dist = workspace_root().join("dist");
    let addr = serve(&dist).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 900).await?;
    open(&c, &format!("http://{addr}/bench?n=400")).await?;
    let rows = wait_js(
        &c,
        "return Array.from(document.querySelectorAll('#bench .bench-row')).map(r => ({name: r.dataset.name, p50: +r.dataset.p50, p95: +r.dataset.p95, mean: +r.dataset.mean}));",
        120,
    )
    .await?;
    println!("browser benchmark (ms): {rows:#}");

    // First-load transfer with brotli: what a fresh browser fetches for a shared Discover
    // link until the results show (the page's resource timeline; the service worker's later
    // precache downloads are its own), sized as the precompressed files the proxy serves.
    // The details file is requested only once the results are painted, so it is counted
    // apart.
    let fresh = driver.browser(1280, 1000).await?;
    open(&fresh, &format!("http://{addr}/?like=tt4574334")).await?;
    wait_results(&fresh, 30).await?;
    let fetched = js(
        &fresh,
        "return [location.pathname === '/' ? 'index.html' : location.pathname].concat(performance.getEntriesByType('resource').map(e => new URL(e.name).pathname.replace(/^\\//, '')));",
    )
    .await?;
    fresh.close().await?;
    let fetched: Vec<String> = serde_json::from_value(fetched)?;
    let mut sizes = serde_json::Map::new();
    let mut total = 0u64;
    for rel in fetched {
        let p = dist.join(&rel);
        if rel.is_empty() || !p.is_file() || sizes.contains_key(&rel) {
            continue;
        }
        let br = p.with_file_name(format!(
            "{}.br",
            p.file_name().and_then(|n| n.to_str()).unwrap_or("")
        ));
        let n = std::fs::metadata(if br.exists() { &br } else { &p })?.len();
        if rel.ends_with("details.bin") {
            sizes.insert(format!("after results: {rel}"), json!(n));
            continue;
        }
        total += n;
        sizes.insert(rel, json!(n));
    }
    sizes.insert("total before results".into(), json!(total));
    println!(
        "first-load transfer, brotli bytes: {:#}",
        Value::Object(sizes.clone())
    );
    // Time to the first result cards from a cold shared link: fresh browsers (empty cache,
    // no service worker), on loopback and then throttled to 9 Mbit/s through DevTools.
    let link = format!("http://{addr}/?like=tt4574334");
    let mut cold = serde_json::Map::new();
    for (label, mbit) in [("loopback", None), ("9 Mbit/s, 20 ms", Some(9.0))] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            runs.push(cold_first_results(&driver, &link, mbit).await?);
        }
        let mut results: Vec<f64> = runs.iter().map(|r| r.0).collect();
        results.sort_by(f64::total_cmp);
        let paint: Vec<f64> = runs.iter().map(|r| r.1).collect();
        println!("cold first results, {label}: {results:?} ms (first paint {paint:?} ms)");
        assert!(
            runs.iter().all(|r| r.0 > 0.0 && r.1 > 0.0 && r.1 < r.0),
            "the static page paints before the results: {runs:?}"
        );
        cold.insert(
            label.into(),
            json!({"first_results_ms": results, "median_ms": results[1], "first_paint_ms": paint}),
        );
    }
    std::fs::write(
        output_dir().join("browser_bench.json"),
        serde_json::to_string_pretty(
            &json!({"bench_ms": rows, "transfer_br_bytes": sizes, "cold_first_results": cold}),
        )?,
    )?;
    let rows: Vec<Value> = serde_json::from_value(rows)?;
    assert_eq!(rows.len(), 3);
    c.close().await?;
    Ok(())
}

/// Types feedback into the Refine box, submits, and waits for the answer line.
async fn refine(c: &Client, feedback: &str) -> anyhow::Result<(String, String)> {
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
async fn refined_genres(c: &Client) -> anyhow::Result<Vec<String>> {
    strings(
        c,
        "return Array.from(document.querySelectorAll('#refine-results li.card')).map(e => e.dataset.genres);",
    )
    .await
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn refine_box_uses_the_llm_when_there_and_falls_back_on_device() -> anyhow::Result<()> {
    let dist = workspace_root().join("dist");
    let driver = Driver::start().await?;
    let url = |addr: std::net::SocketAddr| format!("http://{addr}/?like=tt4574334");

    // No key on the server: the on-device refiner answers at once and says why.
    let plain = serve(&dist).await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &url(plain)).await?;
    wait_results(&c, 10).await?;
    let (by, text) = refine(&c, "funnier, no horror, nothing with zombies").await?;
    assert_eq!(by, "on-device", "{text}");
    assert!(text.contains("no LLM configured"), "{text}");
    let understood = wait_text(&c, "#refine-understood", 5).await?;
    assert!(understood.contains("no horror"), "{understood}");
    let genres = refined_genres(&c).await?;
    assert!(!genres.is_empty());
    assert!(
        genres.iter().all(|g| !g.split(',').any(|x| x == "horror")),
        "{genres:?}"
    );
    assert!(wait_text(&c, "#refine-changed", 5)
        .await?
        .contains("new title"));
    screenshot(&c, "refine-on-device").await?;
    // Empty feedback is refused with advice, not sent.
    let (by2, _) = {
        c.find(Locator::Css("#refine-text")).await?.clear().await?;
        c.find(Locator::Css("#refine-go")).await?.click().await?;
        let s = wait_text(&c, "#refine-status", 5).await?;
        (s, ())
    };
    assert!(by2.contains("Say what you want"), "{by2}");
    c.close().await?;

    // A key and a (loopback) Gemini: the LLM answers; an invented id is removed.
    let gemini = fake_gemini(FakeGemini::Picks).await?;
    let with_llm = serve_with(&dist, |cfg| {
        cfg.gemini_api_key = Some(proxy::ApiKey::new("test-key-not-secret"));
        cfg.gemini_base_url = format!("http://{gemini}");
        cfg.gemini_model = "gemini-test-flash".into();
    })
    .await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &url(with_llm)).await?;
    wait_results(&c, 10).await?;
    let (by, text) = refine(&c, "something lighter").await?;
    assert_eq!(by, "llm", "{text}");
    assert!(text.contains("gemini-test-flash"), "{text}");
    assert!(
        text.contains("1 suggestion outside the catalog was removed"),
        "{text}"
    );
    let reasons = strings(
        &c,
        "return Array.from(document.querySelectorAll('#refine-results .reason')).map(e => e.textContent);",
    )
    .await?;
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons.iter().all(|r| r.contains("A lighter pick")),
        "{reasons:?}"
    );
    screenshot(&c, "refine-llm").await?;
    c.close().await?;

    // The LLM fails upstream: the on-device refiner answers instead, and says so.
    let broken = fake_gemini(FakeGemini::Fails).await?;
    let with_broken = serve_with(&dist, |cfg| {
        cfg.gemini_api_key = Some(proxy::ApiKey::new("test-key-not-secret"));
        cfg.gemini_base_url = format!("http://{broken}");
    })
    .await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &url(with_broken)).await?;
    wait_results(&c, 10).await?;
    let (by, text) = refine(&c, "a korean series").await?;
    assert_eq!(by, "on-device", "{text}");
    assert!(text.contains("LLM service failed"), "{text}");
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn refine_with_a_stalling_llm_answers_on_device_and_says_why() -> anyhow::Result<()> {
    let dist = workspace_root().join("dist");
    let driver = Driver::start().await?;
    // The proxy keeps its default budget, derived from the app's.
    let stalling = fake_gemini(FakeGemini::Stalls).await?;
    let site = serve_with(&dist, |cfg| {
        cfg.gemini_api_key = Some(proxy::ApiKey::new("test-key-not-secret"));
        cfg.gemini_base_url = format!("http://{stalling}");
    })
    .await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{site}/?like=tt4574334")).await?;
    wait_results(&c, 10).await?;
    let (by, text) = refine(&c, "something lighter").await?;
    assert_eq!(by, "on-device", "{text}");
    // The proxy's `timeout` answer, not the browser giving up ("did not answer within 10 s"):
    // the proxy's whole budget fits inside the app's.
    assert!(text.contains("the LLM did not answer in time"), "{text}");
    assert!(!refined_genres(&c).await?.is_empty());
    assert!(page_errors(&c).await?.is_empty());
    screenshot(&c, "refine-stalled-llm").await?;
    c.close().await?;
    Ok(())
}

/// The release site built with `--public-url /wtw/` (make test builds it).
const SUBPATH: &str = "/wtw/";

/// Rewrites `site`'s bundle with another data week (a new weekly build), optionally serves
/// corrupt bytes in its place, and regenerates the service worker as a deploy would.
fn deploy_week(site: &Path, week: &str, corrupt: bool) -> anyhow::Result<()> {
    let path = site.join("public/bundle.bin");
    let mut bundle = engine::Bundle::decode(&std::fs::read(&path)?)?;
    bundle.header.data_week = week.into();
    let bytes = bundle.encode()?;
    std::fs::write(&path, &bytes)?;
    regenerate_service_worker(site)?;
    if corrupt {
        // The worker's list expects the good bytes: a half-uploaded file arrives instead.
        std::fs::write(&path, &bytes[..bytes.len() / 2])?;
    }
    Ok(())
}

/// The data week the Discover summary shows.
async fn shown_week(c: &Client) -> anyhow::Result<String> {
    let s = wait_text(c, "#summary", 30).await?;
    Ok(s.split("data through week ")
        .nth(1)
        .and_then(|r| r.get(..10))
        .unwrap_or_default()
        .to_string())
}

#[tokio::test]
#[ignore = "needs dist-wtw/ and chromedriver: run `make test`"]
async fn pwa_works_offline_under_a_sub_path_and_updates_safely() -> anyhow::Result<()> {
    let built = workspace_root().join("dist-wtw");
    if !built.join("sw.js").exists() {
        bail!("{} has no sw.js: build it with trunk build --release --public-url {SUBPATH} --dist dist-wtw (make test does)", built.display());
    }
    let site = copy_site(&built)?;
    let server = StaticSite::start(site.path(), SUBPATH).await?;
    let addr = server.addr;
    let base = format!("http://{addr}{SUBPATH}");
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;

    // One online visit: the worker installs, verifies and caches the whole site.
    open(&c, &base).await?;
    wait_js(&c, "return !!navigator.serviceWorker.controller;", 60).await?;
    let week1 = shown_week(&c).await?;
    assert_eq!(week1.len(), 10, "{week1}");
    let manifest = js(
        &c,
        "return fetch('manifest.webmanifest').then(r => r.json());",
    )
    .await?;
    assert_eq!(manifest["display"], "standalone");
    assert!(manifest["icons"]
        .as_array()
        .is_some_and(|i| i.iter().any(|x| x["purpose"] == "maskable")));

    // Offline: the server is gone. Reload, deep links, search, recommendations, refine.
    server.stop().await;
    open(&c, &format!("{base}?like=tt4574334")).await?;
    wait_results(&c, 15).await?;
    pick_by_keyboard(&c, "the crwn", "The Crown").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 2;",
        10,
    )
    .await?;
    let (by, text) = refine(&c, "funnier, no horror").await?;
    assert_eq!(by, "on-device", "{text}");
    assert!(text.contains("cannot be reached"), "{text}");
    assert!(!refined_genres(&c).await?.is_empty());
    screenshot(&c, "pwa-offline-discover").await?;
    open(&c, &format!("{base}trends")).await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart canvas').length;",
        20,
    )
    .await?;
    open(&c, &format!("{base}title/tt4574334")).await?;
    assert!(wait_text(&c, "main h1", 10)
        .await?
        .contains("Stranger Things"));
    assert!(
        page_errors(&c).await?.is_empty(),
        "{:?}",
        page_errors(&c).await?
    );

    // Back online with next week's data: the page offers it, and reloading shows it.
    deploy_week(site.path(), "2099-12-27", false)?;
    let server = StaticSite::restart(addr, site.path(), SUBPATH).await?;
    open(&c, &base).await?;
    wait_js(&c, "return !!window.__pwa.reg;", 10).await?;
    js(
        &c,
        "window.__pwa.reg.update().catch(() => {}); return true;",
    )
    .await?;
    let banner = wait_text(&c, "#update-banner", 60).await?;
    assert!(
        banner.contains("New data through week 2099-12-27"),
        "{banner}"
    );
    screenshot(&c, "pwa-update-offer").await?;
    c.find(Locator::Css("#update-reload"))
        .await?
        .click()
        .await?;
    wait_js(&c, "return document.querySelector('#summary') && document.querySelector('#summary').textContent.includes('2099-12-27');", 30).await?;

    // A corrupt deploy: the new worker fails its check and the app keeps the good data.
    deploy_week(site.path(), "2100-01-03", true)?;
    open(&c, &base).await?;
    wait_js(&c, "return !!window.__pwa.reg;", 10).await?;
    js(
        &c,
        "window.__pwa.reg.update().catch(() => {}); return true;",
    )
    .await?;
    wait_js(&c, "return window.__pwa.update === 'failed';", 60).await?;
    assert!(
        js(&c, "return !document.querySelector('#update-banner');")
            .await?
            .as_bool()
            == Some(true)
    );
    open(&c, &format!("{base}?like=tt4574334")).await?;
    assert_eq!(shown_week(&c).await?, "2099-12-27");
    wait_results(&c, 15).await?;
    // An unclosed session outlives chromedriver as an orphaned Chromium.
    c.close().await?;
    server.stop().await;
    Ok(())
}

/// Issue 18's newcomer flows: the Discover state survives a title page and a reload,
/// "Recommend titles like this" adds to the profile and says so, and the pages speak
/// plainly (no engine timings, hour units, country names, metric names).
#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn newcomer_flows_keep_the_profile_and_speak_plainly() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    wait_results(&c, 10).await?;
    let pitch = wait_text(&c, "#pitch", 5).await?;
    assert!(pitch.contains("Netflix"), "{pitch}");
    assert!(pitch.contains("Not affiliated with Netflix"), "{pitch}");
    let timing = wait_text(&c, "#timing", 5).await?;
    assert!(
        timing.ends_with("results") && !timing.contains("ms"),
        "{timing}"
    );
    // Country names, not codes; no "XX" placeholder.
    let countries = strings(
        &c,
        "return Array.from(document.querySelectorAll('#f-country option')).slice(1).map(o => o.textContent);",
    )
    .await?;
    assert!(countries.len() > 20, "{countries:?}");
    let coded: Vec<&String> = countries
        .iter()
        .filter(|l| {
            let name = l.split(" (").next().unwrap_or("");
            name.len() == 2 && name.chars().all(|ch| ch.is_ascii_uppercase())
        })
        .collect();
    assert!(coded.is_empty(), "codes shown as names: {coded:?}");
    assert!(
        countries.iter().any(|l| l.starts_with("South Korea")),
        "{countries:?}"
    );

    // A two-title profile and a filter, then a title page.
    pick_by_keyboard(&c, "stranger things", "Stranger Things").await?;
    pick_by_keyboard(&c, "the crwn", "The Crown").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 2;",
        5,
    )
    .await?;
    c.find(Locator::Css("#f-kind option[value='show']"))
        .await?
        .click()
        .await?;
    wait_js(&c, "return location.search.includes('kind=show');", 5).await?;
    let search = js(&c, "return location.search;").await?;
    let search = search.as_str().context("no search")?.to_owned();
    let first = result_ids(&c).await?;
    let first = first.first().context("no results")?.clone();
    c.find(Locator::Css("#results li.card h3 a"))
        .await?
        .click()
        .await?;
    wait_text(&c, "#title-h", 10).await?;
    assert!(
        js(&c, "return decodeURIComponent(location.pathname);")
            .await?
            .as_str()
            .is_some_and(|p| p.ends_with(&format!("/title/{first}"))),
        "the card title links to its page"
    );
    // "← Discover" goes back to the same profile and filters, not to a bare page.
    let back = js(
        &c,
        "return document.querySelector('#back-discover').getAttribute('href');",
    )
    .await?;
    assert!(
        back.as_str().is_some_and(|h| h.ends_with(&search)),
        "back link {back} should keep {search}"
    );
    // "Recommend titles like this" adds to the profile and says so.
    let like = wait_text(&c, "#like-this", 5).await?;
    assert!(like.contains("with 2 other titles"), "{like}");
    c.find(Locator::Css("#like-this")).await?.click().await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 3;",
        10,
    )
    .await?;
    assert!(
        js(&c, "return location.search.includes('kind=show');")
            .await?
            .as_bool()
            .unwrap_or(false),
        "the filters came back too"
    );

    // A later visit to the bare address restores the profile from this device.
    open(&c, &format!("http://{addr}/")).await?;
    wait_js(
        &c,
        "return document.querySelectorAll('#profile .pname').length === 3;",
        10,
    )
    .await?;
    // "Clear profile" clears it for good.
    c.find(Locator::XPath(
        "//button[normalize-space()='Clear profile']",
    ))
    .await?
    .click()
    .await?;
    wait_text(&c, "#profile-empty", 5).await?;
    open(&c, &format!("http://{addr}/")).await?;
    wait_results(&c, 10).await?;
    wait_text(&c, "#profile-empty", 5).await?;

    // Units and metric names in words.
    c.goto(&format!("http://{addr}/trends")).await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.rank-list li').length >= 10;",
        15,
    )
    .await?;
    let figures = strings(
        &c,
        "return Array.from(document.querySelectorAll('.rl-num')).map(e => e.textContent);",
    )
    .await?;
    assert!(figures.iter().any(|f| f.contains(" hours")), "{figures:?}");
    assert!(!figures.iter().any(|f| f.contains("Mh")), "{figures:?}");
    // Most watched per half-year (engagement reports): films and series, a chooser, and
    // the top title's page shows its half-year history.
    wait_js(
        &c,
        "return document.querySelectorAll('#most-watched li').length >= 20;",
        15,
    )
    .await?;
    let latest = strings(
        &c,
        "return Array.from(document.querySelectorAll('#most-watched li a')).map(a => a.textContent);",
    )
    .await?;
    let periods = strings(
        &c,
        "return Array.from(document.querySelectorAll('#watched-period option')).map(o => o.textContent);",
    )
    .await?;
    assert!(periods.len() >= 5, "{periods:?}");
    assert!(
        periods[0].starts_with("Jan–Jun") || periods[0].starts_with("Jul–Dec"),
        "{periods:?}"
    );
    c.find(Locator::Css("#watched-period option:last-child"))
        .await?
        .click()
        .await?;
    wait_js(
        &c,
        &format!(
            "return Array.from(document.querySelectorAll('#most-watched li a')).map(a => a.textContent).join('|') !== {};",
            serde_json::to_string(&latest.join("|"))?
        ),
        5,
    )
    .await?;
    c.find(Locator::Css("#most-watched li a"))
        .await?
        .click()
        .await?;
    let eng = wait_text(&c, "#engagement-summary", 10).await?;
    assert!(eng.contains("hours viewed over"), "{eng}");
    wait_js(
        &c,
        "return document.querySelector('#eng-h').parentElement.querySelectorAll('canvas').length >= 1;",
        10,
    )
    .await?;
    c.goto(&format!("http://{addr}/data")).await?;
    wait_text(&c, "#data-summary", 10).await?;
    let headings = strings(
        &c,
        "return Array.from(document.querySelectorAll('h3')).map(e => e.textContent);",
    )
    .await?;
    assert!(
        headings.iter().any(|h| h.starts_with("Shares a genre")),
        "{headings:?}"
    );
    assert!(
        !headings.iter().any(|h| h == "map@10" || h == "ils"),
        "{headings:?}"
    );
    // How many recent hits can seed recommendations, and the TMDB credit.
    let fresh = wait_text(&c, "#freshness", 5).await?;
    assert!(fresh.contains("can seed recommendations"), "{fresh}");
    let credits = wait_text(&c, "#credits", 5).await?;
    assert!(
        credits
            .contains("This product uses the TMDB API but is not endorsed or certified by TMDB."),
        "{credits}"
    );
    assert!(page_errors(&c).await?.is_empty());
    Ok(())
}

/// A Chrome DevTools Protocol command sent through chromedriver's `goog/cdp/execute`
/// endpoint (fantoccini has no CDP call of its own).
#[derive(Debug)]
struct Cdp {
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

/// Sends one DevTools command to the page the session drives.
async fn cdp(c: &Client, cmd: &'static str, params: Value) -> anyhow::Result<Value> {
    c.issue_cmd(Cdp { cmd, params })
        .await
        .with_context(|| format!("DevTools {cmd}"))
}

/// Limits the page's network to `mbit` Mbit/s down and up, with `latency_ms` round trips.
async fn throttle(c: &Client, mbit: f64, latency_ms: f64) -> anyhow::Result<()> {
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
async fn cold_first_results(
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
fn served_bundle() -> anyhow::Result<engine::Bundle> {
    let dir = workspace_root().join("dist/public");
    Ok(engine::Bundle::decode_with_details(
        &std::fs::read(dir.join("bundle.bin"))?,
        &std::fs::read(dir.join("details.bin"))?,
    )?)
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn first_paint_is_static_and_the_app_replaces_it() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 900).await?;
    // With the wasm blocked, the page must still say what it is and that it is loading.
    cdp(&c, "Network.enable", json!({})).await?;
    cdp(&c, "Network.setBlockedURLs", json!({"urls": ["*.wasm"]})).await?;
    c.goto(&format!("http://{addr}/?like=tt4574334")).await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let shown = js(
        &c,
        "return [document.querySelector('header.top .brand')?.textContent, document.querySelector('#boot-pitch')?.innerText, !!document.querySelector('#boot-status progress'), document.querySelectorAll('.cards.skeleton li').length, document.querySelector('#boot-text')?.textContent];",
    )
    .await?;
    println!("static first paint: {shown}");
    assert_eq!(shown[0], json!("What to watch next"), "{shown}");
    assert!(
        shown[1]
            .as_str()
            .is_some_and(|p| p.contains("Not affiliated with Netflix")),
        "{shown}"
    );
    assert_eq!(shown[2], json!(true), "a progress bar: {shown}");
    assert!(shown[3].as_u64().is_some_and(|n| n >= 3), "{shown}");
    screenshot(&c, "first-paint-no-wasm").await?;
    c.close().await?;

    // With the wasm, the app takes over: one header, no skeleton left behind.
    let c = driver.browser(1280, 900).await?;
    open(&c, &format!("http://{addr}/?like=tt4574334")).await?;
    wait_results(&c, 30).await?;
    let after = js(
        &c,
        "return [document.querySelectorAll('header.top').length, !!document.querySelector('#boot'), document.querySelectorAll('.cards.skeleton').length];",
    )
    .await?;
    assert_eq!(
        after,
        json!([1, false, 0]),
        "app mounted over the static page"
    );
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn cards_link_out_and_explain_in_a_viewers_words() -> anyhow::Result<()> {
    let bundle = served_bundle()?;
    let cat = &bundle.body.catalog;
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    assert_eq!(
        js(&c, "return document.title;").await?,
        json!("Discover · What to watch next")
    );
    assert_eq!(
        js(&c, "return document.querySelector('details.filters').open;").await?,
        json!(true),
        "filters sit open on a wide screen"
    );
    pick_by_keyboard(&c, "breaking bad", "Breaking Bad").await?;
    wait_results(&c, 10).await?;
    // Synopses arrive with the details file (titles known only from Netflix's reports and
    // TMDB genres have no description, so not every card gets one).
    wait_js(
        &c,
        "return document.querySelectorAll('#results li.card .synopsis').length >= 1;",
        30,
    )
    .await?;
    screenshot(&c, "discover-cards").await?;
    let cards = js(
        &c,
        "return Array.from(document.querySelectorAll('#results li.card')).map(e => ({id: e.dataset.id, title: e.querySelector('h3 a').textContent, deco: getComputedStyle(e.querySelector('h3 a')).textDecorationLine, netflix: e.querySelector('a.netflix')?.href, trailer: e.querySelector('a.trailer')?.href || null, synopsis: e.querySelector('.synopsis')?.textContent || '', poster: !!e.querySelector('.poster'), imgs: e.querySelectorAll('img').length, chips: Array.from(e.querySelectorAll('.chip')).map(c => c.textContent)}));",
    )
    .await?;
    let cards = cards.as_array().context("cards")?;
    assert!(cards.len() >= 6);
    let mut themes = 0;
    for card in cards {
        let title = card["title"].as_str().unwrap_or_default();
        assert!(
            card["deco"]
                .as_str()
                .is_some_and(|d| d.contains("underline")),
            "{card}"
        );
        let netflix = card["netflix"].as_str().unwrap_or_default();
        assert!(
            netflix.starts_with("https://www.netflix.com/search?q="),
            "{card}"
        );
        if let Some(t) = card["trailer"].as_str() {
            assert!(t.starts_with("https://www.youtube.com/watch?v="), "{card}");
        }
        // A drawn placeholder, never a (possibly broken, blocking) network image.
        assert_eq!(card["poster"], json!(true), "{card}");
        assert_eq!(card["imgs"], json!(0), "{card}");
        let id = card["id"].as_str().unwrap_or_default();
        let desc = cat
            .index_of(id)
            .and_then(|i| cat.titles.get(i))
            .map(|t| t.description.clone())
            .unwrap_or_default();
        assert_eq!(
            card["synopsis"].as_str().unwrap_or_default().is_empty(),
            desc.is_empty(),
            "a synopsis exactly where the title has a description: {card}"
        );
        let words: Vec<&str> = desc
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let chips: Vec<String> = serde_json::from_value(card["chips"].clone())?;
        assert!(!chips.is_empty(), "{title} explains nothing");
        for chip in &chips {
            assert!(
                chip.starts_with("Because you liked Breaking Bad: "),
                "chip names its liked title: {chip}"
            );
            assert!(!chip.contains("themes:"), "{chip}");
            if let Some((_, about)) = chip.split_once("also about ") {
                let about = about.split(';').next().unwrap_or_default();
                for w in about.split(", ") {
                    themes += 1;
                    assert!(
                        words.contains(&w),
                        "{w:?} is not a word of {title}'s description as written"
                    );
                    assert!(
                        !["walter", "white", "lives", "means"].contains(&w),
                        "{chip}"
                    );
                }
            }
        }
    }
    println!(
        "{} cards, {themes} theme words, all as written",
        cards.len()
    );
    let trailers = cards.iter().filter(|c| !c["trailer"].is_null()).count();
    println!("{trailers} cards with a trailer link");

    // The tab title follows the page.
    let first = cards[0]["title"].as_str().unwrap_or_default().to_owned();
    c.find(Locator::Css("#results li.card h3 a"))
        .await?
        .click()
        .await?;
    wait_text(&c, "#title-h", 10).await?;
    wait_js(
        &c,
        &format!(
            "return document.title === {};",
            json!(format!("{first} · What to watch next"))
        ),
        5,
    )
    .await?;
    for (path, want) in [
        ("/trends", "Trends · What to watch next"),
        ("/data", "Model & data · What to watch next"),
    ] {
        open(&c, &format!("http://{addr}{path}")).await?;
        wait_js(
            &c,
            &format!("return document.title === {};", json!(want)),
            10,
        )
        .await?;
    }
    // A trailer link wherever a video is known: liking titles with trailers brings others.
    let with_trailer = |i: usize| {
        bundle
            .body
            .trends
            .trailers
            .iter()
            .any(|t| t.title as usize == i)
    };
    let mut seen_links = 0;
    for t in bundle.body.trends.trailers.iter().take(8) {
        let Some(liked) = cat.titles.get(t.title as usize).filter(|t| !t.trend_only) else {
            continue;
        };
        open(&c, &format!("http://{addr}/?like={}&k=48", liked.id)).await?;
        wait_results(&c, 10).await?;
        let links = strings(
            &c,
            "return Array.from(document.querySelectorAll('#results a.trailer')).map(a => a.href);",
        )
        .await?;
        let known = result_ids(&c)
            .await?
            .iter()
            .filter(|id| cat.index_of(id).is_some_and(with_trailer))
            .count();
        assert_eq!(
            links.len(),
            known,
            "one trailer link per title with a video"
        );
        seen_links += links.len();
    }
    println!("{seen_links} trailer links checked");
    assert!(seen_links > 0, "no result had a trailer to link");
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn trend_charts_join_weeks_and_dot_short_runs() -> anyhow::Result<()> {
    let bundle = served_bundle()?;
    let cat = &bundle.body.catalog;
    let trends = &bundle.body.trends;
    // A title with a single chart week, and one whose run has weeks out of the Top 10.
    let mut weeks: std::collections::HashMap<u32, Vec<u16>> = Default::default();
    for e in &trends.global {
        weeks.entry(e.title).or_default().push(e.week);
    }
    for w in weeks.values_mut() {
        w.sort_unstable();
        w.dedup();
    }
    let one = weeks
        .iter()
        .filter(|(_, w)| w.len() == 1)
        .map(|(&t, _)| t)
        .min()
        .context("no one-week title")?;
    let gappy = weeks
        .iter()
        .filter(|(_, w)| w.len() >= 4 && w.windows(2).any(|p| p[1] - p[0] > 1))
        .map(|(&t, _)| t)
        .min()
        .context("no title with a gap")?;
    let id = |t: u32| cat.titles[t as usize].id.clone();
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    let series = "return Array.from(document.querySelectorAll('.chart [_echarts_instance_]')).map(el => { const o = echarts.getInstanceByDom(el).getOption(); return {y: (o.yAxis || []).map(a => a.name), inverse: (o.yAxis || []).some(a => a.inverse), series: o.series.map(s => ({type: s.type, connectNulls: !!s.connectNulls, points: (s.data || []).filter(v => v !== '-' && v !== null).length}))}; });";
    open(
        &c,
        &format!("http://{addr}/trends?t={},{}", id(gappy), id(one)),
    )
    .await?;
    let charts = wait_js(
        &c,
        "return document.querySelectorAll('.chart [_echarts_instance_]').length >= 2 && window.echarts;",
        30,
    )
    .await
    .and(Ok(()));
    charts?;
    let all = js(&c, series).await?;
    println!("trends charts: {all}");
    let rank = all
        .as_array()
        .and_then(|a| a.iter().find(|c| c["inverse"] == json!(true)))
        .context("no rank chart")?;
    assert_eq!(rank["y"], json!(["rank (1 = top)"]), "{rank}");
    let s = rank["series"].as_array().context("series")?;
    assert_eq!(s.len(), 2, "{rank}");
    assert_eq!(s[0]["type"], json!("line"), "{rank}");
    assert_eq!(s[0]["connectNulls"], json!(true), "gaps joined: {rank}");
    assert_eq!(s[1]["type"], json!("scatter"), "one week is a dot: {rank}");
    for chart in all.as_array().into_iter().flatten() {
        for name in chart["y"].as_array().into_iter().flatten() {
            assert!(
                !["hours", "rank"].contains(&name.as_str().unwrap_or_default()),
                "units spelled out: {chart}"
            );
        }
    }
    js(
        &c,
        "document.querySelectorAll('.chart')[1].scrollIntoView({block: 'center'}); return true;",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    screenshot(&c, "trends-short-and-gappy").await?;
    // The title page of the one-week title: a dot, not a line.
    open(&c, &format!("http://{addr}/title/{}", id(one))).await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart [_echarts_instance_]').length >= 2;",
        30,
    )
    .await?;
    let all = js(&c, series).await?;
    let rank = all
        .as_array()
        .and_then(|a| a.iter().find(|c| c["inverse"] == json!(true)))
        .context("no rank chart on the title page")?;
    assert!(
        rank["series"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["type"] == json!("scatter")),
        "{rank}"
    );
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}

/// A hand-written `NetflixViewingHistory.csv`: 11 rows, of which one has an empty title and
/// one repeats an earlier row (2 skipped), one names nothing in the catalog, and 8 are
/// episodes or films of four catalog titles.
const HISTORY_CSV: &str = "Title,Date\r
\"Stranger Things: Season 1: Chapter One: The Vanishing of Will Byers\",\"3/1/24\"\r
\"Stranger Things: Season 1: Chapter Two: The Weirdo on Maple Street\",\"3/1/24\"\r
\"Stranger Things: Season 1: Chapter Three: Holly, Jolly\",\"3/1/24\"\r
\"The Crown: Season 1: Wolferton Splash\",\"3/5/24\"\r
\"The Crown: Season 1: Hyde Park Corner\",\"3/6/24\"\r
\"Narcos: Season 1: Descenso\",\"4/2/24\"\r
\"Narcos: Season 1: The Sword of Simón Bolívar\",\"4/3/24\"\r
\"Bird Box\",\"4/10/24\"\r
\"Qwxz Nonexistent Programme Zzyzx\",\"4/11/24\"\r
\" \",\"4/12/24\"\r
\"Narcos: Season 1: Descenso\",\"4/2/24\"\r
";

/// The import summary's counts (`data-*` of `#history-summary`), once it shows.
async fn history_summary(c: &Client) -> anyhow::Result<Value> {
    wait_js(
        c,
        "const s = document.querySelector('#history-summary'); return s && {rows: +s.dataset.rows, matched: +s.dataset.matched, titles: +s.dataset.titles, unmatched: +s.dataset.unmatched, skipped: +s.dataset.skipped, rate: +s.dataset.rate, name: s.querySelector('strong').textContent};",
        30,
    )
    .await
}

/// Chooses `path` in the history file input and waits until results from it are shown.
async fn upload_history(c: &Client, path: &Path) -> anyhow::Result<f64> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("file name")?
        .to_owned();
    js(c, "delete window.__historyResultsMs;").await?;
    let input = c.find(Locator::Css("#history-file")).await?;
    input.send_keys(&path.display().to_string()).await?;
    wait_js(
        c,
        &format!("const s = document.querySelector('#history-summary strong'); return s && s.textContent === {name:?};"),
        60,
    )
    .await?;
    let ms = wait_js(c, "return window.__historyResultsMs;", 60).await?;
    ms.as_f64().context("__historyResultsMs is not a number")
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn viewing_history_import_recommends_privately_and_forgets() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    wait_results(&c, 30).await?;
    let search_before = js(&c, "return location.search;").await?;
    let privacy = js(
        &c,
        "return document.querySelector('#history-privacy').textContent;",
    )
    .await?;
    assert!(
        privacy
            .as_str()
            .is_some_and(|s| s.contains("never uploaded")),
        "privacy sentence: {privacy}"
    );

    let dir = tempfile::tempdir()?;
    let file = dir.path().join("NetflixViewingHistory.csv");
    std::fs::write(&file, HISTORY_CSV)?;
    // Remembered on this device only because the viewer ticks it.
    c.find(Locator::Css("#history-remember"))
        .await?
        .click()
        .await?;
    upload_history(&c, &file).await?;
    let s = history_summary(&c).await?;
    println!("hand-written history: {s}");
    assert_eq!(
        (
            &s["rows"],
            &s["matched"],
            &s["titles"],
            &s["unmatched"],
            &s["skipped"]
        ),
        (&json!(11), &json!(8), &json!(4), &json!(1), &json!(2)),
        "summary {s}"
    );
    // Opened by keyboard: the suggestions are searched only then.
    let summary = c.find(Locator::Css("#history-unmatched summary")).await?;
    summary.send_keys(" ").await?;
    let unmatched = wait_js(
        &c,
        "return document.querySelector('#history-unmatched li') && document.querySelector('#history-unmatched').textContent;",
        10,
    )
    .await?;
    assert!(
        unmatched
            .as_str()
            .is_some_and(|t| t.contains("Qwxz Nonexistent")),
        "unmatched list: {unmatched}"
    );
    let watched = ["Stranger Things", "The Crown", "Narcos", "Bird Box"];
    let cards = strings(
        &c,
        "return Array.from(document.querySelectorAll('#results li.card h3')).map(e => e.textContent);",
    )
    .await?;
    assert!(!cards.is_empty(), "no results from the history");
    for w in watched {
        assert!(
            !cards.iter().any(|t| t == w),
            "watched {w} among results {cards:?}"
        );
    }
    let because = strings(
        &c,
        "return Array.from(document.querySelectorAll('#results li.card')).map(e => (e.querySelector('.because') || {}).textContent || '');",
    )
    .await?;
    assert!(
        because.iter().all(|b| b.starts_with("Because you watched ")
            && watched.iter().any(|w| b.contains(w))),
        "explanations: {because:?}"
    );
    // The share link (URL state) carries nothing of the history.
    assert_eq!(js(&c, "return location.search;").await?, search_before);

    // Your Netflix, reached from the header link; its charts render.
    c.find(Locator::Css("#nav-you")).await?.click().await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.chart canvas').length >= 2;",
        30,
    )
    .await?;
    let figures = js(
        &c,
        "return document.querySelector('#you-figures').textContent;",
    )
    .await?;
    assert!(
        figures
            .as_str()
            .is_some_and(|t| t.contains("4 titles") && t.contains("7 episodes")),
        "figures: {figures}"
    );
    let binges = strings(
        &c,
        "return Array.from(document.querySelectorAll('#you-binges li')).map(e => e.textContent);",
    )
    .await?;
    assert_eq!(
        binges,
        vec!["2024-03-01: Stranger Things, 3 episodes".to_string()]
    );
    assert!(
        page_errors(&c).await?.is_empty(),
        "{:?}",
        page_errors(&c).await?
    );
    screenshot(&c, "history-you").await?;

    // Remembered: a reload reads it again. Forgotten: a reload restores nothing.
    open(&c, &format!("http://{addr}/")).await?;
    history_summary(&c).await?;
    c.find(Locator::Css("#history-forget"))
        .await?
        .click()
        .await?;
    open(&c, &format!("http://{addr}/")).await?;
    wait_results(&c, 30).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let left = js(
        &c,
        "return [!!document.querySelector('#history-summary'), !!document.querySelector('#nav-you'), !!document.querySelector('#history-forget'), Object.keys(localStorage).filter(k => k.startsWith('wtw.history')), document.querySelector('#history-remember').checked];",
    )
    .await?;
    assert_eq!(
        left,
        json!([false, false, false, [], false]),
        "after forget"
    );

    // A real export, read in place: its match rate, and file chosen → first results.
    // The snapshot as the builder finds it ($WTW_DATA, else beside the checkout); the
    // browser wants a canonical path.
    let snapshot = std::env::var_os("WTW_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/data"));
    let real = snapshot.join("viewing_histories/history-11.csv");
    if let Ok(real) = std::fs::canonicalize(&real) {
        let warm_before = js(&c, "return window.__historyResolverMs !== undefined;").await?;
        let ms = upload_history(&c, &real).await?;
        let s = history_summary(&c).await?;
        let phases = js(
            &c,
            "return {resolver_build: window.__historyResolverMs, read_and_resolve: window.__historyReadMs, summary_and_profile: window.__historySummaryMs};",
        )
        .await?;
        println!("real export phases (ms): {phases}; resolver built before the file was chosen: {warm_before}");
        println!(
            "real export history-11.csv: {} rows, {} matched ({:.1}%), {} titles; file chosen → first results {ms:.0} ms",
            s["rows"], s["matched"], 100.0 * s["rate"].as_f64().unwrap_or(0.0), s["titles"]
        );
        assert!(
            s["rate"].as_f64().is_some_and(|r| r > 0.5),
            "match rate {s}"
        );
        wait_results(&c, 10).await?;
    } else {
        println!("no snapshot at {}: real export skipped", real.display());
    }
    c.close().await?;

    // Phone width: the Your Netflix page does not scroll sideways.
    let phone = driver.browser(360, 800).await?;
    open(&phone, &format!("http://{addr}/")).await?;
    upload_history(&phone, &file).await?;
    phone.find(Locator::Css("#nav-you")).await?.click().await?;
    wait_js(
        &phone,
        "return document.querySelectorAll('.chart canvas').length >= 2;",
        30,
    )
    .await?;
    let over = js(
        &phone,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await?;
    assert_eq!(over, json!(0), "/you scrolls sideways at 360 px");
    screenshot(&phone, "phone-you").await?;
    phone.close().await?;
    Ok(())
}
