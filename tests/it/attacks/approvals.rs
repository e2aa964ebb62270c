//! Attacks: approvals (see mod.rs).

use crate::approvals::{
    BASE, approve, change, check_with, ignored, pull_request, reasons, review, user,
};
use crate::util::*;
use serde_json::{Value, json};

const NOW: &str = "2026-11-22T09:00:00Z";

/// The approvals file of pull request 42 by octocat, with these commits and reviews.
fn file(head: &str, commits: Vec<Value>, reviews: Vec<Value>) -> Value {
    json!({"number": 42, "author": user("octocat", 583231), "head_sha": head,
           "commits": commits, "reviews": reviews})
}

/// A commit of the pull request as the forge lists it, authored and committed by octocat.
fn by_octocat(sha: &str) -> Value {
    json!({"sha": sha, "author": user("octocat", 583231), "committer": user("octocat", 583231)})
}

/// Run `check --format json` with an approvals file and extra arguments.
fn check_args(repo: &TestRepo, base: &str, approvals: &Value, extra: &[&str]) -> Run {
    repo.write(
        ".git/approvals.json",
        serde_json::to_string_pretty(approvals).unwrap(),
    );
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

// --- hole 4: approvals of another commit ---

/// The approvals file is about an older head (where CHG-1 was small and approved); `--head`
/// names the widened head. The approvals must not judge the widened change.
#[test]
fn approvals_saved_for_an_older_head_do_not_judge_a_newer_one() {
    let (mut repo, first) = pull_request();
    repo.write(
        "changes/CHG-1.yaml",
        change("normal", "medium", "").replace("affects: [ci:db]", "affects: [ci:db, service:pay]"),
    );
    let widened = repo.commit("widen CHG-1");
    let approvals = file(
        &first,
        vec![by_octocat(&first)],
        vec![approve(1, "carol", 101, &first), approve(2, "pat", 301, &first)],
    );
    // Judged at the file's own head, the approvals hold.
    let own = check_args(&repo, "HEAD~2", &approvals, &["--head", &first]);
    assert_eq!(own.code, 0, "{}{}", own.stdout, own.stderr);
    // Judged at another head, they are refused: a usage error, never a pass.
    let other = check_args(&repo, "HEAD~2", &approvals, &["--head", &widened]);
    assert_eq!(other.code, 2, "{}{}", other.stdout, other.stderr);
    assert!(
        other.stderr.contains(&format!(
            "the approvals are for the head {}, but the head being gated",
            &first[..7]
        )),
        "{}",
        other.stderr
    );
    // A branch name for the same head is the same head.
    let by_name = check_args(&repo, "HEAD~2", &approvals, &["--head", "HEAD"]);
    assert_eq!(by_name.code, 2, "{}", by_name.stderr);
}

/// `head_sha: "HEAD"` would follow whatever is checked out: a head is a full commit id.
#[test]
fn a_head_sha_that_is_a_ref_name_is_refused() {
    let (repo, head) = pull_request();
    let approvals = file(
        "HEAD",
        vec![by_octocat(&head)],
        vec![approve(1, "carol", 101, &head), approve(2, "pat", 301, &head)],
    );
    let run = check_args(&repo, "HEAD~1", &approvals, &[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("is not a full commit id"), "{}", run.stderr);
}

// --- hole 7 (approvals): the approvals file is bounded ---

#[test]
fn an_endless_approvals_file_is_refused_at_the_bound() {
    let (repo, _) = pull_request();
    let started = std::time::Instant::now();
    let run = repo.run(&["check", "--base", "HEAD~1", "--approvals", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("larger than 32 MiB"),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_huge_approvals_file_is_refused_before_it_is_read() {
    let (repo, _) = pull_request();
    let path = repo.path().join(".git/huge.json");
    // Sparse: 1 GiB that costs no disk, and would cost a gigabyte of memory if read.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let run = repo.run(&[
        "check",
        "--base",
        "HEAD~1",
        "--approvals",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("huge.json"), "{}", run.stderr);
    assert!(run.stderr.contains("larger than 32 MiB"), "{}", run.stderr);
}
