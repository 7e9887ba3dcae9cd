//! Source readers. Each module knows exactly one upstream format.
//!
//! Shared here: the delimited-file reader every module uses, the fatal error type (names
//! file, line and column) and the per-source log of skipped rows that ends up in the
//! data-quality report.
//!
//! The split between fatal and row-level problems: a file that cannot be read as a table
//! at all (missing, empty, broken compression, a missing required column, a header that is
//! not UTF-8) stops the build; a row that is wrong on its own (wrong field count, a bad
//! number or date, bytes that are not UTF-8, a duplicate key) is skipped, counted and listed.

pub mod engagement;
pub mod jsonl;
pub mod justwatch;
pub mod kaggle;
pub mod tmdb;
pub mod top10;
pub mod youtube;

use std::io::Read;
use std::path::Path;

use engine::report::{Reject, SourceReport};

/// How many rejected rows a source report lists (the count covers all of them).
pub const MAX_LISTED_REJECTS: usize = 20;

/// A problem that makes a whole source file unusable. Printed as `file:line:column: reason`.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}:{line}:{column}: {reason}")]
pub struct FatalError {
    /// The file, as the user passed it (data dir joined with the relative path).
    pub file: String,
    /// 1-based line number (1 = header).
    pub line: u64,
    /// 1-based column (field) number; 1 when the whole line is at fault.
    pub column: u64,
    /// What is wrong.
    pub reason: String,
}

impl FatalError {
    /// A fatal error at a position in `file`.
    pub fn new(file: &Path, line: u64, column: u64, reason: impl Into<String>) -> Self {
        FatalError {
            file: file.display().to_string(),
            line,
            column,
            reason: reason.into(),
        }
    }
}

/// Why one row was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// Column name at fault, when one column was.
    pub column: Option<String>,
    /// What was wrong.
    pub reason: String,
}

impl RowError {
    /// A row problem blamed on one column.
    pub fn col(column: &str, reason: impl Into<String>) -> Self {
        RowError {
            column: Some(column.to_owned()),
            reason: reason.into(),
        }
    }

    /// A row problem not tied to one column.
    pub fn row(reason: impl Into<String>) -> Self {
        RowError {
            column: None,
            reason: reason.into(),
        }
    }
}

/// Rows read and skipped for one source file; becomes a [`SourceReport`].
#[derive(Debug, Clone, Default)]
pub struct SourceLog {
    report: SourceReport,
}

impl SourceLog {
    /// A log for source `name` read from `file` (relative to the data directory).
    pub fn new(name: &str, file: &str) -> Self {
        SourceLog {
            report: SourceReport {
                name: name.to_owned(),
                file: file.to_owned(),
                ..SourceReport::default()
            },
        }
    }

    /// Counts one data row read (kept or not).
    pub fn read_row(&mut self) {
        self.report.rows_read += 1;
    }

    /// Records a skipped row; only the first [`MAX_LISTED_REJECTS`] are listed.
    pub fn reject(&mut self, line: u64, err: RowError) {
        self.report.rows_rejected += 1;
        if self.report.rejects.len() < MAX_LISTED_REJECTS {
            self.report.rejects.push(Reject {
                line,
                column: err.column,
                reason: err.reason,
            });
        }
    }

    /// Raises the latest date the source covers to `date` (`YYYY-MM-DD` compares as text).
    pub fn saw_date(&mut self, date: &str) {
        if self.report.latest.as_deref().is_none_or(|l| date > l) {
            self.report.latest = Some(date.to_owned());
        }
    }

    /// Rows skipped so far.
    pub fn rejected(&self) -> u64 {
        self.report.rows_rejected
    }

    /// The finished report.
    pub fn finish(self) -> SourceReport {
        self.report
    }
}

/// One data row of a delimited file, with typed accessors that name the column at fault.
pub struct Row<'a> {
    /// 1-based line where the row starts.
    pub line: u64,
    rec: &'a csv::ByteRecord,
    /// Header names and their positions. A linear scan: headers have a dozen names, and
    /// comparing short strings beats hashing one per field read (it was the ETL's top
    /// hash cost).
    columns: &'a [(String, usize)],
}

