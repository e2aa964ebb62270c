//! CAB approval through review: the adversarial cases, each with its verdict and the reason
//! given (the rules are in docs/approvals.md).

use crate::util::*;
use serde_json::{Value, json};

pub(crate) const BASE: &str = r#"apiVersion: cabinet/v1
kind: Config
metadata: {id: t}
spec: {}
---
apiVersion: cabinet/v1
kind: Policy
metadata: {id: p}
spec:
  cab: cab
  ecab: ecab
  approvals:
    - {name: low risk, when: {type: [normal], risk: [low]}, require: [{count: 1, from: [owners]}]}
    - {name: medium, when: {type: [normal], risk: [medium]}, require: [{count: 1, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}
    - {name: high, when: {type: [normal], risk: [high, critical]}, require: [{count: 2, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}
    - {name: emergency, when: {type: [emergency]}, require: [{count: 1, from: [ecab]}]}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: cab}
spec:
  members: [{github: carol, githubId: 101}, {github: Dave, githubId: 102}, {github: erin, githubId: 103}]
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: ecab}
spec: {members: [{github: frank, githubId: 201}]}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: payments}
spec: {members: [{github: pat, githubId: 301}, {github: octocat, githubId: 583231}]}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: db}
spec: {type: database, owner: payments, environment: production, lifecycle: planned}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: pay}
spec: {owner: payments, tier: 2, lifecycle: planned, dependsOn: [ci:db]}
"#;

pub(crate) fn change(kind: &str, risk: &str, extra: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: CHG-1}}\nspec:\n  type: {kind}\n  requester: octocat\n  reason: r\n  affects: [ci:db]\n  window: {{start: \"2026-12-06T22:00:00Z\", end: \"2026-12-06T23:00:00Z\"}}\n  risk: {risk}\n  plan: p\n  backout: b\n  verification: v\n  status: requested\n{extra}"
    )
}

/// A repository with the base commit and one pull-request commit adding CHG-1 (normal,
/// medium: `pay` goes down). Returns the repo and the head sha.
pub(crate) fn pull_request() -> (TestRepo, String) {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", BASE);
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", change("normal", "medium", ""));
    let head = repo.commit("CHG-1");
    (repo, head)
}

pub(crate) fn user(login: &str, id: u64) -> Value {
    json!({"login": login, "id": id, "type": "User"})
}

pub(crate) fn review(id: u64, who: Value, state: &str, commit: &str, at: &str) -> Value {
    json!({"id": id, "user": who, "state": state, "commit_id": commit, "submitted_at": at, "body": ""})
}

pub(crate) fn approve(id: u64, login: &str, uid: u64, commit: &str) -> Value {
    review(
        id,
        user(login, uid),
        "APPROVED",
        commit,
        &format!("2026-11-20T10:{:02}:00Z", id % 60),
    )
}

/// Save an approvals file in the repository's .git folder and run the gate against `base`.
pub(crate) fn check_with(repo: &TestRepo, base: &str, file: &Value) -> Run {
    repo.write(
        ".git/approvals.json",
        serde_json::to_string_pretty(file).unwrap(),
    );
    let path = repo.path().join(".git/approvals.json");
    repo.run(&[
        "check",
        "--base",
        base,
        "--approvals",
        path.to_str().unwrap(),
        "--now",
        "2026-11-22T09:00:00Z",
        "--format",
        "json",
    ])
}

/// Run the gate with these reviews; returns (exit code, the approvals JSON).
fn decide(repo: &TestRepo, head: &str, reviews: Vec<Value>, commits: Vec<Value>) -> (i32, Value) {
    let file = json!({
        "number": 42,
        "author": user("octocat", 583231),
        "head_sha": head,
        "commits": if commits.is_empty() { vec![json!({"sha": head, "author": user("octocat", 583231), "committer": user("octocat", 583231)})] } else { commits },
        "reviews": reviews,
    });
    let run = check_with(repo, "HEAD~1", &file);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    (run.code, run.json()["approvals"].clone())
}

