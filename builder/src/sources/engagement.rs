//! Netflix's semi-annual engagement reports ("What We Watched", SOURCES.md §4): one xlsx
//! workbook per half-year, read with calamine; and the derived 2026 Jan–Jun table (§8), a
//! CSV with the same title strings plus TMDB genres.
//!
//! Layouts differ between reports, so nothing is assumed by position:
//! - sheets: one `Engagement` sheet (2023 Jan–Jun, no type column: the kind is inferred
//!   later), else a series sheet (`TV`, `Shows`) and a film sheet (`Film`, `Movies`);
//! - the header row is found by content (a row with `Title` and `Hours Viewed`; on row 6
//!   after notes, column A empty), and columns are taken by name;
//! - release dates come as date cells, date serials or `YYYY-MM-DD` text;
//! - runtime is `h:mm` text (or a time cell);
//! - non-English titles carry their original after ` // `;
//! - the half-year comes from the file name (`..._2024Jul-Dec.xlsx` → `2024H2`).
//!
//! A workbook that cannot be opened (corrupt, truncated), a missing sheet or a header that
//! cannot be found is fatal, naming file, sheet and row; a bad row is skipped and counted.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use engine::Kind;

use super::tmdb::{enrichment_of, Enrichment};
use super::{is_iso_date, read_table, FatalError, RowError, SourceLog, TableSpec};

/// Directory of the xlsx reports relative to the data directory.
pub const DIR: &str = "engagement";
/// Source name of the reports in the data report.
pub const SOURCE: &str = "netflix_engagement";
/// The derived 2026 Jan–Jun table relative to the data directory.
pub const DERIVED_FILE: &str = "engagement/derived_2026H1/netflix_engagement_final.csv";
/// Half-year of the derived table (it is not in the file).
pub const DERIVED_PERIOD: &str = "2026H1";
/// Rows scanned for the header before giving up.
const HEADER_SCAN_ROWS: usize = 30;

/// One title row of an engagement report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngagementRow {
    /// Half-year, `YYYYH1` or `YYYYH2`.
    pub period: String,
    /// 1-based row in its sheet (or line in the CSV).
    pub line: u64,
    /// Title as Netflix prints it, without the original after ` // `.
    pub title: String,
    /// The original-language title Netflix prints after ` // `, if any.
    pub original: Option<String>,
    /// Film or series; `None` in the single-sheet 2023 Jan–Jun report.
    pub kind: Option<Kind>,
    /// Release date `YYYY-MM-DD`, when given (Netflix leaves titles before 2010 undated).
    pub release_date: Option<String>,
    /// Hours viewed (rounded by Netflix to 100,000).
    pub hours: u64,
    /// Runtime in minutes (a whole season for series).
    pub runtime_min: Option<u16>,
    /// Views (hours / runtime), from the 2023 Jul–Dec report on.
    pub views: Option<u64>,
}

/// Splits `"Squid Game: Season 2 // 오징어 게임: 시즌 2"` into the title and the original.
pub fn split_original(title: &str) -> (&str, Option<&str>) {
    match title.split_once(" // ") {
        Some((t, orig)) if !t.trim().is_empty() => (t.trim(), Some(orig.trim())),
        _ => (title.trim(), None),
    }
}

/// The half-year a report's file name names: `..._2023Jan-Jun.xlsx` → `2023H1`.
pub fn period_of(file_name: &str) -> Option<String> {
    for (marker, half) in [("Jan-Jun", "H1"), ("Jul-Dec", "H2")] {
        if let Some(pos) = file_name.find(marker) {
            let year = file_name.get(pos.checked_sub(4)?..pos)?;
            if year.bytes().all(|b| b.is_ascii_digit()) {
                return Some(format!("{year}{half}"));
            }
        }
    }
    None
}

/// The last day of a half-year (`2024H1` → `2024-06-30`), to date rows without a release.
pub fn period_end(period: &str) -> String {
    let year = period.get(..4).unwrap_or("0000");
    if period.ends_with("H1") {
        format!("{year}-06-30")
    } else {
        format!("{year}-12-31")
    }
}