impl<'a> Row<'a> {
    /// The raw text of `column`; an error when the row is short or the bytes are not UTF-8.
    pub fn str(&self, column: &str) -> Result<&'a str, RowError> {
        let i = self
            .columns
            .iter()
            .find_map(|(name, i)| (name == column).then_some(*i))
            .ok_or_else(|| RowError::col(column, "no such column"))?;
        let bytes = self
            .rec
            .get(i)
            .ok_or_else(|| RowError::col(column, "field missing"))?;
        std::str::from_utf8(bytes)
            .map_err(|e| RowError::col(column, format!("not UTF-8 at byte {}", e.valid_up_to())))
    }

    /// The trimmed text of `column`, `None` when empty.
    pub fn opt_str(&self, column: &str) -> Result<Option<&'a str>, RowError> {
        let s = self.str(column)?.trim();
        Ok((!s.is_empty()).then_some(s))
    }

    /// A required number.
    pub fn num<T: std::str::FromStr>(&self, column: &str) -> Result<T, RowError> {
        let s = self.str(column)?.trim();
        parse_num(s).ok_or_else(|| RowError::col(column, format!("not a number: {s:?}")))
    }

    /// An optional number: empty is `None`, garbage is an error.
    pub fn opt_num<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, RowError> {
        match self.opt_str(column)? {
            None => Ok(None),
            Some(s) => parse_num(s)
                .map(Some)
                .ok_or_else(|| RowError::col(column, format!("not a number: {s:?}"))),
        }
    }

    /// A required `YYYY-MM-DD` date.
    pub fn date(&self, column: &str) -> Result<&'a str, RowError> {
        let s = self.str(column)?.trim();
        if is_iso_date(s) {
            Ok(s)
        } else {
            Err(RowError::col(
                column,
                format!("not a YYYY-MM-DD date: {s:?}"),
            ))
        }
    }
}

/// Parses an integer or float field; pandas writes integers as `588100.0`, which is
/// accepted for integer types when the fraction is zero.
fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if let Ok(v) = s.parse::<T>() {
        return Some(v);
    }
    let int = s.strip_suffix(".0")?;
    int.parse::<T>().ok()
}

/// True for a plausible `YYYY-MM-DD` (digits in place, month 1–12, day 1–31).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    let day = (b[8] - b'0') * 10 + (b[9] - b'0');
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// How to read one delimited file.
pub struct TableSpec<'a> {
    /// Field separator (`b','` or `b'\t'`).
    pub delimiter: u8,
    /// Whether `"` quotes fields. Netflix's TSVs do not quote, and titles may hold `"`.
    pub quoting: bool,
    /// Columns that must be in the header (others are ignored).
    pub required: &'a [&'a str],
    /// Whether the file is gzip-compressed.
    pub gzip: bool,
}

