//! The human-readable form of the data-quality report, printed on every build.

use std::fmt::Write;

use engine::report::DataReport;

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
