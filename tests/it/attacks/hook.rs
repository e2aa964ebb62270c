//! Attacks on the git hook: it must judge what is staged (the commit), and refuse to pass when
//! it cannot judge at all.

use crate::util::*;
use std::path::Path;

const BAD: &str = "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: s}\nspec: {owner: nobody-at-all, tier: 9}\n";
const GOOD: &str = "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: s}\nspec: {}\n";

fn hook() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/pre-commit-hook")
}

fn stage(repo: &TestRepo, rel: &str) {
    let git = git2::Repository::open(repo.path()).unwrap();
    let mut index = git.index().unwrap();
    index.add_path(Path::new(rel)).unwrap();
    index.write().unwrap();
}

fn run_hook(repo: &TestRepo, cabinet: &str) -> std::process::Output {
    std::process::Command::new("bash")
        .arg(hook())
        .current_dir(repo.path())
        .env("CABINET", cabinet)
        .output()
        .unwrap()
}

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("cabinet")
        .display()
        .to_string()
}

#[test]
fn a_bad_record_staged_then_fixed_without_staging_is_refused() {
    let mut repo = TestRepo::new();
    repo.commit("base");
    repo.write("s.yaml", BAD);
    stage(&repo, "s.yaml");
    repo.write("s.yaml", GOOD);
    let out = run_hook(&repo, &binary());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The working tree alone is valid: only the staged content is at fault.
    assert_eq!(repo.run(&["validate"]).code, 0);
    assert_eq!(repo.run(&["validate", "--staged"]).code, 1);
}

#[test]
fn a_good_record_staged_passes_whatever_the_working_tree_holds() {
    let mut repo = TestRepo::new();
    repo.commit("base");
    repo.write("s.yaml", GOOD);
    stage(&repo, "s.yaml");
    repo.write("s.yaml", BAD);
    let out = run_hook(&repo, &binary());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_hook_refuses_the_commit_when_cabinet_is_not_installed() {
    let mut repo = TestRepo::new();
    repo.commit("base");
    let out = run_hook(&repo, "/nonexistent/cabinet");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(
        !stderr.contains("cargo install --locked cabinet"),
        "never point at the crate of that name, which is another program: {stderr}"
    );
}
