//! Reading the two Netflix export files into dated rows.
//!
//! The bytes are decoded (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252,
//! which is what an Excel re-save of a Western account gives), split into records by
//! `csv-core` with the delimiter found in the header (`,`, `;` or tab), and each row ends
//! up an [`Entry`] or a [`Skipped`] with its reason. The date column's format is settled
//! once for the whole file (see [`DateOrder`]), so "03/04/21" means the same day on every row.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::FnvBuild;

/// A calendar day (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day {
    /// Year, e.g. 2021.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

/// Netflix streaming started in January 2007: an earlier viewing date is impossible.
pub const FIRST_YEAR: u16 = 2007;
/// Later than this is taken as a broken date rather than a real one.
pub const LAST_YEAR: u16 = 2099;

impl Day {
    /// The day, when it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Day> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let len = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= len).then_some(Day { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i32 {
        let (m, d) = (i32::from(self.month), i32::from(self.day));
        let y = i32::from(self.year) - i32::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01 (inverse of [`Day::days`]).
    pub fn from_days(days: i32) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i32::from(m <= 2);
        Day {
            year: y.clamp(0, i32::from(u16::MAX)) as u16,
            month: m as u8,
            day: d as u8,
        }
    }

    /// Whether a viewing can have happened on this day.
    pub fn plausible(self) -> bool {
        (FIRST_YEAR..=LAST_YEAR).contains(&self.year)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// `NetflixViewingHistory.csv`: `Title,Date`, one row per title or episode and day.
    Titles,
    /// `ViewingActivity.csv`: one row per playback, all profiles, UTC times, durations.
    Activity,
}

/// The order of day, month and year in the file's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateOrder {
    /// 2021-09-25, 2021/09/25, Korean `21. 9. 25.`
    Ymd,
    /// 25/09/2021, 25.09.21, 25-09-21
    Dmy,
    /// 9/25/21, 09/25/2021
    Mdy,
}

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8 (a BOM, when present, is dropped).
    Utf8,
    /// UTF-16 with a byte-order mark (Excel's "Unicode text").
    Utf16,
    /// Not valid UTF-8: read as Windows-1252.
    Windows1252,
}

/// Why a row is not used. Every row of a file is either an [`Entry`] or skipped with one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SkipReason {
    /// The title is empty or only punctuation (placeholders such as `" "` or `": "`).
    EmptyTitle,
    /// The row has no date field (or fewer fields than the header).
    MissingField,
    /// The date does not read in the file's date format.
    BadDate,
    /// The date reads but cannot be a viewing day (no such day, or before 2007).
    ImpossibleDate,
    /// The same row (title and date, or profile, start time and title) appeared before.
    Duplicate,
    /// A trailer, hook, recap or other supplemental video, not viewing.
    Supplemental,
    /// A playback by another profile of the account.
    OtherProfile,
}

impl SkipReason {
    /// A short label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::EmptyTitle => "empty or placeholder title",
            SkipReason::MissingField => "missing field",
            SkipReason::BadDate => "unreadable date",
            SkipReason::ImpossibleDate => "impossible date",
            SkipReason::Duplicate => "duplicate row",
            SkipReason::Supplemental => "trailer or other supplemental video",
            SkipReason::OtherProfile => "another profile",
        }
    }
}

/// One viewing row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The title as the file prints it (`Show: Season 2: Episode` for an episode).
    pub title: String,
    /// The viewing day (UTC for ViewingActivity, the account's local day otherwise).
    pub day: Day,
    /// Playback duration, where the file has one.
    pub seconds: Option<u32>,
}

/// A row that is not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// Line of the file where the row starts.
    pub line: u64,
    /// The title field (may be empty).
    pub title: String,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// The offending value, when one field is to blame (the date text, the video type).
    pub detail: String,
}

