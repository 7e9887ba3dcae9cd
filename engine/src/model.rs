//! The content model: one sparse vector per title, made of separately weighted blocks,
//! plus a quality/popularity prior.
//!
//! Each block (genres, directors, cast, description terms, countries, type, era) is built
//! on its own, L2-normalised, then scaled by the square root of its weight; the whole
//! vector is divided by the square root of the full weight `W` of all blocks
//! ([`EVIDENCE_FLOOR`]). The similarity of two titles is therefore
//! `Σ_b w_b · cos_b(a, b) / W`: a block a title lacks adds nothing (and does not inflate
//! the others), and a shared director counts as much as the weights say, whatever the length
//! of the plot summaries, which is what the field-blind TF-IDF of the original system got
//! wrong (a long synopsis drowned the cast and genre words).
//!
//! The model is rebuilt from catalog fields (in the browser, right after decoding), so
//! [`Model::build`] is a single pass with interned strings and no sorting of big tables.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Kind, TermIndex, Title};
use crate::features::{dot, Index, SparseVec};

/// A feature block. The order is the order of feature ids in a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Block {
    /// Genres, IDF-weighted (sharing "scifi" says more than sharing "drama").
    Genres,
    /// Directors, IDF-weighted.
    Directors,
    /// Cast, IDF-weighted, decaying with billing position.
    Cast,
    /// Description terms: stemmed, stop words removed, TF-IDF with sublinear tf.
    Terms,
    /// Production countries, IDF-weighted.
    Countries,
    /// The title's franchise (`crate::franchise`): sequels, prequels and spin-offs that
    /// share a base name and a person.
    Franchise,
    /// Film or series (only matters when kinds are mixed).
    Kind,
    /// Release era: five-year bins, smoothed into the neighbouring bins.
    Era,
}

impl Block {
    /// Every block, in feature-id order.
    pub const ALL: [Block; 8] = [
        Block::Genres,
        Block::Directors,
        Block::Cast,
        Block::Terms,
        Block::Countries,
        Block::Franchise,
        Block::Kind,
        Block::Era,
    ];

    /// Short lower-case name used in weights records and the UI.
    pub fn name(self) -> &'static str {
        match self {
            Block::Genres => "genres",
            Block::Directors => "directors",
            Block::Cast => "cast",
            Block::Terms => "terms",
            Block::Countries => "countries",
            Block::Franchise => "franchise",
            Block::Kind => "kind",
            Block::Era => "era",
        }
    }

    fn pos(self) -> usize {
        self as usize
    }
}

/// Every tunable number of the model in one place. Serialisable so the app can let the
/// user adjust weights and the build can record them with its metrics.
///
/// The defaults were set by looking at neighbour lists of well-known titles on the real
/// catalog and at the build metrics (genre MAP@10, coverage, intra-list similarity):
/// genres and description terms carry most of the signal for every title; people are
/// decisive when shared but rarely are; countries stand in for language, which matters a
/// lot for what people watch together (K-dramas, anime, Indian films); era and type are
/// gentle tie-breakers. See ARCHITECTURE.md, "Model".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Genre block weight. Default 1.0.
    pub genres: f32,
    /// Director block weight. Default 0.5.
    pub directors: f32,
    /// Cast block weight. Default 0.6.
    pub cast: f32,
    /// Description-terms block weight. Default 1.0.
    pub terms: f32,
    /// Production-country block weight. Default 0.5.
    pub countries: f32,
    /// Franchise block weight: what one series of stories shares. Default 1.0, set by the
    /// one-title benchmark (`builder eval --signals franchise`): nDCG@10 0.0226 at 0,
    /// 0.0230 at 0.5, 0.0232 at 1 and flat above, chosen on every fold.
    pub franchise: f32,
    /// Type (film/series) block weight. Default 0.1: same-type is the default filter, so
    /// this only separates kinds when the user mixes them.
    pub kind: f32,
    /// Era block weight. Default 0.3.
    pub era: f32,
    /// Share of the score given to the quality/popularity prior, 0–1. Default 0.4, set by
    /// the one-title benchmark on real viewing histories (`builder eval --tune`): nDCG@10
    /// rises from 0 to 0.4 and is flat above it while coverage keeps falling.
    /// The prior multiplies relevance (`score = cos · (1 − prior + prior · p)`), so it
    /// reorders similar titles but never brings in an unrelated hit.
    pub prior: f32,
    /// Cast billing decay: the n-th billed name (0-based) counts `cast_decay^n`.
    /// Default 0.8 (the fifth name counts 0.41 of the lead).
    pub cast_decay: f32,
    /// Only the first `cast_max` billed names are used. Default 12.
    pub cast_max: u16,
    /// How strongly disliked titles push away, relative to liked ones. Default 0.5.
    pub dislike: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            genres: 1.0,
            directors: 0.5,
            cast: 0.6,
            terms: 1.0,
            countries: 0.5,
            franchise: 1.0,
            kind: 0.1,
            era: 0.3,
            prior: 0.4,
            cast_decay: 0.8,
            cast_max: 12,
            dislike: 0.5,
        }
    }
}

