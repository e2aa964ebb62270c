//! CAB approval through review, end to end: the cases where the wiring matters (what git
//! binds an approval to, the base revision's teams and policy, the approvals file and the
//! recipes that write it). The rules themselves are tested in process, one case each, in
//! `src/approval/tests.rs`; docs/approvals.md states them.

use crate::fixtures::*;
use crate::util::*;
use serde_json::{Value, json};

#[test]
fn a_cab_member_and_the_owner_approve() {
    let (repo, head) = pull_request();
    let (code, a) = decide(&repo, &head, vec![by_octocat(&head)], carol_and_pat(&head));
    assert_eq!(a["satisfied"], true, "{a:#}");
    assert_eq!(code, 0);
    let rule = &a["rules"][0];
    assert_eq!(rule["name"], "medium");
    assert_eq!(rule["requirements"][0]["approvers"], json!(["carol"]));
    assert_eq!(rule["requirements"][1]["service"], "service:pay");
    assert_eq!(rule["requirements"][1]["approvers"], json!(["pat"]));
}

#[test]
fn the_author_cannot_approve_their_own_change() {
    let (repo, head) = pull_request();
    // octocat is in the owning team, but authored the pull request.
    let (code, a) = decide(
        &repo,
        &head,
        vec![by_octocat(&head)],
        vec![
            approve(1, "carol", 101, &head),
            approve(2, "octocat", 583231, &head),
        ],
    );
    assert_eq!((code, a["satisfied"].clone()), (1, json!(false)));
    assert_eq!(ignored(&a), vec!["octocat: author"]);
    assert_eq!(reasons(&a), vec!["rule `medium` is not met"]);
}

/// A second commit `edit` of CHG-1 on top of the pull request; returns its sha and the
/// approvals file of the two commits, carol approving the first and pat the head.
fn pushed_after_carols_review(repo: &mut TestRepo, first: &str, edit: String) -> (String, Value) {
    repo.write("changes/CHG-1.yaml", edit);
    let head = repo.commit("after the review");
    let file = approvals_file(
        &head,
        vec![by_octocat(first), by_octocat(&head)],
        vec![
            approve(1, "carol", 101, first),
            approve(2, "pat", 301, &head),
        ],
    );
    (head, file)
}

#[test]
fn an_approval_before_a_new_push_is_stale() {
    let (mut repo, first) = pull_request();
    let more = change("normal", "medium", "").replace("plan: p", "plan: p, then more");
    let (_, file) = pushed_after_carols_review(&mut repo, &first, more);
    let out = check_with(&repo, "HEAD~2", &file);
    let a = approvals_of(&out);
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec![format!(
            "carol: stale at {}: changes/CHG-1.yaml changed since the review",
            &first[..7]
        )]
    );
    assert_eq!(out.code, 1);
}

#[test]
fn a_force_pushed_review_commit_that_is_gone_is_stale() {
    let (repo, head) = pull_request();
    let gone = "0123456789abcdef0123456789abcdef01234567";
    let (_, a) = decide(
        &repo,
        &head,
        vec![by_octocat(&head)],
        vec![
            approve(1, "carol", 101, gone),
            approve(2, "pat", 301, &head),
        ],
    );
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec![
            "carol: stale at 0123456: not a commit of the pull request (force-pushed away, or another pull request's)"
        ]
    );
}

#[test]
fn an_approver_who_pushed_a_commit_does_not_count() {
    let (repo, head) = pull_request();
    let commits = vec![
        json!({"sha": head, "author": user("octocat", 583231), "committer": user("carol", 101)}),
    ];
    let (_, a) = decide(&repo, &head, commits, carol_and_pat(&head));
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec!["carol: contributor: authored or committed to the pull request"]
    );
}

#[test]
fn a_pull_request_that_adds_a_reviewer_to_the_cab_is_judged_by_the_base_teams() {
    let (mut repo, _) = pull_request();
    repo.write(
        "cabinet.yaml",
        BASE.replace(
            "{github: erin, githubId: 103}]",
            "{github: erin, githubId: 103}, {github: mallory, githubId: 666}]",
        ),
    );
    let head = repo.commit("add mallory to the CAB");
    let file = approvals_file(
        &head,
        vec![],
        vec![
            approve(1, "mallory", 666, &head),
            approve(2, "pat", 301, &head),
        ],
    );
    let a = approvals_of(&check_with(&repo, "HEAD~2", &file));
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec!["mallory: not a member of `cab`, `payments`"]
    );
}

#[test]
fn a_pull_request_that_lowers_the_risk_thresholds_is_scored_by_the_base_policy() {
    let (mut repo, _) = pull_request();
    // With `levels: {medium: 9, ...}` the change would be low risk and need one owner only.
    repo.write(
        "cabinet.yaml",
        BASE.replace(
            "  cab: cab\n",
            "  cab: cab\n  risk: {levels: {medium: 9, high: 10, critical: 11}}\n",
        ),
    );
    let head = repo.commit("relax");
    let file = approvals_file(&head, vec![], vec![approve(2, "pat", 301, &head)]);
    let json = check_with(&repo, "HEAD~2", &file).json();
    assert_eq!(json["impact"]["risk"]["level"], "medium");
    assert_eq!(json["approvals"]["rules"][0]["name"], "medium");
    assert_eq!(json["approvals"]["satisfied"], false);
}

#[test]
fn an_approval_on_the_second_page_of_reviews_counts() {
    let (repo, head) = pull_request();
    let mut reviews = watchers(150, &head);
    reviews.push(approve(151, "carol", 101, &head));
    reviews.push(approve(152, "pat", 301, &head));
    assert_eq!(
        decide(&repo, &head, vec![by_octocat(&head)], reviews).1["satisfied"],
        true
    );
}

