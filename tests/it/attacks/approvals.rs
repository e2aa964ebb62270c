//! Attacks: approvals (see mod.rs).

use crate::fixtures::*;
use crate::util::*;
use serde_json::{Value, json};

/// The approvals file of the pull request whose only commit is octocat's head.
fn file(head: &str, reviews: Vec<Value>) -> Value {
    approvals_file(head, vec![by_octocat(head)], reviews)
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
    let approvals = file(&first, carol_and_pat(&first));
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
    let approvals = approvals_file("HEAD", vec![by_octocat(&head)], carol_and_pat(&head));
    let run = check_args(&repo, "HEAD~1", &approvals, &[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("is not a full commit id"),
        "{}",
        run.stderr
    );
}

// --- hole 7 (approvals): the approvals file is bounded ---

#[test]
fn an_endless_approvals_file_is_refused_at_the_bound() {
    let (repo, _) = pull_request();
    let started = std::time::Instant::now();
    let run = repo.run(&["check", "--base", "HEAD~1", "--approvals", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("larger than 32 MiB"), "{}", run.stderr);
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

/// Commit the whole working tree on top of HEAD as this author and committer (name, e-mail),
/// with this message. For histories `TestRepo::commit` (one fixed author) cannot make; use it
/// only after the repository's first `TestRepo::commit`, and not that one again afterwards.
fn commit_as(repo: &TestRepo, author: &str, committer: &str, message: &str) -> String {
    let git = git2::Repository::open(repo.path()).unwrap();
    let mut index = git.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let time = git2::Time::new(1_790_000_000, 0);
    let sig = |email: &str| git2::Signature::new("Someone", email, &time).unwrap();
    let parent = git.head().unwrap().peel_to_commit().unwrap();
    git.commit(
        Some("HEAD"),
        &sig(author),
        &sig(committer),
        message,
        &tree,
        &[&parent],
    )
    .unwrap()
    .to_string()
}

/// The base of `tests/it/approvals.rs` with e-mails for carol (CAB) and pat (owner).
fn base_with_emails() -> String {
    BASE.replace(
        "{github: carol, githubId: 101}",
        "{github: carol, githubId: 101, email: carol@acme.example}",
    )
    .replace(
        "{github: pat, githubId: 301}",
        "{github: pat, githubId: 301, email: pat@acme.example}",
    )
}

/// A pull request adding CHG-1 (normal, medium: one CAB member and one owner of `pay`), made
/// of one commit per (author, committer, message). Returns the repository and the commits.
fn pull_request_by(commits: &[(&str, &str, &str)]) -> (TestRepo, Vec<String>) {
    pull_request_on(&base_with_emails(), commits)
}

/// The same on another base.
fn pull_request_on(base: &str, commits: &[(&str, &str, &str)]) -> (TestRepo, Vec<String>) {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", base);
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", change("normal", "medium", ""));
    let shas = commits
        .iter()
        .map(|(author, committer, message)| commit_as(&repo, author, committer, message))
        .collect();
    (repo, shas)
}

fn unlinked(sha: &str) -> Value {
    json!({"sha": sha, "author": null, "committer": null})
}

// --- hole 5: reviews are ordered by instant, and only well-formed ones count ---

/// 13:00+05:00 is 08:00Z: the dismissal at 10:00Z comes after the approval, although its
/// text sorts first.
#[test]
fn a_dismissal_after_an_approval_in_another_offset_cancels_it() {
    let (repo, head) = pull_request();
    let reviews = vec![
        review(
            1,
            user("carol", 101),
            "APPROVED",
            &head,
            "2026-11-20T13:00:00+05:00",
        ),
        review(
            2,
            user("carol", 101),
            "DISMISSED",
            &head,
            "2026-11-20T10:00:00Z",
        ),
        approve(3, "pat", 301, &head),
    ];
    let (code, a) = decide(&repo, &head, vec![by_octocat(&head)], reviews);
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(a["rules"][0]["requirements"][0]["approvers"], json!([]));
    assert_eq!(reasons(&a), vec!["rule `medium` is not met"]);
}

/// The same instant: the later review id decides.
#[test]
fn reviews_at_the_same_instant_are_ordered_by_id() {
    let (repo, head) = pull_request();
    let reviews = vec![
        review(
            9,
            user("carol", 101),
            "DISMISSED",
            &head,
            "2026-11-20T10:00:00Z",
        ),
        review(
            8,
            user("carol", 101),
            "APPROVED",
            &head,
            "2026-11-20T11:00:00+01:00",
        ),
        approve(3, "pat", 301, &head),
    ];
    let run = check_with(&repo, "HEAD~1", &file(&head, reviews));
    assert_eq!(approvals_of(&run)["satisfied"], false);
    assert_eq!(run.code, 1);
}

#[test]
fn an_approval_without_a_valid_time_does_not_count() {
    let (repo, head) = pull_request();
    let reviews = vec![
        review(1, user("carol", 101), "APPROVED", &head, "yesterday"),
        approve(2, "pat", 301, &head),
    ];
    let (code, a) = decide(&repo, &head, vec![by_octocat(&head)], reviews);
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(
        ignored(&a),
        vec![
            "carol: review 1 has no valid time (`yesterday` is not RFC 3339), so it cannot be ordered among this person's reviews"
        ]
    );
}

/// `commit_id: "HEAD"` would be resolved to the head by git; it is no commit id.
#[test]
fn an_approval_naming_a_ref_instead_of_a_commit_does_not_count() {
    let (repo, head) = pull_request();
    let reviews = vec![
        review(
            1,
            user("carol", 101),
            "APPROVED",
            "HEAD",
            "2026-11-20T10:00:00Z",
        ),
        approve(2, "pat", 301, &head),
    ];
    let (code, a) = decide(&repo, &head, vec![by_octocat(&head)], reviews);
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(
        ignored(&a),
        vec!["carol: the review names `HEAD`, not a full commit id of the pull request"]
    );
}

/// An approval given on a commit of another branch whose files are the very same still
/// approves another pull request: it does not count here.
#[test]
fn an_approval_of_a_commit_outside_the_pull_request_does_not_count() {
    let (repo, head) = pull_request();
    let git = git2::Repository::open(repo.path()).unwrap();
    let head_commit = git
        .find_commit(git2::Oid::from_str(&head).unwrap())
        .unwrap();
    let base_commit = head_commit.parent(0).unwrap();
    let sig = git2::Signature::new(
        "Other",
        "other@example.com",
        &git2::Time::new(1_790_000_100, 0),
    )
    .unwrap();
    let twin = git
        .commit(
            None,
            &sig,
            &sig,
            "the same files elsewhere",
            &head_commit.tree().unwrap(),
            &[&base_commit],
        )
        .unwrap()
        .to_string();
    let reviews = vec![
        approve(1, "carol", 101, &twin),
        approve(2, "pat", 301, &head),
    ];
    let (code, a) = decide(&repo, &head, vec![by_octocat(&head)], reviews);
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(
        ignored(&a),
        vec![format!(
            "carol: stale at {}: not a commit of the pull request (force-pushed away, or another pull request's)",
            &twin[..7]
        )]
    );
}

// --- hole 13: drafts ---

#[test]
fn a_draft_pull_request_is_never_approved() {
    let (repo, head) = pull_request();
    let mut approvals = file(&head, carol_and_pat(&head));
    let run = check_with(&repo, "HEAD~1", &approvals);
    assert_eq!(run.code, 0, "{}", run.stdout);
    approvals["draft"] = json!(true);
    let run = check_with(&repo, "HEAD~1", &approvals);
    let a = approvals_of(&run);
    assert_eq!(run.code, 1, "{a:#}");
    assert_eq!(
        reasons(&a),
        vec!["the pull request is a draft: a draft is never approved"]
    );
}

// --- hole 12: contributors come from git too ---

/// The file leaves out carol's own commit: the gate reads base..head itself.
#[test]
fn a_commit_left_out_of_the_approvals_file_fails_closed() {
    let (repo, shas) = pull_request_by(&[
        (
            "carol@acme.example",
            "carol@acme.example",
            "CHG-1, started by carol",
        ),
        (
            "octocat@acme.example",
            "octocat@acme.example",
            "CHG-1, finished",
        ),
    ]);
    let head = &shas[1];
    let run = check_with(&repo, "HEAD~2", &file(head, carol_and_pat(head)));
    let a = approvals_of(&run);
    assert_eq!(run.code, 1, "{a:#}");
    assert_eq!(
        reasons(&a),
        vec![
            format!(
                "commit {} (carol@acme.example) is in the repository's history of the pull request but not in its commit list: the list is incomplete or of another pull request",
                &shas[0][..7]
            ),
            "rule `medium` is not met".to_string(),
        ]
    );
    // And her e-mail makes her a contributor all the same.
    assert_eq!(
        ignored(&a),
        vec!["carol: contributor: authored or committed to the pull request"]
    );
}

#[test]
fn a_co_author_is_a_contributor() {
    for trailer in [
        "Co-authored-by: Carol <carol@acme.example>",
        "co-authored-by: C <101+carol@users.noreply.github.com>",
    ] {
        let (repo, shas) = pull_request_by(&[(
            "octocat@acme.example",
            "octocat@acme.example",
            &format!("CHG-1\n\n{trailer}\n"),
        )]);
        let head = &shas[0];
        let (code, a) = decide(&repo, head, vec![by_octocat(head)], carol_and_pat(head));
        assert_eq!(code, 1, "{trailer}: {a:#}");
        assert_eq!(
            ignored(&a),
            vec!["carol: contributor: authored or committed to the pull request"],
            "{trailer}"
        );
    }
}

// --- hole 6: commits GitHub could not link to an account ---

/// GitHub says `author: null` (the e-mail is linked to no account); the Team record knows it.
#[test]
fn an_unlinked_commit_by_an_approver_is_matched_by_team_email() {
    let (repo, shas) = pull_request_by(&[("carol@acme.example", "noreply@github.com", "CHG-1")]);
    let head = &shas[0];
    let (code, a) = decide(&repo, head, vec![unlinked(head)], carol_and_pat(head));
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(
        ignored(&a),
        vec!["carol: contributor: authored or committed to the pull request"]
    );
}

/// Nobody can tell who wrote it: the merge is blocked, naming the commit and the e-mail,
/// unless the policy accepts unknown authors.
#[test]
fn an_unlinked_commit_nobody_can_place_fails_closed_unless_the_policy_allows_it() {
    let (repo, shas) =
        pull_request_by(&[("c.private@mail.example", "noreply@github.com", "CHG-1")]);
    let head = &shas[0];
    let (code, a) = decide(&repo, head, vec![unlinked(head)], carol_and_pat(head));
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(
        reasons(&a),
        vec![format!(
            "commit {}: the author e-mail `c.private@mail.example` is tied to no GitHub account and to no Team member's `email`, so whether an approver wrote it cannot be known",
            &head[..7]
        )]
    );

    let relaxed = base_with_emails().replace(
        "  ecab: ecab\n",
        "  ecab: ecab\n  allowUnknownAuthors: true\n",
    );
    let (repo, shas) = pull_request_on(
        &relaxed,
        &[("c.private@mail.example", "noreply@github.com", "CHG-1")],
    );
    let head = &shas[0];
    let (code, a) = decide(&repo, head, vec![unlinked(head)], carol_and_pat(head));
    assert_eq!(code, 0, "{a:#}");
    assert_eq!(a["satisfied"], true);
    assert!(
        a["notes"][0]
            .as_str()
            .unwrap()
            .contains("the author e-mail `c.private@mail.example`")
    );
}

// --- hole 6 (GitLab): commits are e-mails, and there is more than one page of them ---

/// `ci/gitlab/approvals.sh` with a stand-in `curl` serving GitLab's API: the commits come on
/// two pages (the head on the second), and GitLab names no account for them. The file it
/// writes lists every commit, and carol, whose e-mail wrote the head, is a contributor.
#[test]
fn the_gitlab_recipe_reads_every_page_and_leaves_authors_to_the_emails() {
    if !tool(
        "jq",
        &["--version"],
        "the recipe needs it: apt-get install jq",
    ) {
        return;
    }
    let (repo, shas) = pull_request_by(&[("carol@acme.example", "carol@acme.example", "CHG-1")]);
    let head = &shas[0];
    let commit = |sha: &str| json!({"id": sha, "author_email": "carol@acme.example", "committer_email": "carol@acme.example"});
    let page1: Vec<Value> = (0..100).map(|i| commit(&format!("{i:040x}"))).collect();
    let page2 = vec![commit(head)];
    let mr = json!({"iid": 7, "author": {"username": "octocat", "id": 583231}, "sha": head, "draft": false});
    let approved = json!({"approved_by": [
        {"user": {"username": "carol", "id": 101}},
        {"user": {"username": "pat", "id": 301}}
    ]});
    let script = format!(
        "#!/usr/bin/env bash\nurl=\"${{@: -1}}\"\ncase \"$url\" in\n  *merge_requests/7/commits*page=1) echo '{p1}';;\n  *merge_requests/7/commits*page=2) echo '{p2}';;\n  *merge_requests/7/commits*) echo '[]';;\n  *merge_requests/7/approvals) echo '{ap}';;\n  *merge_requests/7) echo '{mr}';;\n  *) echo \"unexpected: $url\" >&2; exit 22;;\nesac\n",
        p1 = Value::from(page1),
        p2 = Value::from(page2),
        ap = approved,
        mr = mr,
    );
    let bin = stand_in(&repo, "curl", &script);
    let out = succeeded(
        recipe("ci/gitlab/approvals.sh", &bin)
            .env("CI_API_V4_URL", "https://gitlab.example/api/v4")
            .env("CI_PROJECT_ID", "1")
            .env("CI_MERGE_REQUEST_IID", "7")
            .env("CABINET_API_TOKEN", "t")
            .env("CI_COMMIT_SHA", head),
    );
    let saved: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(saved["commits"].as_array().unwrap().len(), 101);
    assert_eq!(
        saved["commits"][100],
        json!({"sha": head, "author": null, "committer": null})
    );
    assert_eq!(saved["draft"], false);
    let run = check_with(&repo, "HEAD~1", &saved);
    let a = approvals_of(&run);
    assert_eq!(run.code, 1, "{a:#}");
    assert_eq!(
        ignored(&a),
        vec!["carol: contributor: authored or committed to the pull request"]
    );
    assert_eq!(reasons(&a), vec!["rule `medium` is not met"]);
}

// --- hole 14: logins without ids ---

/// The base of `tests/it/approvals.rs` with Dave (CAB) listed by login only, and the policy
/// line `extra` added.
fn base_with_dave_unpinned(extra: &str) -> String {
    BASE.replace("{github: Dave, githubId: 102}", "{github: Dave}")
        .replace("  ecab: ecab\n", &format!("  ecab: ecab\n{extra}"))
}

fn dave_and_pat(repo_base: &str) -> (Run, Value) {
    let (repo, head) = pull_request_of(repo_base, &change("normal", "medium", ""));
    let reviews = vec![
        approve(1, "dave", 102, &head),
        approve(2, "pat", 301, &head),
    ];
    let run = check_with(&repo, "HEAD~1", &file(&head, reviews));
    let json = run.json();
    (run, json)
}

#[test]
fn a_cab_member_without_an_id_is_warned_and_counts_by_default() {
    let (run, json) = dave_and_pat(&base_with_dave_unpinned(""));
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["approvals"]["satisfied"], true);
    let warnings: Vec<(String, String, u64)> = json["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_string(),
                v["severity"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        vec![(
            "member-without-github-id".to_string(),
            "warning".to_string(),
            22
        )]
    );
    assert!(
        json["policy"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`Dave` approves for team `cab` but is listed without `githubId`")
    );
}

#[test]
fn with_required_ids_a_login_without_an_id_does_not_count() {
    let (run, json) = dave_and_pat(&base_with_dave_unpinned("  requireGithubIds: true\n"));
    let a = &json["approvals"];
    assert_eq!(run.code, 1, "{json:#}");
    assert_eq!(
        ignored(a),
        vec![
            "dave: listed in team `cab` without a githubId, and the policy requires ids (requireGithubIds)"
        ]
    );
    assert_eq!(reasons(a), vec!["rule `medium` is not met"]);
}

// --- hole 16: a verdict that never looked at approvals ---

/// The acme history's critical pull request, with no approvals source: the verdict must not
/// say that nothing blocks, and the report lists what the rules will require.
#[test]
fn without_an_approvals_source_the_verdict_says_approvals_were_not_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let acme = dir.path().join("acme");
    acme_history(&acme);
    let args = [
        "check",
        "--base",
        "main",
        "--head",
        "pr/pg-upgrade",
        "--now",
        NOW,
    ];
    let run = run_in(&acme, &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains("nothing blocks the merge"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "ok: no blocking finding, but approvals were not evaluated (risk critical)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("approvals: not evaluated (no --approvals or --github)\n  rule `high` will require:\n    2 from cab\n    1 from owners for service:checkout\n"),
        "{}",
        run.stdout
    );
    // Pipelines that gate on approvals make a missing source a blocking failure.
    let mut required = args.to_vec();
    required.push("--require-approvals");
    let run = run_in(&acme, &required);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("blocked: approvals not evaluated (no --approvals or --github)\n"),
        "{}",
        run.stdout
    );
    required.extend(["--format", "json"]);
    let json = run_in(&acme, &required).json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["unevaluatedApprovals"]["required"], true);
    assert_eq!(json["unevaluatedApprovals"]["rules"][0]["name"], "high");
}

#[test]
fn the_policy_can_require_an_approvals_source() {
    let (repo, _) = pull_request_of(
        &BASE.replace("  ecab: ecab\n", "  ecab: ecab\n  requireApprovals: true\n"),
        &change("normal", "medium", ""),
    );
    let run = repo.run(&["check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("approvals: not evaluated (no --approvals or --github), and they are required\n  rule `medium` will require:\n    1 from cab\n    1 from owners for service:pay\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("blocked: approvals not evaluated (no --approvals or --github)\n")
    );
}

/// A pull request that adds a low-risk change the owners may approve alone, and also touches
/// `path`; approved by the owner pat only.
fn owner_approves_a_change_that_also_touches(path: &str) -> (i32, Value) {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", BASE);
    repo.write(
        "spare.yaml",
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: spare}\nspec: {type: database, owner: payments, environment: production, lifecycle: planned}\n---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {id: archive}\nspec: {owner: payments, tier: 4, lifecycle: planned, dependsOn: [ci:spare]}\n",
    );
    repo.commit("base");
    // Only a tier-4 service depends on the spare database: a low-risk change its owners
    // approve alone.
    repo.write(
        "changes/CHG-1.yaml",
        change("normal", "low", "").replace("affects: [ci:db]", "affects: [ci:spare]"),
    );
    repo.write(path, "on: pull_request\n");
    let head = repo.commit("CHG-1 and more");
    decide(
        &repo,
        &head,
        vec![by_octocat(&head)],
        vec![approve(1, "pat", 301, &head)],
    )
}

#[test]
fn editing_the_gates_workflow_needs_the_cab_whatever_the_rules_say() {
    for path in [
        ".github/workflows/cabinet.yml",
        "templates/check.md",
        "CODEOWNERS",
        ".gitlab-ci.yml",
    ] {
        let (code, a) = owner_approves_a_change_that_also_touches(path);
        assert_eq!(code, 1, "{path}: {a:#}");
        assert!(
            reasons(&a).contains(&"rule `governance (built-in)` is not met".to_string()),
            "{path}: {:?}",
            reasons(&a)
        );
    }
    // A file the gate does not run on changes nothing.
    let (code, a) = owner_approves_a_change_that_also_touches("docs/notes.md");
    assert_eq!(code, 0, "{a:#}");
}

#[test]
fn without_an_approvals_source_the_report_says_when_no_rule_can_approve_the_change() {
    // A standard change inside its model: no rule of the base policy applies to it.
    let (repo, _) = pull_request_of(
        &base_with_a_database_model(),
        &change("standard", "medium", "  model: m\n"),
    );
    let run = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--format", "json",
    ]);
    let json = run.json();
    let problems = &json["unevaluatedApprovals"]["problems"];
    assert_eq!(
        problems,
        &json!(["no approval rule applies to this change"]),
        "{json:#}"
    );
}