impl Weights {
    /// The weight of one block.
    pub fn block(&self, b: Block) -> f32 {
        match b {
            Block::Genres => self.genres,
            Block::Directors => self.directors,
            Block::Cast => self.cast,
            Block::Terms => self.terms,
            Block::Countries => self.countries,
            Block::Franchise => self.franchise,
            Block::Kind => self.kind,
            Block::Era => self.era,
        }
    }

    /// All values as `name=value` pairs, for the metrics history.
    pub fn as_pairs(&self) -> Vec<(String, f32)> {
        let mut v: Vec<(String, f32)> = Block::ALL
            .iter()
            .map(|&b| (b.name().to_owned(), self.block(b)))
            .collect();
        v.push(("prior".into(), self.prior));
        v.push(("cast_decay".into(), self.cast_decay));
        v.push(("cast_max".into(), f32::from(self.cast_max)));
        v.push(("dislike".into(), self.dislike));
        v
    }
}

/// First year of the first era bin; earlier years fall into it.
const ERA_START: u16 = 1900;
/// Width of an era bin in years.
const ERA_BIN: u16 = 5;
/// Number of era bins (1900–2029, later years go to the last bin).
const ERA_BINS: u32 = 26;

/// The built model: vectors, inverted index, prior and the tables explanations need.
#[derive(Debug, Clone, Default)]
pub struct Model {
    weights: Weights,
    index: Index,
    /// Block `b` owns feature ids `offsets[b]..offsets[b + 1]`.
    offsets: [u32; 9],
    /// Display word of each description term (its most frequent surface form).
    term_words: Vec<String>,
    /// Quality/popularity prior per title, 0–1.
    prior: Vec<f32>,
    /// Whether a title may be recommended (has metadata to be compared on).
    candidate: Vec<bool>,
    /// Kind per title, copied out of the catalog so the hot loop stays in cache.
    kinds: Vec<Kind>,
    /// Type and era entries per title, packed, so scoring a hit does not chase its vector.
    mods: Vec<Mods>,
    /// Postings restricted to the candidates of one kind (films, series), built on first
    /// use by the offline metrics; the app never builds them.
    by_kind: [std::sync::OnceLock<KindIndex>; 2],
}

/// One kind's candidates, for the offline metrics: their postings renumbered `0..m`, and
/// per candidate what a cheap upper bound of its score needs, in the same numbering (the
/// scan reads them in order, not by title index).
#[derive(Debug, Clone, Default)]
pub(crate) struct KindIndex {
    /// Postings of the searchable features, over local numbers.
    pub index: Index,
    /// Title index of each local number, ascending.
    pub docs: Vec<u32>,
    /// Norm of each candidate's type and era entries: by Cauchy–Schwarz they add at most
    /// `QueryMods::norm() * mods_norm` to its content score. Zero-padded to a multiple of
    /// [`SCAN_BLOCK`].
    pub mods_norm: Vec<f32>,
    /// Each candidate's prior factor `1 − α + α · prior` (at most 1), padded likewise.
    pub factor: Vec<f32>,
}

/// Candidates the metrics' scan tests at once (see `recommend::like_top_k`).
pub(crate) const SCAN_BLOCK: usize = 8;

/// A title's modifier-block values, copied out of its vector.
#[derive(Debug, Clone, Copy, Default)]
struct Mods {
    /// Local id of the kind feature (0 film, 1 series).
    kind: u8,
    /// Value of the kind feature (0 when the block is off).
    kind_val: f32,
    /// Era bin, or `u8::MAX` without a year.
    era_bin: u8,
    /// Values at bins `era_bin - 1`, `era_bin`, `era_bin + 1` (0 where absent).
    era: [f32; 3],
}

/// A query's modifier-block values, dense (2 kinds, [`ERA_BINS`] eras).
#[derive(Debug, Clone)]
pub struct QueryMods {
    kind: [f32; 2],
    era: [f32; ERA_BINS as usize],
}

