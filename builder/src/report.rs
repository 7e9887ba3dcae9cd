//! The data-quality report: the join counts and freshness figure a build computes, the
//! report assembled from them, and its human-readable form, printed on every build.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use engine::report::{DataReport, Freshness, FreshnessCount, FreshnessGap, JoinReport, MatchNote};
use engine::trends::WeeklyEntry;
use engine::{Catalog, Kind};

use crate::build::{
    recommendable, Top10Names, FRESHNESS_GAPS, FRESHNESS_WEEKS, LOW_CONFIDENCE_LISTED,
};
use crate::link::{Top10Links, TrailerLink};
use crate::resolve::Draft;
use crate::sources::SourceLog;

/// The Top 10 joins: titles of each list, and rows of the global list, linked to a catalog
/// (not trend-only) title.
pub(crate) fn top10_joins(
    links: &Top10Links,
    drafts: &[Draft],
    names: &Top10Names,
    global_rows: usize,
) -> Vec<JoinReport> {
    let global_rows_matched: u64 = names
        .global
        .iter()
        .filter(|(name, _)| {
            links
                .by_name
                .get(*name)
                .is_some_and(|&i| !drafts[i].trend_only)
        })
        .map(|(_, rows)| rows)
        .sum();
    vec![
        links.join("top10_global titles → catalog", drafts, names.global.keys()),
        JoinReport {
            name: "top10_global rows → catalog".into(),
            matched: global_rows_matched,
            total: global_rows as u64,
        },
        links.join(
            "top10_countries titles → catalog",
            drafts,
            names.countries.iter(),
        ),
        links.join(
            "top10_most_popular titles → catalog",
            drafts,
            names.popular.iter(),
        ),
    ]
}

/// The merge of one work's listings under two names (see [`crate::resolve::works`]):
/// listings merged into another title, of the catalog titles before.
pub fn works_join(merged: usize, titles: usize) -> JoinReport {
    JoinReport {
        name: WORKS_JOIN.into(),
        matched: merged as u64,
        total: titles as u64,
    }
}

/// Name of the [`works_join`] line of the report.
pub const WORKS_JOIN: &str = "catalog titles merged as one work (original/English name)";

/// The trailer joins: to any title, and to a catalog (not trend-only) title.
pub fn trailer_joins(links: &[TrailerLink], drafts: &[Draft]) -> [JoinReport; 2] {
    [
        JoinReport {
            name: "trailers → titles".into(),
            matched: links.iter().filter(|l| l.is_some()).count() as u64,
            total: links.len() as u64,
        },
        JoinReport {
            name: "trailers → catalog (not trend-only)".into(),
            matched: links
                .iter()
                .filter(|l| l.is_some_and(|(i, _)| !drafts[i].trend_only))
                .count() as u64,
            total: links.len() as u64,
        },
    ]
}

/// The report of a build: every source's log, the joins, the [`LOW_CONFIDENCE_LISTED`]
/// least certain matches followed by every trailer row no title took (line, name), and
/// the freshness figure.
pub fn data_report(
    logs: Vec<SourceLog>,
    joins: Vec<JoinReport>,
    mut notes: Vec<MatchNote>,
    unlinked_trailers: &[(u64, String)],
    freshness: Freshness,
) -> DataReport {
    notes.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.join.cmp(&b.join))
            .then_with(|| a.left.cmp(&b.left))
    });
    notes.truncate(LOW_CONFIDENCE_LISTED);
    for (line, title) in unlinked_trailers {
        notes.push(MatchNote {
            join: "trailers → titles (unmatched)".into(),
            left: format!("{title} (line {line})"),
            right: String::new(),
            score: 0.0,
        });
    }
    DataReport {
        sources: logs.into_iter().map(SourceLog::finish).collect(),
        joins,
        low_confidence: notes,
        freshness: Some(freshness),
    }
}

