//! Sparse vectors and the inverted index that scores a query against every title at once.
//!
//! A vector is a list of `(feature id, value)` sorted by feature id. Scoring walks the
//! posting list of each query feature and adds into a dense accumulator, so a query costs
//! the total length of the postings it touches, not the catalog size times the vector size.
//! Because both the index walk and [`dot`] add products in ascending feature order, the
//! index gives bit-for-bit the same scores as the brute-force dot product.

/// A sparse vector: `(feature id, value)` pairs sorted by feature id, no duplicates.
pub type SparseVec = Vec<(u32, f32)>;

/// Dot product of two sorted sparse vectors (a merge walk).
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Euclidean norm.
pub fn norm(v: &[(u32, f32)]) -> f32 {
    v.iter().map(|&(_, x)| x * x).sum::<f32>().sqrt()
}

/// Scales `v` in place to unit length; a zero vector stays zero.
pub fn normalize(v: &mut [(u32, f32)]) {
    let n = norm(v);
    if n > 0.0 {
        for e in v.iter_mut() {
            e.1 /= n;
        }
    }
}

/// Sorts `(feature, value)` pairs and sums duplicates, dropping exact zeros.
pub fn canonicalize(mut v: Vec<(u32, f32)>) -> SparseVec {
    v.sort_by_key(|&(f, _)| f);
    let mut out: SparseVec = Vec::with_capacity(v.len());
    for (f, x) in v {
        match out.last_mut() {
            Some(last) if last.0 == f => last.1 += x,
            _ => out.push((f, x)),
        }
    }
    out.retain(|&(_, x)| x != 0.0);
    out
}

/// Per-title vectors plus their inverted index (postings in compressed-row form).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// One vector per title, by title index.
    pub vectors: Vec<SparseVec>,
    /// `post_off[f]..post_off[f + 1]` is the slice of postings for feature `f`.
    post_off: Vec<u32>,
    /// Title index of each posting, ascending within a feature.
    post_doc: Vec<u32>,
    /// Value of each posting.
    post_val: Vec<f32>,
}

impl Index {
    /// Builds the index over `vectors`, with postings for feature ids below `n_features`
    /// only (higher ids stay in the vectors but are not searchable: the model keeps its
    /// type and era features there, which nearly every title has). Only titles for which
    /// `indexed` is true get postings (others can query but are never found).
    pub fn build(vectors: Vec<SparseVec>, n_features: usize, indexed: &[bool]) -> Index {
        let mut counts = vec![0u32; n_features + 1];
        for (t, v) in vectors.iter().enumerate() {
            if indexed.get(t).copied().unwrap_or(false) {
                for &(f, _) in v.iter().filter(|e| (e.0 as usize) < n_features) {
                    counts[f as usize + 1] += 1;
                }
            }
        }
        for f in 0..n_features {
            counts[f + 1] += counts[f];
        }
        let total = counts[n_features] as usize;
        let mut post_doc = vec![0u32; total];
        let mut post_val = vec![0f32; total];
        let mut fill = counts.clone();
        for (t, v) in vectors.iter().enumerate() {
            if indexed.get(t).copied().unwrap_or(false) {
                for &(f, x) in v.iter().filter(|e| (e.0 as usize) < n_features) {
                    let slot = &mut fill[f as usize];
                    post_doc[*slot as usize] = t as u32;
                    post_val[*slot as usize] = x;
                    *slot += 1;
                }
            }
        }
        Index {
            vectors,
            post_off: counts,
            post_doc,
            post_val,
        }
    }

    /// Number of titles.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// True when there are no titles.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Number of postings (non-zeros of indexed titles): the index's size.
    pub fn postings(&self) -> usize {
        self.post_doc.len()
    }

