//! Refining a recommendation list from free-text feedback ("lighter, funnier, nothing with
//! zombies, something Korean, like the ones with Ryan Reynolds").
//!
//! Two halves, both without I/O:
//! - the *on-device refiner*: [`parse_feedback`] turns the text into [`Constraint`]s (each
//!   shown back to the user via [`Constraint::describe`]) and [`rerank`] re-orders the
//!   engine's candidates by them. It needs no LLM and can only ever return catalog titles.
//! - the *wire types* of the proxy's `POST /api/refine` ([`RefineRequest`],
//!   [`RefineResponse`], [`ApiError`]) and the validation both sides share
//!   ([`RefineRequest::validate`], [`validate_picks`]), so the app and the proxy cannot
//!   drift apart.
//!
//! Files: [`api`] (wire types and limits), [`constraint`] (what was understood), `lexicon`
//! (word tables), `parse` ([`parse_feedback`]), `rerank` ([`rerank`]); this module gathers
//! the [`candidates`] and runs [`on_device`].

pub mod api;
pub mod constraint;
mod lexicon;
mod parse;
mod rerank;

pub use api::*;
pub use constraint::{describe, Constraint, Length};
pub use parse::parse_feedback;
pub use rerank::{rerank, RefinedPick};

use rerank::{ruled_out, satisfies};

use crate::catalog::{Catalog, Kind, Title};
use crate::model::Model;
use crate::recommend::{recommend, target_kind, Query};
use crate::search::SearchIndex;

fn popularity(t: &Title) -> f32 {
    let votes = t.imdb_votes.unwrap_or(0) as f32;
    votes.max(t.tmdb_popularity.unwrap_or(0.0) * 1000.0)
}

/// Catalog titles that directly satisfy a positive person constraint ("with Ryan
/// Reynolds"), most popular first, at most `limit`, of any kind and whatever the filters
/// ([`candidates`] widens by every selecting constraint, within the filters).
pub fn extra_candidates(catalog: &Catalog, constraints: &[Constraint], limit: usize) -> Vec<usize> {
    let people: Vec<u32> = constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::Person {
                person,
                avoid: false,
                ..
            } => Some(*person),
            _ => None,
        })
        .collect();
    if people.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<usize> = catalog
        .titles
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.cast
                .iter()
                .chain(&t.directors)
                .any(|p| people.contains(p))
        })
        .map(|(i, _)| i)
        .collect();
    hits.sort_by(|&a, &b| {
        popularity(&catalog.titles[b]).total_cmp(&popularity(&catalog.titles[a]))
    });
    hits.truncate(limit);
    hits
}

/// The on-device refiner's answer: what it understood and what it picked.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDevice {
    /// The constraints parsed from the feedback, in the order they were found.
    pub constraints: Vec<Constraint>,
    /// The [`candidates`] the picks were chosen from (also what an LLM request carries).
    pub candidates: Vec<(usize, f32)>,
    /// The picks, best first.
    pub picks: Vec<RefinedPick>,
    /// Selecting constraints ([`Constraint::selects`]) that no title in the catalog met
    /// under the query's filters: the viewer is told so ([`Constraint::no_match`]) rather
    /// than shown a list that silently ignores them.
    pub unmatched: Vec<Constraint>,
}

/// With fewer candidates than this meeting a selecting constraint, the whole catalog is
/// searched for more.
const WIDEN_BELOW: usize = 20;
/// Most titles one selecting constraint adds from the whole catalog.
const WIDEN_PER_CONSTRAINT: usize = 40;
/// Most titles widening adds in all; the engine's list keeps the rest of
/// [`MAX_CANDIDATES`], so the LLM request stays the same size.
const WIDEN_MAX: usize = 80;

