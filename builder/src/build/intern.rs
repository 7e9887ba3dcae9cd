//! The catalog step of `builder build`: people, genres and countries interned into sorted
//! tables, drafts converted to engine titles, descriptions cut.

use crate::{HashMap, HashSet};
use engine::{Catalog, Title};

use super::{CAST_ALWAYS, MAX_CAST, MAX_DIRECTORS};
use crate::resolve::Draft;

/// Interns people, genres and countries into sorted tables and converts the drafts (given
/// in final order) to engine titles, leaving descriptions and terms to `assemble`.
pub(super) fn intern<'a>(drafts: impl Iterator<Item = &'a Draft> + Clone) -> Catalog {
    let mut credits: HashMap<&str, u32> = HashMap::default();
    for d in drafts.clone() {
        for p in d.rec.cast.iter().take(MAX_CAST) {
            *credits.entry(p.as_str()).or_default() += 1;
        }
    }
    let kept_cast = |d: &'a Draft| {
        d.rec
            .cast
            .iter()
            .take(MAX_CAST)
            .enumerate()
            .filter(|(i, p)| *i < CAST_ALWAYS || credits.get(p.as_str()).is_some_and(|&n| n >= 2))
            .map(|(_, p)| p.as_str())
    };
    // Hashed, then sorted once: cheaper than ~90k ordered insertions.
    let mut people: HashSet<&str> = HashSet::default();
    let mut countries: HashSet<&str> = HashSet::default();
    for d in drafts.clone() {
        people.extend(
            d.rec
                .directors
                .iter()
                .take(MAX_DIRECTORS)
                .map(String::as_str),
        );
        people.extend(kept_cast(d));
        countries.extend(d.rec.countries.iter().map(String::as_str));
    }
    let sorted = |set: HashSet<&str>| {
        let mut v: Vec<&str> = set.into_iter().collect();
        v.sort_unstable();
        v.into_iter().map(str::to_owned).collect::<Vec<String>>()
    };
    let people = sorted(people);
    let countries = sorted(countries);
    let genres: Vec<String> = crate::vocab::GENRES
        .iter()
        .map(|g| (*g).to_owned())
        .collect();
    let person_ix: HashMap<&str, u32> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let country_ix: HashMap<&str, u32> = countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect();
    let genre_ix = |g: &str| {
        crate::vocab::GENRES
            .iter()
            .position(|x| *x == g)
            .map(|i| i as u32)
    };
    let titles = drafts
        .map(|d| {
            let r = &d.rec;
            Title {
                id: d.id.clone(),
                title: r.title.clone(),
                kind: r.kind,
                year: r.year,
                // Cut and stemmed on their own thread (see `assemble`).
                description: String::new(),
                genres: r.genres.iter().filter_map(|g| genre_ix(g)).collect(),
                directors: r
                    .directors
                    .iter()
                    .take(MAX_DIRECTORS)
                    .map(|p| person_ix[p.as_str()])
                    .collect(),
                cast: kept_cast(d).map(|p| person_ix[p]).collect(),
                countries: r.countries.iter().map(|c| country_ix[c.as_str()]).collect(),
                age_rating: r.age_rating.clone(),
                runtime_min: r.runtime_min,
                seasons: r.seasons,
                imdb_id: r.imdb_id.clone(),
                imdb_score: r.imdb_score,
                imdb_votes: r.imdb_votes,
                tmdb_popularity: r.tmdb_popularity,
                tmdb_score: r.tmdb_score,
                // Set from the engagement rows once titles have their final indices.
                engagement_views: None,
                poster_path: r.poster_path.clone(),
                sources: source_refs(d),
                trend_only: d.trend_only,
            }
        })
        .collect();
    Catalog {
        titles,
        people,
        genres,
        countries,
        terms: Default::default(),
    }
}

/// The title's source references for the bundle: every source name is kept (the title
/// page lists what a title was merged from), but an id that repeats the title's own id or
/// display title (the usual case for IMDb-keyed JustWatch rows and for Top 10 names) is
/// left empty, since the page already shows it. Saves most of the source-id bytes.
fn source_refs(d: &Draft) -> Vec<engine::SourceRef> {
    d.sources
        .iter()
        .map(|s| engine::SourceRef {
            source: s.source.clone(),
            id: if s.id == d.id || s.id == d.rec.title {
                String::new()
            } else {
                s.id.clone()
            },
        })
        .collect()
}

/// `v` rounded to `digits` significant decimal digits: a popularity signal needs no more,
/// and the bundle stores round numbers in a few bits.
pub fn round_significant(v: u64, digits: u32) -> u64 {
    let mut scale = 1u64;
    while v / scale >= 10u64.pow(digits) {
        scale = scale.saturating_mul(10);
    }
    (v.saturating_add(scale / 2) / scale).saturating_mul(scale)
}

/// Cuts `text` to at most `max` characters: at the last sentence end that keeps at least
/// half of it, else at the last word end, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    if let Some(end) = head.rfind(['.', '!', '?']) {
        if end >= cut / 2 {
            return head[..=end].to_owned();
        }
    }
    match head.rfind(' ') {
        Some(sp) => format!("{}…", head[..sp].trim_end_matches([',', ';', ':', ' '])),
        None => format!("{head}…"),
    }
}
