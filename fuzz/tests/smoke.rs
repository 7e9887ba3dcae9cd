//! The harness itself: the mutator stays in bounds, and the targets that need no bundle
//! run a few thousand inputs without a crash. (The bundle targets run in `make test` after
//! the build, on the real bundle: `fuzz all --secs 2`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

#[test]
fn mutator_respects_the_length_limit_and_is_reproducible() {
    let run = |seed| {
        let mut rng = fuzz::Rng::new(seed);
        let mut data = b"{\"feedback\":\"x\"}".to_vec();
        for _ in 0..10_000 {
            fuzz::mutate(&mut rng, &mut data, &[b"other seed"], 64);
            assert!(data.len() <= 64);
        }
        data
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn request_and_answer_targets_survive_mutated_inputs() {
    let dir = tempfile_dir();
    for name in ["request", "answer", "history", "top10", "catalog", "xlsx"] {
        let mut t = fuzz::target(name, None).expect("target");
        let stats = fuzz::run(t.as_mut(), 1, 3_000, Duration::from_secs(60), &dir);
        assert_eq!(stats.execs, 3_000);
        assert_eq!(stats.crashes, 0, "{name}: {:?}", stats.crash_files);
        assert!(stats.outcomes > 3, "{name}: mutants reach several outcomes");
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fuzz-smoke-{}", std::process::id()))
}

/// Regression from the xlsx target: a cell reference whose row number overflows calamine's
/// arithmetic panicked inside the library; the builder's reader now reports the file.
#[test]
fn an_overflowing_cell_reference_is_an_error_not_a_panic() {
    let xml = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="B99999999999999" t="inlineStr"><is><t>Title</t></is></c></row></sheetData></worksheet>"#;
    let mut log = builder::sources::SourceLog::default();
    let err = builder::sources::engagement::read_xlsx(
        std::path::Path::new("What_We_Watched_2025Jan-Jun.xlsx"),
        fuzz::sources::workbook(xml),
        &mut log,
    )
    .expect_err("a malformed workbook");
    assert!(
        err.to_string().contains("What_We_Watched_2025Jan-Jun.xlsx"),
        "{err}"
    );
}

/// Regression from the xlsx target: one cell far down the sheet made the xlsx library
/// allocate the whole dense range (terabytes) and abort; it is now refused by size first.
#[test]
fn a_cell_far_down_the_sheet_is_refused_before_any_allocation() {
    let xml = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>Title</t></is></c></row><row r="400000000"><c r="ZZ400000000"><v>1</v></c></row></sheetData></worksheet>"#;
    let mut log = builder::sources::SourceLog::default();
    let err = builder::sources::engagement::read_xlsx(
        std::path::Path::new("What_We_Watched_2025Jan-Jun.xlsx"),
        fuzz::sources::workbook(xml),
        &mut log,
    )
    .expect_err("an implausible sheet");
    assert!(
        err.to_string().contains("beyond any engagement report"),
        "{err}"
    );
}
