//! Targets for the builder's source readers: the Netflix Top 10 TSV, a catalog CSV and the
//! engagement-report xlsx. Seeds are written here by hand; the readers are the builder's
//! own (`builder::sources`), fed through a scratch file where they take a path.

use std::io::Write;
use std::path::{Path, PathBuf};

use builder::sources::{engagement, kaggle, top10, FatalError, SourceLog};

use crate::{outcome, Target};

/// A per-process scratch file for readers that take a path.
fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wtw-fuzz-{}-{name}", std::process::id()))
}

/// How a reader's rows are counted, whatever their type.
type ReadFn = fn(&Path, &mut SourceLog) -> Result<usize, FatalError>;

/// A builder reader that takes a path, fed the mutated input through a scratch file; the
/// outcome is the row count class or the error text.
pub struct FileReaderTarget {
    name: &'static str,
    /// Scratch file name (its ending is what the reader sees).
    file: &'static str,
    seeds: Vec<String>,
    read: ReadFn,
}

impl FileReaderTarget {
    /// `top10::read_global` on mutated TSV text.
    pub fn top10() -> Self {
        let head = top10::GLOBAL_COLUMNS.join("\t");
        FileReaderTarget {
            name: "top10",
            file: "top10.tsv",
            seeds: vec![
                format!("{head}\n2026-07-19\tFilms (English)\t1\tKPop Demon Hunters\tN/A\t16600000\t1.6667\t9900000\t5\n2026-07-19\tTV (Non-English)\t2\tSquid Game\tSquid Game: Season 3\t12000000\t6.5\t1800000\t4\n"),
                format!("{head}\n2021-07-04\tTV (English)\t1\tThe \"Quoted\" Show\tN/A\t100\t\t\t1\n"),
            ],
            read: |p, log| top10::read_global(p, log).map(|rows| rows.len()),
        }
    }

    /// `kaggle::read` on mutated CSV text (quoted fields, multi-value cells, dates).
    pub fn catalog() -> Self {
        let head = "show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description";
        FileReaderTarget {
            name: "catalog",
            file: "catalog.csv",
            seeds: vec![
                format!("{head}\ns1,Movie,A Film,\"Doe, Jane\",\"A One, B Two\",\"United States, India\",\"September 25, 2021\",2020,PG-13,90 min,\"Dramas, International Movies\",\"A plot, with a comma.\"\n"),
                format!("{head}\r\ns2,TV Show,Ünïcode Show,,,South Korea, August 4 2017,2017,TV-MA,2 Seasons,\"Crime TV Shows\",\"Line one\nline two\"\r\n"),
            ],
            read: |p, log| kaggle::read(p, log).map(|rows| rows.len()),
        }
    }
}

impl Target for FileReaderTarget {
    fn name(&self) -> &'static str {
        self.name
    }
    fn seeds(&self) -> Vec<(usize, Vec<u8>)> {
        self.seeds
            .iter()
            .map(|s| (0, s.clone().into_bytes()))
            .collect()
    }
    fn max_len(&self) -> usize {
        16 * 1024
    }
    fn exec(&mut self, _tag: usize, input: &[u8]) -> String {
        let path = scratch(self.file);
        if std::fs::write(&path, input).is_err() {
            return "scratch write failed".into();
        }
        let mut log = SourceLog::default();
        match (self.read)(&path, &mut log) {
            Ok(rows) => format!("ok{}:{}", rows.min(2), log.rejected().min(2)),
            Err(e) => outcome(&e.reason),
        }
    }
}

/// `engagement::read_xlsx` on a workbook whose sheet XML is the mutated input: zipped
/// afresh each time (stored, so the checksum matches), so calamine's XML reading and the
/// header search are reached, not just the zip checks.
pub struct XlsxTarget;

/// A one-sheet workbook (the single `Engagement` sheet layout) with `sheet_xml` as its worksheet part.
pub fn workbook(sheet_xml: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 5] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Engagement" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ];
    for (name, body) in parts {
        if z.start_file(name, opts).is_err() || z.write_all(body).is_err() {
            return Vec::new();
        }
    }
    z.finish().map(|c| c.into_inner()).unwrap_or_default()
}

impl Target for XlsxTarget {
    fn name(&self) -> &'static str {
        "xlsx"
    }
    fn seeds(&self) -> Vec<(usize, Vec<u8>)> {
        let cell = |r: usize, c: char, v: &str| {
            format!(r#"<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
        };
        let mut rows = String::new();
        rows.push_str(&format!(
            r#"<row r="1">{}</row>"#,
            cell(1, 'B', "What We Watched")
        ));
        let header = [
            "Title",
            "Available Globally?",
            "Release Date",
            "Hours Viewed",
            "Runtime",
            "Views",
        ];
        let cols = ['B', 'C', 'D', 'E', 'F', 'G'];
        let row = |r: usize, vals: &[&str]| {
            let cells: String = vals.iter().zip(cols).map(|(v, c)| cell(r, c, v)).collect();
            format!(r#"<row r="{r}">{cells}</row>"#)
        };
        rows.push_str(&row(6, &header));
        rows.push_str(&row(
            7,
            &[
                "Adolescence: Limited Series",
                "Yes",
                "2025-03-13",
                "555800000",
                "3:55",
                "141800000",
            ],
        ));
        rows.push_str(&format!(
            r#"<row r="8">{}<c r="D8"><v>45200</v></c><c r="E8"><v>1200000</v></c>{}</row>"#,
            cell(8, 'B', "Squid Game: Season 2 // 오징어 게임: 시즌 2"),
            cell(8, 'F', "*")
        ));
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        );
        vec![(0, xml.into_bytes())]
    }
    fn max_len(&self) -> usize {
        16 * 1024
    }
    fn exec(&mut self, _tag: usize, input: &[u8]) -> String {
        let path = std::path::Path::new("What_We_Watched_2025Jan-Jun.xlsx");
        let mut log = SourceLog::default();
        match engagement::read_xlsx(path, workbook(input), &mut log) {
            Ok(rows) => format!("ok{}:{}", rows.len().min(2), log.rejected().min(2)),
            Err(e) => outcome(&e.reason),
        }
    }
}