/// `YYYY-MM-DD` of an Excel date serial (1900 system; serial 25569 is 1970-01-01).
fn serial_date(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64 - 25_569;
    Some(crate::refresh::civil_date(days))
}

/// Minutes of `"7:34"` (hours:minutes).
fn hm_minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().get(..2)?.parse().ok()?);
    (m < 60).then_some(h * 60 + m)?.try_into().ok()
}

fn cell_text(c: &Data) -> Option<String> {
    match c {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        }
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn cell_count(c: &Data, column: &str) -> Result<Option<u64>, RowError> {
    let bad = |what: &dyn std::fmt::Debug| {
        RowError::col(column, format!("not a non-negative number: {what:?}"))
    };
    match c {
        Data::Empty => Ok(None),
        Data::Int(i) => u64::try_from(*i).map(Some).map_err(|_| bad(i)),
        Data::Float(f) if f.is_finite() && *f >= 0.0 && *f < 1.8e19 => Ok(Some(f.round() as u64)),
        // `*` marks a figure Netflix does not publish (as for runtimes).
        Data::String(s) if matches!(s.trim(), "" | "*" | "-") => Ok(None),
        Data::String(s) => s
            .trim()
            .replace(',', "")
            .parse::<u64>()
            .map(Some)
            .map_err(|_| bad(s)),
        other => Err(bad(other)),
    }
}

fn cell_date(c: &Data) -> Result<Option<String>, RowError> {
    let bad =
        |what: &dyn std::fmt::Debug| RowError::col("Release Date", format!("not a date: {what:?}"));
    match c {
        Data::Empty => Ok(None),
        Data::DateTime(d) => serial_date(d.as_f64()).map(Some).ok_or_else(|| bad(d)),
        Data::Float(f) => serial_date(*f).map(Some).ok_or_else(|| bad(f)),
        Data::Int(i) => serial_date(*i as f64).map(Some).ok_or_else(|| bad(i)),
        Data::String(s) | Data::DateTimeIso(s) => {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else if s.get(..10).is_some_and(is_iso_date) {
                Ok(Some(s[..10].to_owned()))
            } else {
                Err(bad(&s))
            }
        }
        other => Err(bad(other)),
    }
}

fn cell_runtime(c: &Data) -> Result<Option<u16>, RowError> {
    let bad = |what: &dyn std::fmt::Debug| {
        RowError::col("Runtime", format!("not an h:mm runtime: {what:?}"))
    };
    let from_days = |d: f64| -> Option<u16> {
        let m = (d * 1440.0).round();
        (d.is_finite() && (0.0..65_535.0).contains(&m)).then_some(m as u16)
    };
    match c {
        Data::Empty => Ok(None),
        // Netflix marks runtimes it does not publish with `*`.
        Data::String(s) if matches!(s.trim(), "" | "*" | "-") => Ok(None),
        Data::String(s) => hm_minutes(s).map(Some).ok_or_else(|| bad(s)),
        Data::Float(f) => from_days(*f).map(Some).ok_or_else(|| bad(f)),
        Data::DateTime(d) => from_days(d.as_f64()).map(Some).ok_or_else(|| bad(d)),
        other => Err(bad(other)),
    }
}

/// What one sheet holds.
fn sheet_kind(name: &str) -> Option<Option<Kind>> {
    match name.trim().to_ascii_lowercase().as_str() {
        "tv" | "shows" | "series" => Some(Some(Kind::Show)),
        "film" | "films" | "movies" => Some(Some(Kind::Movie)),
        "engagement" => Some(None),
        _ => None,
    }
}

/// Most rows a report sheet may have (the real ones have under 20,000).
pub const MAX_SHEET_ROWS: u32 = 200_000;
/// Most columns a report sheet may have (the real ones have 7).
pub const MAX_SHEET_COLUMNS: u32 = 64;

/// Reads one report workbook (bytes in memory; `path` names it in errors and gives the
/// half-year). A workbook that makes the xlsx library panic (the fuzzer found cell
/// references whose row number overflows calamine 0.38's arithmetic) is a fatal error
/// naming the file, like any other unreadable workbook, never a crash of the build.
pub fn read_xlsx(
    path: &Path,
    bytes: Vec<u8>,
    log: &mut SourceLog,
) -> Result<Vec<EngagementRow>, FatalError> {
    let mut scratch = log.clone();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_xlsx_inner(path, bytes, &mut scratch)
    }));
    match result {
        Ok(rows) => {
            *log = scratch;
            rows
        }
        Err(_) => Err(FatalError::new(
            path,
            1,
            1,
            "not a readable xlsx workbook: the xlsx reader failed on malformed content",
        )),
    }
}

