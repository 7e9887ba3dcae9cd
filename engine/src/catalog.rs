//! The merged title catalog: what a title is, once all sources are joined.
//!
//! Strings that repeat across titles (people, genres, countries) are interned into tables
//! on [`Catalog`] and referenced by index; this keeps the bundle small.

use serde::{Deserialize, Serialize};

/// Film or series. Recommendations stay within one kind unless the user mixes them.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Kind {
    /// A film (Kaggle "Movie", JustWatch "MOVIE", Top 10 "Films").
    #[default]
    Movie,
    /// A series (Kaggle "TV Show", JustWatch "SHOW", Top 10 "TV").
    Show,
}

impl Kind {
    /// Human label used in the UI and CLI.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Movie => "Movie",
            Kind::Show => "Series",
        }
    }
}

/// Which source a merged title took data from, with that source's own id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    /// Source name, e.g. `kaggle_netflix_titles`, `justwatch_2023`, `top10_global`.
    pub source: String,
    /// The id the source uses (`s1`, `tm82169`, or the Top 10 show title).
    pub id: String,
}

/// One merged title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Title {
    /// Stable id: the IMDb id where known (`tt0113277`), else a JustWatch or Kaggle id.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Film or series.
    pub kind: Kind,
    /// Release (or first-air) year.
    pub year: Option<u16>,
    /// Plot summary (the richest source's).
    pub description: String,
    /// Genre indices into [`Catalog::genres`].
    pub genres: Vec<u32>,
    /// Director indices into [`Catalog::people`].
    pub directors: Vec<u32>,
    /// Cast indices into [`Catalog::people`], in billing order.
    pub cast: Vec<u32>,
    /// Production-country indices into [`Catalog::countries`].
    pub countries: Vec<u32>,
    /// Age certification such as `TV-MA` or `PG-13`.
    pub age_rating: Option<String>,
    /// Runtime in minutes (films) or per episode (series).
    pub runtime_min: Option<u16>,
    /// Number of seasons, for series.
    pub seasons: Option<u16>,
    /// IMDb id when any source had one.
    pub imdb_id: Option<String>,
    /// IMDb rating, 0–10.
    pub imdb_score: Option<f32>,
    /// IMDb vote count.
    pub imdb_votes: Option<u32>,
    /// TMDB popularity (unbounded, log-distributed).
    pub tmdb_popularity: Option<f32>,
    /// TMDB rating, 0–10.
    pub tmdb_score: Option<f32>,
    /// Most views in one half-year of Netflix's engagement reports, to two significant
    /// digits (a popularity signal for titles without IMDb votes; see `model::prior`).
    pub engagement_views: Option<u64>,
    /// TMDB poster image path (`/abc123.jpg`), for films matched to a TMDB record. Carried
    /// in the details file; shown only through [`Title::poster_url`], which checks it.
    pub poster_path: Option<String>,
    /// Every source record merged into this title.
    pub sources: Vec<SourceRef>,
    /// True when the title is known only from Top 10 lists (no catalog record matched).
    pub trend_only: bool,
}

/// Where TMDB serves poster images 185 px wide; a poster's URL is this plus its path.
pub const POSTER_BASE: &str = "https://image.tmdb.org/t/p/w185";

/// Whether `path` is a TMDB image path safe to append to [`POSTER_BASE`]: a `/`, then up
/// to 64 of `[A-Za-z0-9._-]`, not starting with a dot (so never `/..`). Anything else
/// (a full URL, a query, another host, a traversal) could point the browser elsewhere.
pub fn is_poster_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    !rest.is_empty()
        && rest.len() <= 64
        && !rest.starts_with('.')
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl Title {
    /// The poster's image URL, when the title has a valid poster path.
    pub fn poster_url(&self) -> Option<String> {
        self.poster_path
            .as_deref()
            .filter(|p| is_poster_path(p))
            .map(|p| format!("{POSTER_BASE}{p}"))
    }
}

/// All titles plus the interned string tables they point into.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Titles, in a stable order (by id) so indices are reproducible.
    pub titles: Vec<Title>,
    /// Person names.
    pub people: Vec<String>,
    /// Genre names (lower-case, canonical: `comedy`, `documentation`, ...).
    pub genres: Vec<String>,
    /// Country codes (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// Description terms per title, stemmed once by the builder (see
    /// [`crate::text::index_terms`]), so readers of the bundle neither stem nor need the
    /// description text to build the model.
    pub terms: TermIndex,
}

/// Marks a credit whose person's name is in the details file, not yet attached (see
/// [`crate::bundle`]). Such a person has a single credit in the whole catalog, so the model
/// never uses them; [`Catalog::person`] gives an empty name for them.
pub const UNLOADED_PERSON: u32 = u32::MAX;

/// The description terms the model uses: stems that occur in at least two titles (a term
/// in one title can never be shared), numbered by falling document frequency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermIndex {
    /// Display word of each term (its most frequent surface form); a term's id is its index.
    pub words: Vec<String>,
    /// Per title, by title index: term ids in ascending order, an id repeated once per
    /// further occurrence in that description. Empty (no entry per title) when the catalog
    /// was not indexed; the model then indexes the descriptions itself.
    pub per_title: Vec<Vec<u32>>,
}

impl TermIndex {
    /// Whether this index covers the `n` titles of its catalog.
    pub fn covers(&self, n: usize) -> bool {
        self.per_title.len() == n
    }
}

impl Catalog {
    /// Stems every title's description into [`Catalog::terms`] (done by the builder before
    /// writing the bundle).
    pub fn index_terms(&mut self) {
        self.terms = crate::text::index_terms(self);
    }

    /// Index of the title with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.titles.iter().position(|t| t.id == id)
    }

    /// Genre names of a title.
    pub fn genre_names<'a>(&'a self, t: &'a Title) -> impl Iterator<Item = &'a str> + 'a {
        t.genres
            .iter()
            .filter_map(|&g| self.genres.get(g as usize).map(String::as_str))
    }

    /// Person name for an index (empty string when out of range).
    pub fn person(&self, i: u32) -> &str {
        self.people
            .get(i as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_tmdb_paths_become_urls() {
        for ok in ["/abc123.jpg", "/A-b_c.9.png", "/x"] {
            assert!(is_poster_path(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "abc.jpg",
            "/..",
            "/.hidden",
            "/a/b.jpg",
            "//evil.example/x.jpg",
            "/a.jpg?x=1",
            "/a b.jpg",
            "/a%2e.jpg",
            "/é.jpg",
            "https://evil.example/a.jpg",
        ] {
            assert!(!is_poster_path(bad), "{bad:?}");
        }
        assert!(!is_poster_path(&format!("/{}", "a".repeat(65))));
        let mut t = Title {
            poster_path: Some("/abc.jpg".into()),
            ..Title::default()
        };
        assert_eq!(
            t.poster_url().as_deref(),
            Some("https://image.tmdb.org/t/p/w185/abc.jpg")
        );
        t.poster_path = Some("/../x.jpg".into());
        assert_eq!(t.poster_url(), None);
    }
}
