//! `cabinet check --github` against a local mock of GitHub's REST API (wiremock, loopback
//! only), serving the response shapes GitHub serves (tests/fixtures/github): pagination by
//! `Link` headers, the 250-commit cap, errors with hints, retries, and publishing (the sticky
//! comment, the commit status, review requests).

use crate::fixtures::{self, NOW};
use crate::util::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PR: &str = "/repos/acme/itsm/pulls/42";
const MARKER: &str = "<!-- cabinet:check -->";

fn fixture(name: &str) -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/github")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&file).expect("fixture")).expect("JSON")
}

/// A full user object, as GitHub embeds it in reviews, commits and comments.
fn account(login: &str, id: u64, kind: &str) -> Value {
    let mut u = fixture("reviews")[0]["user"].clone();
    u["login"] = json!(login);
    u["id"] = json!(id);
    u["type"] = json!(kind);
    u["url"] = json!(format!("https://api.github.com/users/{login}"));
    u["html_url"] = json!(format!("https://github.com/{login}"));
    u
}

fn review(id: u64, login: &str, uid: u64, state: &str, commit: &str, minute: u64) -> Value {
    let mut r = fixture("reviews")[0].clone();
    r["id"] = json!(id);
    r["user"] = account(login, uid, "User");
    r["state"] = json!(state);
    r["commit_id"] = json!(commit);
    r["submitted_at"] = json!(format!(
        "2026-11-20T{:02}:{:02}:00Z",
        8 + minute / 60,
        minute % 60
    ));
    r["html_url"] = json!(format!(
        "https://github.com/acme/itsm/pull/42#pullrequestreview-{id}"
    ));
    r
}

/// carol (CAB) and pat (owner of `pay`) approve the head: what the pull request needs.
fn approved_by_carol_and_pat(head: &str) -> [Value; 2] {
    [
        review(1, "carol", 101, "APPROVED", head, 1),
        review(2, "pat", 301, "APPROVED", head, 2),
    ]
}

fn commit(sha: &str) -> Value {
    let mut c = fixture("commits")[0].clone();
    c["sha"] = json!(sha);
    c
}

fn comment(id: u64, login: &str, uid: u64, kind: &str, body: &str) -> Value {
    let mut c = fixture("issue_comments")[0].clone();
    c["id"] = json!(id);
    c["user"] = account(login, uid, kind);
    c["body"] = json!(body);
    c["url"] = json!(format!(
        "https://api.github.com/repos/acme/itsm/issues/comments/{id}"
    ));
    c["html_url"] = json!(format!(
        "https://github.com/acme/itsm/pull/42#issuecomment-{id}"
    ));
    c
}

/// Serve `items` at `route` in pages of 100 linked by `Link` headers, as GitHub does.
async fn serve_list(server: &MockServer, route: &str, items: &[Value]) {
    let pages: Vec<&[Value]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(100).collect()
    };
    let last = pages.len();
    let link = |n: usize| {
        let url = |p: usize| format!("{}{route}?per_page=100&page={p}", server.uri());
        let mut parts = Vec::new();
        if n > 1 {
            parts.push(format!("<{}>; rel=\"prev\"", url(n - 1)));
        }
        if n < last {
            parts.push(format!("<{}>; rel=\"next\"", url(n + 1)));
            parts.push(format!("<{}>; rel=\"last\"", url(last)));
        }
        parts.join(", ")
    };
    // The specific pages first: wiremock answers with the first mock that matches.
    for (i, page) in pages.iter().enumerate().skip(1) {
        let n = i + 1;
        let mut answer = ResponseTemplate::new(200).set_body_json(page);
        if !link(n).is_empty() {
            answer = answer.insert_header("Link", link(n).as_str());
        }
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("page", n.to_string()))
            .respond_with(answer)
            .mount(server)
            .await;
    }
    let mut first = ResponseTemplate::new(200).set_body_json(pages[0]);
    if last > 1 {
        first = first.insert_header("Link", link(1).as_str());
    }
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(first)
        .mount(server)
        .await;
}

fn pull_request(head: &str, commits: u64) -> Value {
    let mut pr = fixture("pull_request");
    pr["head"]["sha"] = json!(head);
    pr["commits"] = json!(commits);
    pr
}

