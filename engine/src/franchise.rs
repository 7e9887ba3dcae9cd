//! Franchise links: films and series of one series of stories ("Enola Holmes" →
//! "Enola Holmes 2", "Fear Street: Part Two - 1978" → "Fear Street: Part Three - 1666"),
//! recognised from titles plus shared people, so a remake that only shares a name
//! ("Rebecca", 1940 and 2020) is not linked.

use std::collections::HashMap;

use crate::catalog::{Catalog, Title};
use crate::normalize::fold;

/// Largest group of titles sharing a base name that is still read as one franchise: more
/// is a common word ("Love", "Home"), not a series of stories.
const MAX_GROUP: usize = 12;
/// Shortest base name, in characters, that can name a franchise ("It" is too short).
const MIN_BASE: usize = 4;

/// A title's base name: the part before a subtitle (`:` or ` - `), folded, without a
/// trailing sequel number ("2", "ii", "part 2", "chapter two"), and whether such a
/// marker was there.
pub fn base_name(title: &str) -> (String, bool) {
    let head = title
        .split([':', '(', '–', '—'])
        .next()
        .unwrap_or(title)
        .split(" - ")
        .next()
        .unwrap_or(title);
    // Folded text has single spaces and none at either end: trim words off in place (one
    // allocation per title; this runs on every title in the browser).
    let mut base = fold_fast(head);
    let mut marker = false;
    if let Some(p) = base.rfind(' ') {
        if is_sequel_number(&base[p + 1..]) {
            base.truncate(p);
            marker = true;
            if let Some(p) = base.rfind(' ') {
                if matches!(&base[p + 1..], "part" | "chapter" | "vol" | "volume") {
                    base.truncate(p);
                }
            }
        }
    }
    if base.starts_with("the ") {
        base.drain(..4);
    }
    (base, marker)
}

