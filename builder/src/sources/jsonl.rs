//! Streaming Availability API v4 shows kept by `builder refresh` in
//! `catalog/streaming_availability.jsonl` of the live directory: one show object per line, exactly as the API
//! returned it (`/shows/search/filters` → `shows[]`), sorted by id.

use std::collections::HashMap;
use std::path::Path;

use engine::Kind;
use serde::Deserialize;

use super::{CatalogRecord, FatalError, RowError, SourceLog};
use crate::vocab;

/// Source name in reports and [`engine::SourceRef`]s.
pub const SOURCE: &str = "streaming_availability";
/// The file, relative to the data directory.
pub const FILE: &str = "catalog/streaming_availability.jsonl";

/// The fields of a Streaming Availability show the builder uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Show {
    /// API id.
    pub id: String,
    /// `movie` or `series`.
    pub show_type: String,
    /// IMDb id.
    #[serde(default)]
    pub imdb_id: Option<String>,
    /// Title.
    pub title: String,
    /// Plot summary.
    #[serde(default)]
    pub overview: Option<String>,
    /// Film release year.
    #[serde(default)]
    pub release_year: Option<u16>,
    /// Series first-air year.
    #[serde(default)]
    pub first_air_year: Option<u16>,
    /// Genres with ids.
    #[serde(default)]
    pub genres: Vec<Genre>,
    /// Film directors.
    #[serde(default)]
    pub directors: Vec<String>,
    /// Series creators.
    #[serde(default)]
    pub creators: Vec<String>,
    /// Cast.
    #[serde(default)]
    pub cast: Vec<String>,
    /// Film runtime in minutes.
    #[serde(default)]
    pub runtime: Option<u16>,
    /// Series season count.
    #[serde(default)]
    pub season_count: Option<u16>,
}

/// A genre as the API writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Genre {
    /// Genre id (`drama`, `documentary`, ...).
    pub id: String,
}

impl Show {
    /// Converts to a catalog record on the canonical vocabularies.
    pub fn into_record(self, line: u64) -> CatalogRecord {
        let kind = if self.show_type == "series" {
            Kind::Show
        } else {
            Kind::Movie
        };
        let mut genres = Vec::new();
        for g in &self.genres {
            if let Some(g) = vocab::canonical_genre(&g.id) {
                if !genres.contains(&g) {
                    genres.push(g);
                }
            }
        }
        let mut directors = self.directors;
        directors.extend(self.creators);
        CatalogRecord {
            source: SOURCE,
            id: self.id,
            line,
            title: self.title,
            kind,
            year: self.release_year.or(self.first_air_year),
            description: self.overview.unwrap_or_default(),
            genres,
            directors,
            cast: self.cast,
            runtime_min: self.runtime,
            seasons: self.season_count,
            imdb_id: self.imdb_id.filter(|s| s.starts_with("tt")),
            ..CatalogRecord::default()
        }
    }
}

/// Reads the file when present (absent = no live catalog yet). A line that is not a show
/// object is skipped and logged with its column; a repeated id keeps the first line.
pub fn read(path: &Path, log: &mut SourceLog) -> Result<Vec<CatalogRecord>, FatalError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let bytes = std::fs::read(path).map_err(|e| FatalError::new(path, 1, 1, e.to_string()))?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        log.read_row();
        let show: Show = match serde_json::from_slice(line) {
            Ok(s) => s,
            Err(e) => {
                log.reject(n, RowError::row(format!("column {}: {e}", e.column())));
                continue;
            }
        };
        if let Some(first) = seen.get(&show.id) {
            log.reject(n, RowError::col("id", format!("duplicate of line {first}")));
            continue;
        }
        seen.insert(show.id.clone(), n);
        out.push(show.into_record(n));
    }
    Ok(out)
}
