//! `cabinet check --github`: the pull request read from GitHub's API, and the verdict
//! published there (a sticky comment, the commit status `cabinet/gate`, review requests).
//! The calls themselves live in `vcs::github`; this file resolves the flags and the Actions
//! environment and turns failures into exit codes with hints.

use crate::approval::pr::{Account, PullRequest};
use crate::approval::{ImpactedService, route};
use crate::error::CommandError;
use crate::gate::GateReport;
use crate::load::{self, Source};
use crate::report;
use crate::templates::Templates;
use crate::vcs::github::{self, Client, GithubError, RetryPolicy, Verdict};
use std::path::Path;

/// The GitHub flags of `cabinet check`.
#[derive(Debug, Default, clap::Args)]
pub struct GithubArgs {
    /// Read the pull request (reviews, commits, files) fresh from GitHub instead of
    /// --approvals; the token comes from GITHUB_TOKEN
    #[arg(long, conflicts_with = "approvals")]
    pub github: bool,
    /// The repository (default: GITHUB_REPOSITORY)
    #[arg(long, value_name = "OWNER/REPO", requires = "github")]
    pub repository: Option<String>,
    /// The pull request's number (default: the Actions event at GITHUB_EVENT_PATH, or
    /// GITHUB_REF `refs/pull/N/merge`)
    #[arg(long, value_name = "N", requires = "github")]
    pub pr: Option<u64>,
    /// Publish the verdict: one sticky comment with the Markdown report (edited in place)
    /// and the commit status `cabinet/gate` on the head
    #[arg(long, requires = "github")]
    pub publish: bool,
    /// Ask the people whose approval is still missing to review (at most 15)
    #[arg(long, requires = "github")]
    pub request_reviews: bool,
    /// GitHub's API (default: GITHUB_API_URL, else https://api.github.com)
    #[arg(long, value_name = "URL", requires = "github")]
    pub api_url: Option<String>,
    /// Whose marked comment is edited (default: the token's account, or
    /// github-actions[bot] for the tokens of Actions and GitHub Apps)
    #[arg(long, value_name = "LOGIN", requires = "publish")]
    pub comment_author: Option<String>,
}

/// A pull request on GitHub, ready to be read and published to.
pub(super) struct Remote {
    client: Client,
    owner: String,
    repo: String,
    number: u64,
    publish: bool,
    request_reviews: bool,
    comment_author: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The pull request number of an Actions run: the event payload, else `GITHUB_REF`.
fn pr_from_environment() -> Option<u64> {
    let from_event = env("GITHUB_EVENT_PATH")
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|event| event["pull_request"]["number"].as_u64());
    from_event.or_else(|| {
        env("GITHUB_REF")?
            .strip_prefix("refs/pull/")?
            .split('/')
            .next()?
            .parse()
            .ok()
    })
}

fn note(message: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{message}\n").as_bytes());
}