/// A file read into rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Which export.
    pub format: Format,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// The field delimiter found in the header.
    pub delimiter: char,
    /// The date format settled for the file (None when no row had a date to settle it).
    pub date_order: Option<DateOrder>,
    /// The profile read (ViewingActivity), as named in the file.
    pub profile: Option<String>,
    /// Every profile of the file, in order of first appearance (ViewingActivity).
    pub profiles: Vec<String>,
    /// Data rows in the file (header excluded): `entries + skipped`.
    pub rows: usize,
    /// Viewing rows, in file order.
    pub entries: Vec<Entry>,
    /// Rows not used, in file order.
    pub skipped: Vec<Skipped>,
}

/// A file that cannot be read as a viewing history at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HistoryError {
    /// Nothing in the file.
    #[error("the file is empty")]
    Empty,
    /// Binary content (a zip, a spreadsheet, an image).
    #[error("not a text file: byte {offset} is a NUL byte (upload the .csv itself, not a zip or spreadsheet)")]
    Binary {
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// The first line is not one of the two export headers.
    #[error("line 1: header {found:?} is not a Netflix export header (expected `Title,Date` from NetflixViewingHistory.csv or `Profile Name,Start Time,Duration,…,Title,Supplemental Video Type,…` from ViewingActivity.csv)")]
    UnknownHeader {
        /// The header line as found (shortened).
        found: String,
    },
    /// A ViewingActivity file with several profiles and none chosen.
    #[error("the file holds several profiles; choose one of: {}", .profiles.join(", "))]
    ChooseProfile {
        /// The profiles found.
        profiles: Vec<String>,
    },
    /// The chosen profile is not in the file.
    #[error("no profile named {wanted:?} in the file; profiles: {}", .profiles.join(", "))]
    UnknownProfile {
        /// The profile asked for.
        wanted: String,
        /// The profiles found.
        profiles: Vec<String>,
    },
    /// Rows exist but not one date reads in any known format.
    #[error("column {column}: none of the {rows} dates reads as a date (first: {first:?}); expected forms like 9/25/21, 25.09.2021 or 2021-09-25")]
    NoDates {
        /// The date column's header.
        column: String,
        /// Rows with a date field.
        rows: usize,
        /// The first date value.
        first: String,
    },
}

/// Decodes the bytes to text, dropping a BOM.
fn decode(bytes: &[u8]) -> Result<(String, Encoding), HistoryError> {
    let utf16 = |be: bool| {
        let units = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect::<Vec<_>>();
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match bytes {
        [0xFF, 0xFE, ..] => return Ok((utf16(false), Encoding::Utf16)),
        [0xFE, 0xFF, ..] => return Ok((utf16(true), Encoding::Utf16)),
        _ => {}
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(HistoryError::Binary { offset });
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok((s.to_owned(), Encoding::Utf8)),
        Err(_) => Ok((
            body.iter().map(|&b| cp1252(b)).collect(),
            Encoding::Windows1252,
        )),
    }
}

/// Windows-1252 byte to char (0x80–0x9F differ from Latin-1; unassigned ones map to C1).
fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&b) {
        char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('\u{FFFD}')
    } else {
        char::from(b)
    }
}

