//! `builder refresh` against local servers speaking the real wire formats: Netflix TSVs,
//! Streaming Availability v4 cursor pages, YouTube Data API v3 lists. A failing source
//! keeps its data and the others are still written (the Kaggle and engagement sources and
//! the exit status are tested in `refresh_sources.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use builder::datadirs::DataDirs;
use builder::refresh::{http::HttpConfig, RefreshConfig, Status};

const GLOBAL: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n";
const POPULAR: &str = "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days\nFilms (English)\t1\tKPop Demon Hunters\tN/A\t541800000\t1.6667\t325100000\n";

/// Which failure the fake server plays.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ok,
    TooManyThenOk,
    ServerError,
    MalformedJson,
    Stall,
}

struct Fake {
    mode: Mode,
    hits: AtomicUsize,
}

async fn global_tsv() -> String {
    format!("{GLOBAL}2026-07-26\tFilms (English)\t1\tNew Film\tN/A\t100\t1.5\t66\t1\n2026-07-19\tFilms (English)\t1\tShipwrecked: Nightmare at Sea\tN/A\t16600000\t1.5\t11100000\t2\n")
}

const COUNTRIES: &str = "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10\n";

/// Two weeks of Korea's film list; the later fetch renames one row's title (Netflix
/// corrects rows after the fact), which must replace, not duplicate, it.
async fn countries_tsv(State(f): State<Arc<Fake>>) -> String {
    let n = f.hits.fetch_add(1, Ordering::SeqCst);
    let renamed = if n == 0 { "Old Name" } else { "New Name" };
    format!(
        "{COUNTRIES}South Korea\tKR\t2026-07-26\tFilms\t1\t{renamed}\tN/A\t1\nSouth Korea\tKR\t2026-07-19\tFilms\t2\tOther Film\tN/A\t3\n"
    )
}

async fn shows(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let n = f.hits.fetch_add(1, Ordering::SeqCst);
    assert_eq!(headers.get("x-rapidapi-key").unwrap(), "k");
    assert_eq!(q.get("catalogs").map(String::as_str), Some("netflix"));
    match f.mode {
        Mode::TooManyThenOk if n == 0 => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "0")],
                "slow down",
            )
                .into_response()
        }
        Mode::ServerError => return (StatusCode::BAD_GATEWAY, "upstream").into_response(),
        Mode::MalformedJson => return "{\"shows\": [".into_response(),
        Mode::Stall => {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        _ => {}
    }
    let show = |id: &str, imdb: &str, title: &str| {
        serde_json::json!({"itemType":"show","showType":"movie","id":id,"imdbId":imdb,"tmdbId":"movie/1",
            "title":title,"originalTitle":title,"overview":"A plot.","releaseYear":2024,
            "genres":[{"id":"drama","name":"Drama"}],"directors":["D"],"cast":["A","B"],"rating":70,
            "runtime":100,"imageSet":{},"streamingOptions":{}})
    };
    // Page 1 → cursor "a&b?c" (must be escaped), page 2 → empty page, page 3 → last.
    let body = match q.get("cursor").map(String::as_str) {
        None => {
            serde_json::json!({"shows":[show("1","tt9000001","One")],"hasMore":true,"nextCursor":"a&b?c"})
        }
        Some("a&b?c") => serde_json::json!({"shows":[],"hasMore":true,"nextCursor":"z"}),
        Some("z") => serde_json::json!({"shows":[show("2","tt9000002","Two")],"hasMore":false}),
        Some(other) => panic!("unexpected cursor {other}"),
    };
    axum::Json(body).into_response()
}

async fn yt_channels() -> impl IntoResponse {
    axum::Json(
        serde_json::json!({"items":[{"id":"UC1","contentDetails":{"relatedPlaylists":{"uploads":"UU1"}}}]}),
    )
}

async fn yt_items(Query(q): Query<BTreeMap<String, String>>) -> impl IntoResponse {
    assert_eq!(q.get("playlistId").map(String::as_str), Some("UU1"));
    let body = match q.get("pageToken").map(String::as_str) {
        None => {
            serde_json::json!({"items":[{"contentDetails":{"videoId":"v1"}}],"nextPageToken":"p2"})
        }
        _ => serde_json::json!({"items":[{"contentDetails":{"videoId":"v2"}}]}),
    };
    axum::Json(body)
}