impl QueryMods {
    /// Euclidean norm of the query's type and era entries: with a title's own such norm it
    /// bounds what [`Model::add_modifiers`] can add (Cauchy–Schwarz).
    pub fn norm(&self) -> f32 {
        self.kind
            .iter()
            .chain(&self.era)
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt()
    }
}

impl Mods {
    fn norm(&self) -> f32 {
        (self.kind_val * self.kind_val + self.era.iter().map(|x| x * x).sum::<f32>()).sqrt()
    }
}

/// Smoothed inverse document frequency, as scikit-learn's `smooth_idf`.
fn idf(n: usize, df: u32) -> f32 {
    ((1.0 + n as f32) / (1.0 + df as f32)).ln() + 1.0
}

/// Whether title `i` has enough metadata to be recommended: Top 10-only titles usually have
/// neither genres nor description terms and would only be matched on type and era. (For a
/// catalog without a term index, a non-empty description stands in for its terms.)
pub fn has_metadata(catalog: &Catalog, i: usize) -> bool {
    let Some(t) = catalog.titles.get(i) else {
        return false;
    };
    let has_terms = if catalog.terms.covers(catalog.titles.len()) {
        catalog
            .terms
            .per_title
            .get(i)
            .is_some_and(|v| !v.is_empty())
    } else {
        !t.description.trim().is_empty()
    };
    metadata_rule(t, has_terms)
}

fn metadata_rule(t: &Title, has_terms: bool) -> bool {
    !t.trend_only || !t.genres.is_empty() || has_terms
}

/// The catalog's term index, or one computed from the descriptions when the catalog was
/// not indexed (catalogs made in tests; bundles always carry one).
fn terms_of(catalog: &Catalog) -> std::borrow::Cow<'_, TermIndex> {
    if catalog.terms.covers(catalog.titles.len()) {
        std::borrow::Cow::Borrowed(&catalog.terms)
    } else {
        std::borrow::Cow::Owned(crate::text::index_terms(catalog))
    }
}

/// Share of the full block weight a title's vector is normalised by at the least. Plain
/// normalisation let a title with only genres put all its mass in them, so genres-only
/// titles (known from Netflix's reports and TMDB genres) outranked titles sharing cast,
/// makers and themes ("Breaking Bad" → "Absentia" above "Better Call Saul"). At 1.0 every
/// title is divided by the full weight: a missing block adds nothing and inflates nothing.
/// Chosen by `builder eval` (BENCHMARKS.md, "Evidence floor"): 0 → 0.5 → 1.0 raised
/// next-watch nDCG@10 0.039 → 0.041 → 0.054 and one-title nDCG@10 0.020 → 0.020 → 0.023.
pub const EVIDENCE_FLOOR: f32 = 1.0;

/// Divides `v` by its norm, or by `floor` when the norm is smaller (few blocks present).
fn normalize_with_floor(v: &mut [(u32, f32)], floor: f32) {
    let n = crate::features::norm(v).max(floor);
    if n > 0.0 {
        for e in v.iter_mut() {
            e.1 /= n;
        }
    }
}

/// Appends one block's entries (summing repeated features), normalised and scaled by
/// `sqrt(weight)`, and clears `block` for reuse (the build allocates per title, not per
/// block).
fn push_block(out: &mut SparseVec, block: &mut Vec<(u32, f32)>, weight: f32) {
    if weight > 0.0 && !block.is_empty() {
        block.sort_unstable_by_key(|e| e.0);
        block.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        let norm = block.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            let s = weight.sqrt() / norm;
            out.extend(block.iter().map(|&(f, x)| (f, x * s)));
        }
    }
    block.clear();
}

/// Document frequencies of every feature kind, counted once over the catalog: the IDF of
/// each block and the "in at least two titles" rule for people, terms and countries read
/// them.
struct DocFreq {
    genres: Vec<u32>,
    directors: Vec<u32>,
    /// Only the first `cast_max` billed names of each title count.
    cast: Vec<u32>,
    countries: Vec<u32>,
    terms: Vec<u32>,
}

