//! Idempotent merges of fetched data into the stored files (see the module docs of
//! [`super`]). Each function returns the complete new file; nothing is written here.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use anyhow::{bail, Context};

use super::{read_opt, Change};
use crate::datadirs::DataDirs;
use crate::sources::{jsonl, top10, youtube as yt};

/// Netflix's TSV files: tab-separated, no quoting (a title may hold a `"`), a header row.
fn tsv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        // Field counts are checked here, to name the line and refuse a truncated file.
        .flexible(true)
        .from_reader(bytes)
}

/// A reader error as `name:line: what`.
fn tsv_error(name: &str, e: &csv::Error) -> anyhow::Error {
    let line = e.position().map_or(1, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => anyhow::anyhow!("{name}:{line}: not UTF-8"),
        _ => anyhow::anyhow!("{name}:{line}: {e}"),
    }
}

/// Parsed TSV: rows as column-name-ordered fields.
fn parse_tsv(name: &str, bytes: &[u8], columns: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let mut rdr = tsv_reader(bytes);
    let header = rdr.headers().map_err(|e| tsv_error(name, &e))?.clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        bail!("{name}:1:1: empty file, expected a TSV header");
    }
    let mut pos = Vec::new();
    for c in columns {
        match header.iter().position(|h| h.trim() == *c) {
            Some(i) => pos.push(i),
            None => bail!("{name}:1:{}: missing column {c:?}", header.len() + 1),
        }
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| tsv_error(name, &e))?;
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        if rec.len() != header.len() {
            // A truncated download ends in a short row: refuse the whole file.
            bail!(
                "{name}:{}:1: {} fields, header has {}",
                rec.position().map_or(0, csv::Position::line),
                rec.len(),
                header.len()
            );
        }
        rows.push(pos.iter().map(|&i| rec[i].to_owned()).collect());
    }
    if rows.is_empty() {
        bail!("{name}: no data rows");
    }
    Ok(rows)
}

/// Sort key making weeks descending (digits inverted) and ranks numeric.
fn sort_field(column: &str, value: &str) -> String {
    match column {
        "week" => value
            .chars()
            .map(|c| c.to_digit(10).map_or(c, |d| char::from(b'9' - d as u8)))
            .collect(),
        "weekly_rank" | "rank" => format!("{value:0>3}"),
        _ => value.to_owned(),
    }
}

struct Merged {
    bytes: Vec<u8>,
    added: usize,
    updated: usize,
}

/// Merges `fetched` rows over `old` rows by `key` columns, ordered by `order` columns.
/// A key or order column that is not in `columns` is an error: silently keying on
/// column 0 instead would merge distinct rows into one and lose history.
fn merge_rows(
    columns: &[&str],
    key: &[&str],
    order: &[&str],
    old: Vec<Vec<String>>,
    fetched: Vec<Vec<String>>,
) -> anyhow::Result<Merged> {
    let positions = |names: &[&str], what: &str| -> anyhow::Result<Vec<(usize, String)>> {
        names
            .iter()
            .map(|c| match columns.iter().position(|x| x == c) {
                Some(i) => Ok((i, (*c).to_owned())),
                None => bail!("{what} column {c:?} is not one of the file's columns {columns:?}"),
            })
            .collect()
    };
    let key_pos = positions(key, "key")?;
    let order_pos = positions(order, "order")?;
    // Rows come from parse_tsv with exactly `columns.len()` fields; `get` keeps a short
    // row from panicking all the same.
    let field = |r: &[String], i: usize| r.get(i).cloned().unwrap_or_default();
    let key_of =
        |r: &Vec<String>| -> Vec<String> { key_pos.iter().map(|(i, _)| field(r, *i)).collect() };
    let order_of = |r: &Vec<String>| -> Vec<String> {
        order_pos
            .iter()
            .map(|(i, c)| sort_field(c, &field(r, *i)))
            .collect()
    };
    let mut by_key: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for r in old {
        by_key.insert(key_of(&r), r);
    }
    let (mut added, mut updated) = (0, 0);
    for r in fetched {
        match by_key.insert(key_of(&r), r.clone()) {
            None => added += 1,
            Some(prev) if prev != r => updated += 1,
            Some(_) => {}
        }
    }
    let mut rows: Vec<(Vec<String>, Vec<String>)> =
        by_key.into_values().map(|r| (order_of(&r), r)).collect();
    rows.sort();
    // Fields come from `parse_tsv`, so none holds a tab or a line break: no quoting needed.
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Never)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(columns)?;
    for (_, r) in rows {
        w.write_record(&r)?;
    }
    Ok(Merged {
        bytes: w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
        added,
        updated,
    })
}

