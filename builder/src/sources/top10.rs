//! Netflix Top 10 lists (Tudum): `all-weeks-global.tsv`, `all-weeks-countries.tsv`
//! (gzipped here) and `most-popular.tsv`.
//!
//! Quirks handled: the files are tab-separated without quoting (titles may contain `"`);
//! `season_title` is the literal `N/A` when there is none; `runtime` and `weekly_views` are
//! empty before week 2023-06-18; the country lists use the categories `Films`/`TV`.

use crate::HashMap;
use std::path::Path;

use engine::trends::Category;
use engine::Kind;

use super::{read_table, FatalError, RowError, SourceLog, TableSpec};

/// Global weekly lists, relative to the data directory.
pub const GLOBAL_FILE: &str = "netflix_top10/all-weeks-global.tsv";
/// All-time most-popular lists.
pub const POPULAR_FILE: &str = "netflix_top10/most-popular.tsv";
/// The snapshot's per-country lists (to 2022-11-13).
pub const COUNTRIES_FILE: &str = "netflix_top10/all-weeks-countries_to-2022-11-13.tsv.gz";
/// Per-country lists fetched by `builder refresh` into the live directory (newer rows
/// win over the snapshot).
pub const COUNTRIES_LIVE_FILE: &str = "netflix_top10/all-weeks-countries.tsv.gz";

/// Header of the global file, in Netflix's order (also used when writing it back).
pub const GLOBAL_COLUMNS: &[&str] = &[
    "week",
    "category",
    "weekly_rank",
    "show_title",
    "season_title",
    "weekly_hours_viewed",
    "runtime",
    "weekly_views",
    "cumulative_weeks_in_top_10",
];
/// Header of the countries file, in Netflix's order.
pub const COUNTRY_COLUMNS: &[&str] = &[
    "country_name",
    "country_iso2",
    "week",
    "category",
    "weekly_rank",
    "show_title",
    "season_title",
    "cumulative_weeks_in_top_10",
];
/// Header of the most-popular file, in Netflix's order.
pub const POPULAR_COLUMNS: &[&str] = &[
    "category",
    "rank",
    "show_title",
    "season_title",
    "hours_viewed_first_91_days",
    "runtime",
    "views_first_91_days",
];

/// One row of the global weekly lists.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalRow {
    /// Line in the file.
    pub line: u64,
    /// Sunday ending the week, `YYYY-MM-DD`.
    pub week: String,
    /// Which list.
    pub category: Category,
    /// 1–10.
    pub rank: u8,
    /// Show or film title as Netflix prints it.
    pub show_title: String,
    /// Season label, `None` for `N/A`.
    pub season: Option<String>,
    /// Hours viewed.
    pub hours: u64,
    /// Views (from 2023-06-18).
    pub views: Option<u64>,
    /// Netflix's count of weeks in the Top 10.
    pub cumulative_weeks: u16,
}

/// One row of a per-country weekly list.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryRow {
    /// Line in the file.
    pub line: u64,
    /// Country name as Netflix prints it.
    pub country_name: String,
    /// ISO2 code.
    pub iso2: String,
    /// Sunday ending the week.
    pub week: String,
    /// `Films` → movie, `TV` → show.
    pub kind: Kind,
    /// 1–10.
    pub rank: u8,
    /// Title as Netflix prints it.
    pub show_title: String,
}

/// Identity of a per-country row without allocating: ISO2 bytes, the week as
/// `YYYYMMDD`, kind and rank. Orders exactly as (iso2, week, kind, rank) strings do.
pub type CountryKey = ([u8; 2], u32, Kind, u8);

/// The compact key of a row whose `iso2` and `week` were validated on reading.
fn country_key(iso2: &str, week: &str, kind: Kind, rank: u8) -> CountryKey {
    let b = iso2.as_bytes();
    let iso = [
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
    ];
    // "YYYY-MM-DD" → YYYYMMDD; the digits were checked by `Row::date`.
    let day = week
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    (iso, day, kind, rank)
}

impl CountryRow {
    /// The row's identity (country, week, category, rank), for merging and duplicates.
    pub fn key(&self) -> CountryKey {
        country_key(&self.iso2, &self.week, self.kind, self.rank)
    }
}

/// One row of the most-popular lists.
#[derive(Debug, Clone, PartialEq)]
pub struct PopularRow {
    /// Line in the file.
    pub line: u64,
    /// Which list.
    pub category: Category,
    /// 1–10.
    pub rank: u8,
    /// Title as Netflix prints it.
    pub show_title: String,
    /// Season label, `None` for `N/A`.
    pub season: Option<String>,
    /// Views in the first 91 days.
    pub views: u64,
    /// Hours in the first 91 days.
    pub hours: u64,
}

fn tsv(required: &'static [&'static str], gzip: bool) -> TableSpec<'static> {
    TableSpec {
        delimiter: b'\t',
        quoting: false,
        required,
        gzip,
    }
}

fn season(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != "N/A").then(|| s.to_owned())
}