fn read_xlsx_inner(
    path: &Path,
    bytes: Vec<u8>,
    log: &mut SourceLog,
) -> Result<Vec<EngagementRow>, FatalError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let period = period_of(&name).ok_or_else(|| {
        FatalError::new(
            path,
            1,
            1,
            "cannot tell the half-year from the file name (expected ..._YYYYJan-Jun.xlsx or ..._YYYYJul-Dec.xlsx)",
        )
    })?;
    let mut wb = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| FatalError::new(path, 1, 1, format!("not a readable xlsx workbook: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let sheets: Vec<(String, Option<Kind>)> = names
        .iter()
        .filter_map(|n| sheet_kind(n).map(|k| (n.clone(), k)))
        .collect();
    let has = |k: Kind| sheets.iter().any(|(_, s)| *s == Some(k));
    let single = sheets.iter().any(|(_, s)| s.is_none());
    if !(single || has(Kind::Show) && has(Kind::Movie)) {
        return Err(FatalError::new(
            path,
            1,
            1,
            format!(
                "missing sheet: expected `Engagement`, or a series sheet (TV, Shows) and a film sheet (Film, Movies); the workbook has {names:?}"
            ),
        ));
    }
    let mut out = Vec::new();
    for (sheet, kind) in sheets {
        if single && kind.is_some() {
            continue;
        }
        let range = read_sheet(&mut wb, path, &sheet)?;
        // Rows of a range are counted from its first used cell.
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate();
        let mut found: Option<(Vec<String>, usize, usize)> = None;
        for (_, r) in rows.by_ref().take(HEADER_SCAN_ROWS) {
            let cells: Vec<String> = r.iter().map(|c| cell_text(c).unwrap_or_default()).collect();
            let title = cells.iter().position(|c| c == "Title");
            let hours = cells.iter().position(|c| c == "Hours Viewed");
            if let (Some(t), Some(h)) = (title, hours) {
                found = Some((cells, t, h));
                break;
            }
        }
        let Some((header, c_title, c_hours)) = found else {
            return Err(FatalError::new(
                path,
                u64::from(row0) + 1,
                u64::from(col0) + 1,
                format!(
                    "sheet {sheet:?}: no header row with \"Title\" and \"Hours Viewed\" in the first {HEADER_SCAN_ROWS} rows"
                ),
            ));
        };
        let col = |name: &str| header.iter().position(|h| h == name);
        let (c_date, c_runtime, c_views) = (col("Release Date"), col("Runtime"), col("Views"));
        for (i, r) in rows {
            let line = u64::from(row0) + i as u64 + 1;
            if r.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            log.read_row();
            let get = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or(&Data::Empty);
            let parsed = (|| -> Result<EngagementRow, RowError> {
                let raw = cell_text(get(Some(c_title)))
                    .ok_or_else(|| RowError::col("Title", "empty title"))?;
                let (title, original) = split_original(&raw);
                let hours = cell_count(get(Some(c_hours)), "Hours Viewed")?
                    .ok_or_else(|| RowError::col("Hours Viewed", "empty"))?;
                Ok(EngagementRow {
                    period: period.clone(),
                    line,
                    title: title.to_owned(),
                    original: original.map(str::to_owned),
                    kind,
                    release_date: cell_date(get(c_date))?,
                    hours,
                    runtime_min: cell_runtime(get(c_runtime))?,
                    views: cell_count(get(c_views), "Views")?,
                })
            })();
            match parsed {
                Ok(row) => {
                    if let Some(d) = &row.release_date {
                        log.saw_date(d);
                    }
                    out.push(row);
                }
                Err(e) => log.reject(
                    line,
                    RowError {
                        column: Some(format!(
                            "{sheet}!{}",
                            e.column.unwrap_or_else(|| "row".into())
                        )),
                        reason: e.reason,
                    },
                ),
            }
        }
    }
    Ok(out)
}

/// Reads one sheet's used cells in one pass, as `worksheet_range` would (empty cells
/// dropped, the range from the first used cell to the last). `worksheet_range` itself
/// would allocate every cell of that extent before this could check it: a hostile cell
/// reference far down the sheet would ask for terabytes (the fuzzer's xlsx target found
/// it), so an implausible extent is refused before the range is made.
fn read_sheet(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    path: &Path,
    sheet: &str,
) -> Result<calamine::Range<Data>, FatalError> {
    let unreadable = |e: calamine::XlsxError| {
        FatalError::new(path, 1, 1, format!("sheet {sheet:?}: cannot be read: {e}"))
    };
    let (mut max_row, mut max_col) = (0u32, 0u32);
    let mut used = Vec::new();
    let mut cells = wb.worksheet_cells_reader(sheet).map_err(unreadable)?;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        max_row = max_row.max(r);
        max_col = max_col.max(c);
        if !matches!(cell.get_value(), calamine::DataRef::Empty) {
            used.push(calamine::Cell::new(
                (r, c),
                Data::from(cell.get_value().clone()),
            ));
        }
    }
    if max_row > MAX_SHEET_ROWS || max_col > MAX_SHEET_COLUMNS {
        return Err(FatalError::new(
            path,
            u64::from(max_row) + 1,
            u64::from(max_col) + 1,
            format!(
                "sheet {sheet:?}: a cell at row {} column {} is beyond any engagement report (at most {MAX_SHEET_ROWS} rows, {MAX_SHEET_COLUMNS} columns)",
                u64::from(max_row) + 1,
                u64::from(max_col) + 1
            ),
        ));
    }
    Ok(calamine::Range::from_sparse(used))
}