/// The freshness figure: of the titles in the last [`FRESHNESS_WEEKS`] weeks of the global
/// Top 10, how many are [`recommendable`](crate::build::recommendable), by kind, and the biggest gaps by hours.
pub fn freshness(catalog: &Catalog, weeks: &[String], global: &[WeeklyEntry]) -> Freshness {
    let latest: BTreeSet<u16> = global.iter().map(|e| e.week).collect();
    let recent: BTreeSet<u16> = latest.iter().rev().take(FRESHNESS_WEEKS).copied().collect();
    let mut hours: BTreeMap<u32, u64> = BTreeMap::new();
    for e in global.iter().filter(|e| recent.contains(&e.week)) {
        *hours.entry(e.title).or_default() += e.hours_viewed;
    }
    let mut f = Freshness {
        weeks: recent.len().min(weeks.len()) as u32,
        ..Freshness::default()
    };
    let mut gaps: Vec<(u64, &str)> = Vec::new();
    for (&i, &h) in &hours {
        let Some(t) = catalog.titles.get(i as usize) else {
            continue;
        };
        let ok = recommendable(t);
        let part: &mut FreshnessCount = if t.kind == Kind::Show {
            &mut f.series
        } else {
            &mut f.films
        };
        part.titles += 1;
        part.recommendable += u64::from(ok);
        if !ok {
            gaps.push((h, t.title.as_str()));
        }
    }
    f.titles = f.films.titles + f.series.titles;
    f.recommendable = f.films.recommendable + f.series.recommendable;
    gaps.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    f.top_gaps = gaps
        .into_iter()
        .take(FRESHNESS_GAPS)
        .map(|(hours, title)| FreshnessGap {
            title: title.to_owned(),
            hours,
        })
        .collect();
    f
}

/// Formats the report: rows read/rejected per source (with the first reasons), the match
/// rate of every join, and the least certain matches.
pub fn summary(r: &DataReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "sources (rows read / rejected):");
    for src in &r.sources {
        let _ = writeln!(
            s,
            "  {:<28} {:>8} / {:<6} {}{}",
            src.name,
            src.rows_read,
            src.rows_rejected,
            src.file,
            src.latest
                .as_deref()
                .map(|l| format!("  (through {l})"))
                .unwrap_or_default()
        );
        for rej in src.rejects.iter().take(5) {
            let _ = writeln!(
                s,
                "      line {}{}: {}",
                rej.line,
                rej.column
                    .as_deref()
                    .map(|c| format!(", column {c}"))
                    .unwrap_or_default(),
                rej.reason
            );
        }
        if src.rejects.len() > 5 || src.rows_rejected > src.rejects.len() as u64 {
            let _ = writeln!(s, "      … see report.json");
        }
    }
    let _ = writeln!(s, "joins (matched / total):");
    for j in &r.joins {
        let _ = writeln!(
            s,
            "  {:<40} {:>6} / {:<6} {:5.1}%",
            j.name,
            j.matched,
            j.total,
            j.rate() * 100.0
        );
    }
    if let Some(f) = &r.freshness {
        let pct = |n: u64, d: u64| {
            if d == 0 {
                0.0
            } else {
                n as f64 * 100.0 / d as f64
            }
        };
        let _ = writeln!(
            s,
            "freshness (last {} Top 10 weeks, recommendable from own metadata): {} / {} ({:.1}%); films {} / {} ({:.1}%), series {} / {} ({:.1}%)",
            f.weeks,
            f.recommendable,
            f.titles,
            pct(f.recommendable, f.titles),
            f.films.recommendable,
            f.films.titles,
            pct(f.films.recommendable, f.films.titles),
            f.series.recommendable,
            f.series.titles,
            pct(f.series.recommendable, f.series.titles),
        );
        for g in f.top_gaps.iter().take(5) {
            let _ = writeln!(s, "  gap: {} ({} hours)", g.title, g.hours);
        }
    }
    let _ = writeln!(s, "lowest-confidence matches:");
    for n in r.low_confidence.iter().take(10) {
        let _ = writeln!(
            s,
            "  {:.3}  {}: {:?} → {:?}",
            n.score, n.join, n.left, n.right
        );
    }
    s
}
