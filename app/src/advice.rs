//! What to show when the recommendations come back empty: titles that charted alongside a
//! title known only from the Top 10 (which has no metadata to compare), and otherwise a
//! sentence naming what emptied the list (a filter, the filters together, or a profile
//! with nothing similar), never a bare "0 results".

use engine::recommend::{Query, Recommendation};
use engine::Kind;

use crate::state::AppData;
use crate::url::DiscoverState;

/// Results from the Top 10 for liked titles that cannot seed recommendations.
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    /// The liked titles with no metadata, by index.
    pub seeds: Vec<usize>,
    /// Titles that charted alongside them, best first, each with its label.
    pub recs: Vec<(Recommendation, String)>,
}

/// The liked titles of `query` that cannot seed recommendations (no genres, people,
/// description or countries: mostly titles known only from the Top 10).
pub fn bare_seeds(data: &AppData, query: &Query) -> Vec<usize> {
    query
        .liked
        .iter()
        .copied()
        .filter(|&i| !data.model.is_candidate(i))
        .collect()
}

/// What the seeds lack, after "is"/"are": Top 10 titles are said to be only that; a
/// catalog title may just have too little in its sources.
pub fn missing(data: &AppData, seeds: &[usize]) -> &'static str {
    let cat = data.catalog();
    if seeds
        .iter()
        .all(|&i| cat.titles.get(i).is_some_and(|t| t.trend_only))
    {
        "known only from the Netflix Top 10 lists, without genres, people or a description yet"
    } else {
        "without genres, people or a description in our sources yet"
    }
}