/// The delimiter of the header line: the most frequent of `,` `;` tab outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Splits the text into records of fields with `csv-core` (RFC 4180 quoting, quoted line
/// breaks, CRLF), each with the line it starts on.
fn records(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
    use csv_core::{ReadRecordResult, ReaderBuilder};
    let mut rdr = ReaderBuilder::new().delimiter(delimiter).build();
    let mut input = text.as_bytes();
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 16];
    let (mut n_out, mut n_ends) = (0, 0);
    // Line numbers are counted here rather than by the reader, which sees a CRLF's `\n`
    // only when the next record starts.
    let bytes = text.as_bytes();
    let (mut consumed, mut counted, mut line) = (0usize, 0usize, 1u64);
    let mut result = Vec::new();
    loop {
        let (res, nin, nout, nend) = rdr.read_record(input, &mut out[n_out..], &mut ends[n_ends..]);
        input = &input[nin..];
        consumed += nin;
        n_out += nout;
        n_ends += nend;
        match res {
            // Everything was handed over at once: the next call, with no input, tells the
            // reader the data has ended.
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record => {
                let mut fields = Vec::with_capacity(n_ends);
                let mut from = 0;
                for &end in &ends[..n_ends] {
                    // The text is UTF-8 and only ASCII quotes and delimiters are removed,
                    // so the fields are too; lossy only as a fallback.
                    let f = &out[from..end];
                    fields.push(match std::str::from_utf8(f) {
                        Ok(s) => s.to_owned(),
                        Err(_) => String::from_utf8_lossy(f).into_owned(),
                    });
                    from = end;
                }
                result.push((line, fields));
                // The next record starts after any line breaks that follow this one.
                let mut next = consumed;
                while next < bytes.len() && matches!(bytes[next], b'\r' | b'\n') {
                    next += 1;
                }
                line += bytes[counted..next.min(bytes.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
                counted = next.min(bytes.len());
                n_out = 0;
                n_ends = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    result
}

/// A date value cut into its three numbers, with what separated them.
#[derive(Debug, Clone, Copy)]
struct DateParts {
    n: [u32; 3],
    /// Digits of each number (a four-digit number is a year).
    width: [u8; 3],
}

fn date_parts(s: &str) -> Option<DateParts> {
    let mut n = [0u32; 3];
    let mut width = [0u8; 3];
    let mut k = 0;
    let mut in_num = false;
    for c in s.trim().chars() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            if !in_num {
                if k == 3 {
                    return None;
                }
                k += 1;
                in_num = true;
            }
            let i = k - 1;
            if width[i] >= 4 {
                return None;
            }
            n[i] = n[i] * 10 + d;
            width[i] += 1;
        } else if matches!(
            c,
            '/' | '-' | '.' | ' ' | '年' | '月' | '日' | '년' | '월' | '일'
        ) {
            in_num = false;
        } else {
            return None;
        }
    }
    (k == 3).then_some(DateParts { n, width })
}

/// The calendar values of `p` read in `order`, or None when the numbers cannot be one.
fn civil(p: DateParts, order: DateOrder) -> Option<(u16, u8, u8)> {
    let (y, m, d) = match order {
        DateOrder::Ymd => (0, 1, 2),
        DateOrder::Dmy => (2, 1, 0),
        DateOrder::Mdy => (2, 0, 1),
    };
    let year = match p.width[y] {
        4 => p.n[y],
        1 | 2 => 2000 + p.n[y],
        _ => return None,
    };
    if p.width[m] > 2 || p.width[d] > 2 {
        return None;
    }
    Some((year as u16, p.n[m] as u8, p.n[d] as u8))
}

fn day_in(p: DateParts, order: DateOrder) -> Option<Day> {
    civil(p, order).and_then(|(y, m, d)| Day::new(y, m, d))
}

/// Settles the date order of a column: the order under which most values are plausible
/// days, then under which the rows are best sorted by date (exports are newest first),
/// then the usual order for the separator (`/` month first, `.` day first, `-` year first,
/// a trailing `.` as in Korean `21. 9. 25.` year first).
fn settle_order(values: &[&str]) -> Option<DateOrder> {
    let parts: Vec<Option<DateParts>> = values.iter().map(|v| date_parts(v)).collect();
    let sep = values
        .iter()
        .find_map(|v| v.trim().chars().find(|c| !c.is_ascii_digit()))
        .unwrap_or('/');
    let trailing_dot = values.iter().any(|v| v.trim().ends_with('.'));
    let preference: [DateOrder; 3] = match sep {
        '.' if trailing_dot => [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy],
        '.' => [DateOrder::Dmy, DateOrder::Ymd, DateOrder::Mdy],
        '-' | '年' | '년' => [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy],
        _ => [DateOrder::Mdy, DateOrder::Dmy, DateOrder::Ymd],
    };
    let score = |order: DateOrder| {
        let days: Vec<Option<i32>> = parts
            .iter()
            .map(|p| {
                p.and_then(|p| day_in(p, order))
                    .filter(|d| d.plausible())
                    .map(Day::days)
            })
            .collect();
        let valid = days.iter().flatten().count();
        let seq: Vec<i32> = days.into_iter().flatten().collect();
        let down = seq.windows(2).filter(|w| w[0] >= w[1]).count();
        let up = seq.windows(2).filter(|w| w[0] <= w[1]).count();
        (valid, down.max(up))
    };
    let mut best: Option<(DateOrder, (usize, usize))> = None;
    for order in preference {
        let s = score(order);
        if s.0 > 0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((order, s));
        }
    }
    best.map(|(o, _)| o)
}

/// Folds a header name for comparison: case, spaces and a stray BOM ignored.
fn header_key(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
        .to_lowercase()
}

/// Whether a title is a placeholder: nothing alphanumeric in it.
fn is_placeholder(title: &str) -> bool {
    !title.chars().any(char::is_alphanumeric)
}

/// `H:MM:SS` (or `MM:SS`) to seconds.
fn duration(s: &str) -> Option<u32> {
    let mut total: u32 = 0;
    let mut parts = 0;
    for p in s.trim().split(':') {
        let v: u32 = p.trim().parse().ok()?;
        total = total.checked_mul(60)?.checked_add(v)?;
        parts += 1;
    }
    (2..=3).contains(&parts).then_some(total)
}

/// Reads the profile names of a ViewingActivity file (empty for the titles export), so the
/// viewer can choose one before [`read`].
pub fn profiles(bytes: &[u8]) -> Result<Vec<String>, HistoryError> {
    match read(bytes, None) {
        Ok(h) => Ok(h.profiles),
        Err(HistoryError::ChooseProfile { profiles }) => Ok(profiles),
        Err(e) => Err(e),
    }
}

/// Reads an export. `profile` picks the profile of a ViewingActivity file (it may be left
/// out when the file has only one); it is ignored for `NetflixViewingHistory.csv`.
pub fn read(bytes: &[u8], profile: Option<&str>) -> Result<History, HistoryError> {
    let (text, encoding) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(HistoryError::Empty);
    }
    let delimiter = sniff_delimiter(&text);
    let mut recs = records(&text, delimiter).into_iter();
    let Some((_, header)) = recs.next() else {
        return Err(HistoryError::Empty);
    };
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    let col = |name: &str| keys.iter().position(|k| k == name);
    let recs: Vec<(u64, Vec<String>)> = recs.collect();
    let mut h = History {
        format: Format::Titles,
        encoding,
        delimiter: char::from(delimiter),
        date_order: None,
        profile: None,
        profiles: Vec::new(),
        rows: recs.len(),
        entries: Vec::new(),
        skipped: Vec::new(),
    };
    let found = || {
        let mut s: String = header.join(&*char::from(delimiter).to_string());
        if s.len() > 120 {
            let cut = (0..=120)
                .rev()
                .find(|&i| s.is_char_boundary(i))
                .unwrap_or(0);
            s.truncate(cut);
        }
        HistoryError::UnknownHeader { found: s }
    };
    let activity = (
        col("profile name"),
        col("start time"),
        col("title"),
        col("supplemental video type"),
    );
    if let (Some(p), Some(st), Some(t), Some(sup)) = activity {
        h.format = Format::Activity;
        let cols = Columns {
            profile: p,
            start: st,
            title: t,
            supplemental: sup,
            duration: col("duration"),
            width: keys.len(),
        };
        read_activity(&mut h, &recs, cols, profile)?;
    } else if let (Some(t), Some(d)) = (col("title"), col("date")) {
        if keys.len() != 2 {
            return Err(found());
        }
        read_titles(&mut h, &recs, t, d, &header[d])?;
    } else {
        return Err(found());
    }
    Ok(h)
}

