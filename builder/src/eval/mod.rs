//! `builder eval --histories DIR`: the next-watch benchmark on real viewing histories.
//!
//! For each history file and several cut dates (at the quantiles of its viewing days), the
//! rows before the cut, read and resolved by the engine's history reader, make the profile;
//! the truth is the recommendable catalog titles first watched in the `--horizon` days
//! after the cut and never before. Each method lists 10 titles (watched titles excluded,
//! nothing released after the cut's year): the history profile, the popularity prior alone,
//! and what was in the global Top 10 in the two weeks published before the cut. HR@10,
//! recall@10 and nDCG@10 per file and overall, and the catalog coverage of the lists.
//!
//! The one-title benchmark scores the "more like this" lists: for each title a person
//! watched, the titles of its kind they first watched in the next 30 days are relevant to
//! it. The model's list (`Query::like`, as the app asks), the original system's TF-IDF
//! and the popularity prior are scored with HR@10, recall@10, nDCG@10 and coverage.
//!
//! `--tune` also scores a small grid of profile parameters (half-life, engagement,
//! number of likes) and validates the choice leave-one-history-out: each file is scored
//! with the parameters that did best on the other files.

mod audience;
mod headline;
mod next_watch;
mod one_title;
mod signals;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use engine::catalog::Catalog;
use engine::history::{Import, Resolver};
use engine::model::Model;
use engine::Bundle;

pub use audience::Audience;
pub use headline::{headline, HISTORIES_DIR};

/// Arguments of `builder eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Directory of viewing-history CSV files (every `*.csv` in it).
    #[arg(long)]
    pub histories: PathBuf,
    /// The bundle (its `details.bin` beside it gives the Top 10 weeks for the trending
    /// baseline).
    #[arg(long, default_value = "public/bundle.bin")]
    pub bundle: PathBuf,
    /// Cut dates per history.
    #[arg(long, default_value_t = 4)]
    pub cuts: usize,
    /// Days after a cut whose first viewings are the truth.
    #[arg(long, default_value_t = 60)]
    pub horizon: i32,
    /// Also score a grid of profile parameters, validated leave-one-history-out.
    #[arg(long)]
    pub tune: bool,
    /// Also measure the candidate signals (franchise links, Kaggle tags, prior mix,
    /// trending when you watched), each before and after, cross-validated over files.
    /// (`--signals franchise,tags` runs only those; no value runs all four: `franchise`,
    /// `tags`, `prior`, `trending`.)
    #[arg(long, num_args = 0.., value_delimiter = ',')]
    pub signals: Option<Vec<String>>,
    /// Kaggle `netflix_titles.csv` for the tags signal (default: the data directories').
    #[arg(long)]
    pub kaggle: Option<PathBuf>,
}

/// List length scored.
const K: usize = 10;

/// HR, recall and nDCG of one list, summed over cuts.
#[derive(Debug, Clone, Copy, Default)]
struct Scores {
    n: usize,
    hr: f64,
    recall: f64,
    ndcg: f64,
}

impl Scores {
    fn add(&mut self, list: &[usize], truth: &HashSet<usize>) {
        let hits: Vec<usize> = (0..list.len().min(K))
            .filter(|&r| truth.contains(&list[r]))
            .collect();
        let dcg: f64 = hits.iter().map(|&r| 1.0 / ((r + 2) as f64).log2()).sum();
        let ideal: f64 = (0..truth.len().min(K))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        self.n += 1;
        self.hr += f64::from(u8::from(!hits.is_empty()));
        self.recall += hits.len() as f64 / truth.len().max(1) as f64;
        self.ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
    }
    fn merge(&mut self, o: &Scores) {
        self.n += o.n;
        self.hr += o.hr;
        self.recall += o.recall;
        self.ndcg += o.ndcg;
    }
    fn mean(&self) -> (f64, f64, f64) {
        let n = self.n.max(1) as f64;
        (self.hr / n, self.recall / n, self.ndcg / n)
    }
}

fn row(out: &mut String, name: &str, s: &Scores, cov: Option<f64>) {
    let (hr, rec, ndcg) = s.mean();
    let _ = write!(out, "  {name:<28} {hr:>7.3} {rec:>9.3} {ndcg:>8.3}");
    match cov {
        Some(c) => {
            let _ = writeln!(out, " {c:>9.3}");
        }
        None => {
            let _ = writeln!(out);
        }
    }
}

/// Runs the benchmark and returns the report.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
fn candidates(model: &Model) -> usize {
    (0..model.len())
        .filter(|&i| model.is_candidate(i))
        .count()
        .max(1)
}