/// "“A”", "“A” and “B”", "“A”, “B” and “C”".
pub fn quoted_names(data: &AppData, titles: &[usize]) -> String {
    let names: Vec<String> = titles
        .iter()
        .filter_map(|&i| data.catalog().titles.get(i))
        .map(|t| format!("“{}”", t.title))
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Titles that charted in the same Top 10 lists, weeks and countries as the liked titles
/// that cannot seed recommendations, within the query's filters; `None` when every liked
/// title can seed. Empty until the details (the weekly rows) are attached.
pub fn co_charted(data: &AppData, query: &Query) -> Option<Fallback> {
    let seeds = bare_seeds(data, query);
    if seeds.is_empty() {
        return None;
    }
    let cat = data.catalog();
    let f = &query.filters;
    let keep = |i: u32| {
        let i = i as usize;
        cat.titles.get(i).is_some_and(|t| {
            f.admits(t)
                && f.kind.is_none_or(|k| t.kind == k)
                && !f.exclude.contains(&i)
                && !query.disliked.contains(&i)
                && !query.liked.contains(&i)
        })
    };
    let seed_ids: Vec<u32> = seeds.iter().map(|&i| i as u32).collect();
    let names = quoted_names(data, &seeds);
    let best = engine::trends::co_charting(data.trends(), &seed_ids, keep, query.k);
    let top = best.first().map_or(1.0, |c| c.score.max(1.0));
    let recs = best
        .into_iter()
        .map(|c| {
            let mut shared = Vec::new();
            if c.weeks > 0 {
                shared.push(format!(
                    "{} week{} on the same Top 10 list",
                    c.weeks,
                    if c.weeks == 1 { "" } else { "s" }
                ));
            }
            if c.countries > 0 {
                shared.push(format!(
                    "in the Top 10 of {} of the same countries at the same time",
                    c.countries
                ));
            }
            let label = format!("Charted alongside {names}: {}", shared.join(", "));
            let rec = Recommendation {
                index: c.title as usize,
                score: c.score / top,
                explanation: Default::default(),
            };
            (rec, label)
        })
        .collect();
    Some(Fallback { seeds, recs })
}

/// One active filter: its words, and the query with only it.
struct Active {
    words: String,
    only: Query,
}

/// The filters `state` sets, each in words with the query that keeps only it.
fn active_filters(data: &AppData, state: &DiscoverState, query: &Query) -> Vec<Active> {
    let mut bare = query.clone();
    bare.filters = Default::default();
    let mut out = Vec::new();
    let mut push = |words: String, copy: &dyn Fn(&mut Query)| {
        let mut only = bare.clone();
        copy(&mut only);
        out.push(Active { words, only });
    };
    let f = &query.filters;
    if let Some(k) = state.kind {
        let words = match k {
            Kind::Movie => "films only",
            Kind::Show => "series only",
        };
        push(words.into(), &|q| q.filters.kind = f.kind);
    }
    if let Some(y) = state.year_min {
        push(format!("from {y} on"), &|q| q.filters.year_min = f.year_min);
    }
    if let Some(y) = state.year_max {
        push(format!("up to {y}"), &|q| q.filters.year_max = f.year_max);
    }
    if !state.genres_in.is_empty() {
        push(format!("genre {}", state.genres_in.join(" or ")), &|q| {
            q.filters.genres_in = f.genres_in.clone()
        });
    }
    if !state.genres_out.is_empty() {
        push(format!("no {}", state.genres_out.join(", ")), &|q| {
            q.filters.genres_out = f.genres_out.clone()
        });
    }
    if let Some(s) = state.min_imdb {
        push(format!("IMDb {s:.1} or more"), &|q| {
            q.filters.min_imdb = f.min_imdb
        });
    }
    if let Some(c) = &state.country {
        let name = data
            .trends()
            .countries
            .iter()
            .find(|x| x.iso2 == *c)
            .map_or_else(|| c.clone(), |x| x.name.clone());
        push(format!("made in {name}"), &|q| {
            q.filters.country = f.country
        });
    }
    if !state.ages.is_empty() {
        push(format!("rated {}", state.ages.join(" or ")), &|q| {
            q.filters.age_ratings = f.age_ratings.clone()
        });
    }
    if state.hide_seen {
        push("hide seen".into(), &|q| {
            q.filters.exclude = f.exclude.clone()
        });
    }
    out
}

/// "“a”", "“a” and “b”", "“a”, “b” and “c”".
fn quoted(words: &[&str]) -> String {
    let q: Vec<String> = words.iter().map(|w| format!("“{w}”")).collect();
    match q.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why `query` (from `state`) has no results, in a viewer's words: the filter that empties
/// the list on its own (found by running the query with only that filter), or that the
/// filters only do so together, or that the profile has nothing similar. `has_results`
/// runs a query the way the page does.
pub fn why_empty(
    data: &AppData,
    state: &DiscoverState,
    query: &Query,
    has_results: impl Fn(&Query) -> bool,
) -> String {
    let active = active_filters(data, state, query);
    let alone: Vec<&Active> = active.iter().filter(|a| !has_results(&a.only)).collect();
    if let [one] = alone.as_slice() {
        let which = if query.liked.is_empty() {
            "no title that can be recommended"
        } else {
            "no title like your profile"
        };
        let mut msg = format!(
            "The filter “{}” emptied the list: {which} passes it.",
            one.words
        );
        if state.year_min.is_some() && one.words.starts_with("from ") {
            msg.push_str(&newer_titles_note(data, query));
        }
        msg.push_str(" Change or clear it under Filters.");
        return msg;
    }
    if !alone.is_empty() {
        let words: Vec<&str> = alone.iter().map(|a| a.words.as_str()).collect();
        return format!(
            "The filters {} each empty the list on their own. Change or clear them under Filters.",
            quoted(&words)
        );
    }
    if active.len() > 1 {
        let words: Vec<&str> = active.iter().map(|a| a.words.as_str()).collect();
        return format!(
            "Each filter leaves titles, but no title passes {} together. Loosen one under Filters.",
            quoted(&words)
        );
    }
    if query.liked.is_empty() {
        "No title in the catalog can be listed here yet.".into()
    } else {
        "No similar titles found: the titles in your profile share no genre, person, theme or country with any other title. Add another title you liked.".into()
    }
}

/// For a "from year" filter: the newest year with recommendable titles, and how many
/// later titles lack the details to be recommended.
fn newer_titles_note(data: &AppData, query: &Query) -> String {
    let cat = data.catalog();
    let newest = (0..cat.titles.len())
        .filter(|&i| data.model.is_candidate(i))
        .filter_map(|i| cat.titles[i].year)
        .max();
    let bare = cat
        .titles
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            !data.model.is_candidate(*i)
                && t.year
                    .zip(query.filters.year_min)
                    .is_some_and(|(y, min)| y >= min)
        })
        .count();
    let mut note = String::new();
    if let Some(y) = newest {
        note.push_str(&format!(
            " The newest titles with genres and people are from {y}."
        ));
    }
    if bare > 0 {
        note.push_str(&format!(
            " {bare} title{} from then on {} known only from the Top 10 or Netflix's reports, without details yet.",
            if bare == 1 { "" } else { "s" },
            if bare == 1 { "is" } else { "are" }
        ));
    }
    note
}
