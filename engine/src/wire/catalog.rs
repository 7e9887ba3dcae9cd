//! The catalog as columns: the core part ([`WireCatalog`]: what recommending reads) and the
//! details part ([`WireCatalogDetails`]: descriptions, every name, source ids, posters).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::columns::*;
use super::WireError;
use crate::catalog::{Catalog, Kind, SourceRef, TermIndex, Title, UNLOADED_PERSON};

/// The catalog's part of the core file, one column per field: everything a first screen
/// of recommendations needs (the model's inputs and the cards' fields).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct WireCatalog {
    pub(super) ids: FrontCol,
    pub(super) titles: StrCol,
    /// Bit 0: series; bit 1: trend-only; bit 2: has engagement views (next entry of
    /// `engagement_views`).
    pub(super) flags: Vec<u8>,
    /// `0` none, else the year + 1.
    pub(super) years: Vec<u32>,
    pub(super) genres: ListCol,
    /// Person links: `0` a person with a single credit (name in the details file), `1` the
    /// next new person of `people`, `i + 2` person `i` of `people`.
    pub(super) directors: ListCol,
    pub(super) cast: ListCol,
    pub(super) countries: ListCol,
    pub(super) age_ratings: DictCol,
    pub(super) runtimes: Vec<u32>,
    pub(super) seasons: Vec<u32>,
    /// `0` none, `1` same as the title id, `2` the next entry of `imdb_other`.
    pub(super) imdb_mode: Vec<u8>,
    pub(super) imdb_other: StrCol,
    pub(super) imdb_scores: FloatCol,
    pub(super) imdb_votes: Vec<u64>,
    pub(super) tmdb_popularity: FloatCol,
    pub(super) tmdb_scores: FloatCol,
    /// Engagement views of the titles that have them (flag bit 2), rounded-number packed.
    pub(super) engagement_views: CountCol,
    /// People with two or more credits, in order of first use (re-sorted on decode).
    pub(super) people: StrCol,
    pub(super) genre_names: Vec<String>,
    pub(super) country_names: Vec<String>,
    /// Source names (`kaggle_netflix_titles`, `top10_global`, ...).
    pub(super) source_names: Vec<String>,
    /// Per title: its sources as indices into `source_names` (their ids are details; the
    /// names count for the prior's Top 10 presence).
    pub(super) sources: ListCol,
    /// Display words of the description terms, by term id.
    pub(super) term_words: StrCol,
    /// Per title: term ids ascending, each as the difference to the previous one.
    pub(super) terms: ListCol,
}

/// The catalog's part of the details file: what only the title, trends and refine views
/// read.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct WireCatalogDetails {
    pub(super) descriptions: StrCol,
    /// The id of every source reference, in title order.
    pub(super) source_ids: StrCol,
    /// Number of single-credit people: the names of the core file's `0` links, in link
    /// order (titles in order, directors then cast); the rest of `people` are people no
    /// title links to.
    pub(super) singles: u32,
    pub(super) people: StrCol,
    /// Titles with a poster, each as the gap to the previous one (the first as its index):
    /// only a film matched to TMDB has one, so most titles cost nothing here.
    pub(super) poster_titles: Vec<u32>,
    /// Their poster paths, in the same order.
    pub(super) posters: StrCol,
}

pub(super) fn opt16(v: Option<u16>) -> u32 {
    v.map_or(0, |x| u32::from(x) + 1)
}

pub(super) fn un_opt16(v: u32) -> Result<Option<u16>, WireError> {
    match v {
        0 => Ok(None),
        x => u16::try_from(x - 1)
            .map(Some)
            .map_err(|_| "16-bit value out of range".to_owned()),
    }
}

/// Indices of `names` in ascending string order. Sorts on the first eight bytes as one
/// integer and compares whole strings only within equal prefixes: decoding re-sorts ~15k
/// people, and plain string comparisons were a tenth of the decode time.
pub(super) fn sorted_order(names: &[String]) -> Vec<u32> {
    let prefix = |s: &str| {
        let mut b = [0u8; 8];
        let n = s.len().min(8);
        b[..n].copy_from_slice(&s.as_bytes()[..n]);
        u64::from_be_bytes(b)
    };
    let mut keyed: Vec<(u64, u32)> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (prefix(s), i as u32))
        .collect();
    keyed.sort_unstable();
    let mut out: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            end += 1;
        }
        if end - start > 1 {
            out[start..end].sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        }
        start = end;
    }
    out
}