/// Reads the derived 2026 Jan–Jun table: its engagement rows and its TMDB matches.
pub fn read_derived(
    path: &Path,
    log: &mut SourceLog,
) -> Result<(Vec<EngagementRow>, Vec<Enrichment>), FatalError> {
    let mut rows = Vec::new();
    let mut enrich = Vec::new();
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: &[
            "title",
            "content_type",
            "release_date",
            "hours_viewed",
            "runtime_min",
            "views",
            "genres",
            "origin_country",
            "match_status",
        ],
        gzip: false,
    };
    read_table(path, &spec, log, |row| {
        let raw = row
            .opt_str("title")?
            .ok_or_else(|| RowError::col("title", "empty title"))?;
        let (title, original) = split_original(raw);
        let kind = super::tmdb::content_kind(row.str("content_type")?)?;
        let release_date = match row.opt_str("release_date")? {
            None => None,
            Some(_) => Some(row.date("release_date")?.to_owned()),
        };
        let hours: f64 = row.num("hours_viewed")?;
        let runtime: Option<f64> = row.opt_num("runtime_min")?;
        let views: Option<f64> = row.opt_num("views")?;
        let count = |v: f64, col: &str| {
            if v.is_finite() && (0.0..1.8e19).contains(&v) {
                Ok(v.round() as u64)
            } else {
                Err(RowError::col(col, format!("out of range: {v}")))
            }
        };
        let e = enrichment_of(row, title)?;
        rows.push(EngagementRow {
            period: DERIVED_PERIOD.to_owned(),
            line: row.line,
            title: title.to_owned(),
            original: original.map(str::to_owned),
            kind: Some(kind),
            release_date,
            hours: count(hours, "hours_viewed")?,
            runtime_min: runtime
                .filter(|r| r.is_finite() && *r >= 1.0 && *r < 65_535.0)
                .map(|r| r.round() as u16),
            views: views.map(|v| count(v, "views")).transpose()?,
        });
        enrich.extend(e);
        Ok(())
    })?;
    if let Some(d) = rows.iter().filter_map(|r| r.release_date.as_deref()).max() {
        log.saw_date(d);
    }
    Ok((rows, enrich))
}

