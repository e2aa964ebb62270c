//! GitHub through its REST API: the only module that uses octocrab, and where async stops.
//! Every function here blocks: the client carries a current-thread tokio runtime and each call
//! runs to completion on it.
//!
//! What it does: read a pull request fresh (the pull request, every page of its reviews,
//! commits and files) into `approval::pr::PullRequest`, and publish the gate's verdict (one
//! sticky comment, one commit status, optional review requests). It fails closed: a result
//! is complete or it is an error, never a partial list. Rate limits, 5xx answers and
//! transport errors are retried with backoff within a time budget; everything else is an
//! error at once.

use crate::approval::pr::{Account, Commit, PullRequest, Review};
use octocrab::Octocrab;
use octocrab::models::pulls::{PullRequest as GhPullRequest, Review as GhReview, ReviewState};
use octocrab::models::repos::{DiffEntry, RepoCommit};
use octocrab::models::{Author, issues::Comment};
use octocrab::service::middleware::retry::RetryConfig;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The hidden marker that identifies cabinet's sticky pull-request comment.
pub(crate) const COMMENT_MARKER: &str = "<!-- cabinet:check -->";
/// The context of the commit status cabinet publishes (make it a required status check).
pub(crate) const STATUS_CONTEXT: &str = "cabinet/gate";
/// GitHub lists at most this many commits of a pull request.
pub(crate) const MAX_COMMITS: usize = 250;
/// GitHub lists at most this many files of a pull request.
pub(crate) const MAX_FILES: usize = 3000;
/// GitHub refuses comment bodies longer than this (in characters).
const MAX_COMMENT: usize = 65_536;
/// At most this many review requests in one go (GitHub's own limit per request is 15 people
/// and teams together).
pub(crate) const MAX_REVIEW_REQUESTS: usize = 15;
/// The account that owns the comments made with Actions' `GITHUB_TOKEN`.
pub(crate) const ACTIONS_BOT: (&str, u64) = ("github-actions[bot]", 41_898_282);

/// Why a GitHub call did not give a complete answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GithubError {
    #[error("cannot start the GitHub client: {0}")]
    Setup(String),
    #[error("GitHub refused the token (401 Unauthorized) reading {what}: {message}")]
    Unauthorized { what: String, message: String },
    #[error("GitHub answered 404 Not Found for {what}: {message}")]
    NotFound { what: String, message: String },
    #[error("GitHub answered {status} for {what}: {message}")]
    Status {
        status: u16,
        what: String,
        message: String,
    },
    #[error("GitHub's rate limit for {what} is exhausted{}", .wait.map(|w| format!(" for another {}s", w.as_secs())).unwrap_or_default())]
    RateLimited {
        what: String,
        wait: Option<Duration>,
    },
    #[error("GitHub kept failing for {what} after {attempts} attempts: {last}")]
    Unavailable {
        what: String,
        attempts: u32,
        last: String,
    },
    #[error(
        "the pull request has {total} {kind} but GitHub lists only {listed} (it lists at most {cap}): refusing to judge what cannot be seen"
    )]
    Truncated {
        kind: &'static str,
        listed: usize,
        total: u64,
        cap: usize,
    },
    #[error("unexpected answer from GitHub for {what}: {message}")]
    Decode { what: String, message: String },
}

/// How hard to try before giving up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles each time.
    pub first_delay: Duration,
    /// No single wait is longer.
    pub max_delay: Duration,
    /// One call (its attempts and waits) takes at most about this long: a wait that would
    /// end later is not waited, the call fails (a rate limit that resets in an hour).
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            budget: Duration::from_secs(60),
        }
    }
}

/// A GitHub client that blocks.
pub(crate) struct Client {
    runtime: tokio::runtime::Runtime,
    octocrab: Octocrab,
    /// The API's scheme and authority: pagination links elsewhere are refused.
    authority: Option<String>,
    retry: RetryPolicy,
}