pub(crate) fn ignored(a: &Value) -> Vec<String> {
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

pub(crate) fn reasons(a: &Value) -> Vec<String> {
    a["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_cab_member_and_the_owner_approve() {
    let (repo, head) = pull_request();
    let (code, a) = decide(
        &repo,
        &head,
        vec![
            approve(1, "carol", 101, &head),
            approve(2, "pat", 301, &head),
        ],
        vec![],
    );
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
        vec![
            approve(1, "carol", 101, &head),
            approve(2, "octocat", 583231, &head),
        ],
        vec![],
    );
    assert_eq!((code, a["satisfied"].clone()), (1, json!(false)));
    assert_eq!(ignored(&a), vec!["octocat: author"]);
    assert_eq!(reasons(&a), vec!["rule `medium` is not met"]);
}

#[test]
fn an_approval_before_a_new_push_is_stale() {
    let (mut repo, first) = pull_request();
    repo.write(
        "changes/CHG-1.yaml",
        change("normal", "medium", "").replace("plan: p", "plan: p, then more"),
    );
    let head = repo.commit("more plan");
    let commits = vec![
        json!({"sha": first, "author": user("octocat", 583231), "committer": user("octocat", 583231)}),
        json!({"sha": head, "author": user("octocat", 583231), "committer": user("octocat", 583231)}),
    ];
    let file = json!({"number": 42, "author": user("octocat", 583231), "head_sha": head, "commits": commits,
            "reviews": [approve(1, "carol", 101, &first), approve(2, "pat", 301, &head)]});
    let run = |repo: &TestRepo| check_with(repo, "HEAD~2", &file);
    let out = run(&repo);
    let a = out.json()["approvals"].clone();
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
        vec![
            approve(1, "carol", 101, gone),
            approve(2, "pat", 301, &head),
        ],
        vec![],
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
fn a_comment_after_an_approval_keeps_it_and_a_dismissal_cancels_it() {
    let (repo, head) = pull_request();
    let commented = vec![
        approve(1, "carol", 101, &head),
        review(
            5,
            user("carol", 101),
            "COMMENTED",
            &head,
            "2026-11-20T11:00:00Z",
        ),
        approve(2, "pat", 301, &head),
    ];
    assert_eq!(decide(&repo, &head, commented, vec![]).1["satisfied"], true);
    let dismissed = vec![
        approve(1, "carol", 101, &head),
        review(
            5,
            user("carol", 101),
            "DISMISSED",
            &head,
            "2026-11-20T11:00:00Z",
        ),
        approve(2, "pat", 301, &head),
    ];
    let (_, a) = decide(&repo, &head, dismissed, vec![]);
    assert_eq!(a["satisfied"], false);
    assert_eq!(a["rules"][0]["requirements"][0]["approvers"], json!([]));
}

#[test]
fn an_approver_who_pushed_a_commit_does_not_count() {
    let (repo, head) = pull_request();
    let commits = vec![
        json!({"sha": head, "author": user("octocat", 583231), "committer": user("carol", 101)}),
    ];
    let (_, a) = decide(
        &repo,
        &head,
        vec![
            approve(1, "carol", 101, &head),
            approve(2, "pat", 301, &head),
        ],
        commits,
    );
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
    let file = json!({"number": 42, "author": user("octocat", 583231), "head_sha": head, "commits": [],
            "reviews": [approve(1, "mallory", 666, &head), approve(2, "pat", 301, &head)]});
    let run = |repo: &TestRepo| check_with(repo, "HEAD~2", &file);
    let a = run(&repo).json()["approvals"].clone();
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
    let file = json!({"number": 42, "author": user("octocat", 583231), "head_sha": head, "commits": [],
        "reviews": [approve(2, "pat", 301, &head)]});
    let out = check_with(&repo, "HEAD~2", &file);
    let json = out.json();
    assert_eq!(json["impact"]["risk"]["level"], "medium");
    assert_eq!(json["approvals"]["rules"][0]["name"], "medium");
    assert_eq!(json["approvals"]["satisfied"], false);
}

#[test]
fn a_renamed_login_with_another_id_does_not_count() {
    let (repo, head) = pull_request();
    let (_, a) = decide(
        &repo,
        &head,
        vec![
            approve(1, "carol", 999, &head),
            approve(2, "pat", 301, &head),
        ],
        vec![],
    );
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        ignored(&a),
        vec!["carol: listed in team `cab` under another GitHub id (renamed or reused login)"]
    );
}

#[test]
fn bots_never_count() {
    let (repo, head) = pull_request();
    let bot = review(
        1,
        json!({"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}),
        "APPROVED",
        &head,
        "2026-11-20T10:00:00Z",
    );
    let (_, a) = decide(
        &repo,
        &head,
        vec![bot, approve(2, "pat", 301, &head)],
        vec![],
    );
    assert_eq!(a["satisfied"], false);
    assert_eq!(ignored(&a), vec!["github-actions[bot]: bot"]);
}

#[test]
fn logins_compare_case_insensitively() {
    let (repo, head) = pull_request();
    // The team lists `Dave`; GitHub reports `dave`, with the same id.
    let (_, a) = decide(
        &repo,
        &head,
        vec![
            approve(1, "dave", 102, &head),
            approve(2, "PAT", 301, &head),
        ],
        vec![],
    );
    assert_eq!(a["satisfied"], true, "{a:#}");
}

#[test]
fn an_approval_on_the_second_page_of_reviews_counts() {
    let (repo, head) = pull_request();
    let mut reviews: Vec<Value> = (1..=150)
        .map(|i| {
            review(
                i,
                user(&format!("watcher{i}"), 10_000 + i),
                "COMMENTED",
                &head,
                "2026-11-20T09:00:00Z",
            )
        })
        .collect();
    reviews.push(approve(151, "carol", 101, &head));
    reviews.push(approve(152, "pat", 301, &head));
    assert_eq!(decide(&repo, &head, reviews, vec![]).1["satisfied"], true);
}

#[test]
fn a_required_owner_team_that_does_not_exist_cannot_be_satisfied() {
    let mut repo = TestRepo::empty();
    repo.write(
        "cabinet.yaml",
        BASE.replace(
            "spec: {owner: payments, tier: 2",
            "spec: {owner: ghosts, tier: 2",
        ),
    );
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", change("normal", "medium", ""));
    let head = repo.commit("CHG-1");
    let (_, a) = decide(
        &repo,
        &head,
        vec![
            approve(1, "carol", 101, &head),
            approve(2, "pat", 301, &head),
        ],
        vec![],
    );
    assert_eq!(a["satisfied"], false);
    let owners = &a["rules"][0]["requirements"][1];
    assert_eq!(
        owners["problems"],
        json!(["team `ghosts` does not exist at the base revision"])
    );
}

#[test]
fn a_change_no_rule_applies_to_is_not_approved() {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", BASE);
    repo.write("models.yaml", "apiVersion: cabinet/v1\nkind: ChangeModel\nmetadata: {id: m}\nspec: {appliesTo: [database], maxRisk: critical, plan: p}\n");
    repo.commit("base");
    repo.write(
        "changes/CHG-1.yaml",
        change("standard", "medium", "  model: m\n"),
    );
    let head = repo.commit("CHG-1");
    let (code, a) = decide(&repo, &head, vec![approve(1, "carol", 101, &head)], vec![]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&a), vec!["no approval rule applies to this change"]);
}

#[test]
fn changes_requested_by_a_cab_member_block_until_they_approve() {
    let (repo, head) = pull_request();
    let blocked = vec![
        approve(1, "carol", 101, &head),
        approve(2, "pat", 301, &head),
        review(
            3,
            user("erin", 103),
            "CHANGES_REQUESTED",
            &head,
            "2026-11-20T11:00:00Z",
        ),
    ];
    let (_, a) = decide(&repo, &head, blocked.clone(), vec![]);
    assert_eq!(a["satisfied"], false);
    assert_eq!(a["blockedBy"], json!(["erin"]));
    assert_eq!(reasons(&a), vec!["erin requested changes"]);
    let mut lifted = blocked;
    lifted.push(review(
        4,
        user("erin", 103),
        "APPROVED",
        &head,
        "2026-11-20T12:00:00Z",
    ));
    assert_eq!(decide(&repo, &head, lifted, vec![]).1["satisfied"], true);
}

#[test]
fn an_emergency_change_needs_the_ecab_and_carries_an_obligation() {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", BASE);
    repo.commit("base");
    repo.write(
        "changes/CHG-1.yaml",
        change(
            "emergency",
            "high",
            "  emergency: {incident: INC-1, justification: down}\n",
        )
        .replace("status: requested", "status: implementing"),
    );
    let head = repo.commit("CHG-1");
    let (code, a) = decide(&repo, &head, vec![approve(1, "frank", 201, &head)], vec![]);
    assert_eq!((code, a["satisfied"].clone()), (0, json!(true)), "{a:#}");
    assert_eq!(
        a["obligations"][0],
        "CHG-1 is an emergency change: after the merge the ECAB reviews it, and its outcome records that review"
    );
}

#[test]
fn semantic_binding_keeps_an_approval_through_reformatting_only() {
    let semantic = BASE.replace("  ecab: ecab\n", "  ecab: ecab\n  binding: semantic\n");
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", semantic);
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", change("normal", "medium", ""));
    let first = repo.commit("CHG-1");
    repo.write(
        "changes/CHG-1.yaml",
        format!(
            "# reformatted\n{}",
            change("normal", "medium", "").replace("  plan: p\n", "  plan: \"p\"\n")
        ),
    );
    let head = repo.commit("reformat");
    let reviews = json!([
        approve(1, "carol", 101, &first),
        approve(2, "pat", 301, &head)
    ]);
    let commits = json!([
        {"sha": first, "author": user("octocat", 583231), "committer": user("octocat", 583231)},
        {"sha": head, "author": user("octocat", 583231), "committer": user("octocat", 583231)}
    ]);
    let file = json!({"number": 42, "author": user("octocat", 583231), "head_sha": head, "commits": commits, "reviews": reviews});
    assert_eq!(
        check_with(&repo, "HEAD~2", &file).json()["approvals"]["satisfied"],
        true
    );
    // A real edit after the review does make it stale.
    repo.write(
        "changes/CHG-1.yaml",
        change("normal", "medium", "").replace("plan: p", "plan: q"),
    );
    let head2 = repo.commit("edit");
    let commits: Vec<Value> = [&first, &head, &head2]
        .iter()
        .map(|sha| json!({"sha": sha, "author": user("octocat", 583231), "committer": user("octocat", 583231)}))
        .collect();
    let file = json!({"number": 42, "author": user("octocat", 583231), "head_sha": head2, "commits": commits,
        "reviews": [approve(1, "carol", 101, &first), approve(2, "pat", 301, &head2)]});
    let a = check_with(&repo, "HEAD~3", &file).json()["approvals"].clone();
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
    let bin = repo.path().join(".git/fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let pr = json!({"number": 42, "user": {"login": "octocat", "id": 583231, "type": "User"}, "head": {"sha": head}, "commits": 2});
    let commit = |sha: &str| json!({"sha": sha, "author": {"login": "octocat", "id": 583231, "type": "User"}, "committer": {"login": "web-flow", "id": 19864447, "type": "User"}});
    let page1: Vec<Value> = (1..=100)
        .map(|i| {
            review(
                i,
                user(&format!("watcher{i}"), 10_000 + i),
                "COMMENTED",
                &head,
                "2026-11-20T09:00:00Z",
            )
        })
        .collect();
    let page2 = vec![
        approve(101, "carol", 101, &head),
        approve(102, "pat", 301, &head),
    ];
    let script = format!(
        "#!/usr/bin/env bash\ncase \"$*\" in\n  *pulls/42/commits*) printf '%s\\n%s\\n' '{c1}' '{c2}';;\n  *pulls/42/reviews*) printf '%s\\n%s\\n' '{r1}' '{r2}';;\n  *pulls/42) echo '{pr}';;\n  *) echo \"unexpected: $*\" >&2; exit 1;;\nesac\n",
        c1 = json!([commit(&head)]),
        c2 = json!([commit(&head)]),
        r1 = Value::from(page1),
        r2 = Value::from(page2),
        pr = pr,
    );
    std::fs::write(bin.join("gh"), script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let helper = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/github/approvals.sh");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg(&helper)
        .args(["acme/itsm", "42"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(file["reviews"].as_array().unwrap().len(), 102);
    assert_eq!(file["commits"].as_array().unwrap().len(), 2);
    repo.write(".git/approvals.json", out.stdout);
    let approvals = repo.path().join(".git/approvals.json");
    let run = repo.run(&[
        "check",
        "--base",
        "HEAD~1",
        "--approvals",
        approvals.to_str().unwrap(),
        "--now",
        "2026-11-22T09:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(run.json()["approvals"]["satisfied"], true, "{}", run.stdout);
    assert_eq!(run.code, 0);
    // GitHub lists at most 250 commits; fewer listed than the pull request has is refused.
    std::fs::write(
        bin.join("gh"),
        std::fs::read_to_string(bin.join("gh"))
            .unwrap()
            .replace("\"commits\":2", "\"commits\":251"),
    )
    .unwrap();
    let out = std::process::Command::new("bash")
        .arg(&helper)
        .args(["acme/itsm", "42"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to judge it"));
}