async fn yt_videos(Query(q): Query<BTreeMap<String, String>>) -> impl IntoResponse {
    assert_eq!(q.get("id").map(String::as_str), Some("v1,v2"));
    // v2 has hidden likes; items come back out of order (matched by id).
    axum::Json(serde_json::json!({"items":[
        {"id":"v2","snippet":{"title":"Two | Official Trailer | Netflix","publishedAt":"2026-07-01T10:00:00Z"},
         "statistics":{"viewCount":"20","commentCount":"1"},"contentDetails":{"duration":"PT1M"}},
        {"id":"v1","snippet":{"title":"One | Teaser | Netflix","publishedAt":"2026-06-01T10:00:00Z"},
         "statistics":{"viewCount":"10","likeCount":"2","commentCount":"0"},"contentDetails":{"duration":"PT2M3S"}}
    ]}))
}

/// Serves the fake APIs on a loopback port from a background thread; returns the base URL.
fn serve(mode: Mode) -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake {
        mode,
        hits: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/top10/all-weeks-global.tsv", get(global_tsv))
        .route("/top10/most-popular.tsv", get(|| async { POPULAR }))
        .route("/top10/all-weeks-countries.tsv", get(countries_tsv))
        .route("/sa/shows/search/filters", get(shows))
        .route("/yt/channels", get(yt_channels))
        .route("/yt/playlistItems", get(yt_items))
        .route("/yt/videos", get(yt_videos))
        .with_state(fake.clone());
    (common::serve_router(app), fake)
}

/// A small data directory: `snapshot/` with the fixture global list and most-popular
/// list, and `live/` (not yet created), where refresh writes.
fn data_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let top = d.path().join("snapshot/netflix_top10");
    std::fs::create_dir_all(&top).unwrap();
    std::fs::write(
        top.join("all-weeks-global.tsv"),
        format!("{GLOBAL}2026-07-19\tFilms (English)\t1\tShipwrecked: Nightmare at Sea\tN/A\t16600000\t1.5\t11100000\t2\n"),
    )
    .unwrap();
    std::fs::write(top.join("most-popular.tsv"), POPULAR).unwrap();
    d
}

fn dirs(data: &Path) -> DataDirs {
    DataDirs::new(Some(data.join("snapshot")), data.join("live"))
}

fn config(data: &Path, base: &str) -> RefreshConfig {
    let mut c = RefreshConfig::new(dirs(data));
    c.netflix_base = format!("{base}/top10");
    c.countries = false;
    c.sa_base = format!("{base}/sa");
    c.sa_key = Some("k".into());
    c.yt_base = format!("{base}/yt");
    c.yt_key = Some("y".into());
    c.kaggle = false;
    c.engagement_urls = Vec::new();
    c.today = Some("2026-07-28".into());
    c.http = HttpConfig {
        timeout: Duration::from_millis(500),
        attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        ..HttpConfig::default()
    };
    c
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn refresh_pages_merges_and_is_idempotent() {
    let (base, fake) = serve(Mode::Ok);
    let data = data_dir();
    let cfg = config(data.path(), &base);
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::AllFine, "{summary}");
    let out = summary.to_string();
    assert!(out.contains("+1 rows"), "{out}");
    // Three pages, one of them empty.
    assert_eq!(fake.hits.load(Ordering::SeqCst), 3);
    let snapshot_before = snapshot(&data.path().join("snapshot"));
    let global =
        std::fs::read_to_string(data.path().join("live/netflix_top10/all-weeks-global.tsv"))
            .unwrap();
    let lines: Vec<&str> = global.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("2026-07-26\tFilms (English)\t1\tNew Film"),
        "newest week first"
    );
    let sa = std::fs::read_to_string(
        data.path()
            .join("live/catalog/streaming_availability.jsonl"),
    )
    .unwrap();
    assert_eq!(sa.lines().count(), 2);
    let yt = std::fs::read_to_string(data.path().join("live/youtube/youtube_stats.csv")).unwrap();
    assert!(
        yt.contains("v1,2026-07-28,One | Teaser | Netflix,2026-06-01T10:00:00Z,10,2,0,PT2M3S"),
        "{yt}"
    );
    assert!(
        yt.contains(
            "v2,2026-07-28,Two | Official Trailer | Netflix,2026-07-01T10:00:00Z,20,,1,PT1M"
        ),
        "{yt}"
    );

    // A second identical refresh changes nothing.
    let before = snapshot(data.path());
    let out = builder::refresh::run(&cfg).unwrap().to_string();
    assert!(out.contains("nothing to change"), "{out}");
    assert_eq!(snapshot(data.path()), before);
    // The snapshot is read-only input: refresh wrote only into the live directory.
    assert_eq!(snapshot(&data.path().join("snapshot")), snapshot_before);

    // The build reads what refresh wrote: both live shows become titles.
    let live = builder::sources::jsonl::read(
        &dirs(data.path()).file(builder::sources::jsonl::FILE),
        &mut builder::sources::SourceLog::new("x", "y"),
    )
    .unwrap();
    assert_eq!(live.len(), 2);
    assert_eq!(live[0].imdb_id.as_deref(), Some("tt9000001"));
    assert_eq!(live[0].genres, vec!["drama"]);
}

