//! `builder build`: snapshot in, bundle out. Offline and deterministic.

use std::collections::BTreeMap;
use std::path::Path;

use engine::bundle::Body;
use engine::normalize::fold;
use engine::{Bundle, Kind, SourceRef, Title};

use crate::fsutil::write_atomic;
use crate::sources::{kaggle, top10};

/// File name of the bundle inside the output directory.
pub const BUNDLE_FILE: &str = "bundle.bin";

/// Builds the bundle from `data` into `out` and returns a one-line summary.
pub fn run(data: &Path, out: &Path) -> anyhow::Result<String> {
    let mut bundle = assemble(data)?;
    crate::train::attach_metrics(data, &mut bundle, true)?;
    let bytes = bundle.encode()?;
    write_atomic(&out.join(BUNDLE_FILE), &bytes)?;
    Ok(format!(
        "wrote {} ({} bytes): {} titles, data through week {}",
        out.join(BUNDLE_FILE).display(),
        bytes.len(),
        bundle.body.catalog.titles.len(),
        bundle.header.data_week
    ))
}

/// Reads the sources and assembles the bundle in memory.
pub fn assemble(data: &Path) -> anyhow::Result<Bundle> {
    let rows =
        kaggle::read(&data.join("catalog/kaggle_shivamb_netflix_titles/netflix_titles.csv"))?;
    // De-duplicate on (folded title, kind, year): the same film listed twice is one title.
    let mut by_key: BTreeMap<(String, Kind, u16), Title> = BTreeMap::new();
    for r in rows {
        let kind = if r.kind == "TV Show" {
            Kind::Show
        } else {
            Kind::Movie
        };
        let key = (fold(&r.title), kind, r.release_year);
        let t = by_key.entry(key).or_insert_with(|| Title {
            id: r.show_id.clone(),
            title: r.title.clone(),
            kind,
            year: Some(r.release_year),
            ..Title::default()
        });
        t.sources.push(SourceRef {
            source: "kaggle_netflix_titles".into(),
            id: r.show_id,
        });
    }
    let mut body = Body::default();
    body.catalog.titles = by_key.into_values().collect();
    body.catalog.titles.sort_by(|a, b| a.id.cmp(&b.id));
    let week = top10::latest_week(&data.join("netflix_top10/all-weeks-global.tsv"))?;
    let build_time = format!("{week}T00:00:00Z");
    Ok(Bundle::new(body, &build_time, &week, "unknown"))
}
