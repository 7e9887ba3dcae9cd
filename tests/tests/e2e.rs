//! Browser tests against the release build in `dist/`. Run by `make test`, which builds the
//! site and installs Chromium first; plain `cargo test` skips them (they are `#[ignore]`d).

use std::time::Duration;

use fantoccini::Locator;
use tests::{screenshot, serve, wait_text, workspace_root, Driver};

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn loads_catalog_and_searches_as_you_type() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 900).await?;
    c.goto(&format!("http://{addr}/")).await?;
    let summary = wait_text(&c, "#summary", 30).await?;
    assert!(
        summary.contains("titles, data through week 2026-07-19"),
        "{summary}"
    );
    let count: usize = summary.split_whitespace().next().unwrap_or("0").parse()?;
    assert!(count > 5_000, "{summary}");
    let q = c.find(Locator::Css("#q")).await?;
    q.send_keys("stranger thi").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hits = wait_text(&c, "#hits", 10).await?;
    assert!(hits.contains("Stranger Things"), "hits were: {hits}");
    screenshot(&c, "skeleton-search").await?;
    c.close().await?;
    Ok(())
}
