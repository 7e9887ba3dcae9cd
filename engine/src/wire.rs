//! The bundle body's wire layout: columns instead of records.
//!
//! The in-memory types ([`Body`], [`Catalog`], [`Trends`]) are what the app and the CLI
//! use; this module converts them to a column-per-field struct for postcard and back, so
//! only the bytes change. Columns compress far better under brotli/gzip than interleaved
//! records: every description sits next to other descriptions, small integers sit next to
//! similar integers, sorted ids are front-coded, sorted runs are delta-coded, repeated
//! strings are dictionary-coded, and people are numbered in order of first use so most
//! credits are the byte `0` ("the next new person").
//!
//! Every encoding is lossless for any value of the in-memory types (a test round-trips
//! arbitrary values); the compact forms are chosen when they apply and fall back otherwise.
//! Decoding validates every index and length and reports a malformed body as an error.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bundle::Body;
use crate::catalog::{Catalog, Kind, SourceRef, TermIndex, Title, UNLOADED_PERSON};
use crate::report::{DataReport, MetricsRecord};
use crate::trends::{
    Category, Charted, Country, CountryRun, EngagementEntry, PopularEntry, Trailer, Trends,
    WeeklyEntry,
};

/// Why a body's columns do not fit together (a builder bug or a corrupt file).
pub(crate) type WireError = String;

/// Strings as one length column and one text column.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StrCol {
    lens: Vec<u32>,
    text: String,
}

impl StrCol {
    fn push(&mut self, s: &str) {
        self.lens.push(s.len() as u32);
        self.text.push_str(s);
    }

    fn reader(&self) -> StrReader<'_> {
        StrReader {
            col: self,
            next: 0,
            pos: 0,
        }
    }
}

struct StrReader<'a> {
    col: &'a StrCol,
    next: usize,
    pos: usize,
}

impl<'a> StrReader<'a> {
    fn next(&mut self) -> Result<&'a str, WireError> {
        let len = *self
            .col
            .lens
            .get(self.next)
            .ok_or("string column too short")? as usize;
        let end = self.pos.checked_add(len).ok_or("string length overflow")?;
        let s = self
            .col
            .text
            .get(self.pos..end)
            .ok_or("string column text cut or split inside a character")?;
        self.next += 1;
        self.pos = end;
        Ok(s)
    }
}

/// Sorted strings, front-coded: bytes shared with the previous string, then the rest.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FrontCol {
    shared: Vec<u32>,
    rest: StrCol,
}

impl FrontCol {
    fn encode<'a>(items: impl Iterator<Item = &'a str>) -> FrontCol {
        let mut out = FrontCol::default();
        let mut prev = "";
        for s in items {
            let mut n = prev
                .bytes()
                .zip(s.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            out.shared.push(n as u32);
            out.rest.push(&s[n..]);
            prev = s;
        }
        out
    }

    fn decode(&self) -> Result<Vec<String>, WireError> {
        let mut r = self.rest.reader();
        let mut out: Vec<String> = Vec::with_capacity(self.shared.len());
        for &n in &self.shared {
            let prev = out.last().map_or("", String::as_str);
            let head = prev
                .get(..n as usize)
                .ok_or("front-coded prefix longer than the previous string")?;
            let mut s = String::with_capacity(head.len() + 16);
            s.push_str(head);
            s.push_str(r.next()?);
            out.push(s);
        }
        Ok(out)
    }
}

/// Lists of integers as one length column and one value column.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ListCol {
    lens: Vec<u32>,
    values: Vec<u32>,
}

impl ListCol {
    fn push(&mut self, v: &[u32]) {
        self.lens.push(v.len() as u32);
        self.values.extend_from_slice(v);
    }
}

/// Cuts the next `len` items off a value column.
fn take<'a, T>(values: &'a [T], pos: &mut usize, len: u32) -> Result<&'a [T], WireError> {
    let end = pos
        .checked_add(len as usize)
        .ok_or("list length overflow")?;
    let s = values.get(*pos..end).ok_or("list column too short")?;
    *pos = end;
    Ok(s)
}

fn at<T: Copy>(v: &[T], i: usize, what: &str) -> Result<T, WireError> {
    v.get(i)
        .copied()
        .ok_or_else(|| format!("{what} column too short"))
}

/// `Option<u32>`-like values as `0` for none and `v + 1` otherwise.
fn opt_u64(v: Option<u64>) -> u64 {
    v.map_or(0, |x| x.saturating_add(1))
}

fn un_opt_u64(v: u64) -> Option<u64> {
    v.checked_sub(1)
}

