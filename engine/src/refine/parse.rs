//! The feedback parser: free text to [`Constraint`]s, with the [`super::lexicon`] tables.

use super::api::MAX_FEEDBACK_CHARS;
use super::constraint::{Constraint, Length};
use super::lexicon::{
    Effect, CLAUSE_BREAKS, FILLER, FRESH_STARTS, LEXICON, LIKE_LEADS, NEGATORS, NOT_A_TITLE,
};
use super::popularity;
use crate::catalog::Catalog;
use crate::normalize::fold;
use crate::search::{Hit, SearchIndex};

/// Parses feedback into constraints, in the order they were written; duplicates and
/// contradictions between film and series are dropped. Text past
/// [`MAX_FEEDBACK_CHARS`] is ignored. Unknown words are ignored except after a negation
/// ("nothing with zombies" → avoid the keyword "zombie").
pub fn parse_feedback(text: &str, catalog: &Catalog, index: &SearchIndex) -> Vec<Constraint> {
    let text: String = text.chars().take(MAX_FEEDBACK_CHARS).collect();
    let latest = catalog
        .titles
        .iter()
        .filter_map(|t| t.year)
        .max()
        .unwrap_or(2023);
    let mut out: Vec<Constraint> = Vec::new();
    for raw in text.split([',', '.', ';', ':', '!', '?', '\n', '(', ')', '/', '&']) {
        let folded = fold(raw);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        for clause in words.split(|w| CLAUSE_BREAKS.contains(w)) {
            parse_clause(clause, catalog, index, latest, &mut out);
        }
    }
    // Asking for films and series at once is no constraint at all.
    let kinds = out
        .iter()
        .filter(|c| matches!(c, Constraint::Kind { .. }))
        .count();
    if kinds > 1 {
        let first_kind = out.iter().find_map(|c| match c {
            Constraint::Kind { kind } => Some(*kind),
            _ => None,
        });
        if out
            .iter()
            .any(|c| matches!(c, Constraint::Kind { kind } if Some(*kind) != first_kind))
        {
            out.retain(|c| !matches!(c, Constraint::Kind { .. }));
        }
    }
    let mut unique: Vec<Constraint> = Vec::new();
    for c in out {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    unique
}

fn parse_clause(
    words: &[&str],
    catalog: &Catalog,
    index: &SearchIndex,
    latest: u16,
    out: &mut Vec<Constraint>,
) {
    let mut neg = false;
    let mut i = 0;
    let push = |c: Constraint, neg: bool, out: &mut Vec<Constraint>| {
        let c = if neg { c.negate() } else { Some(c) };
        if let Some(c) = c {
            out.push(c);
        }
    };
    while i < words.len() {
        let w = words[i];
        let prev = if i > 0 { words[i - 1] } else { "" };

        // Length in minutes: "under 90 minutes", "less than 2 hours", "under an hour"
        // (before negation: "less" here is not a "no").
        if let Some((minutes, used)) = max_minutes(&words[i..]) {
            out.push(Constraint::Length(Length::MaxMinutes(minutes)));
            i += used;
            continue;
        }

        // Negation: everything after it in the clause is negative, until "and/or" starts a
        // fresh request.
        if NEGATORS.contains(&w) {
            neg = true;
            i += 1;
            continue;
        }
        if (w == "and" || w == "or" || w == "plus")
            && words.get(i + 1).is_some_and(|n| FRESH_STARTS.contains(n))
        {
            neg = false;
            i += 1;
            continue;
        }

        // "more like X", "similar to X", "in the vein of X".
        let cue = if w == "like" && (i == 0 || LIKE_LEADS.contains(&prev)) {
            Some(1)
        } else if (w == "similar" && words.get(i + 1) == Some(&"to"))
            || (w == "vein" && words.get(i + 1) == Some(&"of"))
        {
            Some(2)
        } else if w == "reminds"
            && words.get(i + 1) == Some(&"me")
            && words.get(i + 2) == Some(&"of")
        {
            Some(3)
        } else {
            None
        };
        if let Some(skip) = cue {
            let rest = &words[i + skip..];
            if !neg && !starts_with_any(rest, NOT_A_TITLE) {
                if let Some((t, used)) = find_title(rest, catalog, index) {
                    out.push(Constraint::LikeTitle {
                        index: t,
                        title: catalog.titles[t].title.clone(),
                    });
                    i += skip + used;
                    continue;
                }
            }
            i += skip;
            continue;
        }

        // Decades and years: "90s", "1990s", "the eighties", "from 2015", "before 2000".
        if let Some((c, used)) = era(&words[i..], prev, latest) {
            out.push(c);
            i += used;
            continue;
        }

        // People named in full ("ryan reynolds"), or close to it after a cue word
        // ("with ryan renolds").
        if let Some((person, used)) = find_person(words, i, index) {
            push(
                Constraint::Person {
                    person,
                    name: catalog.person(person).to_string(),
                    avoid: false,
                },
                neg,
                out,
            );
            i += used;
            continue;
        }

        // Lexicon phrases, longest first.
        if let Some((effect, used)) = lexicon(&words[i..]) {
            for c in effect_constraints(effect, latest) {
                push(c, neg, out);
            }
            i += used;
            continue;
        }

        // "about dogs" (positive) or any content word under negation ("no zombies").
        let about = prev == "about" || prev == "involving";
        if (neg || about) && is_keyword(w) {
            let stem = stem(w);
            push(
                Constraint::Keyword {
                    word: w.to_string(),
                    stem,
                    avoid: false,
                },
                neg,
                out,
            );
        }
        i += 1;
    }
}

fn starts_with_any(words: &[&str], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        let n = p.split(' ').count();
        words.len() >= n && words[..n].join(" ") == *p
    })
}