/// A row before its date is read.
struct RawRow<'a> {
    line: u64,
    title: String,
    date: &'a str,
    /// The playback's start time (ViewingActivity), empty otherwise: with the title and
    /// the day it names a row for duplicate detection.
    start: &'a str,
    seconds: Option<u32>,
}

/// Reads the dates of `raw` in one settled order and files every row as an entry or a
/// skip.
fn settle_rows(h: &mut History, raw: Vec<RawRow<'_>>, column: &str) -> Result<(), HistoryError> {
    let values: Vec<&str> = raw.iter().map(|r| r.date).collect();
    let order = settle_order(&values);
    if order.is_none() && !raw.is_empty() {
        return Err(HistoryError::NoDates {
            column: column.to_owned(),
            rows: raw.len(),
            first: values.first().map(|s| s.to_string()).unwrap_or_default(),
        });
    }
    h.date_order = order;
    // The outcome of each row first, with keys borrowed from the rows (no copy per row),
    // then the rows are moved into entries.
    let mut outcome: Vec<Result<Day, SkipReason>> = Vec::with_capacity(raw.len());
    {
        let mut seen: HashSet<(&str, &str, Day), FnvBuild> =
            HashSet::with_capacity_and_hasher(raw.len(), FnvBuild::default());
        for r in &raw {
            let parts = date_parts(r.date);
            let day = order.and_then(|o| parts.and_then(|p| civil(p, o)));
            outcome.push(match day {
                None => Err(SkipReason::BadDate),
                Some((y, m, d)) => match Day::new(y, m, d).filter(|d| d.plausible()) {
                    None => Err(SkipReason::ImpossibleDate),
                    Some(day) if !seen.insert((r.start, r.title.as_str(), day)) => {
                        Err(SkipReason::Duplicate)
                    }
                    Some(day) => Ok(day),
                },
            });
        }
    }
    h.entries.reserve(raw.len());
    for (r, o) in raw.into_iter().zip(outcome) {
        match o {
            Ok(day) => h.entries.push(Entry {
                line: r.line,
                title: r.title,
                day,
                seconds: r.seconds,
            }),
            Err(reason) => {
                let detail = match reason {
                    SkipReason::BadDate | SkipReason::ImpossibleDate => r.date.to_owned(),
                    _ => String::new(),
                };
                h.skipped.push(Skipped {
                    line: r.line,
                    title: r.title,
                    reason,
                    detail,
                });
            }
        }
    }
    h.skipped.sort_by_key(|s| s.line);
    Ok(())
}

