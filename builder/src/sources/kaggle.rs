//! Kaggle "Netflix Movies and TV Shows" (`netflix_titles.csv`, Shivam Bansal, 2021).

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// One row of `netflix_titles.csv`, as the file spells it.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    /// `s1` .. `s8807`.
    pub show_id: String,
    /// `Movie` or `TV Show`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Display title.
    pub title: String,
    /// Release year.
    pub release_year: u16,
}

/// Reads every row; a malformed row is an error naming its line.
pub fn read(path: &Path) -> anyhow::Result<Vec<Row>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let mut rows = Vec::new();
    for rec in rdr.deserialize() {
        let row: Row = rec.with_context(|| format!("reading {}", path.display()))?;
        rows.push(row);
    }
    Ok(rows)
}
