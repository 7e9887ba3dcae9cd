//! `builder refresh` for the Kaggle datasets and the engagement reports, the exit status
//! of each mix of working and failing sources, and secrets kept out of every output. All
//! against loopback servers speaking the real wire formats: Kaggle's download call answers
//! with a redirect to a zip on another host; the zips are built here from a cut of the
//! real snapshot, and the engagement workbooks are the snapshot's own files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use builder::datadirs::DataDirs;
use builder::refresh::{http::HttpConfig, kaggle::DATASETS, RefreshConfig, Status};

const GLOBAL: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n2026-07-26\tFilms (English)\t1\tNew Film\tN/A\t100\t1.5\t66\t1\n";
const POPULAR: &str = "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days\nFilms (English)\t1\tKPop Demon Hunters\tN/A\t541800000\t1.6667\t325100000\n";

const KAGGLE_USER: &str = "wtw-user";
const KAGGLE_KEY: &str = "KAGGLE-SENTINEL-7f3a9c";
/// `Basic base64("wtw-user:KAGGLE-SENTINEL-7f3a9c")`.
const KAGGLE_BASIC: &str = "Basic d3R3LXVzZXI6S0FHR0xFLVNFTlRJTkVMLTdmM2E5Yw==";

use common::serve_router as spawn;

/// A server that reads each request and closes the connection without answering.
fn spawn_dropper() -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            drop(conn);
        }
    });
    format!("http://{addr}")
}

/// The Top 10 files, answered correctly.
fn top10_server() -> String {
    spawn(
        Router::new()
            .route("/top10/all-weeks-global.tsv", get(|| async { GLOBAL }))
            .route("/top10/most-popular.tsv", get(|| async { POPULAR })),
    )
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Zips of the three datasets as Kaggle serves them (files at the top level), holding a
/// cut of the real snapshot made now. Keyed by `owner/dataset`.
fn real_zips(cut: &Path) -> BTreeMap<String, Vec<u8>> {
    common::cut_joins(cut);
    DATASETS
        .iter()
        .map(|ds| {
            let entries: Vec<(&str, Vec<u8>)> = ds
                .files
                .iter()
                .map(|(name, rel)| (*name, std::fs::read(cut.join(rel)).unwrap()))
                .collect();
            (ds.slug.to_owned(), zip_of(&entries))
        })
        .collect()
}

/// Zips by `owner/dataset`, shared with the fake storage host.
type Zips = Arc<BTreeMap<String, Vec<u8>>>;

/// What the fake Kaggle saw.
#[derive(Default)]
struct Seen {
    /// `Authorization` headers at the API host, in order.
    api_auth: Vec<Option<String>>,
    /// Whether the storage host ever got an `Authorization` header.
    storage_auth: bool,
}

/// Kaggle: the API host redirects each download to a storage host (another port, so
/// another origin) with a signed query; the storage host serves `zips`.
fn kaggle_server(zips: BTreeMap<String, Vec<u8>>) -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let storage = spawn(
        Router::new()
            .route(
                "/dl/{owner}/{dataset}",
                get(
                    |State((zips, seen)): State<(Zips, Arc<Mutex<Seen>>)>,
                     UrlPath((owner, dataset)): UrlPath<(String, String)>,
                     headers: HeaderMap| async move {
                        if headers.contains_key(header::AUTHORIZATION) {
                            seen.lock().unwrap().storage_auth = true;
                        }
                        match zips.get(&format!("{owner}/{dataset}")) {
                            Some(z) => ([(header::CONTENT_TYPE, "application/zip")], z.clone())
                                .into_response(),
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    },
                ),
            )
            .with_state((Arc::new(zips), seen.clone())),
    );
    let api = spawn(
        Router::new()
            .route(
                "/api/v1/datasets/download/{owner}/{dataset}",
                get(
                    |State((storage, seen)): State<(String, Arc<Mutex<Seen>>)>,
                     UrlPath((owner, dataset)): UrlPath<(String, String)>,
                     headers: HeaderMap| async move {
                        let auth = headers
                            .get(header::AUTHORIZATION)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        seen.lock().unwrap().api_auth.push(auth);
                        Response::builder()
                            .status(StatusCode::FOUND)
                            .header(
                                header::LOCATION,
                                format!("{storage}/dl/{owner}/{dataset}?X-Goog-Signature=abc123"),
                            )
                            .body(axum::body::Body::empty())
                            .unwrap()
                    },
                ),
            )
            .with_state((storage, seen.clone())),
    );
    (api, seen)
}

/// An empty snapshot directory (no catalog) and a live directory not yet created.
fn data_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("snapshot")).unwrap();
    d
}