impl Remote {
    /// `None` without `--github`. Usage errors (exit 2) when the token, the repository or the
    /// pull request cannot be found.
    pub(super) fn connect(args: &GithubArgs) -> Result<Option<Remote>, CommandError> {
        if !args.github {
            return Ok(None);
        }
        let token = env("GITHUB_TOKEN").ok_or_else(|| {
            CommandError::usage("--github needs a token, and GITHUB_TOKEN is not set").hint(
                "set GITHUB_TOKEN (in a workflow: `env: {GITHUB_TOKEN: ${{ github.token }}}`)",
            )
        })?;
        let repository = args
            .repository
            .clone()
            .or_else(|| env("GITHUB_REPOSITORY"))
            .ok_or_else(|| {
                CommandError::usage(
                    "which repository? Neither --repository nor GITHUB_REPOSITORY is set",
                )
                .hint("pass `--repository OWNER/REPO`")
            })?;
        let (owner, repo) = repository
            .split_once('/')
            .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
            .ok_or_else(|| CommandError::usage(format!("`{repository}` is not OWNER/REPO")))?;
        let number = args.pr.or_else(pr_from_environment).ok_or_else(|| {
            CommandError::usage("which pull request? No --pr, and the Actions environment names none")
                .hint("pass `--pr N`, or run on a `pull_request`, `pull_request_target` or `pull_request_review` event")
        })?;
        let api_url = args
            .api_url
            .clone()
            .or_else(|| env("GITHUB_API_URL"))
            .unwrap_or_else(|| "https://api.github.com".to_string());
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(CommandError::usage(format!(
                "--api-url `{api_url}` is not an http(s) URL"
            )));
        }
        let client = Client::new(
            &token,
            api_url.trim_end_matches('/'),
            RetryPolicy::default(),
        )
        .map_err(|e| CommandError::usage(e.to_string()))?;
        Ok(Some(Remote {
            client,
            owner: owner.to_string(),
            repo: repo.to_string(),
            number,
            publish: args.publish,
            request_reviews: args.request_reviews,
            comment_author: args.comment_author.clone(),
        }))
    }

    fn name(&self) -> String {
        format!("{}/{}#{}", self.owner, self.repo, self.number)
    }

    /// Turn a GitHub failure into exit 3 with a hint (exit 2 for what the user set wrong).
    fn error(&self, e: GithubError) -> CommandError {
        let message = e.to_string();
        match e {
            GithubError::Setup(_) => CommandError::usage(message),
            GithubError::Unauthorized { .. } => CommandError::failure(message)
                .hint("set GITHUB_TOKEN to a valid token for the repository (this one was refused)"),
            GithubError::NotFound { .. } => CommandError::failure(message).hint(format!(
                "check the repository and the pull request, {} (--repository, --pr): GitHub also answers 404 when the token cannot see the repository",
                self.name()
            )),
            GithubError::Status { status: 403, .. } => CommandError::failure(message).hint(
                "the token lacks a permission: give the workflow `contents: read`, `pull-requests: write` and `statuses: write`",
            ),
            GithubError::RateLimited { .. } => CommandError::failure(message)
                .hint("run again once the rate limit resets, or use a token with a higher limit"),
            GithubError::Unavailable { .. } => {
                CommandError::failure(message).hint("GitHub may be down or unreachable; run again")
            }
            GithubError::Truncated { .. } => CommandError::failure(message).hint(
                "split the pull request: GitHub lists at most 250 commits and 3,000 files",
            ),
            GithubError::Status { .. } | GithubError::Decode { .. } => {
                CommandError::failure(message)
            }
        }
    }

    /// The pull request, fresh: every review, commit and file.
    pub(super) fn fetch(&self) -> Result<PullRequest, CommandError> {
        let (pr, _files) =
            github::fetch_pull_request(&self.client, &self.owner, &self.repo, self.number)
                .map_err(|e| self.error(e))?;
        Ok(pr)
    }

    /// Publish the verdict and request reviews, as the flags ask.
    pub(super) fn publish(
        &self,
        root: &Path,
        base: &str,
        g: &GateReport,
        pr: &PullRequest,
    ) -> Result<(), CommandError> {
        if self.publish {
            let judged = g.head_commit.as_deref().unwrap_or("the working tree");
            if judged != pr.head_sha {
                return Err(CommandError::usage(format!(
                    "the verdict is for {judged}, but the head of {} is {}: refusing to publish it there",
                    self.name(),
                    pr.head_sha
                ))
                .hint("drop --head: with --github the head is the pull request's"));
            }
            let markdown =
                Templates::for_repo(root).render("check.md", report::check::context(g))?;
            let summary = report::check::verdict(g);
            let author = match &self.comment_author {
                Some(login) => Account {
                    login: login.clone(),
                    id: None,
                    kind: None,
                },
                None => github::whoami(&self.client).map_err(|e| self.error(e))?,
            };
            let verdict = Verdict {
                ok: g.ok(),
                summary: &summary,
                markdown: &markdown,
            };
            let published = github::publish(
                &self.client,
                &self.owner,
                &self.repo,
                self.number,
                &pr.head_sha,
                &verdict,
                &author,
            )
            .map_err(|e| self.error(e))?;
            note(&format!(
                "{} the comment {}; status {} is {}",
                if published.updated {
                    "updated"
                } else {
                    "created"
                },
                published.comment_url,
                github::STATUS_CONTEXT,
                if g.ok() { "success" } else { "failure" }
            ));
        }
        if self.request_reviews
            && let Some(decision) = g.approvals.as_ref().filter(|d| !d.satisfied)
        {
            let base_loaded = load::load(root, &Source::Revision(base.to_string()))?;
            let policy = base_loaded.records.policy().map(|(_, p)| p.clone());
            let services = ImpactedService::all_in(&g.changeset.impact);
            let logins = route::reviewers_to_request(
                decision,
                &base_loaded.records,
                policy.as_ref(),
                &services,
                pr,
                github::MAX_REVIEW_REQUESTS,
            );
            github::request_reviews(&self.client, &self.owner, &self.repo, self.number, &logins)
                .map_err(|e| self.error(e))?;
            if !logins.is_empty() {
                note(&format!("requested review from {}", logins.join(", ")));
            }
        }
        Ok(())
    }
}