/// A mock GitHub serving pull request 42 of acme/itsm with these reviews and commits.
async fn github(head: &str, reviews: &[Value]) -> MockServer {
    let server = MockServer::start().await;
    serve_pull_request(&server, head, reviews).await;
    server
}

async fn serve_pull_request(server: &MockServer, head: &str, reviews: &[Value]) {
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(200).set_body_json(pull_request(head, 1)))
        .mount(server)
        .await;
    serve_list(server, &format!("{PR}/reviews"), reviews).await;
    serve_list(server, &format!("{PR}/commits"), &[commit(head)]).await;
    serve_list(
        server,
        &format!("{PR}/files"),
        fixture("files").as_array().unwrap(),
    )
    .await;
}

/// Run `cabinet check --github` in `repo` against `server` (off the async runtime).
async fn check(repo: &TestRepo, server: &MockServer, extra: &[&str]) -> Run {
    let mut args: Vec<String> = [
        "check",
        "--base",
        "HEAD~1",
        "--github",
        "--repository",
        "acme/itsm",
        "--pr",
        "42",
        "--api-url",
        &server.uri(),
        "--now",
        NOW,
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    run(
        repo.path().to_path_buf(),
        args,
        vec![("GITHUB_TOKEN", "t0ken")],
    )
    .await
}

async fn run(dir: PathBuf, args: Vec<String>, env: Vec<(&'static str, &'static str)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let mut cmd = cabinet();
        cmd.current_dir(&dir).args(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("cabinet runs");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        run
    })
    .await
    .expect("the run ends")
}

async fn requests(server: &MockServer, verb: &str, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == route)
        .collect()
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON body")
}

/// 100 comments on the first page, the decisive approvals on the second: all pages count.
#[tokio::test]
async fn reviews_over_two_pages_with_the_approval_on_the_second() {
    let (repo, head) = fixtures::pull_request();
    let mut reviews: Vec<Value> = (1..=100)
        .map(|i| review(i, &format!("watcher{i}"), 10_000 + i, "COMMENTED", &head, i))
        .collect();
    reviews.push(review(101, "carol", 101, "APPROVED", &head, 101));
    reviews.push(review(102, "pat", 301, "APPROVED", &head, 102));
    let server = github(&head, &reviews).await;
    let out = check(&repo, &server, &[]).await;
    let json = out.json();
    assert_eq!(json["approvals"]["satisfied"], true, "{}", out.stdout);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pages = requests(&server, "GET", &format!("{PR}/reviews")).await;
    let queries: Vec<String> = pages
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(queries, vec!["per_page=100", "per_page=100&page=2"]);
    // The head came from the pull request, so the verdict is about that commit.
    assert_eq!(json["impact"]["head"], json!(head), "{:#}", json["impact"]);
}

#[tokio::test]
async fn a_missing_approval_blocks_with_the_reason() {
    let (repo, head) = fixtures::pull_request();
    let server = github(
        &head,
        &[
            review(1, "carol", 101, "APPROVED", &head, 1),
            review(2, "octocat", 583231, "APPROVED", &head, 2),
        ],
    )
    .await;
    let out = check(&repo, &server, &[]).await;
    let a = &out.json()["approvals"];
    assert_eq!(out.code, 1);
    assert_eq!(a["satisfied"], false);
    assert_eq!(
        a["ignored"],
        json!([{"login": "octocat", "reason": "author"}])
    );
}