/// Counts in how many titles each genre, person, country and description term appears.
fn document_frequencies(catalog: &Catalog, terms: &TermIndex, cast_max: usize) -> DocFreq {
    let mut df = DocFreq {
        genres: vec![0u32; catalog.genres.len()],
        directors: vec![0u32; catalog.people.len()],
        cast: vec![0u32; catalog.people.len()],
        countries: vec![0u32; catalog.countries.len()],
        terms: vec![0u32; terms.words.len()],
    };
    let bump = |counts: &mut Vec<u32>, id: u32| {
        if let Some(d) = counts.get_mut(id as usize) {
            *d += 1;
        }
    };
    for t in &catalog.titles {
        for &g in &t.genres {
            bump(&mut df.genres, g);
        }
        for &p in &t.directors {
            bump(&mut df.directors, p);
        }
        for &p in t.cast.iter().take(cast_max) {
            bump(&mut df.cast, p);
        }
        for &c in &t.countries {
            bump(&mut df.countries, c);
        }
    }
    // Term ids repeat within a title (once per occurrence, sorted): count each run once.
    for ids in &terms.per_title {
        for run in ids.chunk_by(|a, b| a == b) {
            bump(&mut df.terms, run[0]);
        }
    }
    df
}

/// What turning one title into its vector needs, shared by every title of a build.
struct Vectorizer<'a> {
    weights: &'a Weights,
    df: &'a DocFreq,
    /// Number of titles (the IDF's document count).
    n: usize,
    offsets: [u32; 9],
    /// Franchise id of every title (`crate::franchise::franchises`).
    franchise: &'a [Option<u32>],
    /// A vector is divided by at least this norm (see [`EVIDENCE_FLOOR`]).
    evidence_floor: f32,
}

impl Vectorizer<'_> {
    fn off(&self, b: Block) -> u32 {
        self.offsets[b.pos()]
    }

    /// Writes title `t`'s vector (with `term_ids`, its description terms) into `v`, block
    /// by block; `block` is a scratch buffer reused across titles.
    fn title_vector(
        &self,
        ti: usize,
        t: &Title,
        term_ids: &[u32],
        v: &mut SparseVec,
        block: &mut Vec<(u32, f32)>,
    ) {
        let (w, df, n) = (self.weights, self.df, self.n);
        v.clear();
        block.extend(
            t.genres
                .iter()
                .filter(|&&g| (g as usize) < df.genres.len())
                .map(|&g| (self.off(Block::Genres) + g, idf(n, df.genres[g as usize]))),
        );
        push_block(v, block, w.genres);
        block.extend(
            t.directors
                .iter()
                .filter(|&&p| df.directors.get(p as usize).is_some_and(|&d| d >= 2))
                .map(|&p| {
                    (
                        self.off(Block::Directors) + p,
                        idf(n, df.directors[p as usize]),
                    )
                }),
        );
        push_block(v, block, w.directors);
        let mut billing = 1.0f32;
        for &p in t.cast.iter().take(usize::from(w.cast_max)) {
            if df.cast.get(p as usize).is_some_and(|&d| d >= 2) {
                block.push((
                    self.off(Block::Cast) + p,
                    billing * idf(n, df.cast[p as usize]),
                ));
            }
            billing *= w.cast_decay;
        }
        push_block(v, block, w.cast);
        for run in term_ids.chunk_by(|a, b| a == b) {
            let id = run[0];
            if (id as usize) < df.terms.len() {
                let tf = 1.0 + (run.len() as f32).ln();
                block.push((
                    self.off(Block::Terms) + id,
                    tf * idf(n, df.terms[id as usize]),
                ));
            }
        }
        push_block(v, block, w.terms);
        block.extend(
            t.countries
                .iter()
                .filter(|&&c| df.countries.get(c as usize).is_some_and(|&d| d >= 2))
                .map(|&c| {
                    (
                        self.off(Block::Countries) + c,
                        idf(n, df.countries[c as usize]),
                    )
                }),
        );
        push_block(v, block, w.countries);
        if let Some(&Some(f)) = self.franchise.get(ti) {
            block.push((self.off(Block::Franchise) + f, 1.0));
            push_block(v, block, w.franchise);
        }
        let kind = match t.kind {
            Kind::Movie => 0,
            Kind::Show => 1,
        };
        block.push((self.off(Block::Kind) + kind, 1.0));
        push_block(v, block, w.kind);
        if let Some(y) = t.year {
            let era = self.off(Block::Era);
            let bin = (u32::from(y.saturating_sub(ERA_START) / ERA_BIN)).min(ERA_BINS - 1);
            // A triangular kernel: same bin 1.0, neighbouring bins 0.67, two apart 0.17.
            block.push((era + bin, 1.0));
            if bin > 0 {
                block.push((era + bin - 1, 0.5));
            }
            if bin + 1 < ERA_BINS {
                block.push((era + bin + 1, 0.5));
            }
            push_block(v, block, w.era);
        }
        normalize_with_floor(v, self.evidence_floor);
    }
}