#[test]
fn a_change_no_rule_applies_to_is_not_approved() {
    // A standard change inside its model: the effective type the policy gives it is the one
    // the approval rules see.
    let (repo, head) = pull_request_of(
        &base_with_a_database_model(),
        &change("standard", "medium", "  model: m\n"),
    );
    let (code, a) = decide(
        &repo,
        &head,
        vec![by_octocat(&head)],
        vec![approve(1, "carol", 101, &head)],
    );
    assert_eq!(code, 1);
    assert_eq!(reasons(&a), vec!["no approval rule applies to this change"]);
}

#[test]
fn an_emergency_change_needs_the_ecab_and_carries_an_obligation() {
    let emergency = change(
        "emergency",
        "high",
        "  emergency: {incident: INC-1, justification: down}\n",
    )
    .replace("status: requested", "status: implementing");
    let (repo, head) = pull_request_of(BASE, &emergency);
    let (code, a) = decide(
        &repo,
        &head,
        vec![by_octocat(&head)],
        vec![approve(1, "frank", 201, &head)],
    );
    assert_eq!((code, a["satisfied"].clone()), (0, json!(true)), "{a:#}");
    assert_eq!(
        a["obligations"][0],
        "CHG-1 is an emergency change: after the merge the ECAB reviews it, and its outcome records that review"
    );
}

#[test]
fn semantic_binding_keeps_an_approval_through_reformatting_only() {
    let semantic = BASE.replace("  ecab: ecab\n", "  ecab: ecab\n  binding: semantic\n");
    let (mut repo, first) = pull_request_of(&semantic, &change("normal", "medium", ""));
    let reformatted = format!(
        "# reformatted\n{}",
        change("normal", "medium", "").replace("  plan: p\n", "  plan: \"p\"\n")
    );
    let (reformat, file) = pushed_after_carols_review(&mut repo, &first, reformatted);
    assert_eq!(
        check_with(&repo, "HEAD~2", &file).json()["approvals"]["satisfied"],
        true
    );
    // A real edit after the review does make it stale.
    let edited = change("normal", "medium", "").replace("plan: p", "plan: q");
    let (head2, mut file) = pushed_after_carols_review(&mut repo, &first, edited);
    file["commits"] = json!([
        by_octocat(&first),
        by_octocat(&reformat),
        by_octocat(&head2)
    ]);
    let a = approvals_of(&check_with(&repo, "HEAD~3", &file));
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec![format!(
            "carol: stale at {}: changes/CHG-1.yaml changed since the review",
            &first[..7]
        )]
    );
}

#[test]
fn a_broken_approvals_file_is_a_usage_error_naming_the_place() {
    let (repo, _) = pull_request();
    repo.write(".git/bad.json", "{\"author\": {\"login\": 5}}");
    let path = repo.path().join(".git/bad.json");
    let run = repo.run(&[
        "check",
        "--base",
        "HEAD~1",
        "--approvals",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json:1:"), "{}", run.stderr);
}

/// `ci/github/approvals.sh` with a stand-in `gh` that serves GitHub's pages: the file it
/// writes is one cabinet reads, with every page of commits and reviews.
#[test]
fn the_github_helper_script_saves_every_page() {
    if !tool(
        "jq",
        &["--version"],
        "the script needs it: apt-get install jq",
    ) {
        return;
    }
    let (repo, head) = pull_request();
    let pr = json!({"number": 42, "user": {"login": "octocat", "id": 583231, "type": "User"}, "head": {"sha": head}, "commits": 2});
    let commit = |sha: &str| json!({"sha": sha, "author": {"login": "octocat", "id": 583231, "type": "User"}, "committer": {"login": "web-flow", "id": 19864447, "type": "User"}});
    let page2 = vec![
        approve(101, "carol", 101, &head),
        approve(102, "pat", 301, &head),
    ];
    let script = format!(
        "#!/usr/bin/env bash\ncase \"$*\" in\n  *pulls/42/commits*) printf '%s\\n%s\\n' '{c1}' '{c2}';;\n  *pulls/42/reviews*) printf '%s\\n%s\\n' '{r1}' '{r2}';;\n  *pulls/42) echo '{pr}';;\n  *) echo \"unexpected: $*\" >&2; exit 1;;\nesac\n",
        c1 = json!([commit(&head)]),
        c2 = json!([commit(&head)]),
        r1 = Value::from(watchers(100, &head)),
        r2 = Value::from(page2),
        pr = pr,
    );
    let bin = stand_in(&repo, "gh", &script);
    let helper = || {
        let mut cmd = recipe("ci/github/approvals.sh", &bin);
        cmd.args(["acme/itsm", "42"]);
        cmd
    };
    let out = succeeded(&mut helper());
    let file: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(file["reviews"].as_array().unwrap().len(), 102);
    assert_eq!(file["commits"].as_array().unwrap().len(), 2);
    repo.write(".git/approvals.json", out.stdout);
    let run = check_saved(&repo, "HEAD~1", &[]);
    assert_eq!(approvals_of(&run)["satisfied"], true, "{}", run.stdout);
    assert_eq!(run.code, 0);
    // GitHub lists at most 250 commits; fewer listed than the pull request has is refused.
    stand_in(
        &repo,
        "gh",
        &script.replace("\"commits\":2", "\"commits\":251"),
    );
    let out = helper().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to judge it"));
}
