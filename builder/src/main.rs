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
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reads the snapshot in DATA and writes the bundle into OUT (offline, deterministic).
    Build {
        /// Directory holding the source snapshot.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Directory the bundle is written into.
        #[arg(long, default_value = "public")]
        out: PathBuf,
    },
    /// Fetches fresh Top 10 lists (and, with RAPIDAPI_KEY / YOUTUBE_API_KEY set, the catalog
    /// and trailer statistics) and merges them into DATA. Writes nothing unless all succeed.
    Refresh {
        /// Directory holding the source snapshot.
        #[arg(long, default_value = "data")]
        data: PathBuf,
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
    },
    /// Recommends titles like the given ones, with filters and diversity (same engine code
    /// as the app); `--queries FILE` runs a batch, `--eval` prints the offline metrics.
    Recommend(Box<builder::recommend::RecommendArgs>),
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
        Command::Build { data, out } => builder::build::run(&data, &out).map(|summary| {
            println!("{summary}");
        }),
        Command::Refresh {
            data,
            dry_run,
            netflix_base,
            sa_base,
            country,
            youtube_base,
            no_countries,
        } => {
            let mut cfg = builder::refresh::RefreshConfig::new(data);
            cfg.dry_run = dry_run;
            cfg.countries = !no_countries;
            cfg.sa_country = country.to_lowercase();
            if let Some(b) = netflix_base {
                cfg.netflix_base = b;
            }
            if let Some(b) = sa_base {
                cfg.sa_base = b;
            }
            if let Some(b) = youtube_base {
                cfg.yt_base = b;
            }
            builder::refresh::run(&cfg).map(|out| print!("{out}"))
        }
        Command::Recommend(args) => builder::recommend::run(&args).map(|out| print!("{out}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