fn summary(m: &Merged) -> String {
    format!("+{} rows, {} updated", m.added, m.updated)
}

/// Merges a fetched `all-weeks-global.tsv` into the stored one.
pub fn top10_global(data: &DataDirs, fetched: &[u8]) -> anyhow::Result<Change> {
    let cols = top10::GLOBAL_COLUMNS;
    let new = parse_tsv("all-weeks-global.tsv (download)", fetched, cols)?;
    let old = match read_opt(data, top10::GLOBAL_FILE)? {
        Some(b) => parse_tsv(top10::GLOBAL_FILE, &b, cols)?,
        None => Vec::new(),
    };
    let key = ["week", "category", "weekly_rank"];
    let m = merge_rows(cols, &key, &key, old, new)?;
    Ok(Change {
        file: top10::GLOBAL_FILE.into(),
        summary: summary(&m),
        bytes: m.bytes,
    })
}

/// Replaces `most-popular.tsv` (a current list, not a history) after checking it parses.
pub fn top10_popular(data: &DataDirs, fetched: &[u8]) -> anyhow::Result<Change> {
    let cols = top10::POPULAR_COLUMNS;
    let new = parse_tsv("most-popular.tsv (download)", fetched, cols)?;
    let old = match read_opt(data, top10::POPULAR_FILE)? {
        Some(b) => parse_tsv(top10::POPULAR_FILE, &b, cols)?,
        None => Vec::new(),
    };
    let key = ["category", "rank"];
    let old_len = old.len();
    // The list is replaced whole: keep none of the old rows.
    let m = merge_rows(cols, &key, &key, Vec::new(), new)?;
    Ok(Change {
        file: top10::POPULAR_FILE.into(),
        summary: format!("replaced ({old_len} rows before)"),
        bytes: m.bytes,
    })
}

/// Merges a fetched `all-weeks-countries.tsv` into `netflix_top10/all-weeks-countries.tsv.gz` (live).
pub fn top10_countries(data: &DataDirs, fetched: &[u8]) -> anyhow::Result<Change> {
    let cols = top10::COUNTRY_COLUMNS;
    let new = parse_tsv("all-weeks-countries.tsv (download)", fetched, cols)?;
    let old = match read_opt(data, top10::COUNTRIES_LIVE_FILE)? {
        Some(gz) => {
            let mut text = Vec::new();
            flate2::read::MultiGzDecoder::new(gz.as_slice())
                .read_to_end(&mut text)
                .with_context(|| format!("{}: broken gzip", top10::COUNTRIES_LIVE_FILE))?;
            parse_tsv(top10::COUNTRIES_LIVE_FILE, &text, cols)?
        }
        None => Vec::new(),
    };
    let key = ["country_iso2", "week", "category", "weekly_rank"];
    let order = ["country_name", "week", "category", "weekly_rank"];
    let m = merge_rows(cols, &key, &order, old, new)?;
    // mtime 0 and no file name: the same rows always give the same bytes.
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(&m.bytes)?;
    let bytes = enc.finish()?;
    Ok(Change {
        file: top10::COUNTRIES_LIVE_FILE.into(),
        summary: summary(&m),
        bytes,
    })
}

/// Merges fetched Streaming Availability shows into `catalog/streaming_availability.jsonl` (live).
pub fn streaming(data: &DataDirs, shows: Vec<serde_json::Value>) -> anyhow::Result<Change> {
    let mut by_id: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    if let Some(b) = read_opt(data, jsonl::FILE)? {
        for (i, line) in b.split(|&c| c == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let v: serde_json::Value = serde_json::from_slice(line)
                .with_context(|| format!("{}:{}: not JSON", jsonl::FILE, i + 1))?;
            if let Some(id) = v.get("id").and_then(|x| x.as_str()) {
                by_id.insert(id.to_owned(), v);
            }
        }
    }
    let (mut added, mut updated) = (0, 0);
    for v in shows {
        let Some(id) = v.get("id").and_then(|x| x.as_str()).map(str::to_owned) else {
            continue;
        };
        match by_id.insert(id, v.clone()) {
            None => added += 1,
            Some(prev) if prev != v => updated += 1,
            Some(_) => {}
        }
    }
    let mut out = Vec::new();
    for v in by_id.values() {
        serde_json::to_writer(&mut out, v)?;
        out.push(b'\n');
    }
    Ok(Change {
        file: jsonl::FILE.into(),
        bytes: out,
        summary: format!("+{added} shows, {updated} updated"),
    })
}

