//! `builder`: thin command-line front over the `builder` library (ETL, training, CLI queries).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The ETL allocates and frees millions of short strings; mimalloc does it with far less
/// bookkeeping than glibc's allocator (see BENCHMARKS.md, "Build").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Builds the recommendations bundle from the Netflix Top 10, catalog and trailer data.
#[derive(Parser)]
#[command(version, about, after_help = DATA_RULE)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where data comes from, shown by `--help` (README and ARCHITECTURE say the same).
const DATA_RULE: &str = "\
Where data comes from:
  snapshot  read-only source files: --data DIR, else $WTW_DATA, else ../shared/data
            when it exists (the workspace snapshot beside the checkout).
  live      the project's own directory, written by `builder refresh`: --live DIR,
            else $WTW_LIVE, else data/live (git-ignored). Same relative paths as the
            snapshot; a live catalog file replaces the snapshot's, and Top 10 and
            trailer rows are merged by key with the live row winning.
With neither, every command stops with an error naming both ways to get data.";

/// The snapshot and live directories, as every data-reading command takes them.
#[derive(clap::Args)]
struct DataArgs {
    /// Snapshot directory (read-only) [default: $WTW_DATA, else ../shared/data].
    #[arg(long)]
    data: Option<PathBuf>,
    /// Live directory written by `refresh` [default: $WTW_LIVE, else data/live].
    #[arg(long)]
    live: Option<PathBuf>,
}

impl DataArgs {
    fn locate(self) -> anyhow::Result<builder::datadirs::DataDirs> {
        builder::datadirs::DataDirs::locate(self.data, self.live)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Reads the snapshot and live data and writes the bundle into OUT (offline,
    /// deterministic: the same inputs give the same bytes).
    #[command(after_help = DATA_RULE)]
    Build {
        #[command(flatten)]
        dirs: DataArgs,
        /// Directory the bundle is written into.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// The project's metrics history (JSON lines) put into the bundle.
        #[arg(long, default_value = builder::train::DEFAULT_HISTORY)]
        metrics_history: PathBuf,
        /// Append this build's metrics to the history (the weekly workflow does).
        #[arg(long)]
        record_metrics: bool,
    },
    /// Fetches fresh Top 10 lists, the Kaggle catalog datasets (KAGGLE_USERNAME /
    /// KAGGLE_KEY when set), the configured engagement reports and, with RAPIDAPI_KEY /
    /// YOUTUBE_API_KEY set, the catalog and trailer statistics, and merges them into the
    /// live directory, over the snapshot. A failing source keeps its previous data and the
    /// others are still written. Exit status: 0 all fine, 2 some sources failed, 1 nothing
    /// usable.
    #[command(after_help = DATA_RULE)]
    Refresh {
        #[command(flatten)]
        dirs: DataArgs,
        /// Print what would change without writing.
        #[arg(long)]
        dry_run: bool,
        /// Base URL of the Netflix Top 10 TSV files.
        #[arg(long, env = "NETFLIX_TOP10_BASE")]
        netflix_base: Option<String>,
        /// Base URL of the Streaming Availability API.
        #[arg(long, env = "STREAMING_AVAILABILITY_BASE")]
        sa_base: Option<String>,
        /// Catalog country (ISO2).
        #[arg(long, default_value = "us")]
        country: String,
        /// Base URL of the YouTube Data API v3.
        #[arg(long, env = "YOUTUBE_API_BASE")]
        youtube_base: Option<String>,
        /// Skip the ~30 MB per-country Top 10 file.
        #[arg(long)]
        no_countries: bool,
        /// Base URL of Kaggle's API (the datasets' download calls).
        #[arg(long, env = "KAGGLE_API_BASE")]
        kaggle_base: Option<String>,
        /// Skip the Kaggle catalog datasets.
        #[arg(long)]
        no_kaggle: bool,
        /// Netflix engagement report (xlsx) URL; repeat, or comma-separate in the variable.
        #[arg(
            long = "engagement-url",
            env = "NETFLIX_ENGAGEMENT_URLS",
            value_delimiter = ','
        )]
        engagement_urls: Vec<String>,
        /// Attempts per HTTP request (1 = no retry).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
        attempts: u32,
    },
    /// Recommends titles like the given ones, with filters and diversity (same engine code
    /// as the app); `--queries FILE` runs a batch, `--eval` prints the offline metrics.
    Recommend(Box<builder::recommend::RecommendArgs>),
    /// Next-watch benchmark on viewing histories: the history profile against the
    /// popularity and trending baselines (HR@10, recall@10, nDCG@10, coverage).
    Eval(builder::eval::EvalArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            dirs,
            out,
            metrics_history,
            record_metrics,
        } => dirs.locate().and_then(|dirs| {
            let opts = builder::build::BuildOptions {
                history: metrics_history,
                record_metrics,
            };
            builder::build::run(&dirs, &out, &opts).map(|summary| println!("{summary}"))
        }),
        Command::Refresh {
            dirs,
            dry_run,
            netflix_base,
            sa_base,
            country,
            youtube_base,
            no_countries,
            kaggle_base,
            no_kaggle,
            engagement_urls,
            attempts,
        } => {
            let run = dirs.locate().and_then(|dirs| {
                let mut cfg = builder::refresh::RefreshConfig::new(dirs);
                cfg.dry_run = dry_run;
                cfg.countries = !no_countries;
                cfg.kaggle = !no_kaggle;
                cfg.sa_country = country.to_lowercase();
                cfg.engagement_urls = engagement_urls;
                cfg.http.attempts = attempts;
                for (flag, field) in [
                    (netflix_base, &mut cfg.netflix_base),
                    (sa_base, &mut cfg.sa_base),
                    (youtube_base, &mut cfg.yt_base),
                    (kaggle_base, &mut cfg.kaggle_base),
                ] {
                    if let Some(b) = flag {
                        *field = b;
                    }
                }
                builder::refresh::run(&cfg)
            });
            // The summary goes to stdout (the workflow reads its `failed:` lines); the
            // exit status tells all fine (0), some sources failed (2), nothing usable (1).
            return match run {
                Ok(summary) => {
                    print!("{summary}");
                    let status = summary.status();
                    match status {
                        builder::refresh::Status::AllFine => {}
                        builder::refresh::Status::SomeFailed => {
                            eprintln!("warning: some sources failed and kept their previous data")
                        }
                        builder::refresh::Status::NothingUsable => {
                            eprintln!("error: every source failed; nothing was refreshed")
                        }
                    }
                    ExitCode::from(status.exit_code())
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Recommend(args) => builder::recommend::run(&args).map(|out| print!("{out}")),
        Command::Eval(args) => builder::eval::run(&args).map(|out| print!("{out}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
