//! A viewer's Netflix viewing history: reading the exports ([`read`]), resolving rows to
//! catalog titles ([`resolve`]) and turning what was watched into a taste profile
//! ([`profile`]). Pure functions of bytes and the catalog, shared by the app and the CLI.
//!
//! Every row of a file ends up in exactly one place: matched (an [`Entry`] whose title
//! resolved), unmatched (an entry whose title did not), or skipped with a
//! [`SkipReason`]. [`Summary`] counts them.

pub mod profile;
pub mod read;
pub mod resolve;

use serde::{Deserialize, Serialize};

pub use read::{read, Day, Entry, Format, History, HistoryError, SkipReason, Skipped};
pub use resolve::{Resolution, Resolver};

use crate::search::SearchIndex;

/// A history read and resolved against a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Import {
    /// The rows as read.
    pub history: History,
    /// Per entry (same order as `history.entries`): what its title resolved to, as an
    /// index into `names`.
    pub resolved: Vec<u32>,
    /// The distinct resolutions.
    pub names: Vec<Resolution>,
}

impl Import {
    /// Reads `bytes` (see [`read::read`]) and resolves every entry, each distinct title once.
    pub fn new(
        bytes: &[u8],
        profile: Option<&str>,
        resolver: &Resolver,
    ) -> Result<Import, HistoryError> {
        Ok(Import::from_history(read(bytes, profile)?, resolver))
    }

    /// Resolves the entries of an already read history: each distinct title once, and the
    /// lookups of a show once for all its episodes.
    pub fn from_history(history: History, resolver: &Resolver) -> Import {
        let mut seen: resolve::Map<&str, u32> =
            resolve::Map::with_capacity_and_hasher(history.entries.len(), Default::default());
        let mut rows = Vec::new();
        let mut resolved = Vec::with_capacity(history.entries.len());
        for e in &history.entries {
            let id = *seen.entry(e.title.as_str()).or_insert_with(|| {
                rows.push(resolve::Row::new(&e.title));
                (rows.len() - 1) as u32
            });
            resolved.push(id);
        }
        // A first part shared by several distinct titles is a show whose episode rows
        // have no season part ("Show: Episode name").
        let mut heads: resolve::Map<&str, u32> = resolve::Map::default();
        for r in &rows {
            if let Some(h) = r.head() {
                *heads.entry(h).or_default() += 1;
            }
        }
        let mut cache = resolve::NearCache::default();
        let names = rows
            .iter()
            .map(|r| {
                let shared = r.head().and_then(|h| heads.get(h)).is_some_and(|&n| n > 1);
                resolver.resolve_row(r, shared, &mut cache)
            })
            .collect();
        Import {
            history,
            resolved,
            names,
        }
    }

    /// The catalog title of entry `i`, if it matched.
    pub fn title_of(&self, i: usize) -> Option<usize> {
        let r = *self.resolved.get(i)?;
        self.names.get(r as usize)?.title
    }

    /// Counts of what happened to the rows, and the unmatched names (most rows first, at
    /// most `max_unmatched`) with up to three catalog suggestions each from `index`.
    pub fn summary(&self, index: Option<&SearchIndex>, max_unmatched: usize) -> Summary {
        let h = &self.history;
        let mut titles = std::collections::HashSet::new();
        let mut matched_rows = 0;
        let mut unmatched: resolve::Map<&str, usize> = resolve::Map::default();
        for i in 0..h.entries.len() {
            match self.title_of(i) {
                Some(t) => {
                    matched_rows += 1;
                    titles.insert(t);
                }
                None => {
                    let r = &self.names[self.resolved[i] as usize];
                    *unmatched.entry(r.name.as_str()).or_default() += 1;
                }
            }
        }
        let mut by_reason: Vec<(SkipReason, usize)> = Vec::new();
        for s in &h.skipped {
            match by_reason.iter_mut().find(|(r, _)| *r == s.reason) {
                Some((_, n)) => *n += 1,
                None => by_reason.push((s.reason.clone(), 1)),
            }
        }
        by_reason.sort();
        let mut names: Vec<(&str, usize)> = unmatched.into_iter().collect();
        names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let unmatched_rows = h.entries.len() - matched_rows;
        Summary {
            rows: h.rows,
            matched_rows,
            titles: titles.len(),
            unmatched_rows,
            skipped_rows: h.skipped.len(),
            skipped_by_reason: by_reason,
            unmatched: names
                .into_iter()
                .take(max_unmatched)
                .map(|(name, rows)| Unmatched {
                    name: name.to_owned(),
                    rows,
                    suggestions: index
                        .map(|ix| ix.titles(name, 3).into_iter().map(|(i, _)| i).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// What happened to a file's rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Data rows in the file.
    pub rows: usize,
    /// Rows whose title matched a catalog title.
    pub matched_rows: usize,
    /// Distinct catalog titles matched.
    pub titles: usize,
    /// Viewing rows whose title matched nothing.
    pub unmatched_rows: usize,
    /// Rows not used (see `skipped_by_reason`).
    pub skipped_rows: usize,
    /// Skipped rows per reason.
    pub skipped_by_reason: Vec<(SkipReason, usize)>,
    /// Unmatched names, most rows first, with catalog suggestions.
    pub unmatched: Vec<Unmatched>,
}

impl Summary {
    /// Matched rows over viewing rows (skipped rows are not viewing), 0 when none.
    pub fn match_rate(&self) -> f32 {
        let viewing = self.matched_rows + self.unmatched_rows;
        if viewing == 0 {
            0.0
        } else {
            self.matched_rows as f32 / viewing as f32
        }
    }
}

/// A name that matched no catalog title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The show or film name as read from the rows.
    pub name: String,
    /// Rows with this name.
    pub rows: usize,
    /// Closest catalog titles (indices), best first.
    pub suggestions: Vec<usize>,
}

#[cfg(test)]
mod tests;