#[tokio::test]
async fn a_pull_request_that_is_not_there_exits_3_naming_it() {
    let (repo, _) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
            "status": "404"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("404 Not Found for the pull request acme/itsm#42"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: check the repository and the pull request, acme/itsm#42"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no verdict on doubt: {}", out.stdout);
}

#[tokio::test]
async fn a_refused_token_exits_3_with_a_hint() {
    let (repo, _) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401"
        })))
        .mount(&server)
        .await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("Bad credentials"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: set GITHUB_TOKEN"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn no_token_is_a_usage_error_with_a_hint() {
    let (repo, _) = fixtures::pull_request();
    let args = [
        "check",
        "--base",
        "HEAD~1",
        "--github",
        "--repository",
        "acme/itsm",
        "--pr",
        "42",
    ];
    let out = run(
        repo.path().to_path_buf(),
        args.iter().map(|s| s.to_string()).collect(),
        vec![],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("hint: set GITHUB_TOKEN"),
        "{}",
        out.stderr
    );
    // And --github with --approvals is a contradiction.
    let both = repo.run(&[
        "check",
        "--base",
        "HEAD~1",
        "--github",
        "--approvals",
        "x.json",
    ]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[tokio::test]
async fn a_server_error_is_retried() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    serve_pull_request(&server, &head, &approved_by_carol_and_pat(&head)).await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(requests(&server, "GET", PR).await.len(), 2);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PR}/reviews")))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("retry-after", "1")
                .set_body_json(json!({
                    "message": "API rate limit exceeded for installation ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    serve_pull_request(&server, &head, &approved_by_carol_and_pat(&head)).await;
    let started = std::time::Instant::now();
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(
        requests(&server, "GET", &format!("{PR}/reviews"))
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn a_server_error_that_persists_fails_closed() {
    let (repo, _) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "Service Unavailable"})),
        )
        .mount(&server)
        .await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("kept failing for the pull request acme/itsm#42 after 4 attempts"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: GitHub may be down"),
        "{}",
        out.stderr
    );
    assert_eq!(requests(&server, "GET", PR).await.len(), 4);
}

/// GitHub lists at most 250 commits: a pull request with more is refused, not judged on the
/// 250 it shows (the others' authors would go unchecked).
#[tokio::test]
async fn more_commits_than_github_lists_fail_closed() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(200).set_body_json(pull_request(&head, 300)))
        .mount(&server)
        .await;
    let mut commits: Vec<Value> = (0..249).map(|i| commit(&format!("{i:040x}"))).collect();
    commits.push(commit(&head));
    serve_list(&server, &format!("{PR}/commits"), &commits).await;
    serve_list(
        &server,
        &format!("{PR}/reviews"),
        &[review(1, "carol", 101, "APPROVED", &head, 1)],
    )
    .await;
    serve_list(
        &server,
        &format!("{PR}/files"),
        fixture("files").as_array().unwrap(),
    )
    .await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the pull request has 300 commits but GitHub lists only 250"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: split the pull request"),
        "{}",
        out.stderr
    );
    // Every page was read before deciding.
    assert_eq!(
        requests(&server, "GET", &format!("{PR}/commits"))
            .await
            .len(),
        3
    );
}

#[tokio::test]
async fn more_files_than_github_lists_fail_closed() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    let mut pr = pull_request(&head, 1);
    pr["changed_files"] = json!(3001);
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(200).set_body_json(pr))
        .mount(&server)
        .await;
    serve_pull_request(&server, &head, &[]).await;
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("3001 changed files but GitHub lists only 1"),
        "{}",
        out.stderr
    );
}

/// The pull request read from GitHub judges only its own head: `--head` naming another commit
/// is a usage error, published or not.
#[tokio::test]
async fn another_head_than_the_pull_requests_is_refused() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &approved_by_carol_and_pat(&head)).await;
    let out = check(&repo, &server, &["--head", "HEAD~1"]).await;
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains(&format!("the approvals are for the head {}", &head[..7])),
        "{}",
        out.stderr
    );
}

/// GitHub's `draft: true` reaches the verdict: a draft is never approved.
#[tokio::test]
async fn a_draft_pull_request_is_not_approved() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    let mut pr = pull_request(&head, 1);
    pr["draft"] = json!(true);
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(200).set_body_json(pr))
        .mount(&server)
        .await;
    let approvals = approved_by_carol_and_pat(&head);
    serve_pull_request(&server, &head, &approvals).await;
    let out = check(&repo, &server, &[]).await;
    let a = &out.json()["approvals"];
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        a["reasons"],
        json!(["the pull request is a draft: a draft is never approved"])
    );
}

/// GitHub answers `author: null` for a commit whose e-mail is linked to no account; the
/// e-mail git records (test@example.com) is no Team member's either: the merge is blocked.
#[tokio::test]
async fn a_commit_github_cannot_link_blocks_when_no_team_knows_its_email() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    let mut unlinked = commit(&head);
    unlinked["author"] = Value::Null;
    unlinked["committer"] = Value::Null;
    serve_list(&server, &format!("{PR}/commits"), &[unlinked]).await;
    let approvals = approved_by_carol_and_pat(&head);
    serve_pull_request(&server, &head, &approvals).await;
    let out = check(&repo, &server, &[]).await;
    let a = &out.json()["approvals"];
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        a["reasons"],
        json!([format!(
            "commit {}: the author and committer e-mail `test@example.com` is tied to no GitHub account and to no Team member's `email`, so whether an approver wrote it cannot be known",
            &head[..7]
        )])
    );
}