/// Engagement rows, the TMDB matches of the derived table, and one log per file read.
pub type ReadAll = (Vec<EngagementRow>, Vec<Enrichment>, Vec<SourceLog>);

/// Reads every report of `dirs` (snapshot and live; a live report replaces the snapshot's
/// file of the same name), then the derived table when present. One log per file.
pub fn read_all(dirs: &crate::datadirs::DataDirs) -> Result<ReadAll, FatalError> {
    let mut rows = Vec::new();
    let mut logs = Vec::new();
    for path in dirs.list(DIR, ".xlsx") {
        let rel = format!(
            "{DIR}/{}",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let mut log = SourceLog::new(SOURCE, &rel);
        let bytes =
            std::fs::read(&path).map_err(|e| FatalError::new(&path, 1, 1, e.to_string()))?;
        rows.extend(read_xlsx(&path, bytes, &mut log)?);
        logs.push(log);
    }
    let mut enrich = Vec::new();
    if let Some(path) = dirs.layers(DERIVED_FILE).pop() {
        let mut log = SourceLog::new("netflix_engagement_2026h1_derived", DERIVED_FILE);
        let (r, e) = read_derived(&path, &mut log)?;
        rows.extend(r);
        enrich.extend(e);
        logs.push(log);
    }
    Ok((rows, enrich, logs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_periods_and_cells() {
        assert_eq!(
            period_of("What_We_Watched_A_Netflix_Engagement_Report_2024Jul-Dec.xlsx").as_deref(),
            Some("2024H2")
        );
        assert_eq!(period_of("report.xlsx"), None);
        assert_eq!(
            split_original("Squid Game: Season 2 // 오징어 게임: 시즌 2"),
            ("Squid Game: Season 2", Some("오징어 게임: 시즌 2"))
        );
        assert_eq!(split_original("Heat"), ("Heat", None));
        assert_eq!(serial_date(45008.0).as_deref(), Some("2023-03-23"));
        assert_eq!(serial_date(25569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(hm_minutes("7:34"), Some(454));
        assert_eq!(hm_minutes("0:05"), Some(5));
        assert_eq!(hm_minutes("7:75"), None);
        assert_eq!(cell_runtime(&Data::Float(0.5)).ok().flatten(), Some(720));
        assert_eq!(
            cell_date(&Data::String("2024-05-16".into()))
                .ok()
                .flatten()
                .as_deref(),
            Some("2024-05-16")
        );
        assert!(cell_date(&Data::String("May 16".into())).is_err());
        assert_eq!(cell_runtime(&Data::String("*".into())).ok(), Some(None));
        assert!(cell_runtime(&Data::String("soon".into())).is_err());
        assert_eq!(period_end("2024H1"), "2024-06-30");
    }

    #[test]
    fn garbage_is_fatal_with_the_file_named() {
        let p = Path::new("engagement/What_We_Watched_2024Jan-Jun.xlsx");
        let mut log = SourceLog::new(SOURCE, "x");
        let e = read_xlsx(p, b"PK\x03\x04 truncated".to_vec(), &mut log).unwrap_err();
        assert!(
            e.to_string().contains("What_We_Watched_2024Jan-Jun.xlsx"),
            "{e}"
        );
        assert!(e.reason.contains("xlsx"), "{e}");
    }
}

#[cfg(test)]
mod xlsx_tests {
    use std::io::Write;

    use super::*;

    /// A minimal workbook written by hand: `sheets` are (name, rows of inline strings).
    fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut put = |name: &str, body: String| {
            z.start_file(name, opts).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        };
        let mut types = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        );
        let (mut wb_sheets, mut rels) = (String::new(), String::new());
        for (i, (name, _)) in sheets.iter().enumerate() {
            let n = i + 1;
            types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
            wb_sheets.push_str(&format!(
                r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
            ));
            rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        }
        types.push_str("</Types>");
        put("[Content_Types].xml", types);
        put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned());
        put(
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{wb_sheets}</sheets></workbook>"#
            ),
        );
        put(
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
            ),
        );
        for (i, (_, rows)) in sheets.iter().enumerate() {
            let mut data = String::new();
            for (r, row) in rows.iter().enumerate() {
                data.push_str(&format!(r#"<row r="{}">"#, r + 1));
                for (c, v) in row.iter().enumerate() {
                    if v.is_empty() {
                        continue;
                    }
                    let col = (b'A' + c as u8) as char;
                    data.push_str(&format!(
                        r#"<c r="{col}{}" t="inlineStr"><is><t>{v}</t></is></c>"#,
                        r + 1
                    ));
                }
                data.push_str("</row>");
            }
            put(
                &format!("xl/worksheets/sheet{}.xml", i + 1),
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
                ),
            );
        }
        z.finish().unwrap().into_inner()
    }

    const HEADER: &[&str] = &[
        "",
        "Title",
        "Available Globally?",
        "Release Date",
        "Hours Viewed",
        "Runtime",
        "Views",
    ];

    #[test]
    fn hand_written_report_is_read_and_bad_rows_counted() {
        let rows: &[&[&str]] = &[
            &["", "What We Watched"],
            &[],
            HEADER,
            &[
                "",
                "Adolescence: Limited Series",
                "Yes",
                "2025-03-13",
                "555100000",
                "3:50",
                "144800000",
            ],
            &[
                "",
                "Squid Game: Season 2 // 오징어 게임: 시즌 2",
                "Yes",
                "2024-12-26",
                "840300000",
                "7:10",
                "117300000",
            ],
            &["", "Broken", "Yes", "someday", "100", "1:00", "100"],
        ];
        let films: &[&[&str]] = &[HEADER, &["", "Damsel", "Yes", "", "1000000", "1:50", "*"]];
        let bytes = workbook(&[("Shows", rows), ("Movies", films)]);
        let mut log = SourceLog::new(SOURCE, "x");
        let p = Path::new("r_2025Jan-Jun.xlsx");
        let out = read_xlsx(p, bytes, &mut log).unwrap();
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[1].title, "Squid Game: Season 2");
        assert_eq!(out[0].runtime_min, Some(230));
        assert_eq!(out[0].line, 4);
        assert_eq!(out[2].kind, Some(Kind::Movie));
        assert_eq!(out[2].views, None);
        let r = log.finish();
        assert_eq!((r.rows_read, r.rows_rejected), (4, 1));
        assert_eq!(r.rejects[0].line, 6);
        assert_eq!(r.rejects[0].column.as_deref(), Some("Shows!Release Date"));
    }

    #[test]
    fn missing_sheet_and_unknown_header_are_fatal_naming_file_sheet_and_row() {
        let p = Path::new("r_2025Jan-Jun.xlsx");
        let ok: &[&[&str]] = &[HEADER];
        let only_shows = workbook(&[("Shows", ok), ("Notes", ok)]);
        let e = read_xlsx(p, only_shows, &mut SourceLog::new(SOURCE, "x")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("r_2025Jan-Jun.xlsx:1:1: missing sheet"),
            "{e}"
        );
        assert!(e.reason.contains("Notes"), "{e}");
        let renamed: &[&[&str]] = &[&[], &["", "Name", "Hours"]];
        let bad = workbook(&[("Shows", ok), ("Movies", renamed)]);
        let e = read_xlsx(p, bad, &mut SourceLog::new(SOURCE, "x")).unwrap_err();
        assert!(e.to_string().starts_with("r_2025Jan-Jun.xlsx:"), "{e}");
        assert!(
            e.reason.contains("sheet \"Movies\"") && e.reason.contains("no header row"),
            "{e}"
        );
        let e = read_xlsx(
            Path::new("report.xlsx"),
            Vec::new(),
            &mut SourceLog::new(SOURCE, "x"),
        )
        .unwrap_err();
        assert!(e.reason.contains("half-year"), "{e}");
    }
}
