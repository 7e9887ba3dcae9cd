//! TMDB metadata: Netflix films to 2025 (`netflix_movies.csv`, SOURCES.md §5) as a catalog
//! source, and the genres/origin of engagement-report titles
//! (`tmdb_enrichment_cache.csv`, §7), keyed by Netflix's own title strings.
//!
//! Quirks handled: genres and countries are Python-list text in the films file and
//! `"; "`-joined in the enrichment file; TMDB genre names map onto the canonical vocabulary
//! ([`vocab::tmdb_genres`]); a runtime of 0 and a score without votes mean "unknown";
//! enrichment rows matched only fuzzily by their maker are kept apart (often wrong: a
//! sequel matched to an unrelated comedy).

use std::collections::HashMap;
use std::path::Path;

use engine::Kind;

use super::{
    is_iso_date, python_list, read_table, CatalogRecord, FatalError, RowError, SourceLog, TableSpec,
};
use crate::vocab;

/// Source name of the TMDB films in reports and [`engine::SourceRef`]s.
pub const MOVIES_SOURCE: &str = "tmdb_netflix_movies_2025";
/// Path of the TMDB films file relative to the data directory.
pub const MOVIES_FILE: &str = "catalog/tmdb_netflix_movies_2025/netflix_movies.csv";
/// Source name of the enrichment rows.
pub const ENRICHMENT_SOURCE: &str = "tmdb_engagement_enrichment";
/// Path of the enrichment file relative to the data directory.
pub const ENRICHMENT_FILE: &str =
    "catalog/tmdb_engagement_enrichment_2026/tmdb_enrichment_cache.csv";

const MOVIE_COLUMNS: &[&str] = &[
    "id",
    "title",
    "genres",
    "origin_country",
    "overview",
    "popularity",
    "release_date",
    "runtime",
    "vote_average",
    "vote_count",
];

/// Canonical genres of a list of TMDB genre names, first mention first, no repeats.
pub fn map_genres<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in names {
        for g in vocab::tmdb_genres(name) {
            if !out.contains(g) {
                out.push(g);
            }
        }
    }
    out
}

/// ISO2 codes of a list, upper-cased; anything else is dropped.
fn iso2_list<'a>(codes: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let c = c.trim().to_ascii_uppercase();
        if vocab::is_iso2(&c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Reads the TMDB films. A duplicate TMDB id keeps the first row. A poster path that is
/// not a plain TMDB image path is dropped (the row is kept) and the drops are logged.
pub fn read_movies(path: &Path, log: &mut SourceLog) -> Result<Vec<CatalogRecord>, FatalError> {
    let (out, posters) = read_movies_counted(path, log)?;
    if posters.dropped > 0 {
        tracing::warn!(
            file = %path.display(),
            dropped = posters.dropped,
            first_line = posters.first_dropped_line,
            "poster paths dropped: not a TMDB image path like /abc123.jpg"
        );
    }
    Ok(out)
}

/// What happened to the films' poster paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PosterCounts {
    /// Rows whose path was kept.
    pub kept: u64,
    /// Rows whose path was dropped as unsafe to put into a URL.
    pub dropped: u64,
    /// Line of the first dropped path, 0 when none.
    pub first_dropped_line: u64,
}

/// A row's poster path: `None` when absent (an older file without the column, or empty),
/// `Err` with the reason when present but not a plain TMDB image path.
fn poster_of(row: &super::Row<'_>) -> Result<Option<String>, RowError> {
    let Ok(Some(p)) = row.opt_str("poster_path") else {
        return Ok(None);
    };
    if engine::catalog::is_poster_path(p) {
        Ok(Some(p.to_owned()))
    } else {
        let shown: String = p.chars().take(40).collect();
        Err(RowError::col(
            "poster_path",
            format!("not a TMDB image path: {shown:?}"),
        ))
    }
}

/// [`read_movies`] with the poster counts.
pub fn read_movies_counted(
    path: &Path,
    log: &mut SourceLog,
) -> Result<(Vec<CatalogRecord>, PosterCounts), FatalError> {
    let mut posters = PosterCounts::default();
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    // The log is the reader's while it reads; the latest date is noted after.
    let mut latest: Option<String> = None;
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: MOVIE_COLUMNS,
        gzip: false,
    };
    read_table(path, &spec, log, |row| {
        let id = row
            .opt_str("id")?
            .ok_or_else(|| RowError::col("id", "empty id"))?;
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RowError::col("id", format!("not a TMDB id: {id:?}")));
        }
        if let Some(first) = seen.get(id) {
            return Err(RowError::col("id", format!("duplicate of line {first}")));
        }
        let title = row
            .opt_str("title")?
            .ok_or_else(|| RowError::col("title", "empty title"))?;
        let year = match row.opt_str("release_date")? {
            None => None,
            Some(d) if is_iso_date(d) => {
                if latest.as_deref().is_none_or(|l| d > l) {
                    latest = Some(d.to_owned());
                }
                d[..4].parse::<u16>().ok()
            }
            Some(d) => {
                return Err(RowError::col(
                    "release_date",
                    format!("not a YYYY-MM-DD date: {d:?}"),
                ))
            }
        };
        let runtime: Option<f32> = row.opt_num("runtime")?;
        let votes: Option<u32> = row.opt_num("vote_count")?;
        let score: Option<f32> = row.opt_num("vote_average")?;
        let popularity: Option<f32> = row.opt_num("popularity")?;
        let genres = python_list(row.str("genres")?);
        let countries = python_list(row.str("origin_country")?);
        // Checked last, so a row rejected for another reason is not counted here.
        let poster_path = match poster_of(row) {
            Ok(p) => {
                posters.kept += u64::from(p.is_some());
                p
            }
            Err(_) => {
                posters.dropped += 1;
                if posters.first_dropped_line == 0 {
                    posters.first_dropped_line = row.line;
                }
                None
            }
        };
        seen.insert(id.to_owned(), row.line);
        out.push(CatalogRecord {
            source: MOVIES_SOURCE,
            id: format!("tmdb:{id}"),
            line: row.line,
            title: title.to_owned(),
            kind: Kind::Movie,
            year,
            description: row.str("overview")?.trim().to_owned(),
            genres: map_genres(genres.iter().map(String::as_str)),
            countries: iso2_list(countries.iter().map(String::as_str)),
            runtime_min: runtime
                .filter(|r| r.is_finite() && *r >= 1.0 && *r < 6000.0)
                .map(|r| r.round() as u16),
            tmdb_popularity: popularity.filter(|p| p.is_finite() && *p >= 0.0),
            tmdb_score: score.filter(|_| votes.is_some_and(|v| v > 0)),
            // Optional: older copies of the file lack the column, and it is only evidence.
            original_title: row
                .opt_str("original_title")
                .ok()
                .flatten()
                .filter(|o| *o != title)
                .map(str::to_owned),
            poster_path,
            ..CatalogRecord::default()
        });
        Ok(())
    })?;
    if let Some(d) = latest {
        log.saw_date(&d);
    }
    Ok((out, posters))
}