#[test]
fn dry_run_writes_nothing() {
    let (base, _) = serve(Mode::Ok);
    let data = data_dir();
    let before = snapshot(data.path());
    let mut cfg = config(data.path(), &base);
    cfg.dry_run = true;
    let out = builder::refresh::run(&cfg).unwrap().to_string();
    assert!(out.contains("dry run"), "{out}");
    assert!(
        out.contains("netflix_top10/all-weeks-global.tsv: +1 rows"),
        "{out}"
    );
    assert_eq!(snapshot(data.path()), before);
}

#[test]
fn rate_limit_is_retried() {
    let (base, fake) = serve(Mode::TooManyThenOk);
    let data = data_dir();
    let summary = builder::refresh::run(&config(data.path(), &base)).unwrap();
    assert_eq!(summary.status(), Status::AllFine, "{summary}");
    assert_eq!(
        fake.hits.load(Ordering::SeqCst),
        4,
        "one 429, then three pages"
    );
}

#[test]
fn a_failing_source_keeps_its_data_and_the_others_are_written() {
    for (mode, expect) in [
        (Mode::ServerError, "502"),
        (Mode::MalformedJson, "unexpected JSON"),
        (Mode::Stall, "timed out"),
    ] {
        let (base, fake) = serve(mode);
        let data = data_dir();
        // The catalog this source would refresh, as a previous refresh left it.
        let kept = data
            .path()
            .join("live/catalog/streaming_availability.jsonl");
        std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
        std::fs::write(&kept, "{\"id\":\"0\",\"title\":\"Old\"}\n").unwrap();
        let snapshot_before = snapshot(&data.path().join("snapshot"));
        let summary = builder::refresh::run(&config(data.path(), &base)).unwrap();
        assert_eq!(summary.status(), Status::SomeFailed, "{summary}");
        let failed: Vec<_> = summary.failed().collect();
        assert_eq!(failed.len(), 1, "{summary}");
        assert_eq!(failed[0].0, "Streaming Availability");
        assert!(failed[0].1.contains(expect), "{summary}");
        let out = summary.to_string();
        assert!(
            out.contains("failed: Streaming Availability: ") && out.contains(expect),
            "{out}"
        );
        assert!(out.contains("1 of 4 sources failed"), "{out}");
        // The failed source kept its file byte for byte; the others were written.
        assert_eq!(
            std::fs::read_to_string(&kept).unwrap(),
            "{\"id\":\"0\",\"title\":\"Old\"}\n"
        );
        let global =
            std::fs::read_to_string(data.path().join("live/netflix_top10/all-weeks-global.tsv"))
                .unwrap();
        assert!(global.contains("New Film"), "{global}");
        assert!(data.path().join("live/youtube/youtube_stats.csv").exists());
        assert_eq!(snapshot(&data.path().join("snapshot")), snapshot_before);
        if mode == Mode::ServerError || mode == Mode::Stall {
            assert_eq!(
                fake.hits.load(Ordering::SeqCst),
                3,
                "retried up to the attempt limit"
            );
        }
    }
}

#[test]
fn truncated_download_is_refused() {
    let data = data_dir();
    let before = snapshot(data.path());
    let app = Router::new().route(
        "/top10/all-weeks-global.tsv",
        get(|| async { format!("{GLOBAL}2026-07-26\tFilms (English)\t1\tNew") }),
    );
    let mut cfg = config(data.path(), &common::serve_router(app));
    cfg.sa_key = None;
    cfg.yt_key = None;
    // The global list is truncated and the server has no most-popular list: every
    // source failed, and nothing was written.
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::NothingUsable, "{summary}");
    let failed: Vec<_> = summary.failed().collect();
    assert_eq!(failed[0].0, "Top 10 global");
    assert!(
        failed[0].1.contains(":2:1: 4 fields, header has 9"),
        "{summary}"
    );
    assert_eq!(failed[1].0, "Top 10 most popular");
    assert!(failed[1].1.contains("HTTP 404"), "{summary}");
    assert_eq!(snapshot(data.path()), before);
}

