//! Hostile titles and broken bundles: the app explains instead of failing.

use crate::support::*;

/// Copies `dist/` to a temporary directory, replacing the core bundle and the details file
/// with the given bytes (or removing them when `None`), without their precompressed
/// variants (which would serve the old bytes).
fn site_with_bundle(
    bundle: Option<&[u8]>,
    details: Option<&[u8]>,
) -> anyhow::Result<tempfile::TempDir> {
    let dir = copy_site(&workspace_root().join("dist"))?;
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
