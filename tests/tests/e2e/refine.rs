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

/// Production countries of the titles with these ids, from the served bundle.
fn countries_of(bundle: &engine::Bundle, ids: &[String]) -> Vec<Vec<String>> {
    let cat = &bundle.body.catalog;
    ids.iter()
        .map(|id| {
            cat.index_of(id)
                .map(|i| {
                    cat.titles[i]
                        .countries
                        .iter()
                        .map(|&c| cat.countries[c as usize].clone())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn refine_replaces_the_list_keeps_it_in_the_url_and_says_what_matched_nothing(
) -> anyhow::Result<()> {
    let dist = workspace_root().join("dist");
    let bundle = served_bundle()?;
    let driver = Driver::start().await?;
    let site = serve(&dist).await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{site}/?like=tt4574334")).await?;
    wait_results(&c, 10).await?;
    let before = result_ids(&c).await?;

    // Enter submits; the refined list takes the place of the engine's list.
    let field = c.find(Locator::Css("#refine-text")).await?;
    field
        .send_keys(&format!(
            "something lighter, no horror, Korean{}",
            char::from(Key::Enter)
        ))
        .await?;
    wait_js(
        &c,
        "return document.querySelector('#refine-results #results li.card');",
        15,
    )
    .await?;
    let by = wait_text(&c, "#refine-by", 5).await?;
    assert!(by.contains("on this device"), "{by}");
    assert_eq!(
        js(&c, "return document.querySelectorAll('ol.cards').length;").await?,
        json!(1),
        "one list on screen, not a second one below"
    );
    let refined = result_ids(&c).await?;
    assert!(!refined.is_empty());
    assert_ne!(refined, before);
    let countries = countries_of(&bundle, &refined);
    assert!(
        countries.iter().all(|cs| cs.iter().any(|c| c == "KR")),
        "every pick is Korean: {countries:?}"
    );

    // The share URL carries it; opening it again re-applies it on device.
    let url = js(&c, "return location.href;").await?;
    let url = url.as_str().unwrap_or_default().to_string();
    assert!(url.contains("refine=something"), "{url}");
    c.refresh().await?;
    wait_js(
        &c,
        "return document.querySelector('#refine-results #results li.card');",
        30,
    )
    .await?;
    assert_eq!(result_ids(&c).await?, refined, "the link restores the list");
    let by = wait_text(&c, "#refine-by", 5).await?;
    assert!(by.contains("came with the link"), "{by}");
    let value = js(&c, "return document.querySelector('#refine-text').value;").await?;
    assert_eq!(value, json!("something lighter, no horror, Korean"));
    screenshot(&c, "refine-replaces-list").await?;

    // "Show the engine's list" goes back to it.
    c.find(Locator::Css("#refine-clear")).await?.click().await?;
    wait_js(&c, "return !document.querySelector('#refine-results') && document.querySelectorAll('#results li.card').length;", 10).await?;
    assert_eq!(result_ids(&c).await?, before);

    // A constraint nothing in the catalog meets under the filters is said plainly; the
    // rest still applies.
    open(&c, &format!("http://{site}/?like=tt4574334&from=2021")).await?;
    wait_results(&c, 10).await?;
    let (by, text) = refine(&c, "Korean, from the nineties").await?;
    assert_eq!(by, "on-device", "{text}");
    let unmatched = wait_text(&c, "#refine-unmatched", 5).await?;
    assert!(
        unmatched.contains("No titles released 1990–1999"),
        "{unmatched}"
    );
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}