/// Credits per person (directors and cast, every title), checking every link: a link is
/// a person of the table or [`UNLOADED_PERSON`].
pub(super) fn credit_counts(c: &Catalog) -> Result<Vec<u32>, WireError> {
    let mut uses = vec![0u32; c.people.len()];
    for t in &c.titles {
        for &p in t.directors.iter().chain(&t.cast) {
            match uses.get_mut(p as usize) {
                Some(u) => *u += 1,
                None if p == UNLOADED_PERSON => {}
                None => {
                    return Err(format!(
                        "title {} links to person {p}, beyond the people table",
                        t.id
                    ))
                }
            }
        }
    }
    Ok(uses)
}

impl WireCatalog {
    pub(super) fn encode(c: &Catalog) -> Result<WireCatalog, WireError> {
        let n = c.titles.len();
        let mut w = WireCatalog {
            ids: FrontCol::encode(c.titles.iter().map(|t| t.id.as_str())),
            age_ratings: DictCol::encode(c.titles.iter().map(|t| t.age_rating.as_deref())),
            imdb_scores: FloatCol::new(10),
            tmdb_popularity: FloatCol::new(1000),
            tmdb_scores: FloatCol::new(1000),
            genre_names: c.genres.clone(),
            country_names: c.countries.clone(),
            ..WireCatalog::default()
        };
        // People with a single credit stay out of this file: the model cannot use them
        // (nobody shares them) and no first-screen view names them.
        let uses = credit_counts(c)?;
        let mut wire_id = vec![u32::MAX; c.people.len()];
        let mut order: Vec<u32> = Vec::new();
        let mut code = |p: u32, out: &mut Vec<u32>| match uses.get(p as usize) {
            Some(&u) if u >= 2 => {
                if wire_id[p as usize] == u32::MAX {
                    wire_id[p as usize] = order.len() as u32;
                    order.push(p);
                    out.push(1);
                } else {
                    out.push(wire_id[p as usize] + 2);
                }
            }
            _ => out.push(0),
        };
        let terms = if c.terms.covers(n) {
            std::borrow::Cow::Borrowed(&c.terms)
        } else {
            std::borrow::Cow::Owned(crate::text::index_terms(c))
        };
        for word in &terms.words {
            w.term_words.push(word);
        }
        let mut source_ix: HashMap<&str, u32> = HashMap::new();
        let mut buf = Vec::new();
        w.flags.reserve(n);
        for (t, ids) in c.titles.iter().zip(&terms.per_title) {
            w.titles.push(&t.title);
            w.flags.push(
                u8::from(t.kind == Kind::Show)
                    | (u8::from(t.trend_only) << 1)
                    | (u8::from(t.engagement_views.is_some()) << 2),
            );
            if let Some(v) = t.engagement_views {
                w.engagement_views.push(v);
            }
            w.years.push(opt16(t.year));
            w.genres.push(&t.genres);
            buf.clear();
            for &p in &t.directors {
                code(p, &mut buf);
            }
            w.directors.push(&buf);
            buf.clear();
            for &p in &t.cast {
                code(p, &mut buf);
            }
            w.cast.push(&buf);
            w.countries.push(&t.countries);
            w.runtimes.push(opt16(t.runtime_min));
            w.seasons.push(opt16(t.seasons));
            match &t.imdb_id {
                None => w.imdb_mode.push(0),
                Some(x) if *x == t.id => w.imdb_mode.push(1),
                Some(x) => {
                    w.imdb_mode.push(2);
                    w.imdb_other.push(x);
                }
            }
            w.imdb_scores.push(t.imdb_score);
            w.imdb_votes.push(opt_u64(t.imdb_votes.map(u64::from)));
            w.tmdb_popularity.push(t.tmdb_popularity);
            w.tmdb_scores.push(t.tmdb_score);
            buf.clear();
            for s in &t.sources {
                let i = *source_ix.entry(s.source.as_str()).or_insert_with(|| {
                    w.source_names.push(s.source.clone());
                    w.source_names.len() as u32 - 1
                });
                buf.push(i);
            }
            w.sources.push(&buf);
            buf.clear();
            let mut prev = 0u32;
            for &id in ids {
                buf.push(id.wrapping_sub(prev));
                prev = id;
            }
            w.terms.push(&buf);
        }
        for &p in &order {
            w.people.push(&c.people[p as usize]);
        }
        Ok(w)
    }