/// Mount what publishing needs: the token's user, the comments, and the endpoints written to.
async fn publishing(server: &MockServer, comments: &[Value]) {
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("user")))
        .mount(server)
        .await;
    serve_list(server, "/repos/acme/itsm/issues/42/comments", comments).await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/itsm/issues/42/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment(
            3001,
            "acme-cabinet",
            7000001,
            "User",
            "new",
        )))
        .mount(server)
        .await;
    for c in comments {
        let id = c["id"].as_u64().unwrap();
        Mock::given(method("PATCH"))
            .and(path(format!("/repos/acme/itsm/issues/comments/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(c))
            .mount(server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path_regex_statuses())
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("status")))
        .mount(server)
        .await;
}

fn path_regex_statuses() -> wiremock::matchers::PathRegexMatcher {
    wiremock::matchers::path_regex(r"^/repos/acme/itsm/statuses/[0-9a-f]{40}$")
}

/// Our marked comment is edited in place; the marked comment of someone else is left alone.
#[tokio::test]
async fn the_sticky_comment_is_updated_in_place_and_the_status_says_success() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &approved_by_carol_and_pat(&head)).await;
    let comments = fixture("issue_comments").as_array().unwrap().clone();
    let mut all = comments.clone();
    all.push(comment(
        2003,
        "acme-cabinet",
        7000001,
        "User",
        &format!("{MARKER}\n## ⛔ cabinet: blocked: approvals missing"),
    ));
    publishing(&server, &all).await;
    let out = check(&repo, &server, &["--publish"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("updated the comment https://github.com/acme/itsm/pull/42#issuecomment-2003"),
        "{}",
        out.stderr
    );
    let edits = requests(&server, "PATCH", "/repos/acme/itsm/issues/comments/2003").await;
    assert_eq!(edits.len(), 1);
    let text = body(&edits[0])["body"].as_str().unwrap().to_string();
    assert!(text.starts_with(MARKER), "{text}");
    assert!(
        text.contains("cabinet: ok: nothing blocks the merge"),
        "{text}"
    );
    assert!(text.contains("### Approvals: satisfied"), "{text}");
    assert!(
        requests(&server, "PATCH", "/repos/acme/itsm/issues/comments/2002")
            .await
            .is_empty()
    );
    assert!(
        requests(&server, "POST", "/repos/acme/itsm/issues/42/comments")
            .await
            .is_empty()
    );
    let statuses = requests(
        &server,
        "POST",
        &format!("/repos/acme/itsm/statuses/{head}"),
    )
    .await;
    assert_eq!(statuses.len(), 1);
    assert_eq!(
        body(&statuses[0]),
        json!({
            "state": "success",
            "context": "cabinet/gate",
            "description": "ok: nothing blocks the merge (risk medium)",
            "target_url": "https://github.com/acme/itsm/pull/42#issuecomment-2003"
        })
    );
}

/// The only marked comment is mallory's: cabinet writes its own and never edits hers.
#[tokio::test]
async fn someone_elses_marked_comment_is_never_edited_and_the_status_says_failure() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &[review(1, "carol", 101, "APPROVED", &head, 1)]).await;
    let comments = fixture("issue_comments").as_array().unwrap().clone();
    assert!(comments[1]["body"].as_str().unwrap().starts_with(MARKER));
    publishing(&server, &comments).await;
    let out = check(&repo, &server, &["--publish"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        requests(&server, "PATCH", "/repos/acme/itsm/issues/comments/2002")
            .await
            .is_empty()
    );
    let created = requests(&server, "POST", "/repos/acme/itsm/issues/42/comments").await;
    assert_eq!(created.len(), 1);
    let text = body(&created[0])["body"].as_str().unwrap().to_string();
    assert!(
        text.starts_with(MARKER) && text.contains("blocked: approvals missing"),
        "{text}"
    );
    let statuses = requests(
        &server,
        "POST",
        &format!("/repos/acme/itsm/statuses/{head}"),
    )
    .await;
    assert_eq!(body(&statuses[0])["state"], "failure");
    assert_eq!(
        body(&statuses[0])["description"],
        "blocked: approvals missing"
    );
    assert_eq!(body(&statuses[0])["context"], "cabinet/gate");
}

