//! The Title, Trends and data pages, the phone layout, and what cards show.

use crate::support::*;

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

#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn cards_show_tmdb_posters_and_keep_the_tile_when_they_fail() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/")).await?;
    // Cards in view load their poster at once and, offline, drop it at once: record every
    // poster img as it is added.
    js(
        &c,
        "window.__posters = [];
         new MutationObserver(ms => { for (const m of ms) for (const n of m.addedNodes) {
           if (n.nodeType !== 1) continue;
           for (const i of (n.matches('img') ? [n] : n.querySelectorAll('img'))) {
             const card = i.closest('#results li.card');
             if (card) window.__posters.push([card.dataset.id, card.dataset.kind].concat(
               ['src', 'loading', 'decoding', 'referrerpolicy', 'alt', 'width', 'height'].map(a => i.getAttribute(a))));
           }
         } }).observe(document.body, {childList: true, subtree: true});
         return true;",
    )
    .await?;
    // A TMDB film: film results, most matched to TMDB.
    pick_by_keyboard(&c, "red notice", "Red Notice").await?;
    wait_results(&c, 30).await?;
    // Posters come with the details file, after the first results.
    let seen = wait_js(
        &c,
        "return window.__posters.length && window.__posters;",
        30,
    )
    .await?;
    let seen: Vec<Vec<Option<String>>> = serde_json::from_value(seen)?;
    println!("poster imgs added: {}", seen.len());
    assert!(
        seen.iter().all(|p| p[1].as_deref() == Some("Movie")),
        "only films have posters: {seen:?}"
    );
    let id = seen[0][0].clone().context("card id")?;
    let a: Vec<String> = seen[0][2..]
        .iter()
        .map(|v| v.clone().unwrap_or_default())
        .collect();
    assert!(
        a[0].starts_with("https://image.tmdb.org/t/p/w185/") && a[0].ends_with(".jpg"),
        "{a:?}"
    );
    assert_eq!(
        &a[1..],
        ["lazy", "async", "no-referrer", "", "44", "64"],
        "{a:?}"
    );
    // No internet here: once the card is in view the image fails and is removed, leaving
    // the drawn tile, the same size, and no broken-image icon.
    js(
        &c,
        &format!("document.querySelector('#results li.card[data-id=\"{id}\"]').scrollIntoView({{block: 'center'}}); return true;"),
    )
    .await?;
    wait_js(
        &c,
        &format!(
            "return !document.querySelector('#results li.card[data-id=\"{id}\"] .poster img');"
        ),
        30,
    )
    .await
    .context("the failed poster is still in the card")?;
    let tile = js(
        &c,
        &format!(
            "const p = document.querySelector('#results li.card[data-id=\"{id}\"] .poster');
             const r = p.getBoundingClientRect();
             return [r.width, r.height, p.textContent.trim().length, getComputedStyle(p).display];"
        ),
    )
    .await?;
    assert_eq!(tile[0].as_f64(), Some(44.0), "{tile}");
    assert_eq!(tile[1].as_f64(), Some(64.0), "{tile}");
    assert_eq!(tile[2], json!(1), "the tile's initial shows: {tile}");
    assert_ne!(tile[3], json!("none"), "{tile}");
    let broken = js(
        &c,
        "return Array.from(document.querySelectorAll('#results img')).filter(i => i.complete && i.naturalWidth === 0 && i.getClientRects().length > 0).length;",
    )
    .await?;
    assert_eq!(broken, json!(0), "no broken image is visible");
    // A series has no TMDB film record: series results never get an img.
    c.find(Locator::XPath(
        "//button[normalize-space()='Clear profile']",
    ))
    .await?
    .click()
    .await?;
    wait_text(&c, "#profile-empty", 5).await?;
    pick_by_keyboard(&c, "stranger things", "Stranger Things").await?;
    let series = wait_js(
        &c,
        "const s = Array.from(document.querySelectorAll('#results li.card'));
         return s.length && s.every(e => e.dataset.kind === 'Series') && s.map(e => e.dataset.id);",
        30,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let series: Vec<String> = serde_json::from_value(series)?;
    let with_img = js(
        &c,
        "return [document.querySelectorAll('#results li.card img').length,
                 window.__posters.filter(p => p[1] !== 'Movie').length];",
    )
    .await?;
    assert_eq!(with_img, json!([0, 0]), "series cards {series:?}");
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}