    pub(super) fn decode(self) -> Result<Catalog, WireError> {
        let ids = self.ids.decode()?;
        let n = ids.len();
        // People: read the table in wire order, sort it, and map wire ids to final indices.
        let mut pr = self.people.reader();
        let wire_people: Vec<String> = (0..self.people.lens.len())
            .map(|_| pr.next().map(str::to_owned))
            .collect::<Result<_, _>>()?;
        let by_name = sorted_order(&wire_people);
        let mut final_ix = vec![0u32; wire_people.len()];
        for (f, &wi) in by_name.iter().enumerate() {
            final_ix[wi as usize] = f as u32;
        }
        let mut slots: Vec<Option<String>> = wire_people.into_iter().map(Some).collect();
        let people: Vec<String> = by_name
            .iter()
            .map(|&wi| slots[wi as usize].take().unwrap_or_default())
            .collect();
        let mut next_new = 0u32;
        let mut person = |code: u32| -> Result<u32, WireError> {
            let wi = match code {
                0 => return Ok(UNLOADED_PERSON),
                1 => {
                    next_new += 1;
                    next_new - 1
                }
                c => c - 2,
            };
            final_ix
                .get(wi as usize)
                .copied()
                .ok_or_else(|| "person link out of range".to_owned())
        };
        let mut wr = self.term_words.reader();
        let words: Vec<String> = (0..self.term_words.lens.len())
            .map(|_| wr.next().map(str::to_owned))
            .collect::<Result<_, _>>()?;

        let mut titles_r = self.titles.reader();
        let mut imdb_r = self.imdb_other.reader();
        let (mut is_r, mut tp_r, mut ts_r) = (
            self.imdb_scores.reader(),
            self.tmdb_popularity.reader(),
            self.tmdb_scores.reader(),
        );
        let (mut gp, mut dp, mut cp, mut kp, mut tp, mut sp) = (0, 0, 0, 0, 0, 0);
        let mut ev_r = CountReader {
            col: &self.engagement_views,
            next: 0,
            big: 0,
        };
        let mut titles = Vec::with_capacity(n);
        let mut per_title = Vec::with_capacity(n);
        for (i, id) in ids.into_iter().enumerate() {
            let flags = at(&self.flags, i, "flags")?;
            let genres = take(
                &self.genres.values,
                &mut gp,
                at(&self.genres.lens, i, "genre")?,
            )?;
            let directors = take(
                &self.directors.values,
                &mut dp,
                at(&self.directors.lens, i, "director")?,
            )?
            .iter()
            .map(|&c| person(c))
            .collect::<Result<Vec<u32>, _>>()?;
            let cast = take(&self.cast.values, &mut cp, at(&self.cast.lens, i, "cast")?)?
                .iter()
                .map(|&c| person(c))
                .collect::<Result<Vec<u32>, _>>()?;
            let countries = take(
                &self.countries.values,
                &mut kp,
                at(&self.countries.lens, i, "country")?,
            )?;
            let mut term = 0u32;
            let terms: Vec<u32> = take(
                &self.terms.values,
                &mut tp,
                at(&self.terms.lens, i, "terms")?,
            )?
            .iter()
            .map(|&d| {
                term = term.wrapping_add(d);
                term
            })
            .collect();
            if terms.iter().any(|&t| t as usize >= words.len()) {
                return Err("description term out of range".to_owned());
            }
            per_title.push(terms);
            let imdb_id = match at(&self.imdb_mode, i, "imdb")? {
                0 => None,
                1 => Some(id.clone()),
                _ => Some(imdb_r.next()?.to_owned()),
            };
            let votes = un_opt_u64(at(&self.imdb_votes, i, "votes")?)
                .map(|v| u32::try_from(v).map_err(|_| "vote count out of range".to_owned()))
                .transpose()?;
            let sources = take(
                &self.sources.values,
                &mut sp,
                at(&self.sources.lens, i, "source")?,
            )?
            .iter()
            .map(|&s| {
                Ok(SourceRef {
                    source: self
                        .source_names
                        .get(s as usize)
                        .cloned()
                        .ok_or("source name out of range")?,
                    id: String::new(),
                })
            })
            .collect::<Result<Vec<_>, WireError>>()?;
            titles.push(Title {
                id,
                title: titles_r.next()?.to_owned(),
                kind: if flags & 1 != 0 {
                    Kind::Show
                } else {
                    Kind::Movie
                },
                year: un_opt16(at(&self.years, i, "year")?)?,
                description: String::new(),
                genres: genres.to_vec(),
                directors,
                cast,
                countries: countries.to_vec(),
                age_rating: self.age_ratings.get(i)?,
                runtime_min: un_opt16(at(&self.runtimes, i, "runtime")?)?,
                seasons: un_opt16(at(&self.seasons, i, "seasons")?)?,
                imdb_id,
                imdb_score: is_r.next()?,
                imdb_votes: votes,
                tmdb_popularity: tp_r.next()?,
                tmdb_score: ts_r.next()?,
                engagement_views: if flags & 4 != 0 {
                    Some(ev_r.next()?)
                } else {
                    None
                },
                sources,
                trend_only: flags & 2 != 0,
                // Posters are details: not needed for the first results.
                poster_path: None,
            });
        }
        Ok(Catalog {
            titles,
            people,
            genres: self.genre_names,
            countries: self.country_names,
            terms: TermIndex { words, per_title },
        })
    }
}

