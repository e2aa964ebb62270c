//! The floors `validate` is measured against: how fast can the YAML files of a repository be
//! read, and read and parsed, with nothing else done? `ci/bench.sh` runs it beside cabinet.
//!
//! ```text
//! cargo run --release --example parse_floor -- DIR [read|events] [--threads N]
//! ```
//!
//! `read` walks DIR and reads every `.yaml`/`.yml` file; `events` also runs the YAML parser
//! cabinet uses (granit, from serde-saphyr) over each file, counting its events. Files are
//! shared between `--threads` threads (default: every core), as `validate` does.

// A tool of its own: it reports on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use rayon::prelude::*;
use serde_saphyr::granit_parser::Parser;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if entry.file_name() != ".git" {
                walk(&path, out)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut dir = None;
    let mut mode = "events".to_string();
    let mut threads = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) => threads = n,
                None => {
                    eprintln!("--threads needs a number");
                    return std::process::ExitCode::from(2);
                }
            },
            "read" | "events" => mode = a,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => {
                eprintln!("usage: parse_floor DIR [read|events] [--threads N]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: parse_floor DIR [read|events] [--threads N]");
        return std::process::ExitCode::from(2);
    };
    if threads > 0
        && let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
    {
        eprintln!("parse_floor: {e}");
        return std::process::ExitCode::from(2);
    }
    let start = Instant::now();
    let mut files = Vec::new();
    if let Err(e) = walk(&dir, &mut files) {
        eprintln!("parse_floor: {}: {e}", dir.display());
        return std::process::ExitCode::from(2);
    }
    let events = mode == "events";
    let counted: Result<(usize, usize), String> = files
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut n = 0;
            if events {
                let mut parser = Parser::new_from_str(&text);
                while let Some(ev) = parser.next_event() {
                    ev.map_err(|e| format!("{}: {e}", p.display()))?;
                    n += 1;
                }
            }
            Ok((text.len(), n))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)));
    let (bytes, n) = match counted {
        Ok(c) => c,
        Err(e) => {
            eprintln!("parse_floor: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{mode}: {} files, {bytes} bytes, {n} events in {secs:.3} s ({:.0} files/s)",
        files.len(),
        files.len() as f64 / secs
    );
    std::process::ExitCode::SUCCESS
}