/// A Title page lists its ten longest country runs with a "show all" button, and the
/// Trends lists name a season once ("Title: Season 1", not "Title · Title: Season 1").
#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn title_countries_fold_and_trend_lists_name_seasons_once() -> anyhow::Result<()> {
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    // Stranger Things charted in most countries of the snapshot's country lists.
    open(&c, &format!("http://{addr}/title/tt4574334")).await?;
    wait_text(&c, "#title-h", 30).await?;
    let rows = "return document.querySelectorAll('#country-runs tbody tr').length;";
    wait_js(&c, rows, 10).await?;
    assert_eq!(js(&c, rows).await?, json!(10));
    let all = wait_text(&c, "#countries-all", 5).await?;
    let total: usize = all
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .context("no count on the button")?;
    assert!(total > 10, "{all}");
    c.find(Locator::Css("#countries-all"))
        .await?
        .click()
        .await?;
    wait_js(
        &c,
        &format!("return document.querySelectorAll('#country-runs tbody tr').length === {total};"),
        5,
    )
    .await?;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#countries-all').getAttribute('aria-expanded');"
        )
        .await?,
        json!("true")
    );

    c.goto(&format!("http://{addr}/trends")).await?;
    wait_js(
        &c,
        "return document.querySelectorAll('.rank-list li').length >= 40;",
        15,
    )
    .await?;
    let names = strings(
        &c,
        "return Array.from(document.querySelectorAll('.rank-list .rl-main')).map(e => e.textContent);",
    )
    .await?;
    let repeated: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.contains(" · ")
                || n.split_once(": ")
                    .is_some_and(|(head, rest)| rest.starts_with(head))
        })
        .collect();
    assert!(repeated.is_empty(), "season said twice: {repeated:?}");
    assert!(
        names.iter().any(|n| n.contains(": Season ")),
        "the most-popular lists name seasons: {names:?}"
    );
    assert!(page_errors(&c).await?.is_empty());
    Ok(())
}

/// A sequel found through the franchise block says so on its card, naming the liked title
/// it continues ("Because you liked Enola Holmes: same series; …").
#[tokio::test]
#[ignore = "needs dist/ and chromedriver: run `make test`"]
async fn a_sequel_card_says_same_series() -> anyhow::Result<()> {
    let bundle = served_bundle()?;
    let cat = &bundle.body.catalog;
    let find = |name: &str| {
        cat.titles
            .iter()
            .find(|t| t.title == name && t.kind == engine::Kind::Movie)
            .map(|t| t.id.clone())
            .with_context(|| format!("{name} is not in the bundle"))
    };
    let original = find("Enola Holmes")?;
    let sequel = find("Enola Holmes 2")?;
    let addr = serve(&workspace_root().join("dist")).await?;
    let driver = Driver::start().await?;
    let c = driver.browser(1280, 1000).await?;
    open(&c, &format!("http://{addr}/?like={original}")).await?;
    wait_results(&c, 10).await?;
    let chips = js(
        &c,
        &format!(
            "const e = document.querySelector('#results li.card[data-id=\"{sequel}\"]'); \
             return e ? Array.from(e.querySelectorAll('.chip')).map(c => c.textContent) : null;"
        ),
    )
    .await?;
    let chips: Vec<String> = serde_json::from_value(chips).context("the sequel is listed")?;
    assert!(
        chips
            .iter()
            .any(|c| c.starts_with("Because you liked Enola Holmes: same series")),
        "{chips:?}"
    );
    assert!(page_errors(&c).await?.is_empty());
    c.close().await?;
    Ok(())
}