fn dirs(data: &Path) -> DataDirs {
    DataDirs::new(Some(data.join("snapshot")), data.join("live"))
}

/// Top 10 from `top10`, nothing else unless the test turns it on.
fn config(data: &Path, top10: &str) -> RefreshConfig {
    let mut c = RefreshConfig::new(dirs(data));
    c.netflix_base = format!("{top10}/top10");
    c.countries = false;
    c.sa_key = None;
    c.yt_key = None;
    c.kaggle = false;
    c.kaggle_auth = None;
    c.engagement_urls = Vec::new();
    c.today = Some("2026-07-28".into());
    c.http = HttpConfig {
        timeout: Duration::from_secs(5),
        attempts: 2,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        ..HttpConfig::default()
    };
    c
}

fn live_files(data: &Path) -> Vec<String> {
    let live = data.join("live");
    let mut out = Vec::new();
    let mut stack = vec![live.clone()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(&live).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn kaggle_datasets_follow_the_redirect_and_land_at_the_snapshot_paths() {
    let cut = tempfile::tempdir().unwrap();
    let zips = real_zips(cut.path());
    let (kaggle, seen) = kaggle_server(zips);
    let data = data_dir();
    let mut cfg = config(data.path(), &top10_server());
    cfg.kaggle = true;
    cfg.kaggle_base = kaggle;
    cfg.kaggle_auth = Some((KAGGLE_USER.into(), KAGGLE_KEY.into()));
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::AllFine, "{summary}");

    // Every file is where the snapshot keeps it, byte for byte what the zip held.
    for ds in &DATASETS {
        for (_, rel) in ds.files {
            assert_eq!(
                std::fs::read(data.path().join("live").join(rel)).unwrap(),
                std::fs::read(cut.path().join(rel)).unwrap(),
                "{rel}"
            );
        }
    }
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.api_auth, vec![Some(KAGGLE_BASIC.to_owned()); 3]);
        assert!(
            !seen.storage_auth,
            "the credentials followed the redirect to another host"
        );
    }
    // The build's readers take the live copies.
    let d = dirs(data.path());
    let mut log = builder::sources::SourceLog::new("k", "f");
    let kaggle_rows =
        builder::sources::kaggle::read(&d.file(builder::sources::kaggle::FILE), &mut log).unwrap();
    assert!(kaggle_rows.iter().any(|r| r.title == "Squid Game"));
    let (jw, _, _) =
        builder::sources::justwatch::read(&d, builder::sources::justwatch::JW_2023).unwrap();
    assert!(jw.iter().any(|r| !r.cast.is_empty()), "credits attached");

    // Again without credentials: the same calls, no Authorization header, nothing new.
    cfg.kaggle_auth = None;
    let out = builder::refresh::run(&cfg).unwrap().to_string();
    assert!(out.contains("nothing to change"), "{out}");
    assert_eq!(seen.lock().unwrap().api_auth[3..], [None, None, None]);
}

#[test]
fn a_kaggle_zip_with_the_wrong_content_writes_nothing() {
    let cut = tempfile::tempdir().unwrap();
    common::cut_joins(cut.path());
    let kaggle_csv = std::fs::read(cut.path().join(builder::sources::kaggle::FILE)).unwrap();
    let jw = "catalog/justwatch_2022_victorsoeiro";
    let mut zips = BTreeMap::new();
    // Not a zip at all (a login page).
    zips.insert(
        DATASETS[0].slug.to_owned(),
        b"<html><body>Sign in</body></html>".to_vec(),
    );
    // A zip whose titles.csv is another dataset's file.
    zips.insert(
        DATASETS[1].slug.to_owned(),
        zip_of(&[
            ("titles.csv", kaggle_csv.clone()),
            (
                "credits.csv",
                std::fs::read(cut.path().join(jw).join("credits.csv")).unwrap(),
            ),
        ]),
    );
    // A zip bomb: 4 MiB of zeros deflate to a few KiB; the cap is 1 MiB.
    zips.insert(
        DATASETS[2].slug.to_owned(),
        zip_of(&[
            ("titles.csv", vec![0u8; 4 << 20]),
            (
                "credits.csv",
                b"person_id,id,name,character,role\n".to_vec(),
            ),
        ]),
    );
    let (kaggle, _) = kaggle_server(zips);
    let data = data_dir();
    let mut cfg = config(data.path(), &top10_server());
    cfg.kaggle = true;
    cfg.kaggle_base = kaggle;
    cfg.max_entry_bytes = 1 << 20;
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::SomeFailed, "{summary}");
    let failed: BTreeMap<&str, &str> = summary.failed().collect();
    assert_eq!(failed.len(), 3, "{summary}");
    let why = |slug: &str| failed[format!("Kaggle {slug}").as_str()];
    assert!(
        why(DATASETS[0].slug).contains("not a zip archive"),
        "{summary}"
    );
    assert!(
        why(DATASETS[1].slug).contains("titles.csv:1:")
            && why(DATASETS[1].slug).contains("missing column"),
        "{summary}"
    );
    assert!(
        why(DATASETS[2].slug).contains("1048576-byte limit"),
        "{summary}"
    );
    // Only the Top 10 was written.
    assert_eq!(
        live_files(data.path()),
        [
            "netflix_top10/all-weeks-global.tsv",
            "netflix_top10/most-popular.tsv"
        ]
    );
}

