//! Netflix Top 10 weekly lists (`all-weeks-global.tsv`).

use std::path::Path;

use anyhow::Context;

/// The latest week (a Sunday, `YYYY-MM-DD`) in the global file.
pub fn latest_week(path: &Path) -> anyhow::Result<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut latest = String::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("reading {}", path.display()))?;
        if let Some(w) = rec.get(0) {
            if w > latest.as_str() {
                latest = w.to_owned();
            }
        }
    }
    Ok(latest)
}
