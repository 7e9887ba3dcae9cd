//! Golden test of entity resolution and linking on a small fixture cut from the real
//! snapshot at test time (`common::cut_joins`): every source row about a handful of titles
//! chosen for the hard cases (seasons, limited series, films, fuzzy and accented names,
//! Top 10 titles newer than the catalogs, trailers). The joins are rendered as sorted text
//! lines and compared with `tests/fixtures/joins/expected.txt`, so any change in a match
//! shows up as a readable diff. After an intended change, bless it with
//! `UPDATE_GOLDEN=1 cargo test -p builder --test golden_joins`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use builder::datadirs::DataDirs;

/// The golden output: the project's own join decisions (no source rows).
fn golden() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/joins_expected.txt"
    ))
}

/// The fixture, cut from the snapshot into a temporary directory, and assembled.
fn assemble_fixture() -> engine::Bundle {
    let dir = tempfile::tempdir().expect("temp dir");
    common::cut_joins(dir.path());
    let dirs = DataDirs::new(Some(dir.path().into()), dir.path().join("live"));
    builder::build::assemble(&dirs).expect("fixture builds")
}

/// Every join decision in the bundle, one sorted line each.
fn render(bundle: &engine::Bundle) -> String {
    let cat = &bundle.body.catalog;
    let tr = &bundle.body.trends;
    let name = |i: u32| {
        cat.titles.get(i as usize).map_or_else(
            || format!("<missing {i}>"),
            |t| format!("{} {:?}", t.id, t.title),
        )
    };
    let mut lines = BTreeSet::new();
    for t in &cat.titles {
        let sources: Vec<String> = t
            .sources
            .iter()
            .map(|s| format!("{}:{}", s.source, s.id))
            .collect();
        lines.insert(format!(
            "title {} {:?} {} {} trend_only={} sources=[{}]",
            t.id,
            t.title,
            t.kind.label(),
            t.year.map_or("-".into(), |y| y.to_string()),
            t.trend_only,
            sources.join(", ")
        ));
    }
    for e in &tr.global {
        lines.insert(format!(
            "top10 {:?} -> {}",
            e.season.as_deref().unwrap_or("(film or no season)"),
            name(e.title)
        ));
    }
    for r in &tr.country_runs {
        let iso = tr
            .countries
            .get(r.country as usize)
            .map_or("?", |c| c.iso2.as_str());
        lines.insert(format!(
            "country {iso} {} weeks={} best=#{}",
            name(r.title),
            r.weeks,
            r.best_rank
        ));
    }
    for p in &tr.most_popular {
        lines.insert(format!(
            "popular {:?} #{} {:?} -> {}",
            p.category,
            p.rank,
            p.season.as_deref().unwrap_or("-"),
            name(p.title)
        ));
    }
    for t in &tr.trailers {
        lines.insert(format!("trailer {:?} -> {}", t.video_title, name(t.title)));
    }
    for j in &bundle.body.report.joins {
        lines.insert(format!("join {} {}/{}", j.name, j.matched, j.total));
    }
    for n in &bundle.body.report.low_confidence {
        lines.insert(format!(
            "fuzzy {} {:?} ~ {:?} {:.3}",
            n.join, n.left, n.right, n.score
        ));
    }
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    out
}

#[test]
fn joins_match_the_golden_file() {
    let bundle = assemble_fixture();
    let got = render(&bundle);
    let golden = golden();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &got).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(golden).unwrap_or_default();
    if got != want {
        let gone: Vec<&str> = want.lines().filter(|l| !got.contains(l)).collect();
        let new: Vec<&str> = got.lines().filter(|l| !want.contains(l)).collect();
        panic!(
            "joins changed.\nmissing now:\n  {}\nnew:\n  {}\nIf intended: UPDATE_GOLDEN=1 cargo test -p builder --test golden_joins",
            gone.join("\n  "),
            new.join("\n  ")
        );
    }
}

/// The cases the fixture was cut for, stated outright (the golden file has them all, but
/// these say why they matter).
#[test]
fn fixture_hard_cases() {
    let bundle = assemble_fixture();
    let text = render(&bundle);
    let cat = &bundle.body.catalog;
    let by_title = |t: &str| cat.titles.iter().filter(|x| x.title == t).count();
    // Seasons link to their show, never to a title of their own.
    assert_eq!(by_title("Stranger Things"), 1, "{text}");
    assert!(
        text.contains("top10 \"Stranger Things 4\" -> tt4574334 \"Stranger Things\""),
        "{text}"
    );
    assert!(!cat
        .titles
        .iter()
        .any(|t| t.title.starts_with("Stranger Things 4")));
    // A Top 10 title newer than every catalog is kept as trend-only, not dropped.
    let kpop = cat
        .titles
        .iter()
        .find(|t| t.title == "KPop Demon Hunters")
        .expect("kept");
    assert!(kpop.trend_only);
    // Kaggle's misspelt "A Boy Name Flora A" merges into JustWatch's title by fuzzy match.
    assert!(text.contains("fuzzy kaggle"), "{text}");
}