fn is_keyword(w: &str) -> bool {
    w.chars().count() >= 4
        && w.chars().all(char::is_alphabetic)
        && !FILLER.contains(&w)
        && !NEGATORS.contains(&w)
}

/// A crude plural stripper: "zombies" → "zombie", "stories" → "stor" (matched as a prefix,
/// so "story" and "stories" both hit).
fn stem(w: &str) -> String {
    if let Some(s) = w.strip_suffix("ies") {
        return s.to_string();
    }
    if w.ends_with("ss") {
        return w.to_string();
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

/// Longest lexicon phrase at the start of `words`.
fn lexicon(words: &[&str]) -> Option<(Effect, usize)> {
    for n in (1..=words.len().min(5)).rev() {
        let phrase = words[..n].join(" ");
        if let Some((_, e)) = LEXICON.iter().find(|(p, _)| *p == phrase) {
            return Some((*e, n));
        }
    }
    None
}

fn effect_constraints(effect: Effect, latest: u16) -> Vec<Constraint> {
    let country = |codes: &[&str], label: &str| Constraint::Country {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        label: label.to_string(),
        avoid: false,
    };
    let genre = |g: &str| Constraint::Genre {
        genre: g.to_string(),
        avoid: false,
    };
    match effect {
        Effect::Genre(g) => vec![genre(g)],
        Effect::Genres(gs) => gs.iter().map(|g| genre(g)).collect(),
        Effect::Tone(light) => vec![Constraint::Tone { light }],
        Effect::TrueStory => vec![Constraint::TrueStory { avoid: false }],
        Effect::Kind(kind) => vec![Constraint::Kind { kind }],
        Effect::Recent => vec![Constraint::Era {
            from: Some(latest.saturating_sub(3)),
            to: None,
        }],
        Effect::Older => vec![Constraint::Era {
            from: None,
            to: Some(1999),
        }],
        Effect::Country(codes, label) => vec![country(codes, label)],
        Effect::CountryAndGenre(codes, label, g) => vec![country(codes, label), genre(g)],
        Effect::Length(l) => vec![Constraint::Length(l)],
        Effect::Kids => vec![Constraint::Kids { avoid: false }],
        Effect::Ignore => Vec::new(),
    }
}

/// "under 90 minutes", "less than 2 hours", "under an hour", "max 100 min".
fn max_minutes(words: &[&str]) -> Option<(u16, usize)> {
    let lead = match words {
        ["under", ..] | ["max", ..] | ["within", ..] => 1,
        ["less", "than", ..] | ["shorter", "than", ..] | ["at", "most", ..] => 2,
        _ => return None,
    };
    let rest = &words[lead..];
    let (n, used) = match rest {
        ["an", "hour", ..] | ["one", "hour", ..] | ["1", "hour", ..] => {
            return Some((60, lead + 2))
        }
        [n, unit, ..] => (n.parse::<u16>().ok()?, *unit),
        _ => return None,
    };
    let minutes = match used {
        "minutes" | "minute" | "min" | "mins" => n,
        "hours" | "hour" | "h" | "hrs" => n.saturating_mul(60),
        _ => return None,
    };
    (minutes > 0).then_some((minutes, lead + 2))
}

/// Decades and years. `prev` is the word before (for "from 2015", "before 2000").
fn era(words: &[&str], prev: &str, latest: u16) -> Option<(Constraint, usize)> {
    let w = *words.first()?;
    let decade = |start: u16| {
        Some((
            Constraint::Era {
                from: Some(start),
                to: Some(start + 9),
            },
            1,
        ))
    };
    match w {
        "sixties" => return decade(1960),
        "seventies" => return decade(1970),
        "eighties" => return decade(1980),
        "nineties" => return decade(1990),
        "noughties" => return decade(2000),
        _ => {}
    }
    if let Some(d) = w.strip_suffix('s') {
        if d.len() == 2 && d.ends_with('0') {
            let n: u16 = d.parse().ok()?;
            // "90s" → 1990s, "10s"/"20s" → this century.
            let start = if n <= latest % 100 {
                2000 + n
            } else {
                1900 + n
            };
            return decade(start);
        }
        if d.len() == 4 && d.ends_with('0') {
            let n: u16 = d.parse().ok()?;
            if (1900..=2090).contains(&n) {
                return decade(n);
            }
        }
    }
    if w.len() == 4 {
        if let Ok(y) = w.parse::<u16>() {
            if (1900..=2100).contains(&y) {
                let c = match prev {
                    "from" | "after" | "since" | "post" => Constraint::Era {
                        from: Some(y),
                        to: None,
                    },
                    "before" | "pre" | "until" => Constraint::Era {
                        from: None,
                        to: Some(y.saturating_sub(1)),
                    },
                    "in" => Constraint::Era {
                        from: Some(y),
                        to: Some(y),
                    },
                    _ => return None,
                };
                return Some((c, 1));
            }
        }
    }
    None
}

/// A catalog title named at the start of `words`: the longest exact match, else a close
/// typo-tolerant one. Returns the title index and how many words it used.
fn find_title(words: &[&str], catalog: &Catalog, index: &SearchIndex) -> Option<(usize, usize)> {
    let most_popular = |hits: Vec<Hit>| {
        hits.into_iter()
            .filter_map(|h| match h {
                Hit::Title(t) => Some(t),
                Hit::Person(_) => None,
            })
            .max_by(|&a, &b| {
                popularity(&catalog.titles[a]).total_cmp(&popularity(&catalog.titles[b]))
            })
    };
    let max = words.len().min(8);
    for n in (1..=max).rev() {
        if let Some(t) = most_popular(index.exact(&words[..n].join(" "))) {
            return Some((t, n));
        }
    }
    for n in (1..=max.min(6)).rev() {
        let phrase = words[..n].join(" ");
        // Single short words match too much by accident.
        if n == 1 && phrase.len() < 5 {
            continue;
        }
        if let Some(&(t, score)) = index.titles(&phrase, 1).first() {
            if score >= 0.55 {
                return Some((t, n));
            }
        }
    }
    None
}

/// A person at `words[i..]`: two or three words naming someone exactly, or — after a cue
/// ("with", "starring", "by") — a close typo-tolerant match of two or three words.
fn find_person(words: &[&str], i: usize, index: &SearchIndex) -> Option<(u32, usize)> {
    let rest = &words[i..];
    for n in (2..=rest.len().min(3)).rev() {
        let phrase = rest[..n].join(" ");
        let person = index.exact(&phrase).into_iter().find_map(|h| match h {
            Hit::Person(p) => Some(p),
            Hit::Title(_) => None,
        });
        if let Some(p) = person {
            return Some((p, n));
        }
    }
    let prev = if i > 0 { words[i - 1] } else { "" };
    if !matches!(
        prev,
        "with" | "starring" | "by" | "featuring" | "stars" | "from"
    ) {
        return None;
    }
    for n in (2..=rest.len().min(3)).rev() {
        if rest[..n]
            .iter()
            .any(|w| FILLER.contains(w) || w.len() < 2 || lexicon(&[w]).is_some())
        {
            continue;
        }
        let phrase = rest[..n].join(" ");
        if let Some(&(p, score)) = index.people(&phrase, 1).first() {
            if score >= 0.55 {
                return Some((p, n));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_and_eras() {
        assert_eq!(max_minutes(&["under", "90", "minutes"]), Some((90, 3)));
        assert_eq!(max_minutes(&["less", "than", "2", "hours"]), Some((120, 4)));
        assert_eq!(max_minutes(&["under", "an", "hour"]), Some((60, 3)));
        assert_eq!(max_minutes(&["under", "pressure"]), None);
        let (c, _) = era(&["90s"], "", 2023).expect("decade");
        assert_eq!(
            c,
            Constraint::Era {
                from: Some(1990),
                to: Some(1999)
            }
        );
        let (c, _) = era(&["2010s"], "", 2023).expect("decade");
        assert_eq!(
            c,
            Constraint::Era {
                from: Some(2010),
                to: Some(2019)
            }
        );
        assert!(era(&["2015"], "watched", 2023).is_none());
    }
}