/// Actions' token cannot read /user: its comments are github-actions[bot]'s.
#[tokio::test]
async fn an_actions_token_edits_the_comment_of_github_actions() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &[]).await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
            "status": "403"
        })))
        .mount(&server)
        .await;
    let mut comments = fixture("issue_comments").as_array().unwrap().clone();
    comments.push(comment(
        2004,
        "github-actions[bot]",
        41898282,
        "Bot",
        &format!("{MARKER}\nold"),
    ));
    publishing(&server, &comments).await;
    let out = check(&repo, &server, &["--publish"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        requests(&server, "PATCH", "/repos/acme/itsm/issues/comments/2004")
            .await
            .len(),
        1
    );
    assert!(
        requests(&server, "POST", "/repos/acme/itsm/issues/42/comments")
            .await
            .is_empty()
    );
}

/// Review is requested from the members of the teams still missing, never from the author.
#[tokio::test]
async fn reviews_are_requested_from_the_missing_teams() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &[review(1, "carol", 101, "APPROVED", &head, 1)]).await;
    Mock::given(method("POST"))
        .and(path(format!("{PR}/requested_reviewers")))
        .respond_with(ResponseTemplate::new(201).set_body_json(pull_request(&head, 1)))
        .expect(1)
        .mount(&server)
        .await;
    let out = check(&repo, &server, &["--request-reviews"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let asked = requests(&server, "POST", &format!("{PR}/requested_reviewers")).await;
    // The CAB is met (carol); the owners of `pay` are not: pat, and not octocat, the author.
    assert_eq!(body(&asked[0]), json!({"reviewers": ["pat"]}));
    assert!(
        out.stderr.contains("requested review from pat"),
        "{}",
        out.stderr
    );
}

/// In Actions, the repository, the pull request and the API come from the environment.
#[tokio::test]
async fn the_actions_environment_names_the_repository_and_the_pull_request() {
    let (repo, head) = fixtures::pull_request();
    let server = github(&head, &approved_by_carol_and_pat(&head)).await;
    let event = repo.path().join(".git/event.json");
    std::fs::write(
        &event,
        json!({"action": "submitted", "pull_request": {"number": 42}}).to_string(),
    )
    .unwrap();
    let uri: &'static str = Box::leak(server.uri().into_boxed_str());
    let event: &'static str = Box::leak(event.display().to_string().into_boxed_str());
    let args = ["check", "--base", "HEAD~1", "--github", "--now", NOW];
    let out = run(
        repo.path().to_path_buf(),
        args.iter().map(|s| s.to_string()).collect(),
        vec![
            ("GITHUB_TOKEN", "t0ken"),
            ("GITHUB_REPOSITORY", "acme/itsm"),
            ("GITHUB_EVENT_PATH", event),
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_API_URL", uri),
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("approvals: satisfied"),
        "{}",
        out.stdout
    );
    // Without an event file, GITHUB_REF `refs/pull/N/merge` names it.
    let out = run(
        repo.path().to_path_buf(),
        args.iter().map(|s| s.to_string()).collect(),
        vec![
            ("GITHUB_TOKEN", "t0ken"),
            ("GITHUB_REPOSITORY", "acme/itsm"),
            ("GITHUB_REF", "refs/pull/42/merge"),
            ("GITHUB_API_URL", uri),
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A primary rate limit that resets in an hour is not waited for: exit 3 at once.
#[tokio::test]
async fn a_rate_limit_beyond_the_time_budget_fails_closed_at_once() {
    let (repo, head) = fixtures::pull_request();
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "1000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(json!({
                    "message": "API rate limit exceeded for installation ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                })),
        )
        .mount(&server)
        .await;
    serve_pull_request(&server, &head, &[]).await;
    let started = std::time::Instant::now();
    let out = check(&repo, &server, &[]).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(
        out.stderr
            .contains("rate limit for the pull request acme/itsm#42 is exhausted for another"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: run again once the rate limit resets"),
        "{}",
        out.stderr
    );
    assert_eq!(requests(&server, "GET", PR).await.len(), 1);
}