/// The type and era entries of a title's vector (features from `split` on), packed.
fn mods_of(v: &[(u32, f32)], split: u32) -> Mods {
    let mut m = Mods {
        era_bin: u8::MAX,
        ..Mods::default()
    };
    let tail = &v[v.partition_point(|e| e.0 < split)..];
    let era_entries: Vec<(u32, f32)> = tail
        .iter()
        .filter_map(|&(f, x)| {
            let local = f - split;
            if local < 2 {
                m.kind = local as u8;
                m.kind_val = x;
                None
            } else {
                Some((local - 2, x))
            }
        })
        .collect();
    // The centre bin has the largest value (1.0 before scaling).
    if let Some(&(centre, _)) = era_entries.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
        m.era_bin = centre as u8;
        for (b, x) in era_entries {
            m.era[(b + 1 - centre) as usize] = x;
        }
    }
    m
}

impl Model {
    /// Builds vectors, index and prior for every title of `catalog`.
    pub fn build(catalog: &Catalog, weights: &Weights) -> Model {
        let n = catalog.titles.len();
        let terms = terms_of(catalog);
        let candidate: Vec<bool> = catalog
            .titles
            .iter()
            .zip(&terms.per_title)
            .map(|(t, terms)| metadata_rule(t, !terms.is_empty()))
            .collect();
        let df = document_frequencies(catalog, &terms, usize::from(weights.cast_max));
        // Franchises are found only when they can count (the browser skips the pass at 0).
        let franchise = if weights.franchise > 0.0 {
            crate::franchise::franchises(catalog)
        } else {
            Vec::new()
        };
        let franchise_count = franchise.iter().flatten().max().map_or(0, |&m| m + 1);
        let term_words = terms.words.clone();

        let sizes = [
            catalog.genres.len() as u32,
            catalog.people.len() as u32,
            catalog.people.len() as u32,
            term_words.len() as u32,
            catalog.countries.len() as u32,
            franchise_count,
            2,
            ERA_BINS,
        ];
        let mut offsets = [0u32; 9];
        for (i, s) in sizes.iter().enumerate() {
            offsets[i + 1] = offsets[i] + s;
        }
        let full_weight: f32 = Block::ALL.iter().map(|&b| weights.block(b)).sum();
        let vectorizer = Vectorizer {
            weights,
            df: &df,
            n,
            offsets,
            franchise: &franchise,
            evidence_floor: (EVIDENCE_FLOOR * full_weight).max(0.0).sqrt(),
        };
        let mut vectors = Vec::with_capacity(n);
        let mut v: SparseVec = Vec::new();
        let mut block: Vec<(u32, f32)> = Vec::new();
        for (ti, (t, term_ids)) in catalog.titles.iter().zip(&terms.per_title).enumerate() {
            vectorizer.title_vector(ti, t, term_ids, &mut v, &mut block);
            vectors.push(v.clone());
        }
        // Type and era are modifiers, not reasons: only genres, people, terms and countries
        // are searchable, so a query touches the titles that share one of those, and type
        // and era are added to those titles' scores (see `recommend`).
        let split = offsets[Block::Kind.pos()];
        let mods = vectors.iter().map(|v| mods_of(v, split)).collect();
        let index = Index::build(vectors, split as usize, &candidate);
        Model {
            weights: weights.clone(),
            index,
            offsets,
            term_words,
            prior: prior(catalog),
            candidate,
            kinds: catalog.titles.iter().map(|t| t.kind).collect(),
            mods,
            by_kind: Default::default(),
        }
    }

    /// The model with another prior (one value per title, 0–1), for the benchmark's search
    /// over prior mixes.
    pub fn with_prior(mut self, prior: Vec<f32>) -> Model {
        self.prior = prior;
        self.by_kind = Default::default();
        self
    }

    /// The weights the model was built with.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Number of titles.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when the model has no titles.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Content cosine of two titles, in [0, 1] (0 for out-of-range indices).
    pub fn similarity(&self, a: usize, b: usize) -> f32 {
        match (self.index.vectors.get(a), self.index.vectors.get(b)) {
            (Some(x), Some(y)) => dot(x, y).clamp(0.0, 1.0),
            _ => 0.0,
        }
    }