impl Client {
    /// A client for `api_url` (`https://api.github.com`, a GitHub Enterprise `/api/v3` URL,
    /// or a test server) with a bearer token.
    pub(crate) fn new(
        token: &str,
        api_url: &str,
        retry: RetryPolicy,
    ) -> Result<Client, GithubError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| GithubError::Setup(e.to_string()))?;
        let authority = authority_of(api_url);
        let octocrab = {
            let _entered = runtime.enter();
            Octocrab::builder()
                .personal_token(token.to_string())
                .base_uri(api_url)
                .map_err(|e| GithubError::Setup(format!("`{api_url}` is not a URL: {e}")))?
                // Retries are ours (rate limits, backoff, a time budget).
                .add_retry_config(RetryConfig::None)
                .set_connect_timeout(Some(Duration::from_secs(10)))
                .set_read_timeout(Some(Duration::from_secs(30)))
                .build()
                .map_err(|e| GithubError::Setup(e.to_string()))?
        };
        Ok(Client {
            runtime,
            octocrab,
            authority,
            retry,
        })
    }
}

/// `https://api.github.com/x` → `api.github.com` (lower case).
fn authority_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(rest[..end].to_ascii_lowercase())
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

/// A path segment (owner or repository name) as GitHub allows them.
fn segment<'a>(text: &'a str, what: &str) -> Result<&'a str, GithubError> {
    let ok = !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(text)
    } else {
        Err(GithubError::Setup(format!(
            "`{text}` is not a valid {what}"
        )))
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

enum Verb<'a> {
    Get,
    Post(&'a Value),
    Patch(&'a Value),
}

/// A successful answer: its body and the next page, if any.
struct Answer {
    body: String,
    next: Option<String>,
}

/// What went wrong with one attempt, and whether another may help.
enum Attempt {
    /// 5xx or a transport error: retry after a backoff.
    Transient(String),
    /// A rate limit: retry after this wait (or a backoff when GitHub does not say).
    RateLimited(Option<Duration>),
    /// Anything else: no retry.
    Fatal(GithubError),
}

impl Client {
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.retry
            .first_delay
            .saturating_mul(factor)
            .min(self.retry.max_delay)
    }

    /// One request with retries. `uri` is a path under the API URL or an absolute URL.
    async fn call(&self, verb: &Verb<'_>, uri: &str, what: &str) -> Result<Answer, GithubError> {
        let begun = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let outcome = self.attempt(verb, uri, what).await;
            let (wait, failure) = match outcome {
                Ok(answer) => return Ok(answer),
                Err(Attempt::Fatal(e)) => return Err(e),
                Err(Attempt::Transient(last)) => (
                    self.backoff(attempt),
                    GithubError::Unavailable {
                        what: what.to_string(),
                        attempts: attempt,
                        last,
                    },
                ),
                Err(Attempt::RateLimited(wait)) => (
                    wait.unwrap_or_else(|| self.backoff(attempt)),
                    GithubError::RateLimited {
                        what: what.to_string(),
                        wait,
                    },
                ),
            };
            if attempt >= self.retry.attempts || begun.elapsed() + wait > self.retry.budget {
                return Err(failure);
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, verb: &Verb<'_>, uri: &str, what: &str) -> Result<Answer, Attempt> {
        let sent = match verb {
            Verb::Get => self.octocrab._get(uri).await,
            Verb::Post(body) => self.octocrab._post(uri, Some(*body)).await,
            Verb::Patch(body) => self.octocrab._patch(uri, Some(*body)).await,
        };
        // Display only: octocrab's Debug form carries a backtrace.
        let response = sent.map_err(|e| Attempt::Transient(e.to_string()))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
        };
        let next = header("link").and_then(|l| next_link(&l));
        let retry_after = header("retry-after").and_then(|v| v.parse::<u64>().ok());
        let exhausted = header("x-ratelimit-remaining").as_deref() == Some("0");
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
        let body = self
            .octocrab
            .body_to_string(response)
            .await
            .map_err(|e| Attempt::Transient(e.to_string()))?;
        if (200..300).contains(&status) {
            if let Some(next) = &next {
                // Never send the token to another host than the API's.
                if next.contains("://") && authority_of(next) != self.authority {
                    return Err(Attempt::Fatal(GithubError::Decode {
                        what: what.to_string(),
                        message: format!("the next page points to another host: {next}"),
                    }));
                }
            }
            return Ok(Answer { body, next });
        }
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or_else(|| body.chars().take(200).collect());
        let secondary = message.to_ascii_lowercase().contains("rate limit");
        if status == 429 || (status == 403 && (exhausted || retry_after.is_some() || secondary)) {
            let wait = retry_after.map(Duration::from_secs).or_else(|| {
                let reset = reset?;
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_secs();
                exhausted.then(|| Duration::from_secs(reset.saturating_sub(now) + 1))
            });
            return Err(Attempt::RateLimited(wait));
        }
        if (500..600).contains(&status) {
            return Err(Attempt::Transient(format!("{status}: {message}")));
        }
        let what = what.to_string();
        Err(Attempt::Fatal(match status {
            401 => GithubError::Unauthorized { what, message },
            404 => GithubError::NotFound { what, message },
            _ => GithubError::Status {
                status,
                what,
                message,
            },
        }))
    }

    async fn get<T: DeserializeOwned>(&self, uri: &str, what: &str) -> Result<T, GithubError> {
        let answer = self.call(&Verb::Get, uri, what).await?;
        decode(&answer.body, what)
    }

    /// Every page of a list, 100 at a time, following `Link: rel="next"`.
    async fn all_pages<T: DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<Vec<T>, GithubError> {
        let mut items = Vec::new();
        let mut uri = Some(format!("{path}?per_page=100"));
        let mut seen = std::collections::BTreeSet::new();
        while let Some(current) = uri.take() {
            if !seen.insert(current.clone()) || seen.len() > 100 {
                return Err(GithubError::Decode {
                    what: what.to_string(),
                    message: "the pages do not end".to_string(),
                });
            }
            let answer = self.call(&Verb::Get, &current, what).await?;
            let page: Vec<T> = decode(&answer.body, what)?;
            let empty = page.is_empty();
            items.extend(page);
            if !empty {
                uri = answer.next;
            }
        }
        Ok(items)
    }
}

fn decode<T: DeserializeOwned>(body: &str, what: &str) -> Result<T, GithubError> {
    serde_json::from_str(body).map_err(|e| GithubError::Decode {
        what: what.to_string(),
        message: e.to_string(),
    })
}

fn account(a: &Author) -> Account {
    Account {
        login: a.login.clone(),
        id: Some(a.id.into_inner()),
        kind: Some(a.r#type.clone()),
    }
}

fn state_name(state: Option<ReviewState>) -> String {
    state
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "PENDING".to_string())
}

fn review(r: &GhReview) -> Review {
    Review {
        id: r.id.into_inner(),
        user: r.user.as_ref().map(account),
        state: state_name(r.state),
        commit_id: r.commit_id.clone(),
        submitted_at: r
            .submitted_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    }
}

fn commit(c: &RepoCommit) -> Commit {
    Commit {
        sha: c.sha.clone(),
        author: c.author.as_ref().map(account),
        committer: c.committer.as_ref().map(account),
    }
}

/// Read the pull request `owner/repo#number` fresh: the pull request, every review, every
/// commit and every changed file. Returns the pull request as the approval rules see it and
/// the paths it changes (both sides of a rename). Fails when GitHub's lists are capped (250
/// commits, 3,000 files) or the pull request moved while it was read.
pub(crate) fn fetch_pull_request(
    client: &Client,
    owner: &str,
    repo: &str,
    number: u64,
) -> Result<(PullRequest, Vec<String>), GithubError> {
    client.runtime.block_on(fetch(client, owner, repo, number))
}

async fn fetch(
    client: &Client,
    owner: &str,
    repo: &str,
    number: u64,
) -> Result<(PullRequest, Vec<String>), GithubError> {
    let owner = segment(owner, "repository owner")?;
    let repo = segment(repo, "repository name")?;
    let name = format!("{owner}/{repo}#{number}");
    let base = format!("/repos/{owner}/{repo}/pulls/{number}");
    let pr: GhPullRequest = client
        .get(&base, &format!("the pull request {name}"))
        .await?;
    let reviews: Vec<GhReview> = client
        .all_pages(
            &format!("{base}/reviews"),
            &format!("the reviews of {name}"),
        )
        .await?;
    let commits: Vec<RepoCommit> = client
        .all_pages(
            &format!("{base}/commits"),
            &format!("the commits of {name}"),
        )
        .await?;
    let files: Vec<DiffEntry> = client
        .all_pages(&format!("{base}/files"), &format!("the files of {name}"))
        .await?;
    let incomplete = |message: &str| GithubError::Decode {
        what: format!("the pull request {name}"),
        message: message.to_string(),
    };
    let total_commits = pr
        .commits
        .ok_or_else(|| incomplete("it does not say how many commits it has"))?;
    if (commits.len() as u64) < total_commits {
        return Err(GithubError::Truncated {
            kind: "commits",
            listed: commits.len(),
            total: total_commits,
            cap: MAX_COMMITS,
        });
    }
    let total_files = pr
        .changed_files
        .ok_or_else(|| incomplete("it does not say how many files it changes"))?;
    if (files.len() as u64) < total_files {
        return Err(GithubError::Truncated {
            kind: "changed files",
            listed: files.len(),
            total: total_files,
            cap: MAX_FILES,
        });
    }
    let head_sha = pr.head.sha.clone();
    if !commits.iter().any(|c| c.sha == head_sha) {
        return Err(incomplete(&format!(
            "its head {} is not among its commits: it changed while it was read; run again",
            short(&head_sha)
        )));
    }
    let author = pr
        .user
        .as_deref()
        .map(account)
        .ok_or_else(|| incomplete("it names no author"))?;
    let mut paths: Vec<String> = Vec::new();
    for f in &files {
        paths.push(f.filename.clone());
        if let Some(previous) = &f.previous_filename {
            paths.push(previous.clone());
        }
    }
    paths.sort();
    paths.dedup();
    let pull_request = PullRequest {
        number: pr.number,
        author,
        head_sha,
        // GitHub always says; a pull request that does not is taken for a draft.
        draft: pr.draft.unwrap_or(true),
        commits: commits.iter().map(commit).collect(),
        reviews: reviews.iter().map(review).collect(),
    };
    Ok((pull_request, paths))
}

/// The account the token acts as: `GET /user`, or for the tokens of GitHub Apps and Actions
/// (which cannot read `/user`) Actions' bot.
pub(crate) fn whoami(client: &Client) -> Result<Account, GithubError> {
    client.runtime.block_on(async {
        match client
            .get::<Author>("/user", "the token's own account (GET /user)")
            .await
        {
            Ok(user) => Ok(account(&user)),
            Err(GithubError::Status { status: 403, .. }) => Ok(Account {
                login: ACTIONS_BOT.0.to_string(),
                id: Some(ACTIONS_BOT.1),
                kind: Some("Bot".to_string()),
            }),
            Err(e) => Err(e),
        }
    })
}

/// The gate's verdict as it is published.
pub(crate) struct Verdict<'a> {
    /// Nothing blocks the merge: the status is `success`, else `failure`.
    pub ok: bool,
    /// One line for the status (cut to GitHub's 140 characters).
    pub summary: &'a str,
    /// The Markdown report for the sticky comment.
    pub markdown: &'a str,
}

