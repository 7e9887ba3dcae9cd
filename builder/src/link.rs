//! Links Top 10 rows and trailers to merged titles.
//!
//! Top 10: each distinct (show title, kind) is looked up by key, first as printed, then with
//! a season suffix stripped ("Stranger Things: Season 4", "Stranger Things 4" → "Stranger
//! Things"). When several catalog titles share the key, the one released closest before the
//! first week it charted wins (Netflix charts new releases; remakes share titles). Without
//! an exact match, the best fuzzy match of the same kind released at most two years
//! before (or one after) the first chart week is taken. A title with no match becomes a trend-only title (`top10:<folded title>`) and is
//! never dropped.
//!
//! Trailers: the snapshot's search title, then the title read from the video title
//! ("STRAW | Official Trailer | Netflix" → "STRAW"), each with season suffixes stripped, are
//! looked up among all titles (catalog and trend-only), preferring titles that charted.

use std::collections::BTreeMap;

// FxHash: short string keys from trusted files; SipHash costs time for nothing here.
use rustc_hash::FxHashMap as HashMap;

use engine::normalize::fold;
use engine::report::{JoinReport, MatchNote};
use engine::{Kind, SourceRef};

use crate::matching::{strip_season, title_key};
use crate::resolve::{Draft, Index};
use crate::sources::CatalogRecord;

/// Source name used for Top 10 references on titles.
pub const TOP10_SOURCE: &str = "top10";

/// Score for an exact key match chosen among several titles by year.
pub const SCORE_AMBIGUOUS: f32 = 0.98;

/// What the Top 10 linker decided for every (show title, kind).
#[derive(Debug, Default)]
pub struct Top10Links {
    /// (show title as printed, kind) → draft index.
    pub by_name: HashMap<(String, Kind), usize>,
    /// Inexact matches accepted.
    pub notes: Vec<MatchNote>,
}

impl Top10Links {
    /// Join report over a set of names: matched = linked to a catalog (not trend-only) title.
    pub fn join<'a>(
        &self,
        name: &str,
        drafts: &[Draft],
        names: impl Iterator<Item = &'a (String, Kind)>,
    ) -> JoinReport {
        let mut j = JoinReport {
            name: name.to_owned(),
            ..JoinReport::default()
        };
        for n in names {
            j.total += 1;
            if self.by_name.get(n).is_some_and(|&i| !drafts[i].trend_only) {
                j.matched += 1;
            }
        }
        j
    }
}

