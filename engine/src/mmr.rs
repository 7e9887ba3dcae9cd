//! Maximal Marginal Relevance re-ranking: trades relevance for variety in a result list.

/// Picks up to `k` items from `ranked` (indices with relevance, best first) greedily by
/// `(1 − λ)·relevance − λ·max similarity to the items already picked`.
///
/// At `λ = 0` this returns the first `k` items unchanged: ties go to the earlier item, so
/// the order of `ranked` is kept exactly. `λ` is clamped to [0, 1].
pub fn rerank(
    ranked: &[(usize, f32)],
    k: usize,
    lambda: f32,
    similarity: impl Fn(usize, usize) -> f32,
) -> Vec<(usize, f32)> {
    let lambda = if lambda.is_finite() {
        lambda.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if lambda == 0.0 || ranked.len() <= 1 {
        return ranked.iter().take(k).copied().collect();
    }
    let mut picked: Vec<(usize, f32)> = Vec::with_capacity(k.min(ranked.len()));
    // max_sim[i]: highest similarity of ranked[i] to anything picked so far.
    let mut max_sim = vec![0.0f32; ranked.len()];
    let mut taken = vec![false; ranked.len()];
    while picked.len() < k {
        let mut best: Option<(usize, f32)> = None;
        for (i, &(_, rel)) in ranked.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let m = (1.0 - lambda) * rel - lambda * max_sim[i];
            if best.is_none_or(|(_, b)| m > b) {
                best = Some((i, m));
            }
        }
        let Some((bi, _)) = best else { break };
        taken[bi] = true;
        let chosen = ranked[bi];
        picked.push(chosen);
        for (i, &(idx, _)) in ranked.iter().enumerate() {
            if !taken[i] {
                let s = similarity(chosen.0, idx);
                if s > max_sim[i] {
                    max_sim[i] = s;
                }
            }
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_zero_keeps_order() {
        let r = vec![(5, 0.9), (2, 0.8), (7, 0.8), (1, 0.1)];
        assert_eq!(rerank(&r, 3, 0.0, |_, _| 1.0), r[..3].to_vec());
    }

    #[test]
    fn high_lambda_avoids_near_duplicates() {
        // 0 and 1 are twins; 2 is different but a little less relevant.
        let r = vec![(0, 0.9), (1, 0.89), (2, 0.7)];
        let sim = |a: usize, b: usize| if a + b == 1 { 0.99 } else { 0.1 };
        let out: Vec<usize> = rerank(&r, 2, 0.5, sim).into_iter().map(|x| x.0).collect();
        assert_eq!(out, [0, 2]);
    }
}