/// The candidates a refinement chooses from, `(title index, engine score)`, at most
/// [`MAX_CANDIDATES`]: the engine's best for `query` by pure relevance (a "series"/"film"
/// constraint switches the kind, so "a series instead" can leave the profile's kind), then
/// — for each selecting constraint ("Korean", "with Ryan Reynolds", "for kids") that fewer
/// than [`WIDEN_BELOW`] of those meet — the titles of the whole catalog that meet it and
/// pass the query's filters, closest to the liked titles first. They are of the list's kind
/// unless none of that kind meets the constraint (a person's films for a series profile).
/// Both the LLM request and the on-device refiner use this list, so either can only pick
/// from it.
pub fn candidates(
    model: &Model,
    catalog: &Catalog,
    query: &Query,
    constraints: &[Constraint],
) -> Vec<(usize, f32)> {
    let mut q = query.clone();
    q.k = MAX_CANDIDATES;
    q.diversity = 0.0;
    let named_kind = constraints.iter().find_map(|c| match c {
        Constraint::Kind { kind } => Some(*kind),
        _ => None,
    });
    if let Some(kind) = named_kind {
        q.filters.kind = Some(kind);
    }
    let mut out: Vec<(usize, f32)> = recommend(model, catalog, &q)
        .into_iter()
        .map(|r| (r.index, r.score))
        .collect();
    let floor = out.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
    let floor = if floor.is_finite() { floor } else { 0.0 };
    let kind = target_kind(catalog, &q);
    let selecting: Vec<&Constraint> = constraints.iter().filter(|c| c.selects()).collect();
    let relevance = |i: usize| {
        if q.liked.is_empty() {
            return 0.0;
        }
        q.liked.iter().map(|&l| model.similarity(l, i)).sum::<f32>() / q.liked.len() as f32
    };
    let mut extra: Vec<usize> = Vec::new();
    for c in &selecting {
        if extra.len() >= WIDEN_MAX {
            break;
        }
        let have = out
            .iter()
            .map(|x| x.0)
            .chain(extra.iter().copied())
            .filter(|&i| satisfies(catalog, i, c))
            .count();
        if have >= WIDEN_BELOW {
            continue;
        }
        let find = |kind: Option<Kind>| -> Vec<usize> {
            (0..catalog.titles.len())
                .filter(|&i| {
                    let t = &catalog.titles[i];
                    !t.trend_only
                        && kind.is_none_or(|k| t.kind == k)
                        && q.filters.admits(t)
                        && satisfies(catalog, i, c)
                        && !q.filters.exclude.contains(&i)
                        && !q.liked.contains(&i)
                        && !q.disliked.contains(&i)
                        && !out.iter().any(|x| x.0 == i)
                        && !extra.contains(&i)
                        && !ruled_out(catalog, i, constraints)
                })
                .collect()
        };
        let mut found = find(kind);
        if found.is_empty() && named_kind.is_none() && kind.is_some() {
            found = find(None);
        }
        // Best first: meeting the other selecting constraints too ("korean comedy"), then
        // closeness to the liked titles, then popularity; the index settles ties.
        let mut keyed: Vec<(usize, usize, f32, f32)> = found
            .into_iter()
            .map(|i| {
                let met = selecting
                    .iter()
                    .filter(|o| satisfies(catalog, i, o))
                    .count();
                (i, met, relevance(i), popularity(&catalog.titles[i]))
            })
            .collect();
        keyed.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.total_cmp(&a.2))
                .then(b.3.total_cmp(&a.3))
                .then(a.0.cmp(&b.0))
        });
        let room = (WIDEN_MAX - extra.len()).min(WIDEN_PER_CONSTRAINT);
        extra.extend(keyed.into_iter().take(room).map(|k| k.0));
    }
    out.truncate(MAX_CANDIDATES.saturating_sub(extra.len()));
    // Below every engine candidate, in their own order: the constraint they meet lifts them.
    for (rank, i) in extra.into_iter().enumerate() {
        out.push((i, floor - 1e-3 * (rank + 1) as f32));
    }
    out
}

/// Refines `query`'s results by `feedback` without any network: parse, gather the
/// [`candidates`], [`rerank`] them, keep `k`.
pub fn on_device(
    model: &Model,
    catalog: &Catalog,
    index: &SearchIndex,
    query: &Query,
    feedback: &str,
    k: usize,
) -> OnDevice {
    let constraints = parse_feedback(feedback, catalog, index);
    let cands = candidates(model, catalog, query, &constraints);
    let picks = rerank(
        catalog,
        &cands,
        &constraints,
        &|a, b| model.similarity(a, b),
        k,
    );
    let unmatched = constraints
        .iter()
        .filter(|c| {
            c.selects()
                && !cands
                    .iter()
                    .any(|&(i, _)| satisfies(catalog, i, c) && !ruled_out(catalog, i, &constraints))
        })
        .cloned()
        .collect();
    OnDevice {
        constraints,
        candidates: cands,
        picks,
        unmatched,
    }
}
