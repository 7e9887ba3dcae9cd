//! A hidden route (`/bench?n=300`) that times the engine in this browser on the loaded
//! bundle and writes p50/p95 into the page, for the browser tests to read back.

use engine::recommend::{recommend, Filters, Query};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::now_ms;
use crate::state::AppData;
use crate::ui::use_data;

/// Percentiles of one benchmark, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// What was timed.
    pub name: &'static str,
    /// Runs.
    pub n: usize,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
}

fn timing(name: &'static str, mut v: Vec<f64>) -> Timing {
    v.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Timing {
        name,
        n: v.len(),
        p50: pick(0.5),
        p95: pick(0.95),
        mean: v.iter().sum::<f64>() / v.len().max(1) as f64,
    }
}

/// A small deterministic generator so every run times the same queries.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Runs the three benchmarks `n` times each.
pub fn run(data: &AppData, n: usize) -> Vec<Timing> {
    let cat = data.catalog();
    let candidates: Vec<usize> = (0..data.model.len())
        .filter(|&i| data.model.is_candidate(i))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut rng = Lcg(42);
    let mut one = Vec::with_capacity(n);
    let mut five = Vec::with_capacity(n);
    let mut search = Vec::with_capacity(n);
    let horror = cat
        .genres
        .iter()
        .position(|g| g == "horror")
        .map(|g| g as u32);
    const WORDS: [&str; 8] = [
        "strnger thngs",
        "amelie",
        "the crown",
        "breaking",
        "leonardo dicaprio",
        "narcos",
        "squid game",
        "money heist",
    ];
    for r in 0..n {
        let i = candidates[rng.below(candidates.len())];
        let t0 = now_ms();
        let recs = recommend(&data.model, cat, &Query::like(i, 10));
        one.push(now_ms() - t0);
        std::hint::black_box(recs);

        let liked: Vec<usize> = (0..5)
            .map(|_| candidates[rng.below(candidates.len())])
            .collect();
        let q = Query {
            liked,
            disliked: Vec::new(),
            filters: Filters {
                year_min: Some(1990),
                min_imdb: Some(6.0),
                genres_out: horror.into_iter().collect(),
                ..Filters::default()
            },
            k: 10,
            diversity: 0.3,
            mix_kinds: false,
        };
        let t0 = now_ms();
        let recs = recommend(&data.model, cat, &q);
        five.push(now_ms() - t0);
        std::hint::black_box(recs);

        let t0 = now_ms();
        let hits = data.search().search(WORDS[r % WORDS.len()], 10);
        search.push(now_ms() - t0);
        std::hint::black_box(hits);
    }
    vec![
        timing("one-title query", one),
        timing("5-title profile, filters, MMR", five),
        timing("search (titles and people)", search),
    ]
}

/// The benchmark page.
#[component]
pub fn BenchPage() -> impl IntoView {
    let data = use_data();
    let q = use_query_map();
    let n = q.with_untracked(|m| {
        m.get_str("n")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300usize)
            .clamp(1, 5000)
    });
    let out = RwSignal::new(None::<Vec<Timing>>);
    leptos::task::spawn_local(async move {
        // Let the page paint first so the timings do not include layout of this route.
        crate::api::next_frame().await;
        out.set(Some(run(&data, n)));
    });
    view! {
        <h1 class="page-title">"Engine benchmark"</h1>
        {move || match out.get() {
            None => view! { <p role="status">{format!("Running {n} queries of each kind…")}</p> }.into_any(),
            Some(ts) => view! {
                <table id="bench">
                    <thead><tr><th scope="col">"Benchmark"</th><th scope="col">"n"</th><th scope="col">"p50 ms"</th><th scope="col">"p95 ms"</th><th scope="col">"mean ms"</th></tr></thead>
                    <tbody>
                        {ts.into_iter().map(|t| view! {
                            <tr class="bench-row" data-name=t.name data-p50=t.p50.to_string() data-p95=t.p95.to_string() data-mean=t.mean.to_string()>
                                <td>{t.name}</td><td>{t.n}</td><td>{format!("{:.3}", t.p50)}</td><td>{format!("{:.3}", t.p95)}</td><td>{format!("{:.3}", t.mean)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