fn read_titles(
    h: &mut History,
    recs: &[(u64, Vec<String>)],
    t: usize,
    d: usize,
    column: &str,
) -> Result<(), HistoryError> {
    let delim = h.delimiter.to_string();
    let mut raw = Vec::with_capacity(recs.len());
    for (line, fields) in recs {
        // An unquoted delimiter inside a title (Excel re-saves drop the quotes) splits it:
        // the date is the last field, the title everything else.
        let (title, date) = match fields.len() {
            0 | 1 => {
                h.skipped.push(Skipped {
                    line: *line,
                    title: fields.first().cloned().unwrap_or_default(),
                    reason: SkipReason::MissingField,
                    detail: String::new(),
                });
                continue;
            }
            2 => (fields[t].trim().to_owned(), fields[d].as_str()),
            n if d > t => (
                fields[..n - 1].join(&delim).trim().to_owned(),
                fields[n - 1].as_str(),
            ),
            _ => (
                fields[1..].join(&delim).trim().to_owned(),
                fields[0].as_str(),
            ),
        };
        if is_placeholder(&title) {
            h.skipped.push(Skipped {
                line: *line,
                title,
                reason: SkipReason::EmptyTitle,
                detail: String::new(),
            });
            continue;
        }
        raw.push(RawRow {
            line: *line,
            title,
            date,
            start: "",
            seconds: None,
        });
    }
    settle_rows(h, raw, column)
}

/// Where the ViewingActivity columns are.
struct Columns {
    profile: usize,
    start: usize,
    title: usize,
    supplemental: usize,
    duration: Option<usize>,
    /// Fields in the header.
    width: usize,
}

