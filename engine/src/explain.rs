//! Why a title was recommended: each block's share of the score, the prior's share, and
//! what the title shares with the query (genres, people, description themes).

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::model::{Block, Model};

/// The explanation attached to every recommendation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Share of the score contributed by each block (blocks that contributed nothing are
    /// left out). With the prior's share these add up to 1; a block can be negative when
    /// disliked titles pushed the score down through it.
    pub blocks: Vec<(Block, f32)>,
    /// Share of the score that comes from the quality/popularity prior.
    pub prior_share: f32,
    /// Genre indices the title shares with the liked titles.
    pub shared_genres: Vec<u32>,
    /// Director indices (into `Catalog::people`) shared with the liked titles.
    pub shared_directors: Vec<u32>,
    /// Cast indices shared with the liked titles, strongest first.
    pub shared_cast: Vec<u32>,
    /// The description terms contributing most, as display words.
    pub shared_terms: Vec<String>,
    /// The liked (or watched) titles this result comes from, strongest first: those whose
    /// weight times similarity to it is largest (at most three).
    #[serde(default)]
    pub because: Vec<usize>,
}

/// At most this many shared terms and cast names are kept.
const MAX_SHARED: usize = 5;
/// At most this many liked titles are named as the source of a result.
const MAX_BECAUSE: usize = 3;

impl Explanation {
    /// Explains candidate `t` against query vector `q` (whose dot with `t` is
    /// `content_raw`), given the final `score` and the prior weight `alpha`.
    pub(crate) fn build(
        model: &Model,
        catalog: &Catalog,
        q: &[(u32, f32)],
        (liked, weights): (&[usize], Option<&[f32]>),
        t: usize,
        content: f32,
        score: f32,
    ) -> Explanation {
        let alpha = model.weights().prior;
        let x = model.vector(t);
        let mut per_block = [0.0f32; Block::ALL.len()];
        let mut directors: Vec<(u32, f32)> = Vec::new();
        let mut cast: Vec<(u32, f32)> = Vec::new();
        let mut terms: Vec<(u32, f32)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < q.len() && j < x.len() {
            match q[i].0.cmp(&x[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let f = q[i].0;
                    let c = q[i].1 * x[j].1;
                    let block = model.block_of(f);
                    per_block[block as usize] += c;
                    if c > 0.0 {
                        match block {
                            Block::Directors => directors.push((model.local_id(f), c)),
                            Block::Cast => cast.push((model.local_id(f), c)),
                            Block::Terms => terms.push((f, c)),
                            _ => {}
                        }
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        let content_raw: f32 = per_block.iter().sum();
        let by_strength = |v: &mut Vec<(u32, f32)>| {
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        };
        by_strength(&mut directors);
        by_strength(&mut cast);
        by_strength(&mut terms);
        let (blocks, prior_share) = if score > 0.0 && content_raw > 0.0 {
            // score = content·(1 − α) + content·α·prior: the first part is split among the
            // blocks in proportion to their dot-product terms, the second is the prior's.
            let content_part = content * (1.0 - alpha) / score;
            let blocks = Block::ALL
                .iter()
                .zip(per_block)
                .filter(|&(_, c)| c != 0.0)
                .map(|(&b, c)| (b, c / content_raw * content_part))
                .collect();
            (blocks, (1.0 - content_part).clamp(0.0, 1.0))
        } else {
            (Vec::new(), 1.0)
        };
        let mut shared_genres: Vec<u32> = catalog
            .titles
            .get(t)
            .map(|tt| {
                tt.genres
                    .iter()
                    .copied()
                    .filter(|g| {
                        liked.iter().any(|&l| {
                            catalog
                                .titles
                                .get(l)
                                .is_some_and(|lt| lt.genres.contains(g))
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        shared_genres.dedup();
        let mut because: Vec<(usize, f32)> = liked
            .iter()
            .enumerate()
            .filter(|&(_, &l)| l != t)
            .map(|(n, &l)| {
                let w = weights.and_then(|w| w.get(n)).copied().unwrap_or(1.0);
                (l, w * model.similarity(t, l))
            })
            .filter(|&(_, c)| c > 0.0)
            .collect();
        because.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        because.truncate(MAX_BECAUSE);
        Explanation {
            because: because.into_iter().map(|(l, _)| l).collect(),
            blocks,
            prior_share,
            shared_genres,
            shared_directors: directors.into_iter().map(|(p, _)| p).collect(),
            shared_cast: cast.into_iter().take(MAX_SHARED).map(|(p, _)| p).collect(),
            shared_terms: terms
                .into_iter()
                .take(MAX_SHARED)
                .filter_map(|(f, _)| model.term_word(f).map(str::to_owned))
                .collect(),
        }
    }

    /// Share of one block (0 when it contributed nothing).
    pub fn share(&self, block: Block) -> f32 {
        self.blocks
            .iter()
            .find(|(b, _)| *b == block)
            .map_or(0.0, |&(_, s)| s)
    }

    /// "because you watched A, B" for a profile made from a viewing history (empty when
    /// no liked title is similar).
    pub fn because_watched(&self, catalog: &Catalog) -> String {
        let names: Vec<&str> = self
            .because
            .iter()
            .filter_map(|&i| catalog.titles.get(i).map(|t| t.title.as_str()))
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!("because you watched {}", names.join(", "))
        }
    }

    /// Short human-readable reasons, strongest kinds first:
    /// `same series as X`, `same director: X`, `shared cast: Y, Z`, `genres: …`, `themes: …`.
    pub fn chips(&self, catalog: &Catalog) -> Vec<String> {
        let names = |ids: &[u32], max: usize| {
            ids.iter()
                .take(max)
                .map(|&p| catalog.person(p))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = Vec::new();
        // A franchise link is the strongest reason there is: name the title it continues.
        if self.share(Block::Franchise) > 0.0 {
            if let Some(t) = self.because.first().and_then(|&i| catalog.titles.get(i)) {
                out.push(format!("same series as {}", t.title));
            }
        }
        if !self.shared_directors.is_empty() {
            out.push(format!(
                "same director: {}",
                names(&self.shared_directors, 2)
            ));
        }
        if !self.shared_cast.is_empty() {
            out.push(format!("shared cast: {}", names(&self.shared_cast, 3)));
        }
        if !self.shared_genres.is_empty() {
            let g: Vec<&str> = self
                .shared_genres
                .iter()
                .filter_map(|&g| catalog.genres.get(g as usize).map(String::as_str))
                .collect();
            if !g.is_empty() {
                out.push(format!("genres: {}", g.join(", ")));
            }
        }
        if !self.shared_terms.is_empty() {
            let t: Vec<&str> = self
                .shared_terms
                .iter()
                .take(4)
                .map(String::as_str)
                .collect();
            out.push(format!("themes: {}", t.join(", ")));
        }
        out
    }
}
