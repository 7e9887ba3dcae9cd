//! The installed PWA: offline, under a sub-path, and safe updates.

use crate::support::*;

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

/// The release site built with `--public-url /wtw/` (make test builds it).
const SUBPATH: &str = "/wtw/";
