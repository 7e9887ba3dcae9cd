//! Deterministic synthetic catalogs for tests and benchmarks: skewed (Zipf-like) genre,
//! people, country and word frequencies, so posting lists have realistic shapes. Used for
//! the 10x-catalog benchmark and for property tests; never by the app.

use crate::catalog::{Catalog, Kind, SourceRef, Title};

/// SplitMix64: tiny, fast, good enough for test data, and identical on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Skewed towards 0: index `⌊n · u³⌋`, so the first few items are far more common.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((n as f32 * u * u * u) as usize).min(n.saturating_sub(1))
    }
}

const GENRES: &[&str] = &[
    "drama",
    "comedy",
    "thriller",
    "action",
    "romance",
    "documentation",
    "crime",
    "family",
    "animation",
    "fantasy",
    "scifi",
    "horror",
    "reality",
    "european",
    "history",
    "music",
    "war",
    "sport",
    "western",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tu", "sa", "vor", "del", "pri", "na", "gol", "she", "bar", "qui",
    "zen", "ta", "mor", "lin", "dra", "fe",
];

fn word(i: usize) -> String {
    let mut s = String::new();
    let mut x = i + 1;
    while x > 0 {
        s.push_str(SYLLABLES[x % SYLLABLES.len()]);
        x /= SYLLABLES.len();
    }
    s.push_str("ex");
    s
}

/// A catalog of `n` titles with people, genres, countries and descriptions drawn with
/// skewed frequencies from `seed`.
pub fn catalog(n: usize, seed: u64) -> Catalog {
    let mut rng = Rng::new(seed);
    let n_people = (n * 3).max(10);
    let n_words = (n / 2).clamp(50, 20_000);
    let countries: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "{}{}",
                (b'A' + (i / 26) as u8) as char,
                (b'A' + (i % 26) as u8) as char
            )
        })
        .collect();
    let mut titles = Vec::with_capacity(n);
    for i in 0..n {
        let kind = if rng.below(10) < 7 {
            Kind::Movie
        } else {
            Kind::Show
        };
        let mut genres: Vec<u32> = (0..1 + rng.below(3))
            .map(|_| rng.skewed(GENRES.len()) as u32)
            .collect();
        genres.sort_unstable();
        genres.dedup();
        let directors = (0..rng.below(3))
            .map(|_| rng.skewed(n_people) as u32)
            .collect();
        let cast = (0..rng.below(12))
            .map(|_| rng.skewed(n_people) as u32)
            .collect();
        let countries = (0..1 + rng.below(2))
            .map(|_| rng.skewed(40) as u32)
            .collect();
        let description = (0..10 + rng.below(30))
            .map(|_| word(rng.skewed(n_words)))
            .collect::<Vec<_>>()
            .join(" ");
        let trend_only = rng.below(50) == 0;
        let votes = (rng.unit().powi(4) * 1_000_000.0) as u32;
        titles.push(Title {
            id: format!("syn{i:07}"),
            title: format!("{} {}", word(rng.below(n_words)), word(i)),
            kind,
            year: Some((2024 - rng.skewed(75)) as u16),
            description: if trend_only {
                String::new()
            } else {
                description
            },
            genres: if trend_only { Vec::new() } else { genres },
            directors,
            cast,
            countries,
            age_rating: Some(["TV-MA", "PG-13", "R", "TV-14", "PG"][rng.below(5)].into()),
            imdb_score: (rng.below(10) > 0).then(|| 3.0 + rng.unit() * 6.5),
            imdb_votes: Some(votes),
            tmdb_popularity: Some(rng.unit().powi(3) * 500.0),
            tmdb_score: Some(3.0 + rng.unit() * 6.5),
            sources: if rng.below(8) == 0 {
                vec![SourceRef {
                    source: "top10_global".into(),
                    id: format!("syn{i}"),
                }]
            } else {
                Vec::new()
            },
            trend_only,
            ..Title::default()
        });
    }
    let mut c = Catalog {
        titles,
        // Zero-padded so the table is in name order, as the builder's is.
        people: (0..n_people).map(|i| format!("Person {i:06}")).collect(),
        genres: GENRES.iter().map(|g| (*g).to_owned()).collect(),
        countries,
        terms: Default::default(),
    };
    c.index_terms();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a = catalog(100, 1);
        let b = catalog(100, 1);
        assert_eq!(a, b);
        assert_eq!(a.titles.len(), 100);
        assert!(a
            .titles
            .iter()
            .all(|t| t.genres.iter().all(|&g| (g as usize) < a.genres.len())));
    }
}
