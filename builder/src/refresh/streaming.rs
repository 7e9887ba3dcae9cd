//! Streaming Availability API v4: `/shows/search/filters?catalogs=netflix&country=..`,
//! cursor-paged (`hasMore`, `nextCursor`).

use anyhow::bail;
use serde::Deserialize;

use super::http::{percent_encode as encode, Http};
use super::RefreshConfig;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    shows: Vec<serde_json::Value>,
    has_more: bool,
    #[serde(default)]
    next_cursor: Option<String>,
}

/// Fetches every page (up to the configured limit) and returns the raw show objects.
pub fn fetch(
    http: &Http,
    cfg: &RefreshConfig,
    key: &str,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let base = cfg.sa_base.trim_end_matches('/');
    let host = base
        .split("://")
        .nth(1)
        .and_then(|h| h.split('/').next())
        .unwrap_or("");
    let headers = [("X-RapidAPI-Key", key), ("X-RapidAPI-Host", host)];
    let mut shows = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 1..=cfg.sa_max_pages {
        let mut url = format!(
            "{base}/shows/search/filters?country={}&catalogs=netflix&series_granularity=show&order_by=original_title",
            encode(&cfg.sa_country)
        );
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={}", encode(c)));
        }
        let p: Page = http.get_json(&url, &headers)?;
        tracing::debug!(page, shows = p.shows.len(), "streaming availability page");
        shows.extend(p.shows);
        if !p.has_more {
            return Ok(shows);
        }
        match p.next_cursor {
            Some(c) if !c.is_empty() && Some(&c) != cursor.as_ref() => cursor = Some(c),
            _ => bail!(
                "streaming availability: page {page} says hasMore but gives no new nextCursor"
            ),
        }
    }
    tracing::warn!(
        pages = cfg.sa_max_pages,
        "streaming availability: page limit reached"
    );
    Ok(shows)
}
