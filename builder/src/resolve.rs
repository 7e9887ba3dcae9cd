//! Entity resolution: catalog records from every source merged into one title each.
//!
//! Rules, in order (documented in ARCHITECTURE.md, "Data model"):
//! 1. Records sharing an IMDb id, or a JustWatch id (the 2022 and 2023 exports share ids),
//!    are one title (union-find over those keys).
//! 2. A Kaggle record (no IMDb or JustWatch id) joins the title with the same key (see
//!    [`crate::matching::title_key`]) and kind whose year is within one; for a series any
//!    year is accepted when exactly one series has the key (Kaggle dates series by their
//!    latest season). Failing that, the best fuzzy match of the same kind, year within one,
//!    at or above [`crate::matching::FUZZY_THRESHOLD`].
//! 3. Kaggle records that matched nothing are grouped by (key, kind, year): re-listings of
//!    one film are one title.
//! 4. Fields are merged from the richest source first: Streaming Availability (live), then
//!    JustWatch 2023, JustWatch 2022, Kaggle; a field takes the first non-empty value.
//!    Every record's source id is kept in [`engine::Title::sources`].
//! 5. The stable id is the IMDb id, else the JustWatch id, else `sa:<id>`, else the Kaggle id,
//!    else `tmdb:<TMDB id>`.
//! 6. TMDB films (no IMDb id) then join the titles so far (Kaggle-only ones included) by
//!    the Kaggle rule; unmatched ones are grouped by (key, kind, year) like Kaggle's.

pub mod works;

use crate::HashMap;

use engine::report::{JoinReport, MatchNote};
use engine::{Kind, SourceRef};

use crate::matching::{
    similarity, title_key, FUZZY_THRESHOLD, SCORE_SERIES_YEAR_DRIFT, SCORE_YEAR_OFF_BY_ONE,
};
use crate::sources::{jsonl, justwatch, kaggle, tmdb, CatalogRecord};

/// A merged title before its strings are interned into the bundle's tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// The merged fields, strings not yet interned.
    pub rec: CatalogRecord,
    /// Stable id.
    pub id: String,
    /// Matching key of the display title.
    pub key: String,
    /// Keys of the other names the title is listed under (one work merged from listings
    /// under two names, see [`works`]): exact lookups find it by these too.
    pub other_keys: Vec<String>,
    /// Every source record merged in.
    pub sources: Vec<SourceRef>,
    /// Known only from Top 10 lists.
    pub trend_only: bool,
}

impl Draft {
    /// The report's note of an inexact match of `left` to this title, under `join`.
    pub fn match_note(&self, join: &str, left: String, score: f32) -> MatchNote {
        MatchNote {
            join: join.into(),
            left,
            right: format!("{} ({})", self.rec.title, self.rec.year.unwrap_or(0)),
            score,
        }
    }
}

/// Result of merging the catalogs.
#[derive(Debug, Default)]
pub struct Resolved {
    /// One draft per merged title, in no particular order.
    pub drafts: Vec<Draft>,
    /// Match counts of the catalog joins.
    pub joins: Vec<JoinReport>,
    /// Inexact matches accepted, with scores.
    pub notes: Vec<MatchNote>,
}