fn read_activity(
    h: &mut History,
    recs: &[(u64, Vec<String>)],
    cols: Columns,
    profile: Option<&str>,
) -> Result<(), HistoryError> {
    let (p, st, t, sup, dur, width) = (
        cols.profile,
        cols.start,
        cols.title,
        cols.supplemental,
        cols.duration,
        cols.width,
    );
    for (_, f) in recs {
        if let Some(name) = f.get(p).map(|s| s.trim()) {
            if !name.is_empty() && !h.profiles.iter().any(|x| x == name) {
                h.profiles.push(name.to_owned());
            }
        }
    }
    let chosen = match profile {
        Some(want) => h
            .profiles
            .iter()
            .find(|x| x.as_str() == want.trim())
            .or_else(|| {
                h.profiles
                    .iter()
                    .find(|x| x.to_lowercase() == want.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| HistoryError::UnknownProfile {
                wanted: want.to_owned(),
                profiles: h.profiles.clone(),
            })?,
        None if h.profiles.len() > 1 => {
            return Err(HistoryError::ChooseProfile {
                profiles: h.profiles.clone(),
            })
        }
        None => h.profiles.first().cloned().unwrap_or_default(),
    };
    let delim = h.delimiter.to_string();
    let mut raw = Vec::with_capacity(recs.len());
    for (line, fields) in recs {
        // Extra fields come from an unquoted delimiter in the title: they belong to it.
        let extra = fields.len().saturating_sub(width);
        let get = |c: usize| -> Option<String> {
            if c < t || extra == 0 {
                fields.get(c).cloned()
            } else if c == t {
                Some(fields[t..=t + extra].join(&delim))
            } else {
                fields.get(c + extra).cloned()
            }
        };
        let title = get(t).unwrap_or_default().trim().to_owned();
        let skip = |reason, detail: String| Skipped {
            line: *line,
            title: title.clone(),
            reason,
            detail,
        };
        if fields.len() < width {
            h.skipped
                .push(skip(SkipReason::MissingField, String::new()));
            continue;
        }
        if get(p).unwrap_or_default().trim() != chosen {
            h.skipped
                .push(skip(SkipReason::OtherProfile, String::new()));
            continue;
        }
        let kind = get(sup).unwrap_or_default().trim().to_owned();
        if !kind.is_empty() {
            h.skipped.push(skip(SkipReason::Supplemental, kind));
            continue;
        }
        if is_placeholder(&title) {
            h.skipped.push(skip(SkipReason::EmptyTitle, String::new()));
            continue;
        }
        let start = fields[if st < t { st } else { st + extra }].trim();
        // `YYYY-MM-DD HH:MM:SS`: the day is what comes before the time.
        let date = start.split_whitespace().next().unwrap_or("");
        let seconds = dur.and_then(get).and_then(|s| duration(&s));
        raw.push((*line, title, date, start, seconds));
    }
    h.profile = Some(chosen);
    let rows = raw
        .into_iter()
        .map(|(line, title, date, start, seconds)| RawRow {
            line,
            title,
            date,
            start,
            seconds,
        })
        .collect();
    settle_rows(h, rows, "Start Time")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_arithmetic_round_trips() {
        for d in [-1000, 0, 1, 59, 365, 10_957, 18_000, 20_000, 47_000] {
            assert_eq!(Day::from_days(d).days(), d);
        }
        assert_eq!(Day::new(1970, 1, 1).map(Day::days), Some(0));
        assert_eq!(Day::new(2000, 3, 1).map(Day::days), Some(11_017));
        assert!(Day::new(2021, 2, 29).is_none());
        assert!(Day::new(2020, 2, 29).is_some());
    }

    #[test]
    fn date_orders_settled_by_the_column() {
        // Only the 25th tells day from month; newest-first order settles the rest.
        assert_eq!(
            settle_order(&["3/4/21", "25/3/21", "2/3/21"]),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            settle_order(&["3/25/21", "3/4/21", "2/3/21"]),
            Some(DateOrder::Mdy)
        );
        assert_eq!(settle_order(&["2019/05/27"]), Some(DateOrder::Ymd));
        assert_eq!(
            settle_order(&["21. 9. 25.", "21. 9. 3."]),
            Some(DateOrder::Ymd)
        );
        assert_eq!(
            settle_order(&["25.09.2021", "3.9.2021"]),
            Some(DateOrder::Dmy)
        );
        // dd-mm-yy against yy-mm-dd: 2004 is before Netflix streamed.
        assert_eq!(
            settle_order(&["23-08-16", "02-08-16", "28-07-16"]),
            Some(DateOrder::Dmy)
        );
        assert_eq!(settle_order(&["nope"]), None);
    }
}
