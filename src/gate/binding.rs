//! Which approvals are bound to what is merged. An approval is given on a commit; it still
//! counts at head only if what was reviewed did not change since (`content`, the default),
//! if it was given on the head itself (`head`), or if every record still says the same thing
//! and every other file is unchanged (`semantic`).

use super::GateError;
use crate::approval::contributors::LocalCommit;
use crate::approval::pr::PullRequest;
use crate::load::{self, Source};
use crate::model::{Binding, RecordSet};
use crate::vcs::git::{GitError, GitRepo};
use std::collections::BTreeMap;
use std::path::Path;

pub(super) fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

/// The approvals are judged against the head being gated, so the pull request's head must be
/// that commit: its `head_sha` a full commit id that the gated revision resolves to. Anything
/// else (an older head, the working tree) is a usage error: approvals given on another
/// commit never judge this one.
pub(super) fn check_head(root: &Path, head: &Source, pr: &PullRequest) -> Result<(), GateError> {
    if !crate::approval::pr::is_full_commit_id(&pr.head_sha) {
        return Err(GateError::HeadNotACommitId {
            head_sha: pr.head_sha.clone(),
        });
    }
    let Source::Revision(rev) = head else {
        return Err(GateError::HeadIsWorkTree);
    };
    let repo = GitRepo::discover(root)?;
    let pr_head = resolve_pr_head(&repo, pr)?;
    let judged = repo.resolve(rev).map_err(|e| match e {
        GitError::UnknownRevision { .. } => GateError::UnknownHead { rev: rev.clone() },
        other => other.into(),
    })?;
    if judged != pr_head {
        return Err(GateError::OtherHead {
            approved: pr_head,
            rev: rev.clone(),
            gated: judged,
        });
    }
    Ok(())
}

fn resolve_pr_head(repo: &GitRepo, pr: &PullRequest) -> Result<String, GateError> {
    repo.resolve(&pr.head_sha).map_err(|e| match e {
        GitError::UnknownRevision { .. } => GateError::UnknownPullRequestHead {
            head_sha: pr.head_sha.clone(),
        },
        other => other.into(),
    })
}

/// The paths that differ between two revisions.
pub(super) struct ChangedPaths {
    /// Relative to the cabinet root (what the approval rules' `changedPaths` match).
    pub under_root: Vec<String>,
    /// From the top of the repository (what the governance rule matches).
    pub from_top: Vec<String>,
}

/// The paths that differ between `base` and `head`.
pub(super) fn changed_paths(
    root: &Path,
    base: &str,
    head: &str,
) -> Result<ChangedPaths, GateError> {
    let repo = GitRepo::discover(root)?;
    let paths = repo.changed_paths(base, head)?;
    Ok(ChangedPaths {
        under_root: under_root(&paths, repo.prefix()),
        from_top: paths,
    })
}

fn under_root(paths: &[String], prefix: &str) -> Vec<String> {
    paths
        .iter()
        .filter_map(|p| {
            if prefix.is_empty() {
                Some(p.clone())
            } else {
                p.strip_prefix(&format!("{prefix}/")).map(str::to_string)
            }
        })
        .collect()
}

/// The paths the pull request changes and, per review id, why its approval is stale.
pub(super) fn stale_approvals(
    root: &Path,
    base: &str,
    pr: &PullRequest,
    binding: Binding,
    head_records: &RecordSet,
) -> Result<(ChangedPaths, BTreeMap<u64, String>), GateError> {
    let repo = GitRepo::discover(root)?;
    let head = resolve_pr_head(&repo, pr)?;
    let paths = repo.changed_paths(base, &head)?;
    let prefix = repo.prefix().to_string();
    let under_root = under_root(&paths, &prefix);
    let head_blobs = repo.blob_ids(&head, &paths)?;
    let mut stale = BTreeMap::new();
    let mut cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    for review in &pr.reviews {
        if !review.state.eq_ignore_ascii_case("APPROVED") {
            continue;
        }
        let Some(commit) = review.commit_id.clone() else {
            stale.insert(review.id, "stale: the review names no commit".to_string());
            continue;
        };
        if !crate::approval::pr::is_full_commit_id(&commit) {
            // Never resolved as a revision (`HEAD` would name the head): not a commit id.
            stale.insert(
                review.id,
                "stale: the review names no full commit id".to_string(),
            );
            continue;
        }
        if let Some(reason) = cache.get(&commit) {
            if let Some(r) = reason {
                stale.insert(review.id, r.clone());
            }
            continue;
        }
        let reason = match binding {
            Binding::Head => (commit != head && !head.starts_with(&commit))
                .then(|| format!("stale at {}: not the head", short(&commit))),
            Binding::Content | Binding::Semantic => match repo.blob_ids(&commit, &paths) {
                Err(GitError::UnknownRevision { .. }) => Some(format!(
                    "stale at {}: the reviewed commit is not in the repository",
                    short(&commit)
                )),
                Err(e) => return Err(e.into()),
                Ok(blobs) => {
                    let differing: Vec<&String> = paths
                        .iter()
                        .zip(blobs.iter().zip(&head_blobs))
                        .filter(|(_, (a, b))| a != b)
                        .map(|(p, _)| p)
                        .collect();
                    let unchanged = differing.is_empty()
                        || (binding == Binding::Semantic
                            && only_records_reformatted(
                                root,
                                &commit,
                                &differing,
                                &prefix,
                                head_records,
                            )?);
                    if unchanged {
                        None
                    } else {
                        Some(format!(
                            "stale at {}: {} changed since the review",
                            short(&commit),
                            differing[0]
                        ))
                    }
                }
            },
        };
        cache.insert(commit, reason.clone());
        if let Some(r) = reason {
            stale.insert(review.id, r);
        }
    }
    Ok((
        ChangedPaths {
            under_root,
            from_top: paths,
        },
        stale,
    ))
}

/// The commits of `base..head` in the local repository, for the approval rules.
pub(super) fn pull_commits(
    root: &Path,
    base: &str,
    pr: &PullRequest,
) -> Result<Vec<LocalCommit>, GateError> {
    let repo = GitRepo::discover(root)?;
    let head = resolve_pr_head(&repo, pr)?;
    Ok(repo
        .pull_commits(base, &head)?
        .into_iter()
        .map(|c| LocalCommit {
            sha: c.sha,
            author_email: c.author_email,
            committer_email: c.committer_email,
            co_author_lines: c.co_author_lines,
        })
        .collect())
}

/// Every differing path is a record file under the root, and the records at the reviewed
/// commit say exactly what they say at head.
fn only_records_reformatted(
    root: &Path,
    commit: &str,
    differing: &[&String],
    prefix: &str,
    head: &RecordSet,
) -> Result<bool, GateError> {
    let is_record = |p: &str| {
        let inside = prefix.is_empty() || p.starts_with(&format!("{prefix}/"));
        inside && (p.ends_with(".yaml") || p.ends_with(".yml"))
    };
    if !differing.iter().all(|p| is_record(p)) {
        return Ok(false);
    }
    let reviewed = load::load(root, &Source::Revision(commit.to_string()))?;
    Ok(crate::diff::diff(&reviewed.records, head).is_empty())
}
