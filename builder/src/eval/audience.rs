//! Audience overlap from the per-country Top 10 charts, as vectors per title.

use engine::features::{canonicalize, normalize, Index, SparseVec};
use engine::Bundle;

/// over the run's weeks; unit length. Titles in the Top 10 of the same countries in the
/// same weeks were watched by the same audiences.
pub struct Audience {
    index: Index,
}

impl Audience {
    /// Builds the vectors from the bundle's country runs (details file). With `weeks`
    /// false the feature is the country alone (valued by best rank times weeks charted):
    /// "charted in the same countries", whatever the week.
    pub fn build(bundle: &Bundle, n_titles: usize, weeks: bool) -> Audience {
        let t = &bundle.body.trends;
        let n_weeks = if weeks {
            t.weeks.len().max(1) as u32
        } else {
            1
        };
        let mut vectors: Vec<SparseVec> = vec![Vec::new(); n_titles];
        for r in &t.country_runs {
            let Some(v) = vectors.get_mut(r.title as usize) else {
                continue;
            };
            let rank = f32::from(11u8.saturating_sub(r.best_rank.clamp(1, 10))) / 10.0;
            if !weeks {
                v.push((u32::from(r.country), rank * f32::from(r.weeks)));
                continue;
            }
            let span = r.last_week.saturating_sub(r.first_week) + 1;
            // A run's weeks may have gaps: its value is shared over the span.
            let x = rank * f32::from(r.weeks.min(span)) / f32::from(span);
            for w in r.first_week..=r.last_week {
                v.push((u32::from(r.country) * n_weeks + u32::from(w), x));
            }
        }
        let n_features = t.countries.len() * n_weeks as usize;
        let vectors: Vec<SparseVec> = vectors
            .into_iter()
            .map(|v| {
                let mut v = canonicalize(v);
                normalize(&mut v);
                v
            })
            .collect();
        let indexed: Vec<bool> = vectors.iter().map(|v| !v.is_empty()).collect();
        Audience {
            index: Index::build(vectors, n_features, &indexed),
        }
    }

    /// Vectors made elsewhere (franchise groups, tags), one per title, over `n_features`.
    pub fn from_vectors(vectors: Vec<SparseVec>, n_features: usize) -> Audience {
        let vectors: Vec<SparseVec> = vectors
            .into_iter()
            .map(|v| {
                let mut v = canonicalize(v);
                normalize(&mut v);
                v
            })
            .collect();
        let indexed: Vec<bool> = vectors.iter().map(|v| !v.is_empty()).collect();
        Audience {
            index: Index::build(vectors, n_features, &indexed),
        }
    }

    /// The titles sharing a feature with `a`, with their cosine (`a` itself included).
    pub(super) fn neighbours(&self, a: usize) -> Vec<(usize, f32)> {
        let s = self.scores(a);
        s.into_iter().enumerate().filter(|e| e.1 > 0.0).collect()
    }

    /// Audience cosine of `a` with every title (dense).
    pub(super) fn scores(&self, a: usize) -> Vec<f32> {
        let n = self.index.len();
        let (mut acc, mut touched, mut hits) = (vec![0.0f32; n], vec![false; n], Vec::new());
        if let Some(q) = self.index.vectors.get(a) {
            self.index.accumulate(q, &mut acc, &mut touched, &mut hits);
        }
        acc
    }

    /// Titles with a chart history.
    pub(super) fn charted(&self) -> usize {
        self.index.vectors.iter().filter(|v| !v.is_empty()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{catalog, idx};
    use super::*;
    use engine::bundle::Body;
    use engine::trends::{Country, CountryRun};

    #[test]
    fn audience_overlap_follows_shared_country_weeks() {
        let c = catalog();
        let (dark, crown, narcos) = (idx(&c, "Dark"), idx(&c, "The Crown"), idx(&c, "Narcos"));
        let mut body = Body {
            catalog: c,
            ..Body::default()
        };
        let t = &mut body.trends;
        t.weeks = (0..10).map(|w| format!("2021-01-{:02}", w + 1)).collect();
        t.countries = ["KR", "JP", "US"]
            .iter()
            .map(|c| Country {
                iso2: (*c).into(),
                name: (*c).into(),
            })
            .collect();
        let run = |country: u16, title: usize, first: u16, last: u16| CountryRun {
            country,
            title: title as u32,
            weeks: last - first + 1,
            best_rank: 1,
            first_week: first,
            last_week: last,
        };
        // Dark and The Crown charted in KR and JP in the same weeks; Narcos in the US.
        t.country_runs = vec![
            run(0, dark, 0, 3),
            run(1, dark, 0, 3),
            run(0, crown, 2, 5),
            run(1, crown, 2, 5),
            run(2, narcos, 0, 3),
            run(0, narcos, 8, 9),
        ];
        let bundle = Bundle::new(body, "2021-01-11T00:00:00Z", "2021-01-10", "test");
        let n = bundle.body.catalog.titles.len();
        let weekly = Audience::build(&bundle, n, true);
        let s = weekly.scores(dark);
        assert!(s[crown] > 0.4, "{}", s[crown]);
        assert_eq!(s[narcos], 0.0, "KR in other weeks is not the same audience");
        let countries = Audience::build(&bundle, n, false);
        let s = countries.scores(dark);
        assert!(s[crown] > s[narcos] && s[narcos] > 0.0);
        assert_eq!(weekly.charted(), 3);
    }
}