    /// Adds `query · vector[t]` into `acc[t]` for every indexed title sharing a feature
    /// with the query, and marks those titles in `touched` (listing each once in `hits`).
    /// A postings-only copy of this index keeping the titles for which `keep` is true
    /// (no vectors), renumbered `0..m` in title order, and the title index of each new
    /// number. The offline metrics query one kind at a time; scattering into a dense array
    /// of that kind's candidates only roughly halves their work and their cache footprint.
    pub(crate) fn restricted(&self, keep: impl Fn(usize) -> bool) -> (Index, Vec<u32>) {
        let n = self
            .post_doc
            .iter()
            .map(|&d| d as usize + 1)
            .max()
            .unwrap_or(0);
        let mut local = vec![u32::MAX; n];
        let mut docs: Vec<u32> = Vec::new();
        for (d, slot) in local.iter_mut().enumerate() {
            if keep(d) {
                *slot = docs.len() as u32;
                docs.push(d as u32);
            }
        }
        let mut out = Index {
            vectors: Vec::new(),
            post_off: Vec::with_capacity(self.post_off.len()),
            post_doc: Vec::new(),
            post_val: Vec::new(),
        };
        out.post_off.push(0);
        for w in self.post_off.windows(2) {
            let (lo, hi) = (w[0] as usize, w[1] as usize);
            for (&d, &x) in self.post_doc[lo..hi].iter().zip(&self.post_val[lo..hi]) {
                let l = local[d as usize];
                if l != u32::MAX {
                    out.post_doc.push(l);
                    out.post_val.push(x);
                }
            }
            out.post_off.push(out.post_doc.len() as u32);
        }
        (out, docs)
    }

    /// Adds `query · vector[d]` into `acc[d]` for every indexed title, without tracking
    /// which were touched: for a query with only positive weights (one liked title) a
    /// touched title is exactly one whose sum is above zero, so the caller can scan `acc`
    /// densely. The summation order is that of [`Index::accumulate`], bit for bit.
    pub(crate) fn accumulate_dense(&self, query: &[(u32, f32)], acc: &mut [f32]) {
        for &(f, q) in query {
            let f = f as usize;
            if f + 1 >= self.post_off.len() {
                continue;
            }
            let (lo, hi) = (self.post_off[f] as usize, self.post_off[f + 1] as usize);
            for (&d, &x) in self.post_doc[lo..hi].iter().zip(&self.post_val[lo..hi]) {
                if let Some(a) = acc.get_mut(d as usize) {
                    *a += q * x;
                }
            }
        }
    }

    pub fn accumulate(
        &self,
        query: &[(u32, f32)],
        acc: &mut [f32],
        touched: &mut [bool],
        hits: &mut Vec<u32>,
    ) {
        for &(f, q) in query {
            let f = f as usize;
            if f + 1 >= self.post_off.len() {
                continue;
            }
            let (lo, hi) = (self.post_off[f] as usize, self.post_off[f + 1] as usize);
            for (&d, &x) in self.post_doc[lo..hi].iter().zip(&self.post_val[lo..hi]) {
                let d = d as usize;
                acc[d] += q * x;
                if !touched[d] {
                    touched[d] = true;
                    hits.push(d as u32);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalize_sorts_and_merges() {
        let v = canonicalize(vec![(3, 1.0), (1, 2.0), (3, 0.5), (2, 0.0)]);
        assert_eq!(v, vec![(1, 2.0), (3, 1.5)]);
    }

    #[test]
    fn index_matches_dot() {
        let vs = vec![
            vec![(0, 1.0), (2, 2.0)],
            vec![(1, 1.0), (2, 1.0)],
            vec![(0, 3.0)],
        ];
        let idx = Index::build(vs.clone(), 3, &[true, true, false]);
        let q = vec![(0, 0.5), (2, 1.0)];
        let mut acc = vec![0.0; 3];
        let mut touched = vec![false; 3];
        let mut hits = Vec::new();
        idx.accumulate(&q, &mut acc, &mut touched, &mut hits);
        assert_eq!(acc[0], dot(&q, &vs[0]));
        assert_eq!(acc[1], dot(&q, &vs[1]));
        assert_eq!(acc[2], 0.0, "unindexed title is never scored");
        hits.sort_unstable();
        assert_eq!(hits, [0, 1]);
    }
}