/// [`fold`] with a fast path for ASCII text (most titles): the model runs this on every
/// title in the browser, and NFKD decomposition was most of its cost. Same output: ASCII
/// has nothing to decompose.
fn fold_fast(s: &str) -> String {
    if !s.is_ascii() {
        return fold(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == '\'' {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// "2" to "12", Roman numerals to XII, and number words to "twelve".
fn is_sequel_number(w: &str) -> bool {
    matches!(
        w,
        "2" | "3"
            | "4"
            | "5"
            | "6"
            | "7"
            | "8"
            | "9"
            | "10"
            | "11"
            | "12"
            | "ii"
            | "iii"
            | "iv"
            | "v"
            | "vi"
            | "vii"
            | "viii"
            | "ix"
            | "x"
            | "xi"
            | "xii"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "eleven"
            | "twelve"
    )
}

fn shares_person(a: &Title, b: &Title) -> bool {
    a.directors
        .iter()
        .chain(&a.cast)
        .any(|p| b.directors.contains(p) || b.cast.contains(p))
}

/// The franchise of every title (an id shared by the titles of one franchise), `None` for
/// titles in none. Two titles of the same base name are linked when they share a director
/// or cast member; links are transitive.
pub fn franchises(catalog: &Catalog) -> Vec<Option<u32>> {
    let n = catalog.titles.len();
    // Titles sorted by base name, so each base's titles are one run (no map of vectors:
    // this runs on every title in the browser) and the ids come out in a fixed order.
    let mut keyed: Vec<(String, usize)> = catalog
        .titles
        .iter()
        .enumerate()
        .map(|(i, t)| (base_name(&t.title).0, i))
        .filter(|(base, _)| base.chars().count() >= MIN_BASE)
        .collect();
    keyed.sort_unstable();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let members = keyed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| (2..=MAX_GROUP).contains(&g.len()))
        .map(|g| g.iter().map(|e| e.1).collect::<Vec<usize>>());
    for g in members {
        for (k, &a) in g.iter().enumerate() {
            for &b in &g[k + 1..] {
                if shares_person(&catalog.titles[a], &catalog.titles[b]) {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                }
            }
        }
    }
    let mut size = vec![0u32; n];
    for i in 0..n {
        let r = find(&mut parent, i);
        size[r] += 1;
    }
    let mut ids: HashMap<usize, u32> = HashMap::new();
    (0..n)
        .map(|i| {
            let r = find(&mut parent, i);
            if size[r] < 2 {
                return None;
            }
            let next = ids.len() as u32;
            Some(*ids.entry(r).or_insert(next))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names_drop_subtitles_numbers_and_articles() {
        assert_eq!(base_name("Enola Holmes 2"), ("enola holmes".into(), true));
        assert_eq!(base_name("Enola Holmes"), ("enola holmes".into(), false));
        assert_eq!(
            base_name("Fear Street: Part Two - 1978"),
            ("fear street".into(), false)
        );
        assert_eq!(
            base_name("The Kissing Booth III"),
            ("kissing booth".into(), true)
        );
        assert_eq!(base_name("Sing 2"), ("sing".into(), true));
        // A lone number is a title, not a sequel of nothing.
        assert_eq!(base_name("1917"), ("1917".into(), false));
        assert_eq!(base_name("Ocean's Eleven"), ("oceans".into(), true));
    }

    #[test]
    fn the_ascii_fast_path_folds_as_fold_does() {
        for t in [
            "Schindler's List!!",
            "  Enola Holmes 2 ",
            "A-B_c",
            "Amélie",
            "ÉCOLE",
            "x",
        ] {
            assert_eq!(fold_fast(t), fold(t), "{t}");
        }
    }

    #[test]
    fn same_base_name_links_only_with_a_shared_person() {
        let mut c = Catalog {
            people: vec!["Millie".into(), "Henry".into(), "Joan".into(), "Kim".into()],
            ..Catalog::default()
        };
        let mk = |title: &str, cast: Vec<u32>| Title {
            id: title.into(),
            title: title.into(),
            cast,
            ..Title::default()
        };
        c.titles = vec![
            mk("Enola Holmes", vec![0, 1]),
            mk("Rebecca", vec![2]),
            mk("Enola Holmes 2", vec![0]),
            mk("Rebecca", vec![3]),
            mk("Holmes", vec![0]),
        ];
        let f = franchises(&c);
        assert!(f[0].is_some());
        assert_eq!(f[0], f[2]);
        assert_eq!(f[1], None, "a remake sharing nobody is not a franchise");
        assert_eq!(f[3], None);
        assert_eq!(f[4], None, "another base name");
    }

    /// The sequel of the title asked about comes first and is explained as such, although
    /// another film shares more genres and plot words with it; without the franchise block
    /// that other film wins (the ranking before the signal).
    #[test]
    fn the_sequel_ranks_first_for_its_original() {
        use crate::model::{Model, Weights};
        use crate::recommend::{recommend, Query};
        let mut c = Catalog {
            genres: vec!["crime".into(), "drama".into(), "comedy".into()],
            people: vec!["Millie".into(), "Helena".into(), "Cid".into()],
            countries: vec!["GB".into()],
            ..Catalog::default()
        };
        let mk = |title: &str, year: u16, genres: Vec<u32>, cast: Vec<u32>, d: &str| Title {
            id: title.into(),
            title: title.into(),
            year: Some(year),
            genres,
            cast,
            countries: vec![0],
            description: d.into(),
            ..Title::default()
        };
        c.titles = vec![
            mk(
                "Enola Holmes",
                2020,
                vec![0, 1],
                vec![0, 1],
                "A sister searches for her missing mother across London.",
            ),
            mk(
                "Enola Holmes 2",
                2022,
                vec![0],
                vec![0, 1],
                "A strike at a match factory becomes a case.",
            ),
            mk(
                "The Vanishing",
                2020,
                vec![0, 1],
                vec![2],
                "A sister searches for her missing mother across Paris.",
            ),
            mk(
                "Factory Days",
                2001,
                vec![2],
                vec![2],
                "A strike at a match factory, told as a comedy.",
            ),
        ];
        let top = |w: &Weights| {
            let m = Model::build(&c, w);
            recommend(&m, &c, &Query::like(0, 2))
        };
        let with = top(&Weights::default());
        assert_eq!(with[0].index, 1, "{with:?}");
        assert!(with[0]
            .explanation
            .chips(&c)
            .contains(&"same series as Enola Holmes".to_string()));
        let without = top(&Weights {
            franchise: 0.0,
            ..Weights::default()
        });
        assert_eq!(without[0].index, 2, "{without:?}");
    }
}