/// Genres and origin TMDB gives one engagement-report title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Enrichment {
    /// 1-based line in its file.
    pub line: u64,
    /// The title as Netflix prints it, without the original after ` // `.
    pub title: String,
    /// Film or series.
    pub kind: Kind,
    /// Canonical genres.
    pub genres: Vec<&'static str>,
    /// Origin countries, ISO2.
    pub countries: Vec<String>,
    /// True for the maker's exact matches; fuzzy ones need a check of the reader's own.
    pub exact: bool,
}

/// `show`/`movie` as a [`Kind`].
pub fn content_kind(s: &str) -> Result<Kind, RowError> {
    match s.trim() {
        "show" => Ok(Kind::Show),
        "movie" => Ok(Kind::Movie),
        other => Err(RowError::col(
            "content_type",
            format!("unknown content type {other:?}"),
        )),
    }
}

/// The enrichment fields of one row (shared by the enrichment cache and the derived 2026
/// engagement table, which carry the same columns). `None` for rows without a match.
pub fn enrichment_of(row: &super::Row<'_>, title: &str) -> Result<Option<Enrichment>, RowError> {
    let status = row.str("match_status")?.trim();
    let exact = match status {
        "exact" => true,
        "fuzzy" => false,
        "no_match" | "search_failed" | "details_failed" | "" => return Ok(None),
        other => {
            return Err(RowError::col(
                "match_status",
                format!("unknown match status {other:?}"),
            ))
        }
    };
    Ok(Some(Enrichment {
        line: row.line,
        title: title.to_owned(),
        kind: content_kind(row.str("content_type")?)?,
        genres: map_genres(row.str("genres")?.split(';')),
        countries: iso2_list(row.str("origin_country")?.split(';')),
        exact,
    }))
}

/// Reads the enrichment cache: one entry per matched row.
pub fn read_enrichment(path: &Path, log: &mut SourceLog) -> Result<Vec<Enrichment>, FatalError> {
    let mut out = Vec::new();
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: &[
            "title",
            "content_type",
            "genres",
            "origin_country",
            "match_status",
        ],
        gzip: false,
    };
    read_table(path, &spec, log, |row| {
        let title = row
            .opt_str("title")?
            .ok_or_else(|| RowError::col("title", "empty title"))?;
        let (title, _) = super::engagement::split_original(title);
        if let Some(e) = enrichment_of(row, title)? {
            out.push(e);
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genre_lists_map_and_dedup() {
        assert_eq!(
            map_genres("Action & Adventure; Drama; Sci-Fi & Fantasy; Action".split(';')),
            vec!["action", "drama", "scifi", "fantasy"]
        );
        assert_eq!(iso2_list("GB; us;; XYZ".split(';')), vec!["GB", "US"]);
    }

    #[test]
    fn poster_paths_are_kept_only_when_plain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("netflix_movies.csv");
        let head = "id,title,genres,origin_country,overview,popularity,poster_path,release_date,runtime,vote_average,vote_count";
        let rows = [
            "1,Kept,\"['Drama']\",\"['US']\",A film.,1.5,/abc123.jpg,2020-01-02,90,7,10",
            "2,Traversal,[],[],x,1,/../../x.jpg,2020-01-02,90,7,10",
            "3,Other host,[],[],x,1,https://evil.example/a.jpg,2020-01-02,90,7,10",
            "4,Query,[],[],x,1,/a.jpg?q=<script>,2020-01-02,90,7,10",
            "5,None,[],[],x,1,,2020-01-02,90,7,10",
        ];
        std::fs::write(&path, format!("{head}\n{}\n", rows.join("\n"))).unwrap();
        let mut log = SourceLog::new(MOVIES_SOURCE, MOVIES_FILE);
        let (films, counts) = read_movies_counted(&path, &mut log).unwrap();
        // Every row is kept: only the bad paths are dropped.
        assert_eq!(films.len(), 5);
        assert_eq!(log.rejected(), 0);
        assert_eq!(films[0].poster_path.as_deref(), Some("/abc123.jpg"));
        assert!(films[1..].iter().all(|f| f.poster_path.is_none()));
        assert_eq!(
            counts,
            PosterCounts {
                kept: 1,
                dropped: 3,
                first_dropped_line: 3
            }
        );
    }
}