/// A large count as `mantissa << 4 | trailing decimal zeros` (Netflix rounds hours and
/// views to 10^4–10^5, so the mantissa is short). Values that do not fit are stored with
/// the escape `zeros = 15` followed by nothing lost: the mantissa is then the value.
fn pack_round(v: u64) -> u64 {
    let (mut m, mut z) = (v, 0u64);
    while m != 0 && m % 10 == 0 && z < 14 {
        m /= 10;
        z += 1;
    }
    match m.checked_mul(16) {
        Some(x) => x | z,
        None => u64::MAX, // escape: the raw value follows in `big`
    }
}

fn unpack_round(v: u64, big: &[u64], big_pos: &mut usize) -> Result<u64, WireError> {
    if v == u64::MAX {
        let x = at(big, *big_pos, "large-number")?;
        *big_pos += 1;
        return Ok(x);
    }
    let (m, z) = (v >> 4, (v & 15) as u32);
    10u64
        .checked_pow(z)
        .and_then(|p| m.checked_mul(p))
        .ok_or_else(|| "packed number overflows".to_owned())
}

/// A column of large counts, rounded-number packed, with an escape list for the rest.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CountCol {
    packed: Vec<u64>,
    big: Vec<u64>,
}

impl CountCol {
    fn push(&mut self, v: u64) {
        let p = pack_round(v);
        if p == u64::MAX {
            self.big.push(v);
        }
        self.packed.push(p);
    }
}

struct CountReader<'a> {
    col: &'a CountCol,
    next: usize,
    big: usize,
}

impl CountReader<'_> {
    fn next(&mut self) -> Result<u64, WireError> {
        let v = at(&self.col.packed, self.next, "count")?;
        self.next += 1;
        unpack_round(v, &self.col.big, &mut self.big)
    }
}

/// Optional floats stored as integers at a fixed decimal scale when that is exact
/// (`0` none, `1` raw bits in `raw`, `k + 2` for `k / scale`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct FloatCol {
    scale: u32,
    codes: Vec<u32>,
    raw: Vec<u32>,
}

impl FloatCol {
    fn new(scale: u32) -> FloatCol {
        FloatCol {
            scale,
            ..FloatCol::default()
        }
    }

    fn push(&mut self, v: Option<f32>) {
        let Some(x) = v else {
            self.codes.push(0);
            return;
        };
        let k = (f64::from(x) * f64::from(self.scale)).round();
        if (0.0..1e7).contains(&k) && (k as u32 as f32 / self.scale as f32).to_bits() == x.to_bits()
        {
            self.codes.push(k as u32 + 2);
        } else {
            self.codes.push(1);
            self.raw.push(x.to_bits());
        }
    }

    fn reader(&self) -> FloatReader<'_> {
        FloatReader {
            col: self,
            next: 0,
            raw: 0,
        }
    }
}

struct FloatReader<'a> {
    col: &'a FloatCol,
    next: usize,
    raw: usize,
}

impl FloatReader<'_> {
    fn next(&mut self) -> Result<Option<f32>, WireError> {
        let c = at(&self.col.codes, self.next, "float")?;
        self.next += 1;
        Ok(match c {
            0 => None,
            1 => {
                let bits = at(&self.col.raw, self.raw, "raw float")?;
                self.raw += 1;
                Some(f32::from_bits(bits))
            }
            k => Some((k - 2) as f32 / self.col.scale.max(1) as f32),
        })
    }
}

/// Optional strings drawn from a small set: a table plus `0` none / `i + 1` per row.
#[derive(Debug, Default, Serialize, Deserialize)]
struct DictCol {
    table: Vec<String>,
    codes: Vec<u32>,
}

impl DictCol {
    fn encode<'a>(items: impl Iterator<Item = Option<&'a str>>) -> DictCol {
        let mut out = DictCol::default();
        let mut ix: HashMap<&'a str, u32> = HashMap::new();
        for s in items {
            let code = match s {
                None => 0,
                Some(s) => *ix.entry(s).or_insert_with(|| {
                    out.table.push(s.to_owned());
                    out.table.len() as u32
                }),
            };
            out.codes.push(code);
        }
        out
    }

    fn get(&self, i: usize) -> Result<Option<String>, WireError> {
        match at(&self.codes, i, "dictionary")? {
            0 => Ok(None),
            c => self
                .table
                .get(c as usize - 1)
                .cloned()
                .map(Some)
                .ok_or_else(|| "dictionary code out of range".to_owned()),
        }
    }
}

