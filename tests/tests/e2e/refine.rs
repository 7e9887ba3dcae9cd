//! The Refine box: the LLM through the proxy, and the on-device fallback.

use crate::support::*;

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
