//! YouTube Data API v3: channels.list → uploads playlist → playlistItems.list pages →
//! videos.list in batches of 50.

use anyhow::Context;
use serde::Deserialize;

use super::http::Http;
use super::merge::StatsRow;
use super::RefreshConfig;

#[derive(Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
    #[serde(default, rename = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Channel {
    content_details: ChannelDetails,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelDetails {
    related_playlists: Playlists,
}
#[derive(Deserialize)]
struct Playlists {
    uploads: String,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaylistItem {
    content_details: ItemDetails,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemDetails {
    video_id: String,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Video {
    id: String,
    snippet: Snippet,
    #[serde(default)]
    statistics: Stats,
    content_details: VideoDetails,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snippet {
    title: String,
    published_at: String,
}
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Stats {
    #[serde(default)]
    view_count: Option<String>,
    #[serde(default)]
    like_count: Option<String>,
    #[serde(default)]
    comment_count: Option<String>,
}
#[derive(Deserialize)]
struct VideoDetails {
    duration: String,
}

/// Fetches statistics for the channel's uploads (up to the page limit), dated `today`.
pub fn fetch(
    http: &Http,
    cfg: &RefreshConfig,
    key: &str,
    today: &str,
) -> anyhow::Result<Vec<StatsRow>> {
    let base = cfg.yt_base.trim_end_matches('/');
    let ch: List<Channel> = http.get_json(
        &format!(
            "{base}/channels?part=contentDetails&id={}&key={key}",
            cfg.yt_channel
        ),
        &[],
    )?;
    let uploads = ch
        .items
        .into_iter()
        .next()
        .map(|c| c.content_details.related_playlists.uploads)
        .with_context(|| format!("youtube: channel {} not found", cfg.yt_channel))?;
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..cfg.yt_max_pages {
        let mut url = format!(
            "{base}/playlistItems?part=contentDetails&maxResults=50&playlistId={uploads}&key={key}"
        );
        if let Some(t) = &token {
            url.push_str(&format!("&pageToken={t}"));
        }
        let page: List<PlaylistItem> = http.get_json(&url, &[])?;
        ids.extend(page.items.into_iter().map(|i| i.content_details.video_id));
        match page.next_page_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    let mut rows = Vec::new();
    for batch in ids.chunks(50) {
        let url = format!(
            "{base}/videos?part=snippet,statistics,contentDetails&id={}&key={key}",
            batch.join(",")
        );
        let list: List<Video> = http.get_json(&url, &[])?;
        // Match by id, not position: deleted or private videos are simply missing.
        for v in list.items {
            rows.push([
                v.id,
                today.to_owned(),
                v.snippet.title,
                v.snippet.published_at,
                v.statistics.view_count.unwrap_or_else(|| "0".into()),
                v.statistics.like_count.unwrap_or_default(),
                v.statistics.comment_count.unwrap_or_default(),
                v.content_details.duration,
            ]);
        }
    }
    Ok(rows)
}