/// Reads the bundle at `path` with its details file when one is beside it; the flag says
/// whether the details (Top 10 weeks, country runs) were attached.
fn read_bundle(path: &Path) -> anyhow::Result<(Bundle, bool)> {
    let bytes = std::fs::read(path).with_context(|| {
        format!(
            "reading bundle {} (run `builder build` first)",
            path.display()
        )
    })?;
    let mut bundle =
        Bundle::decode(&bytes).with_context(|| format!("decoding {}", path.display()))?;
    let details = path.with_file_name("details.bin");
    let have = match std::fs::read(&details) {
        Ok(d) => {
            bundle
                .attach_details(&d)
                .with_context(|| format!("decoding {}", details.display()))?;
            true
        }
        Err(_) => false,
    };
    Ok((bundle, have))
}

/// The `*.csv` files of `dir`, sorted by name.
fn history_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The viewing histories read once for both benchmarks: file names and imports, in file
/// order (a file the reader refuses is left out and named in the report).
pub(crate) struct Histories {
    names: Vec<String>,
    imports: Vec<Import>,
}

/// Reads and resolves every file of `paths` against `catalog`, on all cores.
fn read_histories(
    paths: &[PathBuf],
    catalog: &Catalog,
    out: &mut String,
) -> anyhow::Result<Histories> {
    let resolver = Resolver::new(catalog);
    let read = crate::par::map_ordered(paths, |p| {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        anyhow::Ok(Import::new(&bytes, None, &resolver))
    });
    let mut h = Histories {
        names: Vec::new(),
        imports: Vec::new(),
    };
    for (p, r) in paths.iter().zip(read) {
        match r? {
            Ok(import) => {
                h.names.push(file_name(p));
                h.imports.push(import);
            }
            Err(e) => {
                let _ = writeln!(out, "{}: not read: {e}", file_name(p));
            }
        }
    }
    Ok(h)
}

/// Runs both benchmarks and returns the report.
pub fn run(args: &EvalArgs) -> anyhow::Result<String> {
    let (bundle, have_details) = read_bundle(&args.bundle)?;
    let paths = history_files(&args.histories)?;
    if paths.is_empty() {
        anyhow::bail!("no .csv files in {}", args.histories.display());
    }
    let mut out = String::new();
    let histories = read_histories(&paths, &bundle.body.catalog, &mut out)?;
    next_watch::run(&mut out, args, &bundle, &histories, have_details);
    one_title::one_title(&mut out, &bundle, &histories, have_details, args);
    if let Some(which) = &args.signals {
        let kaggle = args.kaggle.clone().or_else(|| {
            crate::datadirs::DataDirs::locate(None, None)
                .ok()
                .map(|d| d.file(crate::sources::kaggle::FILE))
        });
        signals::run(&mut out, &bundle, &histories, kaggle.as_deref(), which);
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod testutil {
    use engine::catalog::{Catalog, Kind, Title};

    pub(crate) fn catalog() -> Catalog {
        let mut c = engine::synth::catalog(200, 5);
        for (id, title, kind) in [
            ("tt1000001", "Dark", Kind::Show),
            ("tt1000002", "Heat", Kind::Movie),
            ("tt1000003", "The Crown", Kind::Show),
            ("tt1000004", "Roma", Kind::Movie),
            ("tt1000005", "Narcos", Kind::Show),
        ] {
            c.titles.push(Title {
                id: id.into(),
                title: title.into(),
                kind,
                year: Some(2018),
                description: "kaex loex mirenex tuex vorex delex prina golex".into(),
                genres: vec![0, 2],
                ..Title::default()
            });
        }
        c
    }

    pub(crate) fn idx(c: &Catalog, title: &str) -> usize {
        c.titles
            .iter()
            .position(|t| t.title == title)
            .unwrap_or(usize::MAX)
    }

    /// Dark first on 1 March, The Crown the same day, Heat and Roma (films) after it,
    /// Narcos 40 days later: Dark's truth is The Crown only (same kind, in the window,
    /// the same day included); a second viewing of Dark moves nothing.
    pub(crate) const HISTORY: &str = "Title,Date\r\n\
\"Narcos: Season 1: Descenso\",\"04/10/2021\"\r\n\
\"Dark: Season 1: Lies\",\"03/20/2021\"\r\n\
\"Roma\",\"03/05/2021\"\r\n\
\"Heat\",\"03/02/2021\"\r\n\
\"The Crown: Season 1: Wolferton Splash\",\"03/01/2021\"\r\n\
\"Dark: Season 1: Secrets\",\"03/01/2021\"\r\n";
}