/// Rank of a source when merging fields: lower wins.
fn priority(source: &str) -> u8 {
    match source {
        jsonl::SOURCE => 0,
        s if s == justwatch::JW_2023.source => 1,
        s if s == justwatch::JW_2022.source => 2,
        kaggle::SOURCE => 3,
        tmdb::MOVIES_SOURCE => 4,
        _ => 5,
    }
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index (the higher-priority record) as the root.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// Merges a group of records (any order) into one draft.
fn merge(mut group: Vec<CatalogRecord>) -> Draft {
    group.sort_by(|a, b| (priority(a.source), &a.id).cmp(&(priority(b.source), &b.id)));
    let mut m = CatalogRecord::default();
    let mut sources = Vec::new();
    for r in &group {
        sources.push(SourceRef {
            source: r.source.to_owned(),
            id: r.id.clone(),
        });
    }
    let first = &group[0];
    m.source = first.source;
    m.id = first.id.clone();
    m.line = first.line;
    m.title = first.title.clone();
    m.kind = first.kind;
    for r in &group {
        macro_rules! take {
            ($f:ident) => {
                if m.$f.is_none() {
                    m.$f = r.$f.clone();
                }
            };
        }
        macro_rules! take_vec {
            ($f:ident) => {
                if m.$f.is_empty() {
                    m.$f = r.$f.clone();
                }
            };
        }
        take!(year);
        take!(age_rating);
        take!(runtime_min);
        take!(seasons);
        take!(imdb_id);
        take!(imdb_score);
        take!(imdb_votes);
        take!(tmdb_popularity);
        take!(tmdb_score);
        take!(original_title);
        take!(poster_path);
        take_vec!(description);
        take_vec!(genres);
        take_vec!(directors);
        take_vec!(cast);
        take_vec!(countries);
    }
    let id = if let Some(imdb) = &m.imdb_id {
        imdb.clone()
    } else if let Some(jw) = group.iter().find(|r| r.source.starts_with("justwatch")) {
        jw.id.clone()
    } else if let Some(sa) = group.iter().find(|r| r.source == jsonl::SOURCE) {
        format!("sa:{}", sa.id)
    } else {
        first.id.clone()
    };
    sources.sort();
    sources.dedup();
    Draft {
        key: title_key(&m.title),
        other_keys: Vec::new(),
        id,
        rec: m,
        sources,
        trend_only: false,
    }
}

/// Index of drafts by key and kind, and by kind and first key character for fuzzy search.
pub struct Index {
    exact: HashMap<(String, Kind), Vec<usize>>,
    /// Per (kind, first character): (key length in characters, draft index), by length.
    blocks: HashMap<(Kind, char), Vec<(usize, usize)>>,
}

impl Index {
    /// Indexes `drafts` (positions are draft indices).
    pub fn new(drafts: &[Draft]) -> Self {
        let mut exact: HashMap<(String, Kind), Vec<usize>> = HashMap::default();
        let mut blocks: HashMap<(Kind, char), Vec<(usize, usize)>> = HashMap::default();
        for (i, d) in drafts.iter().enumerate() {
            for key in std::iter::once(&d.key).chain(&d.other_keys) {
                exact.entry((key.clone(), d.rec.kind)).or_default().push(i);
            }
            if let Some(c) = d.key.chars().next() {
                blocks
                    .entry((d.rec.kind, c))
                    .or_default()
                    .push((d.key.chars().count(), i));
            }
        }
        for b in blocks.values_mut() {
            b.sort_unstable();
        }
        Index { exact, blocks }
    }

    /// Drafts whose key and kind equal these.
    pub fn exact(&self, key: &str, kind: Kind) -> &[usize] {
        self.exact
            .get(&(key.to_owned(), kind))
            .map_or(&[], Vec::as_slice)
    }

    /// The most similar draft of `kind` passing `accept`, at or above the threshold.
    /// Only drafts whose key starts with the same character are compared: a typo in
    /// the first letter is missed, which the blocking's speed pays for.
    pub fn fuzzy(
        &self,
        drafts: &[Draft],
        key: &str,
        kind: Kind,
        accept: impl Fn(&Draft) -> bool,
    ) -> Option<(usize, f64)> {
        let c = key.chars().next()?;
        let block = self.blocks.get(&(kind, c)).map_or(&[][..], Vec::as_slice);
        // Only lengths that can reach the threshold (see `similarity`).
        let len = key.chars().count() as f64;
        let lo = (len * FUZZY_THRESHOLD).floor() as usize;
        let hi = (len / FUZZY_THRESHOLD).ceil() as usize;
        let start = block.partition_point(|&(l, _)| l < lo);
        let end = block.partition_point(|&(l, _)| l <= hi);
        let mut best: Option<(usize, f64)> = None;
        for &(_, i) in &block[start..end] {
            let d = &drafts[i];
            let s = similarity(key, &d.key);
            if s >= FUZZY_THRESHOLD && best.is_none_or(|(_, b)| s > b) && accept(d) {
                best = Some((i, s));
            }
        }
        best
    }
}

fn year_gap(a: Option<u16>, b: Option<u16>) -> Option<u16> {
    Some(a?.abs_diff(b?))
}

/// The JustWatch/live draft a Kaggle record belongs to, with the match score: same title
/// key and year within one, else (series, whose Kaggle year is often the latest season's)
/// the only same-key series, else the best fuzzy match within a year.
fn match_kaggle(index: &Index, drafts: &[Draft], k: &CatalogRecord) -> Option<(usize, f32)> {
    let key = title_key(&k.title);
    let cands = index.exact(&key, k.kind);
    let close = cands
        .iter()
        .filter_map(|&i| year_gap(k.year, drafts[i].rec.year).map(|g| (g, i)))
        .filter(|&(g, _)| g <= 1)
        .min();
    match close {
        Some((g, i)) => Some((i, if g == 0 { 1.0 } else { SCORE_YEAR_OFF_BY_ONE })),
        None if k.kind == Kind::Show && cands.len() == 1 => {
            Some((cands[0], SCORE_SERIES_YEAR_DRIFT))
        }
        None => index
            .fuzzy(drafts, &key, k.kind, |d| {
                year_gap(k.year, d.rec.year).is_some_and(|g| g <= 1)
            })
            .map(|(i, s)| (i, s as f32)),
    }
}

/// Adds records to the drafts they matched (`attach[i]` onto draft `i`), re-merging so the
/// new records fill the fields the draft left empty; the draft's id stays.
fn attach_records(drafts: &mut [Draft], attach: Vec<Vec<CatalogRecord>>) {
    for (i, extra) in attach.into_iter().enumerate() {
        if !extra.is_empty() {
            let d = &mut drafts[i];
            let id = d.id.clone();
            let mut group = vec![std::mem::take(&mut d.rec)];
            group.extend(extra);
            let mut sources = std::mem::take(&mut d.sources);
            let mut merged = merge(group);
            sources.append(&mut merged.sources);
            sources.sort();
            sources.dedup();
            merged.sources = sources;
            merged.id = id;
            merged.other_keys = std::mem::take(&mut d.other_keys);
            *d = merged;
        }
    }
}

/// Joins records without a shared id to `drafts` by title ([`match_kaggle`]): a match
/// fills the fields its draft left empty (noted under `join` when inexact); the rest become
/// drafts of their own, re-listings grouped. Returns how many matched.
fn attach_by_title(
    drafts: &mut Vec<Draft>,
    records: Vec<CatalogRecord>,
    join: &str,
    notes: &mut Vec<MatchNote>,
) -> u64 {
    let index = Index::new(drafts);
    // Matching reads only the drafts: on all cores, applied below in record order.
    let hits = crate::par::map_ordered(&records, |k| match_kaggle(&index, drafts, k));
    let mut attach: Vec<Vec<CatalogRecord>> = vec![Vec::new(); drafts.len()];
    let mut leftovers: Vec<CatalogRecord> = Vec::new();
    let mut matched = 0u64;
    for (k, hit) in records.into_iter().zip(hits) {
        match hit {
            Some((i, score)) => {
                matched += 1;
                if score < 1.0 {
                    let left = format!("{} ({})", k.title, k.year.unwrap_or(0));
                    notes.push(drafts[i].match_note(join, left, score));
                }
                attach[i].push(k);
            }
            None => leftovers.push(k),
        }
    }
    attach_records(drafts, attach);
    drafts.extend(group_leftovers(leftovers));
    matched
}

/// Unmatched records as drafts of their own, re-listings (same key, kind, year) grouped,
/// in id order.
fn group_leftovers(leftovers: Vec<CatalogRecord>) -> Vec<Draft> {
    let mut by_key: HashMap<(String, Kind, Option<u16>), Vec<CatalogRecord>> = HashMap::default();
    for k in leftovers {
        by_key
            .entry((title_key(&k.title), k.kind, k.year))
            .or_default()
            .push(k);
    }
    let mut rest: Vec<Draft> = by_key.into_values().map(merge).collect();
    rest.sort_by(|a, b| a.id.cmp(&b.id));
    rest
}

/// Merges the catalog sources. `live`, `jw23`, `jw22`, `kaggle`, `tmdb` are the records
/// read.
pub fn resolve(
    live: Vec<CatalogRecord>,
    jw23: Vec<CatalogRecord>,
    jw22: Vec<CatalogRecord>,
    kaggle: Vec<CatalogRecord>,
    tmdb: Vec<CatalogRecord>,
) -> Resolved {
    let (n_live, n23, n22) = (live.len(), jw23.len(), jw22.len());
    // Step 1: union records that share an IMDb id or a JustWatch id.
    let records: Vec<CatalogRecord> = live.into_iter().chain(jw23).chain(jw22).collect();
    let mut uf = UnionFind((0..records.len()).collect());
    let mut owner: HashMap<String, usize> = HashMap::default();
    for (i, r) in records.iter().enumerate() {
        let mut keys = Vec::with_capacity(2);
        if let Some(imdb) = &r.imdb_id {
            keys.push(format!("imdb:{imdb}"));
        }
        if r.source.starts_with("justwatch") {
            keys.push(format!("jw:{}", r.id));
        }
        for k in keys {
            match owner.get(&k) {
                Some(&j) => uf.union(i, j),
                None => {
                    owner.insert(k, i);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::default();
    for i in 0..records.len() {
        let root = uf.find(i);
        groups.entry(root).or_default().push(i);
    }
    // Join counts: a JustWatch 2022 record "matched" when its group also holds a 2023
    // record; a live record when its group holds any JustWatch record.
    let mut jw22_matched = 0u64;
    let mut live_matched = 0u64;
    for members in groups.values() {
        let has23 = members.iter().any(|&i| (n_live..n_live + n23).contains(&i));
        let has_jw = members.iter().any(|&i| i >= n_live);
        jw22_matched +=
            members.iter().filter(|&&i| i >= n_live + n23).count() as u64 * u64::from(has23);
        live_matched += members.iter().filter(|&&i| i < n_live).count() as u64 * u64::from(has_jw);
    }
    let mut roots: Vec<usize> = groups.keys().copied().collect();
    roots.sort_unstable();
    let mut slots: Vec<Option<CatalogRecord>> = records.into_iter().map(Some).collect();
    let mut drafts: Vec<Draft> = roots
        .iter()
        .map(|root| {
            let group = groups[root]
                .iter()
                .filter_map(|&i| slots[i].take())
                .collect();
            merge(group)
        })
        .collect();
    let n_catalog_drafts = drafts.len();

    // Steps 2 and 3: Kaggle records onto the JustWatch/live titles; the unmatched ones,
    // re-listings grouped, become titles of their own.
    let mut notes = Vec::new();
    let n_kaggle = kaggle.len() as u64;
    let kaggle_matched = attach_by_title(&mut drafts, kaggle, "kaggle → justwatch", &mut notes);
    // Step 4: TMDB films onto every title so far (their newest films are in no other
    // catalog, but older ones may be Kaggle-only).
    let n_tmdb = tmdb.len() as u64;
    let tmdb_matched = attach_by_title(&mut drafts, tmdb, "tmdb → catalog", &mut notes);

    let joins = vec![
        JoinReport {
            name: "justwatch_2022 → justwatch_2023".into(),
            matched: jw22_matched,
            total: n22 as u64,
        },
        JoinReport {
            name: "kaggle → justwatch".into(),
            matched: kaggle_matched,
            total: n_kaggle,
        },
        JoinReport {
            name: "tmdb_netflix_movies_2025 → catalog".into(),
            matched: tmdb_matched,
            total: n_tmdb,
        },
        JoinReport {
            name: "streaming_availability → justwatch".into(),
            matched: live_matched,
            total: n_live as u64,
        },
    ];
    tracing::debug!(
        catalog = n_catalog_drafts,
        all = drafts.len(),
        "catalog resolved"
    );
    Resolved {
        drafts,
        joins,
        notes,
    }
}