impl WireCatalogDetails {
    pub(super) fn encode(c: &Catalog) -> Result<WireCatalogDetails, WireError> {
        let uses = credit_counts(c)?;
        let mut w = WireCatalogDetails::default();
        let mut prev = 0u32;
        for (i, t) in c.titles.iter().enumerate() {
            if let Some(p) = &t.poster_path {
                w.poster_titles.push(i as u32 - prev);
                w.posters.push(p);
                prev = i as u32;
            }
            w.descriptions.push(&t.description);
            for s in &t.sources {
                w.source_ids.push(&s.id);
            }
            for &p in t.directors.iter().chain(&t.cast) {
                match uses.get(p as usize) {
                    Some(1) => {
                        w.people.push(&c.people[p as usize]);
                        w.singles += 1;
                    }
                    Some(_) => {}
                    None => {
                        return Err(format!(
                            "title {} has a credit whose name is not loaded: encode details from a complete catalog",
                            t.id
                        ))
                    }
                }
            }
        }
        for (p, &u) in uses.iter().enumerate() {
            if u == 0 {
                w.people.push(&c.people[p]);
            }
        }
        Ok(w)
    }

    /// Fills `c` (decoded from the core file) with the descriptions, source ids, poster
    /// paths and the names of single-credit people, which are appended to the people table.
    pub(super) fn attach(self, c: &mut Catalog) -> Result<(), WireError> {
        let n = c.titles.len();
        let refs: usize = c.titles.iter().map(|t| t.sources.len()).sum();
        if self.descriptions.lens.len() != n || self.source_ids.lens.len() != refs {
            return Err(format!(
                "details describe {} titles and {} source references, the bundle has {n} and {refs}",
                self.descriptions.lens.len(),
                self.source_ids.lens.len()
            ));
        }
        let unloaded = c
            .titles
            .iter()
            .flat_map(|t| t.directors.iter().chain(&t.cast))
            .filter(|&&p| p == UNLOADED_PERSON)
            .count();
        if unloaded != self.singles as usize || self.people.lens.len() < unloaded {
            return Err(format!(
                "details name {} single-credit people, the bundle has {unloaded} unnamed credits",
                self.singles
            ));
        }
        let mut names = self.people.reader();
        let mut desc_r = self.descriptions.reader();
        let mut srcid_r = self.source_ids.reader();
        // Read everything before changing `c`.
        let descriptions = (0..n)
            .map(|_| desc_r.next().map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()?;
        let ids = (0..refs)
            .map(|_| srcid_r.next().map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()?;
        let extra: Vec<String> = (0..self.people.lens.len())
            .map(|_| names.next().map(str::to_owned))
            .collect::<Result<_, _>>()?;
        if self.posters.lens.len() != self.poster_titles.len() {
            return Err(format!(
                "details list {} poster titles and {} poster paths",
                self.poster_titles.len(),
                self.posters.lens.len()
            ));
        }
        let mut poster_r = self.posters.reader();
        let mut posters: Vec<(usize, String)> = Vec::with_capacity(self.poster_titles.len());
        let mut at_title = 0u64;
        for (k, &gap) in self.poster_titles.iter().enumerate() {
            at_title += u64::from(gap);
            // Gaps after the first are at least 1: titles strictly ascending.
            if (k > 0 && gap == 0) || at_title >= n as u64 {
                return Err(format!(
                    "poster {k} links to title {at_title}, not a later title of the {n}"
                ));
            }
            posters.push((at_title as usize, poster_r.next()?.to_owned()));
        }
        let first_new = c.people.len() as u32;
        let mut next = first_new;
        let mut ids = ids.into_iter();
        for (t, d) in c.titles.iter_mut().zip(descriptions) {
            t.description = d;
            for (s, id) in t.sources.iter_mut().zip(&mut ids) {
                s.id = id;
            }
            for p in t.directors.iter_mut().chain(t.cast.iter_mut()) {
                if *p == UNLOADED_PERSON {
                    *p = next;
                    next += 1;
                }
            }
        }
        c.people.extend(extra);
        for (i, p) in posters {
            c.titles[i].poster_path = Some(p);
        }
        Ok(())
    }
}
