//! Test support: a small catalog built from the JustWatch 2023 CSVs in `data/` (titles and
//! credits), so search and refiner tests run against real names and descriptions. A tiny
//! CSV reader keeps the engine free of a CSV dependency.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use engine::{Catalog, Kind, Title};

/// Splits CSV text into records (RFC 4180 quoting, fields may span lines).
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => rec.push(std::mem::take(&mut field)),
                '\n' => {
                    rec.push(std::mem::take(&mut field));
                    out.push(std::mem::take(&mut rec));
                }
                '\r' => {}
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        out.push(rec);
    }
    out
}

/// `['a', 'b']` → `["a", "b"]`.
fn list(s: &str) -> Vec<String> {
    s.trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|x| x.trim().trim_matches('\'').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn intern(table: &mut Vec<String>, ids: &mut HashMap<String, u32>, s: &str) -> u32 {
    *ids.entry(s.to_string()).or_insert_with(|| {
        table.push(s.to_string());
        (table.len() - 1) as u32
    })
}

/// The JustWatch 2023 catalog of the workspace snapshot (`$WTW_DATA`, else
/// `../shared/data` beside the checkout), or `None` when the snapshot is absent.
pub fn justwatch() -> Option<Catalog> {
    let snapshot = std::env::var_os("WTW_DATA")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    let dir = snapshot.join("catalog/justwatch_2023_dgoenrique");
    let titles = std::fs::read_to_string(dir.join("titles.csv")).ok()?;
    let credits = std::fs::read_to_string(dir.join("credits.csv")).ok()?;
    let mut cat = Catalog::default();
    let (mut genre_ids, mut country_ids, mut people_ids) =
        (HashMap::new(), HashMap::new(), HashMap::new());
    let mut by_id = HashMap::new();
    for r in csv_records(&titles).into_iter().skip(1) {
        if r.len() < 15 {
            continue;
        }
        let mut t = Title {
            id: r[0].clone(),
            title: r[1].clone(),
            kind: if r[2] == "SHOW" {
                Kind::Show
            } else {
                Kind::Movie
            },
            description: r[3].clone(),
            year: r[4].parse().ok(),
            age_rating: Some(r[5].clone()).filter(|s| !s.is_empty()),
            runtime_min: r[6].parse().ok(),
            seasons: r[9].parse::<f32>().ok().map(|s| s as u16),
            imdb_id: Some(r[10].clone()).filter(|s| !s.is_empty()),
            imdb_score: r[11].parse().ok(),
            imdb_votes: r[12].parse::<f32>().ok().map(|v| v as u32),
            tmdb_popularity: r[13].parse().ok(),
            tmdb_score: r[14].parse().ok(),
            ..Title::default()
        };
        t.genres = list(&r[7])
            .iter()
            .map(|g| intern(&mut cat.genres, &mut genre_ids, g))
            .collect();
        t.countries = list(&r[8])
            .iter()
            .map(|c| intern(&mut cat.countries, &mut country_ids, c))
            .collect();
        by_id.insert(t.id.clone(), cat.titles.len());
        cat.titles.push(t);
    }
    for r in csv_records(&credits).into_iter().skip(1) {
        if r.len() < 5 {
            continue;
        }
        let Some(&ti) = by_id.get(&r[1]) else {
            continue;
        };
        let p = intern(&mut cat.people, &mut people_ids, &r[2]);
        let t = &mut cat.titles[ti];
        if r[4] == "DIRECTOR" {
            t.directors.push(p);
        } else {
            t.cast.push(p);
        }
    }
    Some(cat)
}

/// Index of the first title called exactly `name`.
pub fn title(cat: &Catalog, name: &str) -> usize {
    cat.titles
        .iter()
        .position(|t| t.title == name)
        .unwrap_or_else(|| panic!("{name} not in catalog"))
}
