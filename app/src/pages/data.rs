//! Model and data: freshness per source, row counts, match rates, the lowest-confidence
//! matches, and the metrics history as charts.

use std::collections::BTreeMap;

use charming::datatype::CompositeValue;
use leptos::prelude::*;

use crate::components::section::Section;

use crate::components::charts::{build, Chart};
use crate::ui::{compact, thousands, use_data};
use engine::report::MetricsRecord;

/// The Model and data page (`/data`).
#[component]
pub fn DataPage() -> impl IntoView {
    crate::ui::set_doc_title("Model & data");
    let data = use_data();
    let b = &data.bundle;
    let report = &b.body.report;
    // People and weekly rows grow when the details file is attached: recount then.
    let d = data.clone();
    let summary = move || {
        d.details.track();
        format!(
            "Data through the week ending {}: {} titles, {} people, {} weekly Top 10 entries.",
            d.bundle.header.data_week,
            thousands(d.catalog().titles.len() as u64),
            thousands(d.catalog().people.len() as u64),
            thousands(d.trends().global.len() as u64),
        )
    };
    // The build's technical line, folded away: useful to a maintainer, noise to a viewer.
    let technical = {
        let h = &b.header;
        let rev = if h.git_rev.is_empty() || h.git_rev == "unknown" {
            "an unrecorded code revision".to_string()
        } else {
            format!("code revision {}", h.git_rev)
        };
        format!(
            "Bundle format v{}, built {} from {rev}. Decoding it and building the model took {:.0} ms in this browser.",
            h.format_version, h.build_time, data.prepare_ms
        )
    };

    let sources = if report.sources.is_empty() {
        view! { <p class="muted">"This bundle carries no source report."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table id="sources-table">
                    <thead><tr><th scope="col">"Source"</th><th scope="col">"File"</th><th scope="col">"Latest"</th><th scope="col">"Rows read"</th><th scope="col">"Rejected"</th></tr></thead>
                    <tbody>
                        {report.sources.iter().map(|s| {
                            let rejects = s.rejects.iter().take(5).map(|r| {
                                let col = r.column.clone().map(|c| format!(" [{c}]")).unwrap_or_default();
                                format!("line {}{col}: {}", r.line, r.reason)
                            }).collect::<Vec<_>>();
                            view! {
                                <tr>
                                    <td><code>{s.name.clone()}</code></td>
                                    <td class="small">{s.file.clone()}</td>
                                    <td>{s.latest.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{thousands(s.rows_read)}</td>
                                    <td class="num" title=rejects.join("\n")>{thousands(s.rows_rejected)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };

    let joins = if report.joins.is_empty() {
        view! { <p class="muted">"No joins reported."</p> }.into_any()
    } else {
        let names: Vec<String> = report.joins.iter().map(|j| j.name.clone()).collect();
        let rates: Vec<CompositeValue> = report
            .joins
            .iter()
            .map(|j| CompositeValue::from((j.rate() * 1000.0).round() / 10.0))
            .collect();
        let chart = build::bars(names, "% matched", vec![("Match rate".into(), rates)]);
        view! {
            <div class="table-wrap">
                <table id="joins-table">
                    <thead><tr><th scope="col">"Join"</th><th scope="col">"Matched"</th><th scope="col">"Of"</th><th scope="col">"Rate"</th></tr></thead>
                    <tbody>
                        {report.joins.iter().map(|j| view! {
                            <tr><td>{j.name.clone()}</td><td class="num">{thousands(j.matched)}</td><td class="num">{thousands(j.total)}</td>
                                <td class="num">{format!("{:.1}%", j.rate() * 100.0)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Chart option=move || chart.clone() height=260 label="Match rate per join" />
        }
        .into_any()
    };

    let low = if report.low_confidence.is_empty() {
        view! { <p class="muted">"No low-confidence matches reported."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table id="low-table">
                    <thead><tr><th scope="col">"Join"</th><th scope="col">"Source text"</th><th scope="col">"Matched to"</th><th scope="col">"Similarity"</th></tr></thead>
                    <tbody>
                        {report.low_confidence.iter().take(30).map(|m| view! {
                            <tr><td class="small">{m.join.clone()}</td><td>{m.left.clone()}</td><td>{m.right.clone()}</td>
                                <td class="num">{format!("{:.2}", m.score)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };

    // How much of what people watch now can seed recommendations (issue: a catalog that
    // stops years before the charts is a dead end for recent hits).
    let freshness = match &report.freshness {
        None => view! { <p class="muted">"This bundle does not measure freshness."</p> }.into_any(),
        Some(f) => {
            let pct = |n: u64, of: u64| {
                if of == 0 {
                    0.0
                } else {
                    n as f64 * 100.0 / of as f64
                }
            };
            let line = format!(
                "Of the {} titles in the global Top 10 in the last {} weeks, {} ({:.0}%) can seed recommendations from their own details: films {} of {} ({:.0}%), series {} of {} ({:.0}%).",
                thousands(f.titles), f.weeks, thousands(f.recommendable), pct(f.recommendable, f.titles),
                thousands(f.films.recommendable), thousands(f.films.titles), pct(f.films.recommendable, f.films.titles),
                thousands(f.series.recommendable), thousands(f.series.titles), pct(f.series.recommendable, f.series.titles),
            );
            let gaps = f.top_gaps.iter().take(10).map(|g| view! {
                <li>{g.title.clone()}<span class="muted small">{format!(" · {} hours in the Top 10", compact(g.hours))}</span></li>
            }).collect_view();
            view! {
                <p id="freshness">{line}</p>
                <h3>"Most watched titles still without details"</h3>
                <ol class="gaps" id="freshness-gaps">{gaps}</ol>
            }
            .into_any()
        }
    };

    let history = &b.body.metrics_history;
    let headline = headline_view(history);
    let metrics = if history.is_empty() {
        view! { <p class="muted">"No metrics history in this bundle yet."</p> }.into_any()
    } else {
        let latest = history
            .last()
            .map(|r| r.weights.clone())
            .unwrap_or_default();
        view! {
            <p class="muted small">"Each list is scored on whether its titles share a genre with the title asked about. Almost every list does, so this stays near its ceiling and cannot tell a good model from a poor one: it only catches a broken build."</p>
            {family_charts(history, |m| !is_behavioural(m))}
            <h3>"Weights of the latest build"</h3>
            <ul class="weights">
                {latest.into_iter().map(|(k, v)| view! { <li><code>{k}</code>" = "{format!("{v:.3}")}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };

    view! {
        <h1 class="page-title">"Model and data"</h1>
        <p class="lede" id="data-summary">{summary}</p>
        <details class="technical"><summary>"Build details"</summary><p class="muted small" id="build-line">{technical}</p></details>
        <Section id="quality-h" title="Do people watch what we suggest?">{headline}</Section>
        <Section id="fresh-h" title="Sources: freshness and row counts">{sources}</Section>
        <Section id="recent-h" title="Recent hits covered">{freshness}</Section>
        <Section id="join-h" title="Match rates">{joins}</Section>
        <Section id="low-h" title="Lowest-confidence matches">{low}</Section>
        <Section id="metrics-h" title="Sanity check: lists that share a genre">{metrics}</Section>
        <section aria-labelledby="credits-h">
            <h2 id="credits-h">"Credits"</h2>
            <p id="credits">
                "Charts and engagement figures: Netflix Top 10 and Netflix engagement reports. Catalogs: Kaggle datasets of Netflix titles (JustWatch exports). "
                "Film metadata and posters: TMDB (The Movie Database); poster images load from TMDB's servers. "
                "This product uses the TMDB API but is not endorsed or certified by TMDB. "
                "Not affiliated with Netflix."
            </p>
        </section>
    }
}

/// Whether a metric family is one of the behavioural benchmarks (`builder eval`).
fn is_behavioural(metric: &str) -> bool {
    metric.starts_with("one_title_") || metric.starts_with("next_watch_")
}

/// One chart per metric family (the part after the line prefix, e.g. `map@10`) that
/// `keep` admits, one line per prefix (`movie`, `model`, `tfidf`), so values of different
/// scales never share an axis. The `data.` counts are context, not charts.
fn family_charts(history: &[MetricsRecord], keep: impl Fn(&str) -> bool) -> impl IntoView {
    let labels: Vec<String> = history
        .iter()
        .map(|r| {
            let rev: String = r.git_rev.chars().take(7).collect();
            format!("{} {rev}", r.time.get(..10).unwrap_or(&r.time))
        })
        .collect();
    let mut families: BTreeMap<String, BTreeMap<String, Vec<Option<f64>>>> = BTreeMap::new();
    for (k, r) in history.iter().enumerate() {
        for (name, v) in &r.values {
            let (line, metric) = name.split_once('.').unwrap_or(("all", name.as_str()));
            if line == "data" || !keep(metric) {
                continue;
            }
            let row = families
                .entry(metric.to_owned())
                .or_default()
                .entry(line_name(line).to_owned())
                .or_insert_with(|| vec![None; history.len()]);
            row[k] = Some(*v);
        }
    }
    view! {
        <div class="grid2">
            {families.into_iter().map(|(metric, lines)| {
                let series: Vec<(String, Vec<CompositeValue>)> = lines.into_iter()
                    .map(|(k, vals)| (k, vals.into_iter().map(build::gap).collect())).collect();
                let name = metric_name(&metric);
                let chart = build::lines(labels.clone(), &name, false, series);
                let label = format!("{name} per build");
                view! { <div><h3 title=metric.clone()>{name.clone()}</h3><Chart option=move || chart.clone() height=240 label /></div> }
            }).collect_view()}
        </div>
    }
}

/// A history line's prefix in plain words.
fn line_name(prefix: &str) -> &str {
    match prefix {
        "model" => "this app",
        "tfidf" => "original system (TF-IDF)",
        "popularity" => "most popular",
        other => other,
    }
}

/// The behavioural figures of the latest build that measured them, in plain words, with
/// their history; the technical names are folded away.
fn headline_view(history: &[MetricsRecord]) -> AnyView {
    let Some((at, r)) = history.iter().enumerate().rev().find(|(_, r)| {
        r.values
            .iter()
            .any(|(k, _)| k == "model.one_title_recall@10")
    }) else {
        return view! {
            <p class="muted" id="quality-none">"This bundle carries no behavioural measurement yet: it is taken by the weekly build, which replays real viewing histories (see BENCHMARKS.md)."</p>
        }
        .into_any();
    };
    let get = |k: &str| {
        r.values
            .iter()
            .find(|(n, _)| n == k)
            .map_or(0.0, |(_, v)| *v)
    };
    let pct = |k: &str| format!("{:.1}%", get(k) * 100.0);
    let when = format!(
        "Measured by the build of {} (code revision {}) on {} titles asked about and {} history cuts, from {} real viewing histories.",
        r.time.get(..10).unwrap_or(&r.time),
        r.git_rev.chars().take(7).collect::<String>(),
        get("data.one_title_queries") as u64,
        get("data.next_watch_cuts") as u64,
        get("data.histories") as u64,
    );
    let stale = (at + 1 < history.len()).then(|| view! {
        <p class="muted small" id="quality-stale">"Later builds did not repeat it: the benchmark reads every history and asks some 7,000 questions, too slow for each build, so only the weekly build records it."</p>
    });
    let similar = format!(
        "More like this: of the titles people went on to watch within 30 days of one they had watched, our 10 similar titles found {}, the original system's {}, and the 10 most popular titles {}.",
        pct("model.one_title_recall@10"),
        pct("tfidf.one_title_recall@10"),
        pct("popularity.one_title_recall@10"),
    );
    let next = format!(
        "What next: cut a person's history at a date; in {} of cases at least one of our 10 picks was among what they watched in the next 60 days (the most popular titles: {}).",
        pct("model.next_watch_hr@10"),
        pct("popularity.next_watch_hr@10"),
    );
    let breadth = format!(
        "Breadth: our similar-title lists use {} of the catalog; the most popular titles use {}.",
        pct("model.one_title_coverage"),
        pct("popularity.one_title_coverage"),
    );
    let technical = format!(
        "One-title lists: nDCG@10 {:.4} (TF-IDF {:.4}, popularity {:.4}), recall@10 {:.4}, catalog coverage {:.3}. Next watch: HR@10 {:.3}, nDCG@10 {:.4} (popularity {:.3} / {:.4}).",
        get("model.one_title_ndcg@10"),
        get("tfidf.one_title_ndcg@10"),
        get("popularity.one_title_ndcg@10"),
        get("model.one_title_recall@10"),
        get("model.one_title_coverage"),
        get("model.next_watch_hr@10"),
        get("model.next_watch_ndcg@10"),
        get("popularity.next_watch_hr@10"),
        get("popularity.next_watch_ndcg@10"),
    );
    view! {
        <ul class="headline" id="quality-headline">
            <li>{similar}</li>
            <li>{next}</li>
            <li>{breadth}</li>
        </ul>
        <p class="muted small" id="quality-when">{when}</p>
        {stale}
        <details class="technical"><summary>"The figures and their history"</summary>
            <p class="muted small" id="quality-technical">{technical}</p>
            {family_charts(history, is_behavioural)}
        </details>
    }
    .into_any()
}

/// A metric key (`map@10`, `ils`) in plain words; the key stays in the heading's tooltip.
fn metric_name(key: &str) -> String {
    match key {
        "one_title_ndcg@10" => "Similar titles: ranking of what was watched next (nDCG@10)".into(),
        "one_title_recall@10" => "Similar titles: share of what was watched next found".into(),
        "one_title_coverage" => "Similar titles: catalog coverage".into(),
        "next_watch_hr@10" => "Next watch: lists with a hit (HR@10)".into(),
        "next_watch_ndcg@10" => "Next watch: ranking (nDCG@10)".into(),
        "map@10" => "Shares a genre (sanity check, MAP@10)".into(),
        "coverage" => "Catalog coverage".into(),
        "ils" => "Similarity within a list".into(),
        "ild" => "Genre variety within a list".into(),
        "novelty" => "Novelty (bits)".into(),
        other => other.replace('_', " "),
    }
}