/// What `publish` did.
#[derive(Debug)]
pub(crate) struct Published {
    pub comment_url: String,
    /// The comment existed (ours, with the marker) and was edited in place.
    pub updated: bool,
}

fn comment_body(markdown: &str) -> String {
    let mut body = format!("{COMMENT_MARKER}\n{markdown}");
    let room = MAX_COMMENT - 300;
    if body.chars().count() > room {
        body = body.chars().take(room).collect();
        body.push_str("\n\n…\n\n_The report is cut here: a comment holds at most 65,536 characters. Run `cabinet check --format markdown` for all of it._\n");
    }
    body
}

fn status_description(summary: &str) -> String {
    if summary.chars().count() <= 140 {
        summary.to_string()
    } else {
        let mut cut: String = summary.chars().take(139).collect();
        cut.push('…');
        cut
    }
}

/// Publish the verdict on `owner/repo#number` at `head_sha`: the sticky comment (the one
/// with cabinet's marker written by `author`, edited in place; never another author's, a new
/// one is created instead) and the commit status `cabinet/gate`, linked to the comment.
pub(crate) fn publish(
    client: &Client,
    owner: &str,
    repo: &str,
    number: u64,
    head_sha: &str,
    verdict: &Verdict<'_>,
    author: &Account,
) -> Result<Published, GithubError> {
    client.runtime.block_on(async {
        let owner = segment(owner, "repository owner")?;
        let repo = segment(repo, "repository name")?;
        let name = format!("{owner}/{repo}#{number}");
        let comments: Vec<Comment> = client
            .all_pages(
                &format!("/repos/{owner}/{repo}/issues/{number}/comments"),
                &format!("the comments of {name}"),
            )
            .await?;
        let ours = comments.iter().find(|c| {
            c.body
                .as_deref()
                .is_some_and(|b| b.contains(COMMENT_MARKER))
                && account(&c.user).same_as(author)
        });
        let body = json!({ "body": comment_body(verdict.markdown) });
        let (answer, updated) = match ours {
            Some(c) => (
                client
                    .call(
                        &Verb::Patch(&body),
                        &format!("/repos/{owner}/{repo}/issues/comments/{}", c.id),
                        &format!("cabinet's comment on {name}"),
                    )
                    .await?,
                true,
            ),
            None => (
                client
                    .call(
                        &Verb::Post(&body),
                        &format!("/repos/{owner}/{repo}/issues/{number}/comments"),
                        &format!("a new comment on {name}"),
                    )
                    .await?,
                false,
            ),
        };
        let comment: Value = decode(&answer.body, &format!("the comment on {name}"))?;
        let comment_url = comment["html_url"].as_str().unwrap_or_default().to_string();
        let mut status = json!({
            "state": if verdict.ok { "success" } else { "failure" },
            "context": STATUS_CONTEXT,
            "description": status_description(verdict.summary),
        });
        if comment_url.starts_with("https://") || comment_url.starts_with("http://") {
            status["target_url"] = json!(comment_url);
        }
        client
            .call(
                &Verb::Post(&status),
                &format!(
                    "/repos/{owner}/{repo}/statuses/{}",
                    segment(head_sha, "commit")?
                ),
                &format!("the commit status of {} on {name}", short(head_sha)),
            )
            .await?;
        Ok(Published {
            comment_url,
            updated,
        })
    })
}