/// One fetched trailer-statistics row, in [`yt::LIVE_COLUMNS`] order.
pub type StatsRow = [String; 8];

/// Merges fetched statistics into `youtube/youtube_stats.csv` (live), keyed by (video id, date).
pub fn youtube(data: &DataDirs, rows: Vec<StatsRow>) -> anyhow::Result<Change> {
    let mut by_key: BTreeMap<(String, String), StatsRow> = BTreeMap::new();
    if let Some(b) = read_opt(data, yt::LIVE_FILE)? {
        let mut rdr = csv::Reader::from_reader(b.as_slice());
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.with_context(|| format!("{}:{}", yt::LIVE_FILE, i + 2))?;
            if rec.len() != 8 {
                bail!(
                    "{}:{}:1: {} fields, expected 8",
                    yt::LIVE_FILE,
                    i + 2,
                    rec.len()
                );
            }
            let row: StatsRow = std::array::from_fn(|j| rec[j].to_owned());
            by_key.insert((row[0].clone(), row[1].clone()), row);
        }
    }
    let (mut added, mut updated) = (0, 0);
    for r in rows {
        match by_key.insert((r[0].clone(), r[1].clone()), r.clone()) {
            None => added += 1,
            Some(prev) if prev != r => updated += 1,
            Some(_) => {}
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(yt::LIVE_COLUMNS)?;
    for r in by_key.values() {
        w.write_record(r)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Change {
        file: yt::LIVE_FILE.into(),
        bytes,
        summary: format!("+{added} rows, {updated} updated"),
    })
}

#[cfg(test)]
mod tests {
    use super::{merge_rows, parse_tsv};

    #[test]
    fn tsv_keeps_quotes_and_names_the_short_line() {
        let cols = ["week", "title"];
        let text = b"week\ttitle\trank\r\n2026-07-19\t\"Weird\" Al\t1\r\n\r\n2026-07-19\tB\t2\n";
        let rows = parse_tsv("t.tsv", text, &cols).unwrap();
        assert_eq!(rows[0], ["2026-07-19", "\"Weird\" Al"]);
        assert_eq!(rows.len(), 2);
        // Written back unquoted, as read.
        let m = merge_rows(&cols, &["week", "title"], &["week"], Vec::new(), rows).unwrap();
        let out = String::from_utf8(m.bytes).unwrap();
        assert_eq!(
            out,
            "week\ttitle\n2026-07-19\t\"Weird\" Al\n2026-07-19\tB\n"
        );
        let err = parse_tsv("t.tsv", b"week\ttitle\n2026\tA\n2026", &cols)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "t.tsv:3:1: 1 fields, header has 2");
        let err = parse_tsv("t.tsv", b"week\ttitle\n2026\t\xff\n", &cols)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "t.tsv:2: not UTF-8");
        let err = parse_tsv("t.tsv", b"", &cols).unwrap_err().to_string();
        assert!(err.contains("empty file"), "{err}");
    }

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|r| r.iter().map(|f| (*f).to_owned()).collect())
            .collect()
    }

    #[test]
    fn a_misspelled_key_column_is_an_error_not_column_zero() {
        let cols = ["week", "rank", "title"];
        let old = rows(&[&["2026-07-19", "1", "A"], &["2026-07-19", "2", "B"]]);
        let new = rows(&[&["2026-07-26", "1", "C"]]);
        let err = merge_rows(
            &cols,
            &["week", "rnak"],
            &["week"],
            old.clone(),
            new.clone(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("key column \"rnak\""), "{err}");
        let err = merge_rows(&cols, &["week"], &["wek"], old.clone(), new.clone())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("order column \"wek\""), "{err}");
        // Spelled right, both old rows of the same week survive.
        let m = merge_rows(&cols, &["week", "rank"], &["week", "rank"], old, new).unwrap();
        assert_eq!(m.added, 1);
        let text = String::from_utf8(m.bytes).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
    }
}
