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

use crate::catalog::{Catalog, Title};
use crate::model::Model;
use crate::recommend::{recommend, target_kind, Query};
use crate::search::SearchIndex;

fn popularity(t: &Title) -> f32 {
    let votes = t.imdb_votes.unwrap_or(0) as f32;
    votes.max(t.tmdb_popularity.unwrap_or(0.0) * 1000.0)
}

/// Catalog titles that directly satisfy a positive person constraint ("with Ryan
/// Reynolds"), most popular first, at most `limit`: merge them into the candidates before
/// [`rerank`] so the viewer's named person can appear even if the engine did not suggest
/// them.
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
}

/// The candidates a refinement chooses from, `(title index, engine score)`, best first:
/// the engine's top [`MAX_CANDIDATES`] for `query` by pure relevance (a "series"/"film"
/// constraint switches the kind, so "a series instead" can leave the profile's kind),
/// then titles with a person the feedback named that pass the same filters. Both the
/// LLM request and the on-device refiner use this list, so either can only pick from it.
pub fn candidates(
    model: &Model,
    catalog: &Catalog,
    query: &Query,
    constraints: &[Constraint],
) -> Vec<(usize, f32)> {
    let mut q = query.clone();
    q.k = MAX_CANDIDATES;
    q.diversity = 0.0;
    if let Some(kind) = constraints.iter().find_map(|c| match c {
        Constraint::Kind { kind } => Some(*kind),
        _ => None,
    }) {
        q.filters.kind = Some(kind);
    }
    let mut out: Vec<(usize, f32)> = recommend(model, catalog, &q)
        .into_iter()
        .map(|r| (r.index, r.score))
        .collect();
    let floor = out.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
    let floor = if floor.is_finite() { floor } else { 0.0 };
    let kind = target_kind(catalog, &q);
    for i in extra_candidates(catalog, constraints, 40) {
        let fits = catalog.titles.get(i).is_some_and(|t| {
            q.filters.admits(t)
                && kind.is_none_or(|k| t.kind == k)
                && !q.filters.exclude.contains(&i)
                && !q.liked.contains(&i)
                && !q.disliked.contains(&i)
        });
        if fits && !out.iter().any(|c| c.0 == i) {
            out.push((i, floor));
        }
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
    OnDevice {
        constraints,
        candidates: cands,
        picks,
    }
}
