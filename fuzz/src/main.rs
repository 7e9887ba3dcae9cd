//! `fuzz`: runs the stable fuzz targets (see the library) for a number of executions or
//! seconds each, and prints executions and crashes per target.
//!
//! `fuzz all --secs 2` (the `make test` smoke run) or `fuzz bundle --execs 10000000`.
//! Exits 1 when any target crashed; crashing inputs are saved under `--crashes`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Command line.
#[derive(Debug, Parser)]
#[command(about = "Fuzzes every decoder that takes outside bytes (stable toolchain).")]
struct Args {
    /// A target (bundle, details, feedback, request, answer, history, top10, catalog, xlsx) or `all`.
    target: String,
    /// Stop each target after this many seconds.
    #[arg(long, default_value_t = 10.0)]
    secs: f64,
    /// Stop each target after this many executions.
    #[arg(long, default_value_t = u64::MAX)]
    execs: u64,
    /// Directory holding the builder's `bundle.bin` and `details.bin` (the seeds).
    #[arg(long, default_value = "public")]
    seeds: PathBuf,
    /// Random seed, for reproducing a run.
    #[arg(long, default_value_t = 0x5eed)]
    rng: u64,
    /// Where crashing inputs are written.
    #[arg(long, default_value = "target/fuzz-crashes")]
    crashes: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let names: Vec<&str> = if args.target == "all" {
        fuzz::TARGETS.to_vec()
    } else {
        vec![args.target.as_str()]
    };
    let needs_seeds = names
        .iter()
        .any(|n| matches!(*n, "bundle" | "details" | "feedback"));
    let seeds = if needs_seeds {
        Some(fuzz::Seeds::load(&args.seeds)?)
    } else {
        None
    };
    if let Some(s) = &seeds {
        let sizes: Vec<String> = s
            .bundles
            .iter()
            .map(|b| {
                format!(
                    "{} titles: core {} B, details {} B",
                    b.0.body.catalog.titles.len(),
                    b.1.len(),
                    b.2.len()
                )
            })
            .collect();
        eprintln!("seeds: {}", sizes.join("; "));
    }
    // Panics are the findings: count them quietly instead of printing each backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let mut crashed = false;
    println!("| target | executions | crashes | seconds | exec/s | outcomes |");
    println!("|---|---|---|---|---|---|");
    for name in names {
        let mut target = fuzz::target(name, seeds.as_ref())?;
        let stats = fuzz::run(
            target.as_mut(),
            args.rng,
            args.execs,
            Duration::from_secs_f64(args.secs.max(0.0)),
            &args.crashes,
        );
        let secs = stats.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.1} | {:.0} | {} |",
            stats.target,
            stats.execs,
            stats.crashes,
            secs,
            stats.execs as f64 / secs.max(1e-9),
            stats.outcomes
        );
        for f in &stats.crash_files {
            eprintln!("crash input saved: {}", f.display());
        }
        crashed |= stats.crashes > 0;
    }
    if crashed {
        anyhow::bail!("some targets crashed");
    }
    Ok(())
}