/// A server that answers the Top 10 request with headers and part of the body, then
/// stalls with the connection open: the client is mid-download. Returns its base URL and
/// a receiver that fires once the partial body is out.
fn serve_half_a_file() -> (String, std::sync::mpsc::Receiver<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (sent, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut request = [0u8; 4096];
            let _ = conn.read(&mut request);
            let body =
                format!("{GLOBAL}2026-07-26\tFilms (English)\t1\tNew Film\tN/A\t100\t1.5\t66\t1\n");
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/tab-separated-values\r\nContent-Length: {}\r\n\r\n",
                body.len() * 1000
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(body.as_bytes());
            let _ = conn.flush();
            let _ = sent.send(());
            // Keep the connection open (and stalled) until the client is gone.
            std::thread::spawn(move || {
                let mut sink = [0u8; 64];
                while conn.read(&mut sink).is_ok_and(|n| n > 0) {}
            });
        }
    });
    (format!("http://{addr}"), rx)
}

#[test]
fn a_refresh_killed_mid_download_changes_nothing_and_the_next_cleans_up() {
    let (base, partial_sent) = serve_half_a_file();
    let data = data_dir();
    // What a refresh killed between writing and renaming leaves behind (u32::MAX is no
    // live process).
    let leftover = data
        .path()
        .join("live/netflix_top10")
        .join(format!(".all-weeks-global.tsv.tmp-{}", u32::MAX));
    std::fs::create_dir_all(leftover.parent().unwrap()).unwrap();
    std::fs::write(&leftover, b"half a fi").unwrap();
    let before = snapshot(data.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_builder"))
        .args(["refresh", "--no-countries", "--no-kaggle", "--data"])
        .arg(data.path().join("snapshot"))
        .arg("--live")
        .arg(data.path().join("live"))
        .args(["--netflix-base", &base])
        .env_remove("RAPIDAPI_KEY")
        .env_remove("YOUTUBE_API_KEY")
        .env_remove("NETFLIX_ENGAGEMENT_URLS")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    partial_sent
        .recv_timeout(Duration::from_secs(30))
        .expect("the refresh never asked for the Top 10 file");
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    assert_eq!(
        snapshot(data.path()),
        before,
        "a killed refresh changed data/"
    );

    // The next refresh succeeds, keeps every old row and removes the leftover.
    let (base, _fake) = serve(Mode::Ok);
    let mut cfg = config(data.path(), &base);
    cfg.sa_key = None;
    cfg.yt_key = None;
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::AllFine, "{summary}");
    assert!(!leftover.exists(), "stale temporary file kept");
    let global =
        std::fs::read_to_string(data.path().join("live/netflix_top10/all-weeks-global.tsv"))
            .unwrap();
    assert!(global.contains("Shipwrecked: Nightmare at Sea"), "{global}");
    assert!(global.contains("New Film"), "{global}");
}

/// The per-country lists (issue 19.9: every other refresh test skips them): fetched into
/// the live directory as gzip, merged by (country, week, list, rank) so a corrected row
/// replaces the old one, and read back by the build's own reader.
#[test]
fn per_country_lists_merge_into_the_live_file() {
    let (base, _fake) = serve(Mode::Ok);
    let data = data_dir();
    let snapshot_before = snapshot(&data.path().join("snapshot"));
    let mut cfg = config(data.path(), &base);
    cfg.countries = true;
    cfg.sa_key = None;
    cfg.yt_key = None;
    let out = builder::refresh::run(&cfg).unwrap();
    assert_eq!(out.status(), Status::AllFine, "{out}");
    let live = data
        .path()
        .join("live")
        .join(builder::sources::top10::COUNTRIES_LIVE_FILE);
    let read = |path: &Path| {
        let mut log = builder::sources::SourceLog::default();
        let rows = builder::sources::top10::read_countries(path, &mut log).unwrap();
        assert_eq!(log.rejected(), 0);
        rows
    };
    let first = read(&live);
    assert_eq!(first.len(), 2);
    assert!(first.iter().any(|r| r.show_title == "Old Name"));
    // The next week's fetch corrects a row: same key, new title, still two rows.
    builder::refresh::run(&cfg).unwrap();
    let second = read(&live);
    assert_eq!(second.len(), 2, "a corrected row must replace the old one");
    assert!(second.iter().any(|r| r.show_title == "New Name"));
    assert!(!second.iter().any(|r| r.show_title == "Old Name"));
    assert!(second.iter().all(|r| r.iso2 == "KR"));
    // The snapshot is never written.
    assert_eq!(snapshot(&data.path().join("snapshot")), snapshot_before);
}
