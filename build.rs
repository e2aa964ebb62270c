//! Names the commit the binary was built from, for `cabinet --version`: a bug report then
//! says exactly which code ran. Outside a git checkout (a crate download) it names none.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let dirty = commit.is_some()
        && Command::new("git")
            .args([
                "diff",
                "--quiet",
                "HEAD",
                "--",
                "src",
                "Cargo.toml",
                "Cargo.lock",
            ])
            .status()
            .is_ok_and(|s| s.code() == Some(1));
    let long = match commit {
        Some(c) if dirty => format!("{version} (commit {c}, modified)"),
        Some(c) => format!("{version} (commit {c})"),
        None => version,
    };
    println!("cargo:rustc-env=CABINET_LONG_VERSION={long}");
    // Run again when HEAD moves. In a linked work tree `.git` is a file naming the real
    // folder; there the version is refreshed by any other change to the crate.
    let git = Path::new(".git");
    if git.is_dir() {
        for path in [".git/HEAD", ".git/index"] {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
