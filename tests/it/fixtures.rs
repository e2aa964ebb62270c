//! The pull request the approval tests judge end to end (`approvals`, `attacks::approvals`,
//! `github`): a base revision whose policy asks one CAB member and one owner of `pay` to
//! approve a normal change of medium risk, a pull request by octocat that adds such a change,
//! and the approvals file that says who reviewed it. The rules themselves are tested in
//! process (`src/approval/tests.rs`); these tests hold the wiring.

use crate::util::*;
use serde_json::{Value, json};

/// The base revision: the CAB (carol, Dave, erin), the ECAB (frank), and payments (pat and
/// octocat, the author of the pull request), which owns service `pay` (tier 2) on `ci:db`.
pub const BASE: &str = include_str!("../fixtures/approvals/base.yaml");

/// The clock of every approval test: after the reviews, before the change's window.
pub const NOW: &str = "2026-11-22T09:00:00Z";

/// Change `CHG-1` on `ci:db` (which takes `pay` down), of this type and declared risk, with
/// `extra` lines added to its spec.
pub fn change(kind: &str, risk: &str, extra: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: CHG-1}}\nspec:\n  type: {kind}\n  requester: octocat\n  reason: r\n  affects: [ci:db]\n  window: {{start: \"2026-12-06T22:00:00Z\", end: \"2026-12-06T23:00:00Z\"}}\n  risk: {risk}\n  plan: p\n  backout: b\n  verification: v\n  status: requested\n{extra}"
    )
}

/// A repository with the base commit (`base_text` as its cabinet.yaml) and one pull-request
/// commit adding CHG-1 as `change_text`. Returns the repo and the head sha.
pub fn pull_request_of(base_text: &str, change_text: &str) -> (TestRepo, String) {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", base_text);
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", change_text);
    let head = repo.commit("CHG-1");
    (repo, head)
}

/// The pull request of every approval test: `BASE`, then CHG-1 (normal, medium: one CAB
/// member and one owner of `pay` approve it). Returns the repo and the head sha.
pub fn pull_request() -> (TestRepo, String) {
    pull_request_of(BASE, &change("normal", "medium", ""))
}

/// The base with a model for standard changes on databases, which no approval rule names.
pub fn base_with_a_database_model() -> String {
    format!(
        "{BASE}---\napiVersion: cabinet/v1\nkind: ChangeModel\nmetadata: {{id: m}}\nspec: {{appliesTo: [database], maxRisk: critical, plan: p}}\n"
    )
}

/// An account as the approvals file names it.
pub fn user(login: &str, id: u64) -> Value {
    json!({"login": login, "id": id, "type": "User"})
}

pub fn review(id: u64, who: Value, state: &str, commit: &str, at: &str) -> Value {
    json!({"id": id, "user": who, "state": state, "commit_id": commit, "submitted_at": at, "body": ""})
}

/// `n` reviews by as many watchers that only comment, before any approval.
pub fn watchers(n: u64, head: &str) -> Vec<Value> {
    (1..=n)
        .map(|i| {
            review(
                i,
                user(&format!("watcher{i}"), 10_000 + i),
                "COMMENTED",
                head,
                "2026-11-20T09:00:00Z",
            )
        })
        .collect()
}

/// An approval of `commit`, submitted `id` minutes past 10:00Z.
pub fn approve(id: u64, login: &str, uid: u64, commit: &str) -> Value {
    review(
        id,
        user(login, uid),
        "APPROVED",
        commit,
        &format!("2026-11-20T10:{:02}:00Z", id % 60),
    )
}

/// carol (CAB) and pat (owner) approve `head`: what the pull request needs.
pub fn carol_and_pat(head: &str) -> Vec<Value> {
    vec![approve(1, "carol", 101, head), approve(2, "pat", 301, head)]
}

/// A commit of the pull request as the forge lists it, authored and committed by octocat.
pub fn by_octocat(sha: &str) -> Value {
    json!({"sha": sha, "author": user("octocat", 583231), "committer": user("octocat", 583231)})
}

/// The approvals file of pull request 42 by octocat, with these commits and reviews.
pub fn approvals_file(head: &str, commits: Vec<Value>, reviews: Vec<Value>) -> Value {
    json!({"number": 42, "author": user("octocat", 583231), "head_sha": head,
           "commits": commits, "reviews": reviews})
}

/// Save an approvals file in the repository's .git folder and run the gate against `base`
/// (`--format json`, with `extra` arguments).
pub fn check_args(repo: &TestRepo, base: &str, file: &Value, extra: &[&str]) -> Run {
    repo.write(
        ".git/approvals.json",
        serde_json::to_string_pretty(file).unwrap(),
    );
    check_saved(repo, base, extra)
}

/// Run the gate against `base` with the approvals file saved as `.git/approvals.json`.
pub fn check_saved(repo: &TestRepo, base: &str, extra: &[&str]) -> Run {
    let path = repo.path().join(".git/approvals.json");
    let mut args = vec![
        "check",
        "--base",
        base,
        "--approvals",
        path.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    repo.run(&args)
}

pub fn check_with(repo: &TestRepo, base: &str, file: &Value) -> Run {
    check_args(repo, base, file, &[])
}

/// The approvals of a run that judged them (exit 0 or 1).
pub fn approvals_of(run: &Run) -> Value {
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    run.json()["approvals"].clone()
}

/// Gate the pull request of `head` against `HEAD~1` with an approvals file of these commits
/// and reviews: the exit code and the approvals.
pub fn decide(
    repo: &TestRepo,
    head: &str,
    commits: Vec<Value>,
    reviews: Vec<Value>,
) -> (i32, Value) {
    let run = check_with(repo, "HEAD~1", &approvals_file(head, commits, reviews));
    let approvals = approvals_of(&run);
    (run.code, approvals)
}

/// `login: reason` of every ignored approval.
pub fn ignored(a: &Value) -> Vec<String> {
    a["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}: {}",
                i["login"].as_str().unwrap(),
                i["reason"].as_str().unwrap()
            )
        })
        .collect()
}

pub fn reasons(a: &Value) -> Vec<String> {
    a["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

/// Run a recipe of `ci/` (`ci/github/approvals.sh`) with `bin` first on PATH, where a test
/// put stand-ins for the tools it calls (`gh`, `curl`).
pub fn recipe(path: &str, bin: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
    cmd
}

/// Write an executable stand-in for a tool into `<repo>/.git/fake-bin`; returns that folder.
pub fn stand_in(repo: &TestRepo, tool: &str, script: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = repo.path().join(".git/fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join(tool), script).unwrap();
    std::fs::set_permissions(bin.join(tool), std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}
