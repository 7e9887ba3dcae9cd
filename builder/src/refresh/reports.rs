//! Netflix engagement reports ("What We Watched"): semi-annual xlsx workbooks whose URLs
//! change with every report, so they come from configuration (`--engagement-url`,
//! `NETFLIX_ENGAGEMENT_URLS`). Each is stored whole under `engagement/` in the live
//! directory, named after the URL's last path segment (the snapshot's names when the URL
//! is Netflix's), after a light check that it is a workbook of the known shape. The full
//! reader is `crate::sources` territory; this only keeps a wrong download out.

use anyhow::{bail, Context};
use calamine::{Data, Reader};

use super::http::Http;
use super::Change;

/// Directory of the reports, relative to the data directory.
pub const DIR: &str = "engagement";

/// Sheet names the reports have used (2023H1: one sheet; later: one per kind).
const SHEETS: &[&str] = &["Engagement", "TV", "Film", "Shows", "Movies"];

/// Rows searched for the header (it sits on row 6, after notes).
const HEADER_ROWS: usize = 30;

/// The stable file name for a report URL: its last path segment without the query, with
/// anything but letters, digits, `.`, `-` and `_` replaced by `_`, ending in `.xlsx`.
pub fn file_name(url: &str) -> anyhow::Result<String> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| anyhow::anyhow!("engagement report URL is not a URL: {e}"))?;
    let last = parsed
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name_is_blank = name.trim_matches(|c| c == '.' || c == '_').is_empty();
    if name_is_blank {
        bail!(
            "engagement report URL {} has no file name in its path",
            super::http::shown_url(url)
        );
    }
    if !name.to_ascii_lowercase().ends_with(".xlsx") {
        name.push_str(".xlsx");
    }
    // A leading dot would make it a hidden file, which the data layers skip.
    Ok(name.trim_start_matches('.').to_owned())
}

/// Downloads one report and checks it; the change writes it to `engagement/<name>`.
pub fn fetch(http: &Http, url: &str, name: &str) -> anyhow::Result<Change> {
    let bytes = http.get(url, &[])?;
    let sheets = check(&bytes).with_context(|| format!("engagement report {name}"))?;
    Ok(Change {
        file: format!("{DIR}/{name}"),
        summary: format!("report with sheets {}", sheets.join(", ")),
        bytes,
    })
}

/// Opens `bytes` as an xlsx workbook and finds at least one known sheet whose header row
/// (within the first rows) has `Title` and `Hours Viewed`. Returns those sheets' names.
pub fn check(bytes: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow::anyhow!("not an xlsx workbook: {e}"))?;
    let names = book.sheet_names();
    let mut good = Vec::new();
    for name in names
        .iter()
        .filter(|n| SHEETS.iter().any(|s| s.eq_ignore_ascii_case(n.trim())))
    {
        let range = book
            .worksheet_range(name)
            .map_err(|e| anyhow::anyhow!("sheet {name:?} is unreadable: {e}"))?;
        let has_header = range.rows().take(HEADER_ROWS).any(|row| {
            let cell = |want: &str| {
                row.iter().any(|c| match c {
                    Data::String(s) => s.trim().eq_ignore_ascii_case(want),
                    _ => false,
                })
            };
            cell("Title") && cell("Hours Viewed")
        });
        if has_header {
            good.push(name.clone());
        }
    }
    if good.is_empty() {
        bail!(
            "no sheet named one of {SHEETS:?} with a \"Title\" and \"Hours Viewed\" header in its first {HEADER_ROWS} rows (sheets: {names:?})"
        );
    }
    Ok(good)
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_are_stable_and_safe() {
        assert_eq!(
            file_name("https://cdn.example/a/b/What_We_Watched_2025Jan-Jun.xlsx?sig=SECRET")
                .unwrap(),
            "What_We_Watched_2025Jan-Jun.xlsx"
        );
        assert_eq!(
            file_name("https://x.example/dl/report%201").unwrap(),
            "report_201.xlsx"
        );
        assert_eq!(
            file_name("https://x.example/../.hidden.xlsx").unwrap(),
            "hidden.xlsx"
        );
        let err = file_name("https://x.example/?sig=SECRET")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("SECRET"), "{err}");
        assert!(file_name("not a url").is_err());
    }
}