fn rank(row: &super::Row<'_>, column: &str) -> Result<u8, RowError> {
    let r: u8 = row.num(column)?;
    if (1..=10).contains(&r) {
        Ok(r)
    } else {
        Err(RowError::col(column, format!("rank {r} outside 1-10")))
    }
}

fn category(row: &super::Row<'_>) -> Result<Category, RowError> {
    let s = row.str("category")?.trim();
    Category::parse(s).ok_or_else(|| RowError::col("category", format!("unknown category {s:?}")))
}

fn title(row: &super::Row<'_>) -> Result<String, RowError> {
    row.opt_str("show_title")?
        .map(str::to_owned)
        .ok_or_else(|| RowError::col("show_title", "empty title"))
}

/// Reads the global weekly lists. A repeated (week, category, rank) keeps the first row.
pub fn read_global(path: &Path, log: &mut SourceLog) -> Result<Vec<GlobalRow>, FatalError> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, Category, u8), u64> = HashMap::default();
    read_table(path, &tsv(GLOBAL_COLUMNS, false), log, |row| {
        let week = row.date("week")?.to_owned();
        let category = category(row)?;
        let rank = rank(row, "weekly_rank")?;
        let r = GlobalRow {
            line: row.line,
            show_title: title(row)?,
            season: season(row.str("season_title")?),
            hours: row.num("weekly_hours_viewed")?,
            views: row.opt_num("weekly_views")?,
            cumulative_weeks: row.num("cumulative_weeks_in_top_10")?,
            week,
            category,
            rank,
        };
        let key = (r.week.clone(), category, rank);
        if let Some(first) = seen.get(&key) {
            return Err(RowError::row(format!(
                "duplicate of line {first} (same week, category and rank)"
            )));
        }
        seen.insert(key, row.line);
        out.push(r);
        Ok(())
    })?;
    for r in &out {
        log.saw_date(&r.week);
    }
    Ok(out)
}

/// Reads one per-country file (plain or gzipped by extension). A repeated
/// (country, week, category, rank) keeps the first row.
pub fn read_countries(path: &Path, log: &mut SourceLog) -> Result<Vec<CountryRow>, FatalError> {
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let mut out = Vec::new();
    let mut seen: HashMap<CountryKey, u64> = HashMap::default();
    read_table(path, &tsv(COUNTRY_COLUMNS, gzip), log, |row| {
        let iso2 = row.str("country_iso2")?.trim();
        if !crate::vocab::is_iso2(iso2) {
            return Err(RowError::col(
                "country_iso2",
                format!("not an ISO2 code: {iso2:?}"),
            ));
        }
        let week = row.date("week")?;
        let kind = match row.str("category")?.trim() {
            "Films" => Kind::Movie,
            "TV" => Kind::Show,
            other => {
                return Err(RowError::col(
                    "category",
                    format!("unknown category {other:?}"),
                ))
            }
        };
        let rank = rank(row, "weekly_rank")?;
        let key = country_key(iso2, week, kind, rank);
        if let Some(first) = seen.get(&key) {
            return Err(RowError::row(format!(
                "duplicate of line {first} (same country, week, category and rank)"
            )));
        }
        let r = CountryRow {
            line: row.line,
            country_name: row.str("country_name")?.trim().to_owned(),
            iso2: iso2.to_owned(),
            week: week.to_owned(),
            kind,
            rank,
            show_title: title(row)?,
        };
        seen.insert(key, row.line);
        out.push(r);
        Ok(())
    })?;
    for r in &out {
        log.saw_date(&r.week);
    }
    Ok(out)
}

/// Reads the most-popular lists. A repeated (category, rank) keeps the first row.
pub fn read_popular(path: &Path, log: &mut SourceLog) -> Result<Vec<PopularRow>, FatalError> {
    let mut out = Vec::new();
    let mut seen: HashMap<(Category, u8), u64> = HashMap::default();
    read_table(path, &tsv(POPULAR_COLUMNS, false), log, |row| {
        let category = category(row)?;
        let rank = rank(row, "rank")?;
        if let Some(first) = seen.get(&(category, rank)) {
            return Err(RowError::row(format!(
                "duplicate of line {first} (same category and rank)"
            )));
        }
        let r = PopularRow {
            line: row.line,
            category,
            rank,
            show_title: title(row)?,
            season: season(row.str("season_title")?),
            views: row.num("views_first_91_days")?,
            hours: row.num("hours_viewed_first_91_days")?,
        };
        seen.insert((category, rank), row.line);
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_country_keys_order_like_the_strings() {
        let rows = [
            ("AR", "2021-07-04", Kind::Movie, 3),
            ("AR", "2021-07-04", Kind::Show, 1),
            ("AR", "2022-01-02", Kind::Movie, 1),
            ("BR", "2021-07-04", Kind::Movie, 10),
            ("US", "2021-12-26", Kind::Movie, 2),
        ];
        let strings: Vec<_> = rows
            .iter()
            .map(|&(c, w, k, r)| (c.to_owned(), w.to_owned(), k, r))
            .collect();
        let keys: Vec<CountryKey> = rows
            .iter()
            .map(|&(c, w, k, r)| country_key(c, w, k, r))
            .collect();
        assert!(strings.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(keys[0].1, 20_210_704);
    }
}
