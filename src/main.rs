//! The `cabinet` binary: parse the command line, run it, map the outcome to an exit code.
//! Everything else lives in the library.

use clap::Parser;
use std::process::ExitCode;

// Loading a large repository allocates millions of small values on two threads: mimalloc
// does that markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cabinet::cli::Cli::parse();
    match cabinet::cli::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            let mut message = format!("error: {error}\n");
            for hint in &error.hints {
                message.push_str(&format!("hint: {hint}\n"));
            }
            // stderr is for people; if it is gone there is no one left to tell.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), message.as_bytes());
            ExitCode::from(error.exit_status() as u8)
        }
    }
}
