//! Bad input: fatal problems name file, line and column and leave outputs in place;
//! row-level problems are skipped, counted and listed. Fixtures are cut from the real files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use builder::sources::{kaggle, top10, SourceLog};

mod common;

use common::real;

/// First `n` lines of a real global list.
fn global_head(n: usize) -> String {
    real(top10::GLOBAL_FILE)
        .lines()
        .take(n)
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn row_problems_are_skipped_counted_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.tsv");
    let mut text = global_head(4);
    let line2 = text.lines().nth(1).unwrap().to_owned();
    text.push_str("2026-07-19\tFilms (English)\t5\tShort row\n"); // line 5: field count
    text.push_str("2026-07-19\tFilms (English)\t6\tX\tN/A\tmany\t1\t1\t1\n"); // line 6: number
    text.push_str("2026-13-19\tFilms (English)\t7\tX\tN/A\t1\t1\t1\t1\n"); // line 7: date
    text.push_str(&format!("{line2}\n")); // line 8: duplicate of line 2
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"2026-07-19\tFilms (English)\t8\tBad \xff title\tN/A\t1\t1\t1\t1\n"); // line 9
    std::fs::write(&p, bytes).unwrap();
    let mut log = SourceLog::new("top10_global", "g.tsv");
    let rows = top10::read_global(&p, &mut log).unwrap();
    assert_eq!(rows.len(), 3);
    let r = log.finish();
    assert_eq!(r.rows_read, 8);
    assert_eq!(r.rows_rejected, 5);
    let lines: Vec<u64> = r.rejects.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![5, 6, 7, 8, 9]);
    assert!(r.rejects[0].reason.contains("4 fields, header has 9"));
    assert_eq!(r.rejects[1].column.as_deref(), Some("weekly_hours_viewed"));
    assert_eq!(r.rejects[2].column.as_deref(), Some("week"));
    assert!(r.rejects[3].reason.contains("duplicate of line 2"));
    assert_eq!(r.rejects[4].column.as_deref(), Some("show_title"));
    assert!(r.rejects[4].reason.contains("not UTF-8"));
}

#[test]
fn missing_column_and_empty_file_are_fatal_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.tsv");
    let text = global_head(3).replace("weekly_hours_viewed", "hours");
    std::fs::write(&p, text).unwrap();
    let err = top10::read_global(&p, &mut SourceLog::default()).unwrap_err();
    assert_eq!(err.line, 1);
    assert_eq!(err.column, 10);
    assert!(err.to_string().starts_with(&format!(
        "{}:1:10: missing column \"weekly_hours_viewed\"",
        p.display()
    )));

    std::fs::write(&p, "").unwrap();
    let err = top10::read_global(&p, &mut SourceLog::default()).unwrap_err();
    assert!(err.to_string().contains(":1:1: file is empty"), "{err}");
}

#[test]
fn truncated_gzip_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read(common::snapshot().join(top10::COUNTRIES_FILE)).unwrap();
    let p = dir.path().join("c.tsv.gz");
    std::fs::write(&p, &src[..src.len() / 2]).unwrap();
    let err = top10::read_countries(&p, &mut SourceLog::default()).unwrap_err();
    assert!(err.reason.contains("gzip stream is broken"), "{err}");
    assert!(
        err.line > 1000,
        "names the line where the text stopped: {err}"
    );
}

#[test]
fn fatal_error_leaves_previous_outputs_in_place() {
    // A data dir whose Kaggle file lost its header: the build stops before writing.
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let k = data.path().join(kaggle::FILE);
    std::fs::create_dir_all(k.parent().unwrap()).unwrap();
    std::fs::write(&k, "").unwrap();
    std::fs::write(out.path().join("bundle.bin"), b"previous").unwrap();
    let dirs = builder::datadirs::DataDirs::new(Some(data.path().into()), data.path().join("live"));
    let opts = builder::build::BuildOptions {
        history: out.path().join("history.jsonl"),
        record_metrics: false,
    };
    let err = builder::build::run(&dirs, out.path(), &opts).unwrap_err();
    assert!(
        format!("{err:#}").contains("netflix_titles.csv:1:1: file is empty"),
        "{err:#}"
    );
    assert_eq!(
        std::fs::read(out.path().join("bundle.bin")).unwrap(),
        b"previous"
    );
    assert!(!out.path().join("report.json").exists());
}
