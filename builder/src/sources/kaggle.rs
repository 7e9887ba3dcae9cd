//! Kaggle "Netflix Movies and TV Shows" (`netflix_titles.csv`, Shivam Bansal, 2021).
//!
//! Quirks handled: multi-valued fields are `", "`-joined; `duration` is `"90 min"` or
//! `"2 Seasons"`; three rows carry the duration in the `rating` column (kept as runtime);
//! `listed_in` uses Netflix's browse categories, mapped onto the canonical genres.

use std::collections::HashMap;
use std::path::Path;

use engine::Kind;

use super::{comma_list, read_table, CatalogRecord, FatalError, RowError, SourceLog, TableSpec};
use crate::vocab;

/// Source name in reports and [`engine::SourceRef`]s.
pub const SOURCE: &str = "kaggle_netflix_titles";
/// Path of the file relative to the data directory.
pub const FILE: &str = "catalog/kaggle_shivamb_netflix_titles/netflix_titles.csv";

const COLUMNS: &[&str] = &[
    "show_id",
    "type",
    "title",
    "director",
    "cast",
    "country",
    "release_year",
    "rating",
    "duration",
    "listed_in",
    "description",
];

/// Reads every usable row. Bad rows are skipped and logged; a duplicate `show_id` keeps
/// the first row.
pub fn read(path: &Path, log: &mut SourceLog) -> Result<Vec<CatalogRecord>, FatalError> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: COLUMNS,
        gzip: false,
    };
    read_table(path, &spec, log, |row| {
        let id = row
            .opt_str("show_id")?
            .ok_or_else(|| RowError::col("show_id", "empty id"))?;
        if let Some(first) = seen.get(id) {
            return Err(RowError::col(
                "show_id",
                format!("duplicate of line {first}"),
            ));
        }
        let kind = match row.str("type")?.trim() {
            "Movie" => Kind::Movie,
            "TV Show" => Kind::Show,
            other => return Err(RowError::col("type", format!("unknown type {other:?}"))),
        };
        let title = row
            .opt_str("title")?
            .ok_or_else(|| RowError::col("title", "empty title"))?;
        let year: u16 = row.num("release_year")?;
        if !(1880..=2100).contains(&year) {
            return Err(RowError::col(
                "release_year",
                format!("implausible year {year}"),
            ));
        }
        let mut rec = CatalogRecord {
            source: SOURCE,
            id: id.to_owned(),
            line: row.line,
            title: title.to_owned(),
            kind,
            year: Some(year),
            description: row.str("description")?.trim().to_owned(),
            directors: comma_list(row.str("director")?),
            cast: comma_list(row.str("cast")?),
            ..CatalogRecord::default()
        };
        for name in comma_list(row.str("country")?) {
            if let Some(code) = vocab::country_iso2(&name) {
                if !rec.countries.iter().any(|c| c == code) {
                    rec.countries.push(code.to_owned());
                }
            }
        }
        for cat in comma_list(row.str("listed_in")?) {
            for g in vocab::kaggle_genres(&cat) {
                if !rec.genres.contains(g) {
                    rec.genres.push(g);
                }
            }
        }
        let (runtime, seasons) = parse_duration(row.str("duration")?.trim());
        rec.runtime_min = runtime;
        rec.seasons = seasons;
        match row.opt_str("rating")? {
            // Shifted rows: the duration landed in the rating column.
            Some(r) if r.ends_with(" min") => {
                rec.runtime_min = rec.runtime_min.or(parse_duration(r).0);
            }
            Some(r) => rec.age_rating = Some(r.to_owned()),
            None => {}
        }
        seen.insert(id.to_owned(), row.line);
        out.push(rec);
        Ok(())
    })?;
    Ok(out)
}

/// `"90 min"` → runtime 90; `"2 Seasons"` / `"1 Season"` → 2 / 1 seasons.
fn parse_duration(s: &str) -> (Option<u16>, Option<u16>) {
    let mut parts = s.split_whitespace();
    let n = parts.next().and_then(|n| n.parse::<u16>().ok());
    match parts.next() {
        Some("min") => (n, None),
        Some(u) if u.starts_with("Season") => (None, n),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90 min"), (Some(90), None));
        assert_eq!(parse_duration("1 Season"), (None, Some(1)));
        assert_eq!(parse_duration("3 Seasons"), (None, Some(3)));
        assert_eq!(parse_duration(""), (None, None));
    }
}
