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
    let mut out = vec![
        timing("one-title query", one),
        timing("5-title profile, filters, MMR", five),
        timing("search (titles and people)", search),
    ];
    out.extend(history(data, (n / 10).clamp(3, 30)));
    out
}

/// Rows of the synthetic export the history benchmark imports.
pub const HISTORY_ROWS: usize = 10_000;

/// A `NetflixViewingHistory.csv` of `rows` rows, newest first, shaped like the real ones
/// (also the import's warm-up, `history::warm`):
/// most rows episodes of a few hundred shows (with a season part, in two languages, or
/// without one), some films, one row in ten a title the catalog does not know.
pub(crate) fn synthetic_history(cat: &engine::Catalog, rows: usize) -> String {
    use engine::catalog::Kind;
    use std::fmt::Write as _;
    let mut shows = Vec::new();
    let mut films = Vec::new();
    for (i, t) in cat.titles.iter().enumerate() {
        if t.trend_only {
            continue;
        }
        match t.kind {
            Kind::Show => shows.push(i),
            Kind::Movie => films.push(i),
        }
    }
    let by_votes = |v: &mut Vec<usize>| {
        v.sort_by_key(|&i| std::cmp::Reverse(cat.titles[i].imdb_votes.unwrap_or(0)));
        v.truncate(400);
    };
    by_votes(&mut shows);
    by_votes(&mut films);
    if shows.is_empty() || films.is_empty() {
        return String::from("Title,Date\n");
    }
    let mut rng = Lcg(7);
    let mut out = String::with_capacity(rows * 48);
    out.push_str("Title,Date\n");
    let mut day = 20_000i32;
    for r in 0..rows {
        if r % 7 == 0 {
            day -= 1;
        }
        let d = engine::history::Day::from_days(day);
        let title = match r % 20 {
            0 | 1 => format!(
                "Unknown Show {}: Season 1: Episode {}",
                rng.below(40),
                r % 13
            ),
            2..=4 => cat.titles[films[rng.below(films.len())]].title.clone(),
            _ => {
                let show = &cat.titles[shows[rng.below(shows.len())]].title;
                let (season, episode) = (1 + rng.below(4), 1 + rng.below(12));
                match r % 5 {
                    0 => format!("{show}: Temporada {season}: Capítulo {episode}"),
                    1 => format!("{show}: Episode Title {episode}"),
                    _ => format!("{show}: Season {season}: Episode {episode}"),
                }
            }
        };
        let _ = writeln!(
            out,
            "\"{}\",{}/{}/{:02}",
            title.replace('"', "\"\""),
            d.month,
            d.day,
            d.year % 100
        );
    }
    out
}

/// The history import: the resolver's build (once per catalog, kept for the session) and a
/// 10,000-row export read, resolved and turned into its first ten results, `n` times.
fn history(data: &AppData, n: usize) -> Vec<Timing> {
    use engine::history::{profile, Import, Resolver};
    let cat = data.catalog();
    let csv = synthetic_history(cat, HISTORY_ROWS);
    let mut build = Vec::new();
    let mut resolver = None;
    for _ in 0..3 {
        let t0 = now_ms();
        resolver = Some(Resolver::new(cat));
        build.push(now_ms() - t0);
    }
    let Some(resolver) = resolver else {
        return Vec::new();
    };
    let mut import = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = now_ms();
        let Ok(imp) = Import::new(csv.as_bytes(), None, &resolver) else {
            return Vec::new();
        };
        let summary = imp.summary(None, 30);
        let watched = profile::watched(&imp, None);
        let recs = profile::last_day(&watched).map(|as_of| {
            profile::recommend(
                &data.model,
                cat,
                &watched,
                &profile::Params::default(),
                as_of,
                &Query::default(),
            )
        });
        import.push(now_ms() - t0);
        std::hint::black_box((summary, recs));
    }
    vec![
        timing("history resolver build (once per catalog)", build),
        timing("history import: 10,000 rows to first results", import),
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
