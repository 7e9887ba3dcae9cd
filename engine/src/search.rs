//! Title search as the user types: folded prefix and substring matches first, ranked by
//! how early and how completely the query matches.

use crate::catalog::Catalog;
use crate::normalize::fold;

/// Titles matching `query`, best first, at most `limit`. Returns indices into
/// `catalog.titles`.
pub fn search_titles(catalog: &Catalog, query: &str, limit: usize) -> Vec<usize> {
    let q = fold(query);
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u32, usize)> = catalog
        .titles
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let f = fold(&t.title);
            let rank = if f == q {
                0
            } else if f.starts_with(&q) {
                1
            } else if f.contains(&q) {
                2
            } else {
                return None;
            };
            Some((rank, i))
        })
        .collect();
    hits.sort_by_key(|&(rank, i)| (rank, catalog.titles[i].title.len(), i));
    hits.into_iter().take(limit).map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Title;

    fn cat(names: &[&str]) -> Catalog {
        Catalog {
            titles: names
                .iter()
                .map(|n| Title {
                    title: (*n).into(),
                    ..Title::default()
                })
                .collect(),
            ..Catalog::default()
        }
    }

    #[test]
    fn exact_then_prefix_then_substring() {
        let c = cat(&["The Heat", "Heat", "Heathers", "Red Heat"]);
        let hits: Vec<&str> = search_titles(&c, "heat", 10)
            .into_iter()
            .map(|i| c.titles[i].title.as_str())
            .collect();
        assert_eq!(hits, ["Heat", "Heathers", "The Heat", "Red Heat"]);
    }

    #[test]
    fn accents_fold() {
        let c = cat(&["Amélie"]);
        assert_eq!(search_titles(&c, "AMELIE", 5), vec![0]);
        assert!(search_titles(&c, "  ", 5).is_empty());
    }
}
