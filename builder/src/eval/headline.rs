//! The behavioural headline figures a recorded build keeps in its metrics history: the
//! one-title and next-watch benchmarks of `builder eval`, each beside its baselines.
//!
//! Names follow the history's `line.metric` shape (the Model & data page draws one chart
//! per metric, one line per prefix): `model.one_title_ndcg@10` beside
//! `tfidf.one_title_ndcg@10` and `popularity.one_title_ndcg@10`, and
//! `model.next_watch_hr@10` beside `popularity.next_watch_hr@10`.

use std::collections::HashSet;
use std::path::PathBuf;

use engine::catalog::Catalog;
use engine::history::profile;
use engine::metrics::Baseline;
use engine::model::Model;

use super::next_watch::{files_of, model_list, popular_list};
use super::one_title::{model_one, popular_one, queries_of, score_one, tfidf_list, total_of};
use super::{candidates, read_histories, Scores};

/// Per-file scores and the titles listed, of one method.
type Measured = (Vec<Scores>, HashSet<usize>);

/// Where the viewing histories sit in the data directories (`DataDirs::list`).
pub const HISTORIES_DIR: &str = "viewing_histories";

/// Cuts per history and days of truth after each, as `builder eval`'s defaults.
const CUTS: usize = 4;
const HORIZON: i32 = 60;

/// The headline figures of `model` on the histories of `paths`, rounded to six decimals.
/// Empty when no file could be read (the history then carries the sanity line alone).
/// A file that cannot be opened is an error naming it; one the history reader refuses is
/// left out, as in `builder eval`.
pub fn headline(
    catalog: &Catalog,
    model: &Model,
    paths: &[PathBuf],
) -> anyhow::Result<Vec<(String, f64)>> {
    let mut skipped = String::new();
    let h = read_histories(paths, catalog, &mut skipped)?;
    for line in skipped.lines() {
        tracing::warn!("viewing history {line}");
    }
    if h.imports.is_empty() {
        return Ok(Vec::new());
    }
    let n_cand = candidates(model) as f64;
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut push = |name: String, v: f64| out.push((name, (v * 1e6).round() / 1e6));

    // One title: the app's "more like this" list against the original TF-IDF and popularity.
    let queries = queries_of(&h, model);
    let n = h.names.len();
    let base = Baseline::build(catalog);
    let methods: [(&str, Measured); 3] = [
        (
            "model",
            score_one(n, &queries, |q| model_one(model, catalog, &[], q)),
        ),
        (
            "tfidf",
            score_one(n, &queries, |q| tfidf_list(&base, catalog, model, q)),
        ),
        (
            "popularity",
            score_one(n, &queries, |q| popular_one(model, catalog, q)),
        ),
    ];
    for (line, (per, seen)) in &methods {
        let (_, recall, ndcg) = total_of(per, None).mean();
        push(format!("{line}.one_title_ndcg@10"), ndcg);
        push(format!("{line}.one_title_recall@10"), recall);
        push(
            format!("{line}.one_title_coverage"),
            seen.len() as f64 / n_cand,
        );
    }

    // Next watch: the history profile at four cuts per history against popularity.
    let files = files_of(&h, model, catalog, &[], CUTS, HORIZON);
    let cuts: Vec<_> = files.iter().flat_map(|f| &f.cuts).collect();
    let params = profile::Params::default();
    let lists = crate::par::map_ordered(&cuts, |c| {
        (
            model_list(model, catalog, c, &params),
            popular_list(model, catalog, c),
        )
    });
    let (mut ours, mut pop) = (Scores::default(), Scores::default());
    for (c, (m, p)) in cuts.iter().zip(&lists) {
        ours.add(m, &c.truth);
        pop.add(p, &c.truth);
    }
    for (line, s) in [("model", ours), ("popularity", pop)] {
        let (hr, _, ndcg) = s.mean();
        push(format!("{line}.next_watch_hr@10"), hr);
        push(format!("{line}.next_watch_ndcg@10"), ndcg);
    }
    push("data.histories".into(), h.imports.len() as f64);
    push("data.one_title_queries".into(), queries.len() as f64);
    push("data.next_watch_cuts".into(), ours.n as f64);
    Ok(out)
}