/// Reads the whole file into memory, decompressing when asked. Fatal on I/O errors.
fn load(path: &Path, gzip: bool) -> Result<Vec<u8>, FatalError> {
    let raw = std::fs::read(path).map_err(|e| FatalError::new(path, 1, 1, e.to_string()))?;
    if !gzip {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(raw.len() * 6);
    let mut dec = flate2::read::MultiGzDecoder::new(raw.as_slice());
    if let Err(e) = dec.read_to_end(&mut out) {
        // Say where the text stopped so a truncated download is recognisable.
        let line = out.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        return Err(FatalError::new(
            path,
            line,
            1,
            format!("gzip stream is broken after {} bytes: {e}", out.len()),
        ));
    }
    Ok(out)
}

/// Reads a delimited file row by row. The header is checked for the required columns;
/// each data row goes to `f`, whose [`RowError`]s are logged as skipped rows. A row with a
/// different field count than the header is skipped before `f` sees it.
pub fn read_table(
    path: &Path,
    spec: &TableSpec<'_>,
    log: &mut SourceLog,
    f: impl FnMut(&Row<'_>) -> Result<(), RowError>,
) -> Result<(), FatalError> {
    let bytes = load(path, spec.gzip)?;
    read_table_bytes(path, &bytes, spec, log, f)
}

/// [`read_table`] over bytes already in memory (a download); `path` names them in errors.
/// `spec.gzip` is ignored: the bytes are the text.
pub fn read_table_bytes(
    path: &Path,
    bytes: &[u8],
    spec: &TableSpec<'_>,
    log: &mut SourceLog,
    mut f: impl FnMut(&Row<'_>) -> Result<(), RowError>,
) -> Result<(), FatalError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FatalError::new(path, 1, 1, "file is empty: no header row"));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(spec.delimiter)
        .quoting(spec.quoting)
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let csv_fatal = |e: csv::Error| {
        let (line, col) = match e.position() {
            Some(p) => (p.line(), 1),
            None => (0, 1),
        };
        FatalError::new(path, line.max(1), col, e.to_string())
    };
    if !rdr.read_byte_record(&mut rec).map_err(csv_fatal)? {
        return Err(FatalError::new(path, 1, 1, "file is empty: no header row"));
    }
    let mut columns: Vec<(String, usize)> = Vec::new();
    for (i, h) in rec.iter().enumerate() {
        let h = std::str::from_utf8(h).map_err(|e| {
            FatalError::new(
                path,
                1,
                i as u64 + 1,
                format!("header is not UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        // Excel and some exporters put a byte-order mark before the first name.
        let h = h.trim_start_matches('\u{feff}').trim();
        // A repeated name keeps its last position, as a map insert would.
        columns.retain(|(name, _)| name != h);
        columns.push((h.to_owned(), i));
    }
    let width = rec.len();
    for req in spec.required {
        if !columns.iter().any(|(name, _)| name.as_str() == *req) {
            let mut have: Vec<_> = columns.iter().collect();
            have.sort_by_key(|(_, i)| *i);
            let have: Vec<&str> = have.into_iter().map(|(n, _)| n.as_str()).collect();
            return Err(FatalError::new(
                path,
                1,
                width as u64 + 1,
                format!("missing column {req:?} (header has {have:?})"),
            ));
        }
    }
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_fatal(e)),
        }
        let line = rec.position().map_or(0, |p| p.line());
        // A trailing blank line is not a row.
        if rec.len() == 1
            && rec
                .get(0)
                .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        log.read_row();
        if rec.len() != width {
            log.reject(
                line,
                RowError::row(format!("{} fields, header has {width}", rec.len())),
            );
            continue;
        }
        let row = Row {
            line,
            rec: &rec,
            columns: &columns,
        };
        if let Err(e) = f(&row) {
            log.reject(line, e);
        }
    }
    Ok(())
}

/// Parses a Python-list string such as `['drama', 'crime']` into its items.
pub fn python_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .map(|item| item.trim().trim_matches(|c| c == '\'' || c == '"').trim())
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits a `", "`-joined multi-value field into trimmed, non-empty items.
pub fn comma_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_pandas_floats_for_integers() {
        assert_eq!(parse_num::<u32>("588100.0"), Some(588_100));
        assert_eq!(parse_num::<u32>("12"), Some(12));
        assert_eq!(parse_num::<u32>("1.5"), None);
        assert_eq!(parse_num::<f32>("1.5"), Some(1.5));
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_iso_date("2026-07-19"));
        assert!(!is_iso_date("2026-13-19"));
        assert!(!is_iso_date("July 19, 2026"));
    }

    #[test]
    fn list_fields() {
        assert_eq!(python_list("['drama', 'crime']"), vec!["drama", "crime"]);
        assert!(python_list("[]").is_empty());
        assert_eq!(comma_list("A, B,, C "), vec!["A", "B", "C"]);
    }
}

/// One title as a catalog source describes it, already mapped onto the canonical
/// vocabularies (genres, ISO2 countries). Entity resolution merges these into titles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogRecord {
    /// Source name as it appears in [`engine::SourceRef::source`].
    pub source: &'static str,
    /// The source's own id (`s1`, `tm82169`, a Streaming Availability id).
    pub id: String,
    /// Line of the record in its file (for notes and debugging).
    pub line: u64,
    /// Display title.
    pub title: String,
    /// Film or series.
    pub kind: engine::Kind,
    /// Release or first-air year.
    pub year: Option<u16>,
    /// Plot summary, empty when none.
    pub description: String,
    /// Canonical genre ids (see [`crate::vocab::GENRES`]).
    pub genres: Vec<&'static str>,
    /// Director (or series creator) names.
    pub directors: Vec<String>,
    /// Cast names in billing order.
    pub cast: Vec<String>,
    /// Production countries, ISO2.
    pub countries: Vec<String>,
    /// Age certification.
    pub age_rating: Option<String>,
    /// Runtime in minutes.
    pub runtime_min: Option<u16>,
    /// Seasons, for series.
    pub seasons: Option<u16>,
    /// IMDb id (`tt...`).
    pub imdb_id: Option<String>,
    /// IMDb rating 0–10.
    pub imdb_score: Option<f32>,
    /// IMDb votes.
    pub imdb_votes: Option<u32>,
    /// TMDB popularity.
    pub tmdb_popularity: Option<f32>,
    /// TMDB rating 0–10.
    pub tmdb_score: Option<f32>,
    /// The title in its original language, when the source gives one other than `title`
    /// (evidence for merging one work listed under two names).
    pub original_title: Option<String>,
    /// TMDB poster path (`/abc123.jpg`), checked by [`engine::catalog::is_poster_path`].
    pub poster_path: Option<String>,
}
