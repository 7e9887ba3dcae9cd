//! The re-ranker: orders candidates by the viewer's [`Constraint`]s.

use serde::{Deserialize, Serialize};

use super::constraint::{genre_label, Constraint, Length};
use crate::catalog::{Catalog, Kind, Title};
use crate::normalize::fold;

/// One re-ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefinedPick {
    /// Index into `catalog.titles`.
    pub index: usize,
    /// Combined score (higher is better; only the order is meaningful).
    pub score: f32,
    /// Why it fits the feedback, e.g. "comedy", "with Ryan Reynolds", "Korean".
    pub reasons: Vec<String>,
}

/// What a selecting constraint the viewer named (a country, a person) adds to a title that
/// meets it: more than the whole spread of engine scores (0..1) and any preference, so every
/// title that meets it ranks above every title that does not.
const STRONG: f32 = 2.0;

/// Age ratings of titles made for children (US TV and film ratings, as the sources give
/// them).
const KIDS_RATINGS: &[&str] = &["TV-Y", "TV-Y7", "TV-Y7-FV"];

const LIGHT_GENRES: &[&str] = &["comedy", "family", "animation", "romance", "music"];
const DARK_GENRES: &[&str] = &["horror", "thriller", "crime", "war"];

/// How a title fares against one constraint.
enum Verdict {
    /// Excluded: the viewer said no to this.
    Drop,
    /// Score change and, when positive, the reason to show.
    Adjust(f32, Option<String>),
}