    /// The unit feature vector of a title (empty when out of range).
    pub fn vector(&self, i: usize) -> &[(u32, f32)] {
        self.index.vectors.get(i).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Quality/popularity prior of a title, 0–1.
    pub fn prior(&self, i: usize) -> f32 {
        self.prior.get(i).copied().unwrap_or(0.0)
    }

    /// Whether a title can be recommended at all.
    pub fn is_candidate(&self, i: usize) -> bool {
        self.candidate.get(i).copied().unwrap_or(false)
    }

    /// Kind of a title (films for out-of-range indices).
    pub fn kind(&self, i: usize) -> Kind {
        self.kinds.get(i).copied().unwrap_or_default()
    }

    /// The block a feature id belongs to.
    pub fn block_of(&self, feature: u32) -> Block {
        let pos = self.offsets[1..].partition_point(|&end| end <= feature);
        Block::ALL[pos.min(Block::ALL.len() - 1)]
    }

    /// The local id of a feature within its block (a genre, person or country index).
    pub fn local_id(&self, feature: u32) -> u32 {
        feature - self.offsets[self.block_of(feature).pos()]
    }

    /// First feature id of the modifier blocks (type, era): features below it are the
    /// searchable ones. A title is a candidate for a query only when it shares one of them.
    pub fn modifiers_start(&self) -> u32 {
        self.offsets[Block::Kind.pos()]
    }

    /// The query's modifier values, for [`Model::add_modifiers`].
    pub fn query_mods(&self, q: &[(u32, f32)]) -> QueryMods {
        let split = self.modifiers_start();
        let mut qm = QueryMods {
            kind: [0.0; 2],
            era: [0.0; ERA_BINS as usize],
        };
        for &(f, x) in &q[q.partition_point(|e| e.0 < split)..] {
            let local = (f - split) as usize;
            match local {
                0 | 1 => qm.kind[local] = x,
                _ => {
                    if let Some(e) = qm.era.get_mut(local - 2) {
                        *e = x;
                    }
                }
            }
        }
        qm
    }

    /// Adds the type and era terms of `query · vector[t]` to `acc`, one product at a time
    /// in feature order, so the result equals a plain dot product bit for bit.
    pub fn add_modifiers(&self, qm: &QueryMods, t: usize, mut acc: f32) -> f32 {
        let Some(m) = self.mods.get(t) else {
            return acc;
        };
        if m.kind_val != 0.0 {
            acc += qm.kind[m.kind as usize] * m.kind_val;
        }
        if m.era_bin != u8::MAX {
            for (j, &x) in m.era.iter().enumerate() {
                let bin = (m.era_bin as usize + j).wrapping_sub(1);
                if x != 0.0 {
                    if let Some(&q) = qm.era.get(bin) {
                        acc += q * x;
                    }
                }
            }
        }
        acc
    }

    /// Display word of a description-term feature.
    pub fn term_word(&self, feature: u32) -> Option<&str> {
        let local = feature.checked_sub(self.offsets[Block::Terms.pos()])?;
        self.term_words.get(local as usize).map(String::as_str)
    }

    /// Number of distinct description terms kept (used by at least two titles).
    pub fn vocabulary_len(&self) -> usize {
        self.term_words.len()
    }

    /// Number of non-zeros in the inverted index.
    pub fn postings(&self) -> usize {
        self.index.postings()
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// The index restricted to the candidates of `kind`, numbered `0..m` (see `by_kind`).
    pub(crate) fn kind_index(&self, kind: Kind) -> &KindIndex {
        let slot = match kind {
            Kind::Movie => 0,
            Kind::Show => 1,
        };
        self.by_kind[slot].get_or_init(|| {
            let (index, docs) = self
                .index
                .restricted(|d| self.kind(d) == kind && self.is_candidate(d));
            let alpha = self.weights.prior.clamp(0.0, 1.0);
            // Padded to whole scan blocks; a padding candidate never has content.
            let padded = docs.len().div_ceil(SCAN_BLOCK) * SCAN_BLOCK;
            let mut mods_norm: Vec<f32> = docs
                .iter()
                .map(|&d| self.mods.get(d as usize).map_or(0.0, Mods::norm))
                .collect();
            mods_norm.resize(padded, 0.0);
            let mut factor: Vec<f32> = docs
                .iter()
                .map(|&d| 1.0 - alpha + alpha * self.prior(d as usize))
                .collect();
            factor.resize(padded, 0.0);
            KindIndex {
                index,
                docs,
                mods_norm,
                factor,
            }
        })
    }
}

mod prior;
pub use prior::{prior, prior_mix, PriorMix};

#[cfg(test)]
mod tests;