/// The snapshot's engagement workbooks: the first report (one sheet) and the newest (two).
const REPORTS: [&str; 2] = [
    "What_We_Watched_A_Netflix_Engagement_Report_2023Jan-Jun.xlsx",
    "What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx",
];

#[test]
fn engagement_reports_are_stored_under_stable_names_after_a_check() {
    let mut files: BTreeMap<String, Vec<u8>> = REPORTS
        .iter()
        .map(|n| {
            let p = common::snapshot().join("engagement").join(n);
            ((*n).to_owned(), std::fs::read(p).unwrap())
        })
        .collect();
    files.insert("not-a-workbook.xlsx".into(), b"<html>moved</html>".to_vec());
    files.insert(
        "other.xlsx".into(),
        zip_of(&[("readme.txt", b"a zip, not a workbook".to_vec())]),
    );
    let files = Arc::new(files);
    let served = files.clone();
    let base = spawn(
        Router::new()
            .route(
                "/gone/{name}",
                get(|| async {
                    (
                        StatusCode::NOT_FOUND,
                        "<!DOCTYPE html>\n<html>\n  <body>Moved.</body>\n</html>\n",
                    )
                }),
            )
            .route(
                "/assets/{name}",
                get(move |UrlPath(name): UrlPath<String>| {
                    let files = served.clone();
                    async move {
                        match files.get(&name) {
                            Some(b) => b.clone().into_response(),
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                }),
            ),
    );
    let data = data_dir();
    let mut cfg = config(data.path(), &top10_server());
    cfg.engagement_urls = [REPORTS[0], REPORTS[1], "not-a-workbook.xlsx", "other.xlsx"]
        .iter()
        .map(|n| format!("{base}/assets/{n}?sig=SIGNED-QUERY-123"))
        .chain([format!("{base}/gone/old.xlsx")])
        .collect();
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.status(), Status::SomeFailed, "{summary}");
    let out = summary.to_string();
    assert!(!out.contains("SIGNED-QUERY"), "{out}");
    let failed: BTreeMap<&str, &str> = summary.failed().collect();
    assert_eq!(failed.len(), 3, "{out}");
    // One line per failure, even for a multi-line error page.
    assert!(
        failed["engagement report old.xlsx"]
            .contains("HTTP 404 Not Found: <!DOCTYPE html> <html> <body>Moved."),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("failed: ")).count(),
        3,
        "{out}"
    );
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with('<')),
        "{out}"
    );
    assert!(
        failed["engagement report not-a-workbook.xlsx"].contains("not an xlsx workbook"),
        "{out}"
    );
    assert!(
        failed["engagement report other.xlsx"].contains("not an xlsx workbook"),
        "{out}"
    );
    for n in REPORTS {
        assert_eq!(
            std::fs::read(data.path().join("live/engagement").join(n)).unwrap(),
            files[n],
            "{n}"
        );
    }
    assert!(out.contains("report with sheets Engagement"), "{out}");
    assert!(
        out.contains("report with sheets TV, Film")
            || out.contains("report with sheets Shows, Movies"),
        "{out}"
    );
    assert!(!data.path().join("live/engagement/other.xlsx").exists());
    assert!(!data
        .path()
        .join("live/engagement/not-a-workbook.xlsx")
        .exists());
}

