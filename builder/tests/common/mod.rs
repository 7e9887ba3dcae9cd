//! Shared by the builder's integration tests: where the workspace snapshot is, and small
//! cuts of it made at test time (the repository carries no third-party data file).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use builder::datadirs::DataDirs;
use builder::recommend::RecommendArgs;
use engine::bundle::Body;
use engine::{Bundle, Catalog};

/// Runs `app` on a loopback port from a background thread; returns its base URL.
pub fn serve_router(app: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}

#[derive(clap::Parser)]
struct RecommendCli {
    #[command(flatten)]
    args: RecommendArgs,
}

/// `builder recommend --bundle BUNDLE EXTRA...` as the CLI parses it.
pub fn recommend_args(bundle: &Path, extra: &[&str]) -> RecommendArgs {
    let mut argv = vec!["recommend", "--bundle", bundle.to_str().unwrap_or_default()];
    argv.extend_from_slice(extra);
    <RecommendCli as clap::Parser>::parse_from(argv).args
}

/// A bundle of `catalog` alone (no trends), dated like a build of week 2026-07-19.
pub fn catalog_bundle(catalog: Catalog) -> Bundle {
    let body = Body {
        catalog,
        ..Body::default()
    };
    Bundle::new(body, "2026-07-21T00:00:00Z", "2026-07-19", "test")
}

/// Writes `bundle` as `dir/bundle.bin`; returns its path.
pub fn write_bundle(dir: &Path, bundle: &Bundle) -> PathBuf {
    let path = dir.join("bundle.bin");
    std::fs::write(&path, bundle.encode().expect("encode")).expect("write bundle");
    path
}

/// The read-only snapshot: `$WTW_DATA`, else `../shared/data` beside the checkout.
pub fn snapshot() -> PathBuf {
    if let Some(d) = std::env::var_os("WTW_DATA").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

/// The snapshot with an empty live directory that never exists, so no refresh output of
/// the developer's leaks into a test.
pub fn snapshot_only() -> DataDirs {
    DataDirs::new(Some(snapshot()), snapshot().join(".no-live-data-in-tests"))
}

/// A real snapshot file's text.
pub fn real(rel: &str) -> String {
    let p = snapshot().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Titles chosen for the hard cases of entity resolution and linking: seasons ("Stranger
/// Things 4", "Wednesday: Season 2"), a limited series, films, a non-English title, a fuzzy
/// Kaggle-to-JustWatch match ("A Boy Name Flora A"), an accented title, and recent titles
/// that only exist in the Top 10 (trend-only) or the trailers.
const JOIN_TITLES: &[&str] = &[
    "Stranger Things",
    "Wednesday",
    "The Queen's Gambit",
    "Red Notice",
    "Squid Game",
    "Money Heist",
    "A Boy Name Flora A",
    "A Boy Named Flora A",
    "Rocky",
    "The Crown",
    "Bridgerton",
    "Extraction",
    "Adolescence",
    "KPop Demon Hunters",
    "Amélie",
    "Glass Onion: A Knives Out Mystery",
    "Heat",
    "STRAW",
    "The Two Popes",
    "Instant Family",
    "World War Z",
];

/// The show part of a Top 10 season name ("Stranger Things 4", "Wednesday: Season 2").
fn base(name: &str) -> &str {
    let mut name = name;
    for sep in [": ", " Season", " 1", " 2", " 3", " 4", " 5"] {
        if let Some(i) = name.find(sep) {
            name = &name[..i];
        }
    }
    name.trim()
}

fn wanted(title: &str) -> bool {
    JOIN_TITLES.contains(&title) || JOIN_TITLES.contains(&base(title))
}

/// Copies the rows of CSV `rel` whose field `col` passes `keep` (header kept) into `out`;
/// returns the kept rows.
fn cut_csv(
    rel: &str,
    out: &Path,
    col: usize,
    keep: impl Fn(&str) -> bool,
) -> Vec<csv::StringRecord> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(snapshot().join(rel))
        .unwrap();
    let dst = out.join(rel);
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    let mut w = csv::Writer::from_path(&dst).unwrap();
    let mut kept = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        if i == 0 || rec.get(col).is_some_and(&keep) {
            w.write_record(&rec).unwrap();
            if i > 0 {
                kept.push(rec);
            }
        }
    }
    w.flush().unwrap();
    kept
}

fn cut_tsv(text: &str, col: usize, keep: impl Fn(&[&str]) -> bool) -> String {
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or_default());
    for l in lines {
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() > col && keep(&f) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// Writes into `out` every source row about [`JOIN_TITLES`], cut from the real snapshot:
/// the golden-join fixture, made at test time.
pub fn cut_joins(out: &Path) {
    use builder::sources::{kaggle, top10, youtube};
    cut_csv(kaggle::FILE, out, 2, wanted);
    for jw in [
        "catalog/justwatch_2023_dgoenrique",
        "catalog/justwatch_2022_victorsoeiro",
    ] {
        let kept = cut_csv(&format!("{jw}/titles.csv"), out, 1, wanted);
        let ids: std::collections::HashSet<String> = kept.iter().map(|r| r[0].to_owned()).collect();
        cut_csv(&format!("{jw}/credits.csv"), out, 1, |id| ids.contains(id));
    }
    let write = |rel: &str, text: &str| {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        top10::GLOBAL_FILE,
        &cut_tsv(&real(top10::GLOBAL_FILE), 3, |c| wanted(c[3])),
    );
    write(
        top10::POPULAR_FILE,
        &cut_tsv(&real(top10::POPULAR_FILE), 2, |c| wanted(c[2])),
    );
    let gz = std::fs::read(snapshot().join(top10::COUNTRIES_FILE)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(gz.as_slice()),
        &mut text,
    )
    .unwrap();
    let small = cut_tsv(&text, 5, |c| {
        ["US", "KR", "BR"].contains(&c[1]) && wanted(c[5])
    });
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    enc.write_all(small.as_bytes()).unwrap();
    let p = out.join(top10::COUNTRIES_FILE);
    std::fs::write(p, enc.finish().unwrap()).unwrap();
    cut_csv(youtube::SNAPSHOT_FILE, out, 0, wanted);
}