/// Ask these people to review `owner/repo#number` (at most `MAX_REVIEW_REQUESTS`; none is no
/// call at all).
pub(crate) fn request_reviews(
    client: &Client,
    owner: &str,
    repo: &str,
    number: u64,
    logins: &[String],
) -> Result<(), GithubError> {
    if logins.is_empty() {
        return Ok(());
    }
    let logins = &logins[..logins.len().min(MAX_REVIEW_REQUESTS)];
    client.runtime.block_on(async {
        let owner = segment(owner, "repository owner")?;
        let repo = segment(repo, "repository name")?;
        let body = json!({ "reviewers": logins });
        client
            .call(
                &Verb::Post(&body),
                &format!("/repos/{owner}/{repo}/pulls/{number}/requested_reviewers"),
                &format!("the review requests of {owner}/{repo}#{number}"),
            )
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let header = r#"<https://api.github.com/repos/o/r/pulls/7/reviews?per_page=100&page=1>; rel="prev", <https://api.github.com/repos/o/r/pulls/7/reviews?per_page=100&page=3>; rel="next", <https://api.github.com/repos/o/r/pulls/7/reviews?per_page=100&page=9>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.github.com/repos/o/r/pulls/7/reviews?per_page=100&page=3")
        );
        assert_eq!(next_link(r#"<https://x/1>; rel="last""#), None);
    }

    #[test]
    fn authorities_compare_without_path_or_case() {
        assert_eq!(
            authority_of("https://API.github.com/api/v3?x").as_deref(),
            Some("api.github.com")
        );
        assert_eq!(
            authority_of("http://127.0.0.1:4321").as_deref(),
            Some("127.0.0.1:4321")
        );
        assert_eq!(authority_of("/relative"), None);
    }

    #[test]
    fn path_segments_are_checked() {
        assert!(segment("acme-corp", "owner").is_ok());
        assert!(segment("my.repo_1", "name").is_ok());
        assert!(segment("..", "name").is_err());
        assert!(segment("a/b", "name").is_err());
        assert!(segment("a?b", "name").is_err());
    }

    #[test]
    fn long_reports_are_cut_to_what_a_comment_holds() {
        let body = comment_body(&"x".repeat(100_000));
        assert!(body.starts_with(COMMENT_MARKER));
        assert!(body.chars().count() <= MAX_COMMENT);
        assert!(body.contains("cut here"));
        assert_eq!(status_description(&"é".repeat(200)).chars().count(), 140);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let client = Client::new("t", "http://127.0.0.1:9", RetryPolicy::default()).unwrap();
        assert_eq!(client.backoff(1), Duration::from_millis(500));
        assert_eq!(client.backoff(2), Duration::from_millis(1000));
        assert_eq!(client.backoff(3), Duration::from_millis(2000));
        assert_eq!(client.backoff(20), Duration::from_secs(30));
    }
}