/// The catalog's part of the core file, one column per field: everything a first screen
/// of recommendations needs (the model's inputs and the cards' fields).
#[derive(Debug, Default, Serialize, Deserialize)]
struct WireCatalog {
    ids: FrontCol,
    titles: StrCol,
    /// Bit 0: series; bit 1: trend-only; bit 2: has engagement views (next entry of
    /// `engagement_views`).
    flags: Vec<u8>,
    /// `0` none, else the year + 1.
    years: Vec<u32>,
    genres: ListCol,
    /// Person links: `0` a person with a single credit (name in the details file), `1` the
    /// next new person of `people`, `i + 2` person `i` of `people`.
    directors: ListCol,
    cast: ListCol,
    countries: ListCol,
    age_ratings: DictCol,
    runtimes: Vec<u32>,
    seasons: Vec<u32>,
    /// `0` none, `1` same as the title id, `2` the next entry of `imdb_other`.
    imdb_mode: Vec<u8>,
    imdb_other: StrCol,
    imdb_scores: FloatCol,
    imdb_votes: Vec<u64>,
    tmdb_popularity: FloatCol,
    tmdb_scores: FloatCol,
    /// Engagement views of the titles that have them (flag bit 2), rounded-number packed.
    engagement_views: CountCol,
    /// People with two or more credits, in order of first use (re-sorted on decode).
    people: StrCol,
    genre_names: Vec<String>,
    country_names: Vec<String>,
    /// Source names (`kaggle_netflix_titles`, `top10_global`, ...).
    source_names: Vec<String>,
    /// Per title: its sources as indices into `source_names` (their ids are details; the
    /// names count for the prior's Top 10 presence).
    sources: ListCol,
    /// Display words of the description terms, by term id.
    term_words: StrCol,
    /// Per title: term ids ascending, each as the difference to the previous one.
    terms: ListCol,
}

/// The catalog's part of the details file: what only the title, trends and refine views
/// read.
#[derive(Debug, Default, Serialize, Deserialize)]
struct WireCatalogDetails {
    descriptions: StrCol,
    /// The id of every source reference, in title order.
    source_ids: StrCol,
    /// Number of single-credit people: the names of the core file's `0` links, in link
    /// order (titles in order, directors then cast); the rest of `people` are people no
    /// title links to.
    singles: u32,
    people: StrCol,
}

fn opt16(v: Option<u16>) -> u32 {
    v.map_or(0, |x| u32::from(x) + 1)
}

