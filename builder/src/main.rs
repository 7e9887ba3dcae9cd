//! `builder`: thin command-line front over the `builder` library (ETL, training, CLI queries).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
