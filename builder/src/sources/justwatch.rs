//! JustWatch exports of the US Netflix catalog (`titles.csv` + `credits.csv`), in two
//! snapshots: Diego Enrique's (March 2023) and Victor Soeiro's (July 2022).
//!
//! Quirks handled: genres and countries are Python-list strings (`['drama', 'crime']`);
//! numbers are pandas floats (`588100.0`); the 2023 credits file renamed its header to
//! `id,title_id,...` where the original is `person_id,id,...`.

use crate::HashMap;
use std::path::Path;

use crate::datadirs::DataDirs;

use engine::Kind;

use super::{python_list, read_table, CatalogRecord, FatalError, RowError, SourceLog, TableSpec};
use crate::vocab;

/// One JustWatch snapshot: where its files are and what it is called.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    /// Source name in reports and [`engine::SourceRef`]s.
    pub source: &'static str,
    /// Directory relative to the data directory.
    pub dir: &'static str,
}

/// The March 2023 snapshot (newest, preferred).
pub const JW_2023: Snapshot = Snapshot {
    source: "justwatch_2023",
    dir: "catalog/justwatch_2023_dgoenrique",
};

/// The July 2022 snapshot (adds titles that had left Netflix by 2023).
pub const JW_2022: Snapshot = Snapshot {
    source: "justwatch_2022",
    dir: "catalog/justwatch_2022_victorsoeiro",
};

const TITLE_COLUMNS: &[&str] = &[
    "id",
    "title",
    "type",
    "description",
    "release_year",
    "age_certification",
    "runtime",
    "genres",
    "production_countries",
    "seasons",
    "imdb_id",
    "imdb_score",
    "imdb_votes",
    "tmdb_popularity",
    "tmdb_score",
];

/// Reads `titles.csv` and attaches directors and cast from `credits.csv`.
/// Returns the records and the two logs (titles, credits).
pub fn read(
    dirs: &DataDirs,
    snap: Snapshot,
) -> Result<(Vec<CatalogRecord>, SourceLog, SourceLog), FatalError> {
    let titles_file = format!("{}/titles.csv", snap.dir);
    let mut tlog = SourceLog::new(snap.source, &titles_file);
    let credits_file = format!("{}/credits.csv", snap.dir);
    let mut clog = SourceLog::new(&format!("{}_credits", snap.source), &credits_file);
    let (Some(tpath), Some(cpath)) = (dirs.source(&titles_file), dirs.source(&credits_file)) else {
        tracing::warn!("{titles_file}: not in the snapshot or the live data, skipped");
        return Ok((Vec::new(), tlog, clog));
    };
    let mut out: Vec<CatalogRecord> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::default();
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: TITLE_COLUMNS,
        gzip: false,
    };
    read_table(&tpath, &spec, &mut tlog, |row| {
        let id = row
            .opt_str("id")?
            .ok_or_else(|| RowError::col("id", "empty id"))?;
        if let Some(&i) = by_id.get(id) {
            return Err(RowError::col(
                "id",
                format!("duplicate of line {}", out[i].line),
            ));
        }
        let kind = match row.str("type")?.trim() {
            "MOVIE" => Kind::Movie,
            "SHOW" => Kind::Show,
            other => return Err(RowError::col("type", format!("unknown type {other:?}"))),
        };
        let title = row
            .opt_str("title")?
            .ok_or_else(|| RowError::col("title", "empty title"))?;
        let imdb_id = row
            .opt_str("imdb_id")?
            .filter(|s| s.starts_with("tt"))
            .map(str::to_owned);
        let mut rec = CatalogRecord {
            source: snap.source,
            id: id.to_owned(),
            line: row.line,
            title: title.to_owned(),
            kind,
            year: row.opt_num("release_year")?,
            description: row.str("description")?.trim().to_owned(),
            age_rating: row.opt_str("age_certification")?.map(str::to_owned),
            runtime_min: row.opt_num("runtime")?,
            seasons: row.opt_num("seasons")?,
            imdb_id,
            imdb_score: row.opt_num("imdb_score")?,
            imdb_votes: row.opt_num("imdb_votes")?,
            tmdb_popularity: row.opt_num("tmdb_popularity")?,
            tmdb_score: row.opt_num("tmdb_score")?,
            ..CatalogRecord::default()
        };
        for g in python_list(row.str("genres")?) {
            if let Some(g) = vocab::canonical_genre(&g) {
                if !rec.genres.contains(&g) {
                    rec.genres.push(g);
                }
            }
        }
        for c in python_list(row.str("production_countries")?) {
            if vocab::is_iso2(&c) && !rec.countries.contains(&c) {
                rec.countries.push(c);
            }
        }
        by_id.insert(id.to_owned(), out.len());
        out.push(rec);
        Ok(())
    })?;

    // Which header spelling this copy uses decides which column names the title.
    let title_col = if header_has(&cpath, "title_id")? {
        "title_id"
    } else {
        "id"
    };
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: &[title_col, "name", "role"],
        gzip: false,
    };
    // Exact repeats (same title, person, character and role) are duplicate rows; the same
    // person in two roles or playing two characters is normal and listed once per role.
    let mut seen: HashMap<(usize, String, String, String), u64> = HashMap::default();
    let mut listed: crate::HashSet<(usize, bool, String)> = Default::default();
    read_table(&cpath, &spec, &mut clog, |row| {
        let tid = row.str(title_col)?.trim();
        let &i = by_id
            .get(tid)
            .ok_or_else(|| RowError::col(title_col, format!("unknown title id {tid:?}")))?;
        let name = row
            .opt_str("name")?
            .ok_or_else(|| RowError::col("name", "empty name"))?;
        let role = row.str("role")?.trim().to_ascii_uppercase();
        let character = row.str("character").unwrap_or("").trim().to_owned();
        let key = (i, name.to_owned(), character, role.clone());
        if let Some(&first) = seen.get(&key) {
            return Err(RowError::row(format!("duplicate of line {first}")));
        }
        seen.insert(key, row.line);
        let list = match role.as_str() {
            "ACTOR" => &mut out[i].cast,
            "DIRECTOR" => &mut out[i].directors,
            other => return Err(RowError::col("role", format!("unknown role {other:?}"))),
        };
        // A set, not a scan of the list: some titles credit 100+ people, and the scan was
        // quadratic (a visible share of the build).
        if listed.insert((i, role == "ACTOR", name.to_owned())) {
            list.push(name.to_owned());
        }
        Ok(())
    })?;
    Ok((out, tlog, clog))
}

/// Whether the header line of a CSV names `column`. Only the first line is read.
fn header_has(path: &Path, column: &str) -> Result<bool, FatalError> {
    let mut rdr = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| FatalError::new(path, 1, 1, e.to_string()))?;
    let headers = rdr
        .byte_headers()
        .map_err(|e| FatalError::new(path, 1, 1, e.to_string()))?;
    Ok(headers.iter().any(|h| h == column.as_bytes()))
}