fn year_of(week: &str) -> u16 {
    week.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// A Top 10 name's match: the variants tried and the best draft with its score.
type NameMatch = (Vec<String>, Option<(usize, f32)>);

/// The best catalog draft for one Top 10 name, and the name variants tried (as printed,
/// then without a season suffix). Reads only the catalog drafts, so names can be matched
/// in parallel.
fn match_name(
    index: &Index,
    drafts: &[Draft],
    n_catalog: usize,
    (show, kind): &(String, Kind),
    first_week: &str,
) -> NameMatch {
    let chart_year = year_of(first_week);
    let mut variants = vec![show.clone()];
    if *kind == Kind::Show {
        if let Some(s) = strip_season(show, true) {
            variants.push(s);
        }
    }
    for v in &variants {
        let cands: Vec<usize> = index
            .exact(&title_key(v), *kind)
            .iter()
            .copied()
            .filter(|&i| i < n_catalog)
            .collect();
        // Released at or before the chart year (+1 for late-December premieres) and
        // most recent first; later releases only when nothing earlier exists.
        let best = cands.iter().copied().min_by_key(|&i| {
            let y = drafts[i].rec.year.unwrap_or(0);
            if y <= chart_year + 1 {
                (0, chart_year + 1 - y)
            } else {
                (1, y - chart_year)
            }
        });
        if let Some(i) = best {
            let score = if cands.len() == 1 {
                1.0
            } else {
                SCORE_AMBIGUOUS
            };
            return (variants, Some((i, score)));
        }
    }
    let mut hit: Option<(usize, f32)> = None;
    for v in &variants {
        // Fuzzy matches are for spelling variants of recent releases: the title
        // must come out within two years before the first chart week.
        let found = index.fuzzy(drafts, &title_key(v), *kind, |d| {
            d.rec
                .year
                .is_none_or(|y| y <= chart_year + 1 && y + 2 >= chart_year)
        });
        if let Some((i, s)) = found {
            if hit.is_none_or(|(_, b)| (s as f32) > b) {
                hit = Some((i, s as f32));
            }
        }
    }
    (variants, hit)
}

/// Links every Top 10 name (with the first week it charted) to a draft, appending
/// trend-only drafts for names that match nothing.
pub fn link_top10(drafts: &mut Vec<Draft>, names: &BTreeMap<(String, Kind), String>) -> Top10Links {
    let index = Index::new(drafts);
    let n_catalog = drafts.len();
    // Matching (fuzzy matching above all) is read-only: do it on both cores, then apply
    // the results in name order, which keeps the output deterministic.
    let names: Vec<(&(String, Kind), &String)> = names.iter().collect();
    let catalog: &[Draft] = drafts;
    let matched: Vec<NameMatch> = crate::par::map_ordered(&names, |(name, week)| {
        match_name(&index, catalog, n_catalog, name, week)
    });
    let mut links = Top10Links::default();
    let mut trend_ids: HashMap<String, usize> = HashMap::default();
    let mut trend_by_key: HashMap<(String, Kind), usize> = HashMap::default();
    for (((show, kind), _), (variants, hit)) in names.into_iter().zip(matched) {
        let target = match hit {
            Some((i, score)) => {
                if score < 1.0 {
                    links.notes.push(MatchNote {
                        join: "top10 → catalog".into(),
                        left: show.clone(),
                        right: format!(
                            "{} ({})",
                            drafts[i].rec.title,
                            drafts[i].rec.year.unwrap_or(0)
                        ),
                        score,
                    });
                }
                i
            }
            None => {
                let base = variants.last().cloned().unwrap_or_else(|| show.clone());
                let key = (title_key(&base), *kind);
                match trend_by_key.get(&key) {
                    Some(&i) => i,
                    None => {
                        let mut id = format!("top10:{}", fold(&base));
                        if trend_ids.contains_key(&id) {
                            // A film and a series with the same title, both unmatched.
                            id.push_str(if *kind == Kind::Show {
                                ":series"
                            } else {
                                ":film"
                            });
                        }
                        let i = drafts.len();
                        drafts.push(Draft {
                            rec: CatalogRecord {
                                source: TOP10_SOURCE,
                                id: show.clone(),
                                title: base.clone(),
                                kind: *kind,
                                ..CatalogRecord::default()
                            },
                            key: key.0.clone(),
                            id: id.clone(),
                            sources: Vec::new(),
                            trend_only: true,
                        });
                        trend_ids.insert(id, i);
                        trend_by_key.insert(key, i);
                        i
                    }
                }
            }
        };
        let src = SourceRef {
            source: TOP10_SOURCE.into(),
            id: show.clone(),
        };
        if !drafts[target].sources.contains(&src) {
            drafts[target].sources.push(src);
        }
        links.by_name.insert((show.clone(), *kind), target);
    }
    links
}

/// A trailer link: the draft and the score (1 = exact key).
pub type TrailerLink = Option<(usize, f32)>;

/// Links each trailer (search title, video title) to a draft among all titles.
pub fn link_trailers(
    drafts: &[Draft],
    trailers: &[(Option<String>, String)],
    notes: &mut Vec<MatchNote>,
) -> Vec<TrailerLink> {
    let index = Index::new(drafts);
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, d) in drafts.iter().enumerate() {
        by_key.entry(d.key.as_str()).or_default().push(i);
    }
    let charted = |d: &Draft| d.sources.iter().any(|s| s.source == TOP10_SOURCE);
    trailers
        .iter()
        .map(|(query, video_title)| {
            let mut variants: Vec<String> = Vec::new();
            for base in query.iter().cloned().chain(std::iter::once(
                crate::sources::youtube::title_from_video(video_title),
            )) {
                if base.is_empty() {
                    continue;
                }
                let stripped = strip_season(&base, true);
                variants.push(base);
                variants.extend(stripped);
            }
            for v in &variants {
                if let Some(c) = by_key.get(title_key(v).as_str()) {
                    let best = c.iter().copied().max_by_key(|&i| {
                        (
                            charted(&drafts[i]),
                            drafts[i].rec.year,
                            std::cmp::Reverse(i),
                        )
                    });
                    if let Some(i) = best {
                        return Some((i, 1.0));
                    }
                }
            }
            let mut hit: Option<(usize, f64)> = None;
            for v in &variants {
                let key = title_key(v);
                for kind in [Kind::Movie, Kind::Show] {
                    if let Some((i, s)) = index.fuzzy(drafts, &key, kind, |_| true) {
                        if hit.is_none_or(|(_, b)| s > b) {
                            hit = Some((i, s));
                        }
                    }
                }
            }
            let (i, s) = hit?;
            notes.push(MatchNote {
                join: "trailers → titles".into(),
                left: query.clone().unwrap_or_else(|| video_title.clone()),
                right: drafts[i].rec.title.clone(),
                score: s as f32,
            });
            Some((i, s as f32))
        })
        .collect()
}