/// Re-ranks `candidates` (`(title index, engine score)`) by `constraints`, best first, at
/// most `k`. Titles the viewer ruled out ("no horror", "nothing with zombies") are dropped;
/// the others keep their engine order unless a constraint moves them. `similarity(a, b)`
/// scores two titles (for "more like X"; expected roughly in 0..1). Never returns a title
/// that is not among the candidates, nor the title named in "more like X" itself.
pub fn rerank(
    catalog: &Catalog,
    candidates: &[(usize, f32)],
    constraints: &[Constraint],
    similarity: &dyn Fn(usize, usize) -> f32,
    k: usize,
) -> Vec<RefinedPick> {
    // Engine scores to 0..1 so constraint weights mean the same for every list.
    let (lo, hi) = candidates
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &(_, s)| {
            (lo.min(s), hi.max(s))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let excluded: Vec<usize> = constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::LikeTitle { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    let mut picks: Vec<RefinedPick> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    'candidates: for &(index, base) in candidates {
        let Some(t) = catalog.titles.get(index) else {
            continue;
        };
        if excluded.contains(&index) || seen.contains(&index) {
            continue;
        }
        seen.push(index);
        let base = if base.is_finite() {
            (base - lo) / span
        } else {
            0.0
        };
        let mut score = base;
        let mut reasons = Vec::new();
        let mut plot: Option<String> = None;
        for c in constraints {
            match judge(catalog, t, index, c, similarity, &mut plot) {
                Verdict::Drop => continue 'candidates,
                Verdict::Adjust(d, r) => {
                    score += d;
                    if let Some(r) = r {
                        if !reasons.contains(&r) {
                            reasons.push(r);
                        }
                    }
                }
            }
        }
        picks.push(RefinedPick {
            index,
            score,
            reasons,
        });
    }
    // Stable sort: equal scores keep the engine's order.
    picks.sort_by(|a, b| b.score.total_cmp(&a.score));
    picks.truncate(k);
    picks
}

fn judge(
    catalog: &Catalog,
    t: &Title,
    index: usize,
    c: &Constraint,
    similarity: &dyn Fn(usize, usize) -> f32,
    plot: &mut Option<String>,
) -> Verdict {
    let has_genre = |g: &str| catalog.genre_names(t).any(|n| n == g);
    match c {
        Constraint::Genre { genre, avoid } => match (has_genre(genre), avoid) {
            (true, true) => Verdict::Drop,
            (true, false) => Verdict::Adjust(0.6, Some(genre_label(genre).to_string())),
            _ => Verdict::Adjust(0.0, None),
        },
        Constraint::Tone { light } => {
            let is_light = LIGHT_GENRES.iter().any(|g| has_genre(g));
            let is_dark = DARK_GENRES.iter().any(|g| has_genre(g));
            match (light, is_light, is_dark) {
                (true, true, false) => Verdict::Adjust(0.5, Some("lighter in tone".into())),
                (true, true, true) => Verdict::Adjust(0.1, None),
                (true, false, true) => Verdict::Adjust(-0.6, None),
                (false, false, true) => Verdict::Adjust(0.5, Some("darker in tone".into())),
                (false, true, false) => Verdict::Adjust(-0.6, None),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::TrueStory { avoid } => {
            let real = has_genre("documentation") || has_genre("history") || {
                let p = plot_text(t, plot);
                [
                    "true story",
                    "real life",
                    "true events",
                    "real events",
                    "based on the life",
                    "biopic",
                ]
                .iter()
                .any(|s| p.contains(s))
            };
            match (real, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.5, Some("based on real events".into())),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Person {
            person,
            name,
            avoid,
        } => {
            let directed = t.directors.contains(person);
            let acts = t.cast.contains(person);
            match (directed || acts, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(
                    STRONG,
                    Some(if directed {
                        format!("directed by {name}")
                    } else {
                        format!("with {name}")
                    }),
                ),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Kind { kind } => {
            if t.kind == *kind {
                Verdict::Adjust(0.0, None)
            } else {
                Verdict::Adjust(-3.0, None)
            }
        }
        Constraint::Era { from, to } => match t.year {
            Some(y) if from.is_none_or(|f| y >= f) && to.is_none_or(|e| y <= e) => {
                Verdict::Adjust(0.4, Some(format!("from {y}")))
            }
            Some(_) => Verdict::Adjust(-0.6, None),
            None => Verdict::Adjust(-0.2, None),
        },
        Constraint::Country {
            codes,
            label,
            avoid,
        } => {
            let hit = t.countries.iter().any(|&c| {
                catalog
                    .countries
                    .get(c as usize)
                    .is_some_and(|name| codes.contains(name))
            });
            match (hit, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(STRONG, Some(label.clone())),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Length(l) => length_verdict(t, *l),
        Constraint::Kids { avoid } => {
            let kids = has_genre("family")
                || t.age_rating.as_deref().is_some_and(|r| {
                    KIDS_RATINGS
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(r.trim()))
                });
            match (kids, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.8, Some("for kids".into())),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::LikeTitle {
            index: other,
            title,
        } => {
            let s = similarity(*other, index);
            let s = if s.is_finite() {
                s.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let reason = (s >= 0.2).then(|| format!("like {title}"));
            Verdict::Adjust(1.2 * s, reason)
        }
        Constraint::Keyword { word, stem, avoid } => {
            let found = plot_text(t, plot)
                .split(' ')
                .any(|w| w.starts_with(stem.as_str()));
            match (found, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.5, Some(format!("about {word}"))),
                _ => Verdict::Adjust(0.0, None),
            }
        }
    }
}

/// Whether title `index` meets constraint `c` (for a selecting constraint: it is one of
/// the titles the viewer asked for).
pub(super) fn satisfies(catalog: &Catalog, index: usize, c: &Constraint) -> bool {
    let Some(t) = catalog.titles.get(index) else {
        return false;
    };
    let mut plot = None;
    matches!(
        judge(catalog, t, index, c, &|_, _| 0.0, &mut plot),
        Verdict::Adjust(d, Some(_)) if d > 0.0
    )
}

/// Whether one of `constraints` rules title `index` out ("no horror", "not for kids").
pub(super) fn ruled_out(catalog: &Catalog, index: usize, constraints: &[Constraint]) -> bool {
    let Some(t) = catalog.titles.get(index) else {
        return true;
    };
    let mut plot = None;
    constraints.iter().any(|c| {
        matches!(
            judge(catalog, t, index, c, &|_, _| 0.0, &mut plot),
            Verdict::Drop
        )
    })
}

/// The folded title and plot, computed once per title and only when a constraint needs it.
fn plot_text<'a>(t: &Title, plot: &'a mut Option<String>) -> &'a str {
    plot.get_or_insert_with(|| fold(&format!("{} {}", t.title, t.description)))
}

fn length_verdict(t: &Title, l: Length) -> Verdict {
    let runtime = t.runtime_min;
    let seasons = t.seasons;
    let good = |why: String| Verdict::Adjust(0.3, Some(why));
    match (l, t.kind) {
        (Length::Short, Kind::Movie) => match runtime {
            Some(m) if m <= 100 => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-0.4, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Short, Kind::Show) => match seasons {
            Some(s) if s <= 2 => good(plural(s, "season")),
            Some(_) => Verdict::Adjust(-0.4, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Long, Kind::Movie) => match runtime {
            Some(m) if m >= 130 => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-0.3, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Long, Kind::Show) => match seasons {
            Some(s) if s >= 3 => good(plural(s, "season")),
            Some(_) => Verdict::Adjust(-0.3, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Miniseries, Kind::Show) => match seasons {
            Some(1) => Verdict::Adjust(0.6, Some("a miniseries".into())),
            _ => Verdict::Adjust(-0.5, None),
        },
        (Length::Miniseries, Kind::Movie) => Verdict::Adjust(-1.0, None),
        (Length::MaxMinutes(max), _) => match runtime {
            Some(m) if m <= max => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-1.0, None),
            None => Verdict::Adjust(-0.1, None),
        },
    }
}

fn plural(n: u16, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