/// Runs the real binary over `data` with `args`, with no key from the developer's
/// environment and the given `env`.
fn builder_bin(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_builder"));
    cmd.arg("refresh")
        .arg("--data")
        .arg(data.join("snapshot"))
        .arg("--live")
        .arg(data.join("live"))
        .arg("--no-countries")
        .args(args);
    for k in [
        "RAPIDAPI_KEY",
        "YOUTUBE_API_KEY",
        "KAGGLE_USERNAME",
        "KAGGLE_KEY",
        "NETFLIX_ENGAGEMENT_URLS",
        "NETFLIX_TOP10_BASE",
        "STREAMING_AVAILABILITY_BASE",
        "YOUTUBE_API_BASE",
        "KAGGLE_API_BASE",
        "RUST_LOG",
    ] {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

#[test]
fn the_exit_status_tells_all_fine_some_failed_and_nothing_usable_apart() {
    let ok = top10_server();
    let dead = spawn_dropper();
    let cases: [(&str, &[&str], i32); 3] = [
        ("all fine", &["--no-kaggle"], 0),
        ("Kaggle failing", &["--kaggle-base", dead.as_str()], 2),
        ("all failing", &["--no-kaggle"], 1),
    ];
    for (case, args, code) in cases {
        let data = data_dir();
        let top10 = if code == 1 {
            dead.clone()
        } else {
            format!("{ok}/top10")
        };
        let mut all: Vec<&str> = vec!["--attempts", "1", "--netflix-base", top10.as_str()];
        all.extend_from_slice(args);
        let out = builder_bin(data.path(), &all, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{case}: {stdout}\n{stderr}");
        match code {
            0 => assert!(!stdout.contains("failed"), "{case}: {stdout}"),
            2 => {
                assert!(
                    stdout.contains("failed: Kaggle shivamb/netflix-shows: "),
                    "{stdout}"
                );
                assert!(stdout.contains("3 of 5 sources failed"), "{stdout}");
                assert!(stderr.contains("some sources failed"), "{stderr}");
            }
            _ => {
                assert!(stdout.contains("failed: Top 10 global: "), "{stdout}");
                assert!(stderr.contains("every source failed"), "{stderr}");
            }
        }
        // The Top 10 is written whenever it worked, whatever else failed.
        assert_eq!(
            data.path()
                .join("live/netflix_top10/all-weeks-global.tsv")
                .exists(),
            code != 1,
            "{case}"
        );
    }
}

#[test]
fn keys_never_reach_stdout_stderr_or_the_errors() {
    const YT: &str = "YT-SENTINEL-KEY-93b1e5";
    const SA: &str = "SA-SENTINEL-KEY-5e0c27";
    let dead = spawn_dropper();
    let top10 = format!("{}/top10", top10_server());
    let data = data_dir();
    let env = [
        ("YOUTUBE_API_KEY", YT),
        ("RAPIDAPI_KEY", SA),
        ("KAGGLE_USERNAME", KAGGLE_USER),
        ("KAGGLE_KEY", KAGGLE_KEY),
    ];
    let sa = format!("{dead}/sa");
    let yt = format!("{dead}/yt");
    for log in ["info", "debug"] {
        let mut env = env.to_vec();
        env.push(("RUST_LOG", log));
        let out = builder_bin(
            data.path(),
            &[
                "--netflix-base",
                &top10,
                "--sa-base",
                &sa,
                "--youtube-base",
                &yt,
                "--kaggle-base",
                &dead,
                "--attempts",
                "2",
            ],
            &env,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
        assert!(stdout.contains("failed: YouTube: GET "), "{stdout}");
        for secret in [YT, SA, KAGGLE_KEY] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{secret} leaked with RUST_LOG={log}:\n{stdout}\n{stderr}"
            );
        }
    }

    // The library's errors, kept in the summary, hold no key either.
    let mut cfg = config(data.path(), top10.trim_end_matches("/top10"));
    cfg.sa_base = sa;
    cfg.sa_key = Some(SA.into());
    cfg.yt_base = yt;
    cfg.yt_key = Some(YT.into());
    cfg.kaggle = true;
    cfg.kaggle_base = dead;
    cfg.kaggle_auth = Some((KAGGLE_USER.into(), KAGGLE_KEY.into()));
    let summary = builder::refresh::run(&cfg).unwrap();
    assert_eq!(summary.failed().count(), 5, "{summary}");
    let text = format!("{summary}\n{summary:?}");
    for secret in [YT, SA, KAGGLE_KEY] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
