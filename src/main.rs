//! The `cabinet` binary: parse the command line, run it, map the outcome to an exit code.
//! Everything else lives in the library.

use clap::Parser;
use std::process::ExitCode;

// Loading a large repository allocates millions of small values on two threads: mimalloc
// does that markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the Rust bindings name no
/// constant for it; `the_purge_delay_option_is_the_one_we_mean` checks the index).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Give freed memory back after 10 ms (mimalloc 2's default) rather than after a second:
    // a run frees a lot while it loads, and the peak is what a CI runner pays for. At 100k
    // records: validate's peak 610 MB -> 487 MB; 0 ms gives 470 MB but costs ~0.2 s of
    // system time, 10 ms costs no measurable time (see BENCHMARKS.md).
    // `MIMALLOC_PURGE_DELAY` in the environment still decides, for whoever measures.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an option by its index before any thread is started.
        #[allow(unsafe_code)]
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10)
        };
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        no_transparent_huge_pages();
    }
    let cli = cabinet::cli::Cli::parse();
    match cabinet::cli::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            // A message may name a file or a value from the pull request: escaped, so that a
            // name cannot print a line of its own (CI runners read stderr for commands too).
            let escape = cabinet::report::escape;
            let mut message = format!("error: {}\n", escape(&error.to_string()));
            for hint in &error.hints {
                message.push_str(&format!("hint: {}\n", escape(hint)));
            }
            // stderr is for people; if it is gone there is no one left to tell.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), message.as_bytes());
            ExitCode::from(error.exit_status() as u8)
        }
    }
}

/// No transparent huge pages for this process: mimalloc asks for them on its arenas, and then
/// every fault zeroes 2 MiB, and every purge of part of one splits it, to be faulted and zeroed
/// again. At 100k records that was a sixth of validate's CPU time (`clear_page_erms`); without
/// them validate takes ~10% less time and ~5% less memory (see BENCHMARKS.md). mimalloc's own
/// switch (`MIMALLOC_ALLOW_THP=0`) is read when it starts, before `main`, so this asks the
/// kernel directly; `MIMALLOC_ALLOW_THP` in the environment still decides, for whoever measures.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers only; it sets a flag of this process.
    #[allow(unsafe_code)]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::{MI_OPTION_PURGE_DELAY, no_transparent_huge_pages};

    #[test]
    fn the_purge_delay_option_is_the_one_we_mean() {
        // Its default in mimalloc 3 is 1000 (ms); no other option defaults to that.
        // SAFETY: reads an option by its index.
        #[allow(unsafe_code)]
        let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_off_once_asked() {
        no_transparent_huge_pages();
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        // Kernels from 6.x report it; older ones have no line, and nothing to check.
        if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
            assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
        }
    }
}