fn un_opt16(v: u32) -> Result<Option<u16>, WireError> {
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
fn sorted_order(names: &[String]) -> Vec<u32> {
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
fn credit_counts(c: &Catalog) -> Result<Vec<u32>, WireError> {
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
    fn encode(c: &Catalog) -> Result<WireCatalog, WireError> {
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

    fn decode(self) -> Result<Catalog, WireError> {
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
    fn encode(c: &Catalog) -> Result<WireCatalogDetails, WireError> {
        let uses = credit_counts(c)?;
        let mut w = WireCatalogDetails::default();
        for t in &c.titles {
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

    /// Fills `c` (decoded from the core file) with the descriptions, source ids and the
    /// names of single-credit people, which are appended to the people table.
    fn attach(self, c: &mut Catalog) -> Result<(), WireError> {
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
        Ok(())
    }
}

fn category_code(c: Category) -> u8 {
    match c {
        Category::FilmsEnglish => 0,
        Category::FilmsNonEnglish => 1,
        Category::TvEnglish => 2,
        Category::TvNonEnglish => 3,
    }
}

fn category_of(code: u8) -> Result<Category, WireError> {
    Category::ALL
        .get(code as usize)
        .copied()
        .ok_or_else(|| "category code out of range".to_owned())
}

/// Trends' part of the core file: the small tables and the per-title summary.
#[derive(Debug, Default, Serialize, Deserialize)]
struct WireTrends {
    weeks: FrontCol,
    countries: Vec<Country>,
    countries_through: Option<String>,
    most_popular: Vec<PopularEntry>,
    trailers: Vec<Trailer>,
    /// Charted summaries: title as the difference to the previous one's.
    c_title_delta: Vec<u32>,
    c_weeks: Vec<u16>,
    c_best_rank: Vec<u8>,
    engagement_periods: Vec<String>,
}

/// Trends' part of the details file: the two big tables (global weekly rows, country
/// runs) as columns.
#[derive(Debug, Default, Serialize, Deserialize)]
struct WireTrendsDetails {
    /// Global rows: week as the difference to the previous row's week (wrapping), so the
    /// usual (week, category, rank) order is a column of zeros and ones.
    g_week_delta: Vec<u16>,
    g_category: Vec<u8>,
    g_rank: Vec<u8>,
    g_title: Vec<u32>,
    g_season: DictCol,
    g_hours: CountCol,
    /// `0` none, else `pack_round(views) + 1` (escape in `g_views_big`).
    g_views: CountCol,
    g_views_some: Vec<u8>,
    g_cumulative: Vec<u16>,
    /// True when the runs are written in (title, country) order and must be sorted back
    /// to (country, title); false when written in their in-memory order.
    runs_by_title: bool,
    /// Country runs: title as a zig-zag delta to the previous run's; country and first
    /// week as deltas to the previous run of the same title (from 0 for a new title).
    r_title_delta: Vec<u32>,
    r_country_delta: Vec<u16>,
    r_weeks: Vec<u16>,
    r_best_rank: Vec<u8>,
    r_first_week: Vec<u32>,
    /// `last_week - first_week` (wrapping).
    r_span: Vec<u16>,
    /// Engagement rows: period, title as a zig-zag delta to the previous row's, hours;
    /// views as `g_views` (a flag column and the packed values).
    e_period: Vec<u8>,
    e_title_delta: Vec<u32>,
    e_hours: CountCol,
    e_views_some: Vec<u8>,
    e_views: CountCol,
}

fn zigzag(d: i64) -> u32 {
    ((d << 1) ^ (d >> 63)) as u32
}

fn unzigzag(z: u32) -> i64 {
    i64::from(z >> 1) ^ -i64::from(z & 1)
}

impl WireTrends {
    fn encode(t: &Trends) -> WireTrends {
        let mut w = WireTrends {
            weeks: FrontCol::encode(t.weeks.iter().map(String::as_str)),
            countries: t.countries.clone(),
            countries_through: t.countries_through.clone(),
            most_popular: t.most_popular.clone(),
            trailers: t.trailers.clone(),
            engagement_periods: t.engagement_periods.clone(),
            ..WireTrends::default()
        };
        let mut prev = 0u32;
        for c in &t.charted {
            w.c_title_delta.push(c.title.wrapping_sub(prev));
            prev = c.title;
            w.c_weeks.push(c.weeks);
            w.c_best_rank.push(c.best_rank);
        }
        w
    }

    fn decode(self) -> Result<Trends, WireError> {
        let mut title = 0u32;
        let charted = (0..self.c_title_delta.len())
            .map(|i| {
                title = title.wrapping_add(self.c_title_delta[i]);
                Ok(Charted {
                    title,
                    weeks: at(&self.c_weeks, i, "charted weeks")?,
                    best_rank: at(&self.c_best_rank, i, "charted rank")?,
                })
            })
            .collect::<Result<Vec<_>, WireError>>()?;
        Ok(Trends {
            weeks: self.weeks.decode()?,
            global: Vec::new(),
            countries: self.countries,
            country_runs: Vec::new(),
            countries_through: self.countries_through,
            most_popular: self.most_popular,
            trailers: self.trailers,
            charted,
            engagement_periods: self.engagement_periods,
            engagement: Vec::new(),
        })
    }
}

impl WireTrendsDetails {
    fn encode(t: &Trends) -> WireTrendsDetails {
        let mut w = WireTrendsDetails {
            g_season: DictCol::encode(t.global.iter().map(|e| e.season.as_deref())),
            ..WireTrendsDetails::default()
        };
        let mut prev_week = 0u16;
        for e in &t.global {
            w.g_week_delta.push(e.week.wrapping_sub(prev_week));
            prev_week = e.week;
            w.g_category.push(category_code(e.category));
            w.g_rank.push(e.rank);
            w.g_title.push(e.title);
            w.g_hours.push(e.hours_viewed);
            w.g_views_some.push(u8::from(e.views.is_some()));
            w.g_views.push(e.views.unwrap_or(0));
            w.g_cumulative.push(e.cumulative_weeks);
        }
        // Runs are written title by title (a title charts in many countries in the same
        // weeks, so first weeks delta-code to almost nothing) when the in-memory order is
        // (country, title) ascending, which decoding restores by sorting.
        let by_key = t
            .country_runs
            .windows(2)
            .all(|p| (p[0].country, p[0].title) < (p[1].country, p[1].title));
        let mut runs: Vec<&CountryRun> = t.country_runs.iter().collect();
        if by_key {
            runs.sort_by_key(|r| (r.title, r.country));
        }
        w.runs_by_title = by_key;
        let (mut prev_c, mut prev_t, mut prev_first) = (0u16, 0u32, 0u16);
        for r in runs {
            w.r_title_delta
                .push(zigzag(i64::from(r.title) - i64::from(prev_t)));
            if r.title != prev_t {
                prev_c = 0;
                prev_first = 0;
            }
            w.r_country_delta.push(r.country.wrapping_sub(prev_c));
            w.r_first_week
                .push(zigzag(i64::from(r.first_week) - i64::from(prev_first)));
            prev_c = r.country;
            prev_t = r.title;
            prev_first = r.first_week;
            w.r_weeks.push(r.weeks);
            w.r_best_rank.push(r.best_rank);
            w.r_span.push(r.last_week.wrapping_sub(r.first_week));
        }
        let mut prev_t = 0u32;
        for e in &t.engagement {
            w.e_period.push(e.period);
            w.e_title_delta
                .push(zigzag(i64::from(e.title) - i64::from(prev_t)));
            prev_t = e.title;
            w.e_hours.push(e.hours_viewed);
            w.e_views_some.push(u8::from(e.views.is_some()));
            if let Some(v) = e.views {
                w.e_views.push(v);
            }
        }
        w
    }

    /// Fills the weekly rows and country runs of `t` (decoded from the core file).
    fn attach(self, t: &mut Trends) -> Result<(), WireError> {
        let n = self.g_week_delta.len();
        let mut global = Vec::with_capacity(n);
        let (mut hours, mut views) = (
            CountReader {
                col: &self.g_hours,
                next: 0,
                big: 0,
            },
            CountReader {
                col: &self.g_views,
                next: 0,
                big: 0,
            },
        );
        let mut week = 0u16;
        for i in 0..n {
            week = week.wrapping_add(self.g_week_delta[i]);
            let v = views.next()?;
            global.push(WeeklyEntry {
                week,
                category: category_of(at(&self.g_category, i, "category")?)?,
                rank: at(&self.g_rank, i, "rank")?,
                title: at(&self.g_title, i, "title")?,
                season: self.g_season.get(i)?,
                hours_viewed: hours.next()?,
                views: (at(&self.g_views_some, i, "views")? != 0).then_some(v),
                cumulative_weeks: at(&self.g_cumulative, i, "cumulative weeks")?,
            });
        }
        let m = self.r_country_delta.len();
        let mut runs = Vec::with_capacity(m);
        let (mut prev_c, mut prev_t, mut prev_first) = (0u16, 0u32, 0u16);
        for i in 0..m {
            let title = u32::try_from(
                i64::from(prev_t) + unzigzag(at(&self.r_title_delta, i, "run title")?),
            )
            .map_err(|_| "run title out of range".to_owned())?;
            if title != prev_t {
                prev_c = 0;
                prev_first = 0;
            }
            let c = prev_c.wrapping_add(self.r_country_delta[i]);
            let first = u16::try_from(
                i64::from(prev_first) + unzigzag(at(&self.r_first_week, i, "first week")?),
            )
            .map_err(|_| "first week out of range".to_owned())?;
            prev_c = c;
            prev_t = title;
            prev_first = first;
            runs.push(CountryRun {
                country: c,
                title,
                weeks: at(&self.r_weeks, i, "run weeks")?,
                best_rank: at(&self.r_best_rank, i, "best rank")?,
                first_week: first,
                last_week: first.wrapping_add(at(&self.r_span, i, "span")?),
            });
        }
        if self.runs_by_title {
            // Keys are unique (checked when encoding), so an unstable sort is exact.
            runs.sort_unstable_by_key(|r| (r.country, r.title));
        }
        if global.iter().any(|e| e.week as usize >= t.weeks.len())
            || runs.iter().any(|r| r.country as usize >= t.countries.len())
        {
            return Err("weekly row or country run out of range".to_owned());
        }
        let mut engagement = Vec::with_capacity(self.e_period.len());
        let (mut hours, mut views) = (
            CountReader {
                col: &self.e_hours,
                next: 0,
                big: 0,
            },
            CountReader {
                col: &self.e_views,
                next: 0,
                big: 0,
            },
        );
        let mut prev_t = 0u32;
        for (i, &period) in self.e_period.iter().enumerate() {
            let title = u32::try_from(
                i64::from(prev_t) + unzigzag(at(&self.e_title_delta, i, "engagement title")?),
            )
            .map_err(|_| "engagement title out of range".to_owned())?;
            prev_t = title;
            if period as usize >= t.engagement_periods.len() {
                return Err("engagement period out of range".to_owned());
            }
            engagement.push(EngagementEntry {
                period,
                title,
                hours_viewed: hours.next()?,
                views: if at(&self.e_views_some, i, "engagement views")? != 0 {
                    Some(views.next()?)
                } else {
                    None
                },
            });
        }
        t.global = global;
        t.country_runs = runs;
        t.engagement = engagement;
        Ok(())
    }
}

/// The core file's body as written.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WireBody {
    catalog: WireCatalog,
    trends: WireTrends,
    report: DataReport,
    metrics_history: Vec<MetricsRecord>,
}

impl WireBody {
    /// The wire form of a body's core part.
    pub(crate) fn encode(b: &Body) -> Result<WireBody, WireError> {
        Ok(WireBody {
            catalog: WireCatalog::encode(&b.catalog)?,
            trends: WireTrends::encode(&b.trends),
            report: b.report.clone(),
            metrics_history: b.metrics_history.clone(),
        })
    }

    /// Back to the in-memory body; an error names the first column that does not fit.
    pub(crate) fn decode(self) -> Result<Body, WireError> {
        Ok(Body {
            catalog: self.catalog.decode()?,
            trends: self.trends.decode()?,
            report: self.report,
            metrics_history: self.metrics_history,
        })
    }
}

/// The details file's body as written.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WireDetails {
    catalog: WireCatalogDetails,
    trends: WireTrendsDetails,
}

impl WireDetails {
    /// The wire form of a complete body's details part.
    pub(crate) fn encode(b: &Body) -> Result<WireDetails, WireError> {
        Ok(WireDetails {
            catalog: WireCatalogDetails::encode(&b.catalog)?,
            trends: WireTrendsDetails::encode(&b.trends),
        })
    }

    /// Completes a body decoded from the core file. On error `b` may be half-filled; the
    /// caller works on a copy (see `Bundle::attach_details`).
    pub(crate) fn attach(self, b: &mut Body) -> Result<(), WireError> {
        self.catalog.attach(&mut b.catalog)?;
        self.trends.attach(&mut b.trends)?;
        if b.catalog.titles.len()
            < b.trends
                .global
                .iter()
                .map(|e| e.title as usize + 1)
                .max()
                .unwrap_or(0)
        {
            return Err("weekly row links to a title beyond the catalog".to_owned());
        }
        if b.trends
            .engagement
            .iter()
            .any(|e| e.title as usize >= b.catalog.titles.len())
        {
            return Err("engagement row links to a title beyond the catalog".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Core and details out, core in, details attached.
    fn round_trip(b: &Body) -> Body {
        let core = postcard::to_allocvec(&WireBody::encode(b).unwrap()).unwrap();
        let details = postcard::to_allocvec(&WireDetails::encode(b).unwrap()).unwrap();
        let mut back = postcard::from_bytes::<WireBody>(&core)
            .unwrap()
            .decode()
            .unwrap();
        postcard::from_bytes::<WireDetails>(&details)
            .unwrap()
            .attach(&mut back)
            .unwrap();
        back
    }

    /// What a round trip gives for `b`: terms indexed, and people renumbered as decoding
    /// numbers them (people with several credits by name, then single-credit people in
    /// link order, then people without credits).
    fn canonical(b: &Body) -> Body {
        let mut b = b.clone();
        let c = &mut b.catalog;
        if !c.terms.covers(c.titles.len()) {
            c.index_terms();
        }
        let uses = credit_counts(c).unwrap();
        let mut multi: Vec<u32> = (0..c.people.len() as u32)
            .filter(|&p| uses[p as usize] >= 2)
            .collect();
        multi.sort_by(|&a, &b| c.people[a as usize].cmp(&c.people[b as usize]));
        let mut order = multi;
        for t in &c.titles {
            for &p in t.directors.iter().chain(&t.cast) {
                if uses[p as usize] == 1 {
                    order.push(p);
                }
            }
        }
        order.extend((0..c.people.len() as u32).filter(|&p| uses[p as usize] == 0));
        let mut new_id = vec![0u32; c.people.len()];
        for (i, &p) in order.iter().enumerate() {
            new_id[p as usize] = i as u32;
        }
        c.people = order
            .iter()
            .map(|&p| c.people[p as usize].clone())
            .collect();
        for t in &mut c.titles {
            for p in t.directors.iter_mut().chain(t.cast.iter_mut()) {
                *p = new_id[*p as usize];
            }
        }
        b
    }

    #[test]
    fn synthetic_catalog_round_trips() {
        let mut b = Body {
            catalog: crate::synth::catalog(300, 3),
            ..Body::default()
        };
        b.catalog.titles[0].imdb_id = Some("tt9".into());
        b.catalog.titles[1].imdb_id = Some(b.catalog.titles[1].id.clone());
        b.catalog.titles[2].imdb_score = Some(7.3);
        b.catalog.titles[3].tmdb_popularity = Some(1e30);
        b.catalog.titles[4].tmdb_score = Some(f32::NAN);
        b.catalog.titles[5].sources = vec![
            SourceRef {
                source: "a".into(),
                id: "x".into(),
            },
            SourceRef {
                source: "b".into(),
                id: String::new(),
            },
        ];
        b.catalog.titles[6].age_rating = Some("PG".into());
        b.catalog.titles[7].trend_only = true;
        b.catalog.titles[8].year = Some(u16::MAX);
        let back = round_trip(&b);
        // NaN != NaN: compare that one by bits.
        assert!(back.catalog.titles[4].tmdb_score.unwrap().is_nan());
        b.catalog.titles[4].tmdb_score = None;
        let mut back = back;
        back.catalog.titles[4].tmdb_score = None;
        assert_eq!(back, canonical(&b));
    }

    #[test]
    fn unsorted_people_and_repeated_credits_round_trip() {
        let mut b = Body::default();
        b.catalog.people = vec!["Zed".into(), "Amy".into(), "Amy".into(), "Nobody".into()];
        b.catalog.titles.push(Title {
            id: "b".into(),
            directors: vec![2, 0],
            cast: vec![1, 1, 0],
            ..Title::default()
        });
        b.catalog.titles.push(Title {
            id: "a".into(),
            description: "é…".into(),
            ..Title::default()
        });
        assert_eq!(round_trip(&b), canonical(&b));
        b.catalog.titles[0].directors = vec![2, 0, 7];
        let err = WireBody::encode(&b).unwrap_err();
        assert!(err.contains("person 7"), "{err}");
    }

    #[test]
    fn core_alone_marks_single_credits_and_re_encodes_identically() {
        let b = Body {
            catalog: crate::synth::catalog(200, 5),
            ..Body::default()
        };
        let core = postcard::to_allocvec(&WireBody::encode(&b).unwrap()).unwrap();
        let alone = postcard::from_bytes::<WireBody>(&core)
            .unwrap()
            .decode()
            .unwrap();
        let uses = credit_counts(&b.catalog).unwrap();
        let singles = uses.iter().filter(|&&u| u == 1).count();
        let unloaded = alone
            .catalog
            .titles
            .iter()
            .flat_map(|t| t.directors.iter().chain(&t.cast))
            .filter(|&&p| p == UNLOADED_PERSON)
            .count();
        assert!(singles > 0);
        assert_eq!(unloaded, singles);
        assert!(alone
            .catalog
            .titles
            .iter()
            .all(|t| t.description.is_empty()));
        assert_eq!(alone.catalog.terms, canonical(&b).catalog.terms);
        let again = postcard::to_allocvec(&WireBody::encode(&alone).unwrap()).unwrap();
        assert_eq!(again, core, "a core-only body writes the same core file");
        assert!(
            WireDetails::encode(&alone).is_err(),
            "no details without names"
        );
    }

    #[test]
    fn trends_round_trip() {
        let mut b = Body::default();
        b.trends.weeks = vec!["2021-07-04".into(), "2021-07-11".into()];
        for (i, (week, hours)) in [(0u16, 1_230_000u64), (0, u64::MAX), (1, 7), (0, 0)]
            .into_iter()
            .enumerate()
        {
            b.trends.global.push(WeeklyEntry {
                week,
                category: Category::ALL[i % 4],
                rank: i as u8 + 1,
                title: 40 - i as u32,
                season: (i % 2 == 0).then(|| "Season 1".into()),
                hours_viewed: hours,
                views: (i != 1).then_some(hours / 3),
                cumulative_weeks: 3,
            });
        }
        for (country, title, first, last) in [(0u16, 5u32, 1u16, 0u16), (0, 2, 0, 1), (3, 9, 1, 1)]
        {
            b.trends.country_runs.push(CountryRun {
                country,
                title,
                weeks: 2,
                best_rank: 4,
                first_week: first,
                last_week: last,
            });
        }
        b.trends.countries_through = Some("2021-07-11".into());
        b.trends.countries = (0..4)
            .map(|i| Country {
                iso2: format!("C{i}"),
                name: format!("Country {i}"),
            })
            .collect();
        b.catalog.titles = (0..41)
            .map(|i| Title {
                id: format!("t{i:02}"),
                ..Title::default()
            })
            .collect();
        b.trends.engagement_periods = vec!["2023H1".into(), "2023H2".into()];
        for (period, title, hours, views) in [
            (0u8, 40u32, 812_100_000u64, None),
            (1, 3, 0, Some(0)),
            (1, 40, u64::MAX, Some(123_456_789)),
        ] {
            b.trends.engagement.push(EngagementEntry {
                period,
                title,
                hours_viewed: hours,
                views,
            });
        }
        b.catalog.titles[5].engagement_views = Some(0);
        b.catalog.titles[6].engagement_views = Some(u64::MAX);
        b.catalog.titles[7].engagement_views = Some(14_000_000);
        b.trends.summarize();
        assert_eq!(b.trends.charted.len(), 4);
        assert_eq!(round_trip(&b), canonical(&b));
        // Sorted by (country, title): written by title, sorted back.
        b.trends.country_runs.sort_by_key(|r| (r.country, r.title));
        b.trends.country_runs[0].first_week = u16::MAX;
        assert_eq!(round_trip(&b), canonical(&b));
    }

    #[test]
    fn prefix_sort_is_string_order() {
        let names: Vec<String> = [
            "b",
            "abcdefghZ",
            "abcdefgh",
            "",
            "abcdefghA",
            "a\u{e9}",
            "ab",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let got: Vec<&str> = sorted_order(&names)
            .iter()
            .map(|&i| names[i as usize].as_str())
            .collect();
        let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn rounded_counts_pack_small() {
        for v in [0u64, 1, 10, 12_340_000, 999, u64::MAX, 10u64.pow(19)] {
            let mut c = CountCol::default();
            c.push(v);
            let mut r = CountReader {
                col: &c,
                next: 0,
                big: 0,
            };
            assert_eq!(r.next().unwrap(), v);
        }
        assert_eq!(pack_round(12_300_000), (123 << 4) | 5);
    }
}

/// Writes each column of a real bundle to its own file so its compressed size can be
/// measured (`BUNDLE=public/bundle.bin COLS=/tmp/cols cargo test -p engine -- --ignored
/// dump_columns`, then `brotli -q 11` each file). Not part of the normal test run.
#[cfg(test)]
mod size_report {
    use super::*;

    #[test]
    #[ignore = "needs a real bundle; a measuring aid"]
    fn dump_columns() {
        let (Ok(path), Ok(dir)) = (std::env::var("BUNDLE"), std::env::var("COLS")) else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let b = crate::Bundle::decode(&bytes).unwrap();
        let w = WireBody::encode(&b.body).unwrap();
        // Measured with `DETAILS=public/details.bin` also set.
        let out = |name: &str, v: Vec<u8>| std::fs::write(format!("{dir}/{name}"), v).unwrap();
        macro_rules! col {
            ($w:ident, $pre:literal: $($e:ident . $f:ident),*) => {
                $( out(concat!($pre, stringify!($e), ".", stringify!($f)), postcard::to_allocvec(&$w.$e.$f).unwrap()); )*
            };
        }
        col!(
            w, "":
            catalog.ids,
            catalog.titles,
            catalog.flags,
            catalog.years,
            catalog.genres,
            catalog.directors,
            catalog.cast,
            catalog.countries,
            catalog.age_ratings,
            catalog.runtimes,
            catalog.seasons,
            catalog.imdb_mode,
            catalog.imdb_other,
            catalog.imdb_scores,
            catalog.imdb_votes,
            catalog.tmdb_popularity,
            catalog.tmdb_scores,
            catalog.term_words,
            catalog.terms,
            catalog.source_names,
            catalog.sources,
            catalog.people,
            trends.weeks,
            trends.countries,
            trends.most_popular,
            trends.trailers,
            trends.c_title_delta,
            trends.c_weeks,
            trends.c_best_rank
        );
        if let Ok(details) = std::fs::read(std::env::var("DETAILS").unwrap_or_default()) {
            let mut full = b.clone();
            full.attach_details(&details).unwrap();
            let d = WireDetails::encode(&full.body).unwrap();
            col!(
                d, "details.":
                catalog.descriptions,
                catalog.source_ids,
                catalog.people,
                trends.g_week_delta,
                trends.g_category,
                trends.g_rank,
                trends.g_title,
                trends.g_season,
                trends.g_hours,
                trends.g_views,
                trends.g_views_some,
                trends.g_cumulative,
                trends.r_country_delta,
                trends.r_title_delta,
                trends.r_weeks,
                trends.r_best_rank,
                trends.r_first_week,
                trends.r_span
            );
        }
        out("report", postcard::to_allocvec(&w.report).unwrap());
        out(
            "metrics_history",
            postcard::to_allocvec(&w.metrics_history).unwrap(),
        );
    }
}
