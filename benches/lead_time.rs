//! Lead time of change records from git history (`lead_time::read`) on a synthetic history.
//!
//! ```text
//! cargo bench --bench lead_time
//! LEAD_TIME_PRS=20000 cargo bench --bench lead_time
//! LEAD_TIME_FLAT=1 cargo bench --bench lead_time
//! ```
//!
//! The repository is `synth --history N` (`examples/synth.rs`, included here so that the
//! benchmark makes its own data): the default catalogue (1,200 records, 200 of them changes)
//! in one commit, then N pull requests merged into `main` (default 5,000), each a branch of
//! three commits that add a change record, approve it and complete it (one in ten fails): 4N
//! commits after the first, one new record a day from 2027 on, in a folder per year (with
//! `LEAD_TIME_FLAT` set, all in one folder: `synth --flat`, the costlier walk, since every
//! commit's folder then holds up to N entries). It is generated once into
//! `$BENCH_DATA/history-N[-flat]` (default `target/bench-data`, as `ci/bench.sh`) and reused
//! while the arguments are the same.
//!
//! No criterion: one reading takes seconds, so it is timed whole, a warm-up and then five
//! runs (the minimum and the median are printed). Budget: under 5 s at 5,000 pull requests
//! (BENCHMARKS.md).

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let prs: usize = std::env::var("LEAD_TIME_PRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let data = std::env::var_os("BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data"));
    let flat = std::env::var_os("LEAD_TIME_FLAT").is_some();
    let repo = data.join(format!("history-{prs}{}", if flat { "-flat" } else { "" }));
    prepare(&repo, prs, flat);

    let run = || {
        let start = Instant::now();
        let all = cabinet::lead_time::read(&repo, "main").expect("the history reads");
        (start.elapsed(), all)
    };
    let (warm, all) = run();
    // Each pull request's change went through its three commits in order.
    let history = all.iter().filter(|(id, _)| !id.starts_with("CHG-2026-"));
    let out_of_order = history
        .clone()
        .filter(|(_, m)| !(Some(m.proposed) < m.approved && m.approved < m.completed))
        .count();
    assert_eq!(
        (history.count(), out_of_order),
        (prs, 0),
        "the pull requests' changes: how many, and how many not proposed, approved and completed in that order"
    );
    let completed = all.values().filter(|m| m.completed.is_some()).count();
    let approved = all.values().filter(|m| m.approved.is_some()).count();
    eprintln!(
        "lead_time::read: {} changes ({approved} approved, {completed} completed) in {prs} pull requests; warm-up {}",
        all.len(),
        secs(warm)
    );
    let mut times: Vec<Duration> = (0..5).map(|_| run().0).collect();
    times.sort();
    println!(
        "lead_time/read/{prs}_prs{}: min {}, median {} (5 runs; budget 5 s at 5,000)",
        if flat { "_flat" } else { "" },
        secs(times[0]),
        secs(times[2])
    );
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// Generate `synth --history prs [--flat]` into `repo` unless it holds that already.
fn prepare(repo: &Path, prs: usize, flat: bool) {
    let args = format!(
        "--history {prs} --seed 42{}",
        if flat { " --flat" } else { "" }
    );
    let stamp = repo.join(".git/synth-args");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(args.as_str()) {
        return;
    }
    if repo.exists() {
        std::fs::remove_dir_all(repo).expect("remove the old repository");
    }
    eprintln!("generating {}: synth {args}", repo.display());
    let parsed = synth::parse_args(
        args.split(' ')
            .map(str::to_string)
            .chain(["--out".to_string(), repo.display().to_string()]),
    )
    .expect("synth's arguments");
    synth::generate(&parsed).expect("synth generates the repository");
    std::fs::write(&stamp, &args).expect("write the stamp");
}
