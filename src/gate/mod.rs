//! The merge gate: validate the head, compute impact and risk of the pull request, and apply
//! the base revision's policy. One report, one verdict.

use crate::approval::{
    self, ApprovalInput, Decision, ImpactedService, RuleResult, pr::PullRequest,
};
use crate::changeset::{self, ChangeSetReport, Revision};
use crate::diag::{self, Code, Diagnostic, Severity};
use crate::graph::DependencyGraph;
use crate::load::{self, LoadError, Source};
use crate::model::Kind;
use crate::policy::{self, ChangeVerdict, PolicyInput};
use crate::risk::Ledger;
use crate::validation::{self, Validation};
use crate::vcs::git::GitError;
use jiff::Timestamp;
use std::path::Path;

mod binding;

/// Why the gate could not judge the pull request (a verdict, even a blocking one, is not an
/// error).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Git(#[from] GitError),
    /// The approvals name their head by something that is not a commit id (a ref name would
    /// follow whatever is checked out).
    #[error(
        "the pull request's head_sha `{}` is not a full commit id (40 hexadecimal digits)",
        .head_sha.chars().take(80).collect::<String>()
    )]
    HeadNotACommitId { head_sha: String },
    /// Approvals were given, and the head to judge is the working tree.
    #[error("approvals are judged on a commit, and the head is the working tree")]
    HeadIsWorkTree,
    /// The head to judge (`--head`) names no revision.
    #[error("revision `{rev}` does not exist")]
    UnknownHead { rev: String },
    /// The pull request's head commit is not in the local repository.
    #[error("the pull request's head {} is not in this repository", binding::short(.head_sha))]
    UnknownPullRequestHead { head_sha: String },
    /// The approvals are about `approved`; the head being gated, `rev`, is `gated`.
    #[error(
        "the approvals are for the head {}, but the head being gated ({rev}) is {}: approvals of another commit do not judge this one",
        binding::short(.approved),
        binding::short(.gated)
    )]
    OtherHead {
        approved: String,
        rev: String,
        gated: String,
    },
    /// `maxRecords` stopped the reading of the base, which decides the verdict.
    #[error(
        "the base revision `{base}` holds more records than `spec.limits.maxRecords` allows; the gate cannot judge a pull request against part of it"
    )]
    BaseTruncated { base: String },
}

/// Everything `cabinet check` found.
#[derive(Debug)]
pub(crate) struct GateReport {
    /// The head revision, validated.
    pub validation: Validation,
    /// What the pull request changes and what that takes down.
    pub changeset: ChangeSetReport,
    /// Policy findings, located in the head revision.
    pub policy: Vec<Diagnostic>,
    /// How the gate judges each change record of the pull request.
    pub changes: Vec<ChangeVerdict>,
    pub base_commit: Option<String>,
    /// `None` for the working tree.
    pub head_commit: Option<String>,
    /// The base revision has no Policy: only the defaults applied.
    pub base_has_policy: bool,
    /// The approval verdict, when the pull request's reviews were given.
    pub approvals: Option<Decision>,
    /// When no reviews were given: what the approval rules will require.
    pub unevaluated: Option<Unevaluated>,
}

/// Approvals that were not evaluated, for want of an approvals source (`--approvals`,
/// `--github`): the report says so and what the rules will require, never "ok" about them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Unevaluated {
    /// A missing approvals source blocks the merge (`--require-approvals`, or the base
    /// Policy's `requireApprovals`).
    pub required: bool,
    /// The rules of the base policy that apply, with what each requires.
    pub rules: Vec<RuleResult>,
    /// Why the change could not be approved at all, if so (no Policy, no rule applies).
    pub problems: Vec<String>,
}

impl GateReport {
    pub(crate) fn policy_blocks(&self) -> usize {
        self.policy
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Nothing blocks the merge: valid records, no blocking policy finding, and, when reviews
    /// were given, the approvals the policy requires (without them, unless approvals are
    /// required).
    pub(crate) fn ok(&self) -> bool {
        self.validation.ok()
            && self.policy_blocks() == 0
            && self.approvals.as_ref().is_none_or(|a| a.satisfied)
            && !self.unevaluated.as_ref().is_some_and(|u| u.required)
    }
}

/// The base revision's Policy is invalid: the gate fails closed rather than judge by the
/// built-in defaults, which are weaker than any policy written.
fn invalid_base_policy(base: &load::Loaded) -> Diagnostic {
    let file = base
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .find_map(|d| {
            let file = d.location.as_ref()?.file.as_str();
            base.texts
                .get(file)
                .is_some_and(|t| t.contains("kind: Policy"))
                .then(|| file.to_string())
        });
    let mut d = Diagnostic::new(
        Code::InvalidPolicy,
        "the base revision's Policy record is invalid; nothing can be judged by it",
    )
    .with_help("merge a fix of the Policy first (`cabinet validate` on the base branch says what is wrong)");
    if let Some(file) = file {
        d = d.at(diag::Location::file(&file));
    }
    d
}

/// Run the gate on the pull request from `base` to `head`. Without `pull_request`, approvals
/// are not evaluated; `require_approvals` (or the base Policy's `requireApprovals`) then
/// blocks the merge.
pub(crate) fn run(
    root: &Path,
    base: &str,
    head: &Source,
    now: Timestamp,
    pull_request: Option<&PullRequest>,
    require_approvals: bool,
) -> Result<GateReport, GateError> {
    if let Some(pr) = pull_request {
        binding::check_head(root, head, pr)?;
    }
    let (base_loaded, head_loaded) = load::load_pair(root, base, head)?;
    if base_loaded.truncated {
        // The base revision decides the verdict; read in part, it cannot.
        return Err(GateError::BaseTruncated {
            base: base.to_string(),
        });
    }
    let base_policy = base_loaded.records.policy().map(|(_, p)| p.clone());
    // Head's records are held to base's rules (the priority matrix, what reviews expect).
    let rules = crate::checks::Rules::of(base_policy.as_ref());
    let (validation, base_graph) = rayon::join(
        || validation::of(head_loaded, now, Some(&rules)),
        || DependencyGraph::build(&base_loaded.records),
    );
    let risk_policy = base_policy
        .as_ref()
        .map(|p| p.risk.clone())
        .unwrap_or_default();
    let history = Ledger::read(
        &[&base_loaded.records, &validation.records],
        now,
        &risk_policy,
    );
    let changeset = changeset::between(
        Revision {
            records: &base_loaded.records,
            graph: &base_graph,
        },
        Revision {
            records: &validation.records,
            graph: &validation.graph,
        },
        &risk_policy,
        &history,
    );
    let input = PolicyInput {
        base: &base_loaded.records,
        head: &validation.records,
        head_graph: &validation.graph,
        records: &changeset.records,
        policy: base_policy.as_ref(),
        now,
        history: &history,
    };
    let (mut findings, changes) = policy::judge(&input);
    if base_policy.is_none() && base_loaded.records.has_invalid(Kind::Policy) {
        findings.push(invalid_base_policy(&base_loaded));
    }
    // Members of the head's approving teams without a GitHub id (a warning on the record).
    findings.extend(approval::ids::members_without_ids(&validation.records));
    load::locate(&mut findings, &validation.texts, &validation.limits);
    for d in &mut findings {
        d.related.sort();
    }
    diag::sort(&mut findings);
    let services = ImpactedService::all_in(&changeset.impact);
    let change_types: Vec<(String, crate::model::ChangeType)> = changes
        .iter()
        .map(|c| (c.id.clone(), c.effective_type))
        .collect();
    let changed_kinds: std::collections::BTreeSet<Kind> =
        changeset.records.iter().map(|r| r.reference.kind).collect();
    let unevaluated = match pull_request {
        Some(_) => None,
        None => {
            let changed = match head {
                Source::Revision(rev) => binding::changed_paths(root, base, rev)?,
                // The working tree: the files of the records that differ.
                Source::WorkTree => {
                    let files: Vec<String> =
                        changeset.records.iter().map(|r| r.file.clone()).collect();
                    let prefix = crate::vcs::git::worktree_prefix(root);
                    binding::ChangedPaths {
                        from_top: files.iter().map(|f| format!("{prefix}{f}")).collect(),
                        under_root: files,
                    }
                }
            };
            let nobody = PullRequest::default();
            let expected = approval::evaluate(&ApprovalInput {
                pr: &nobody,
                base: &base_loaded.records,
                policy: base_policy.as_ref(),
                change_types: change_types.clone(),
                services: services.clone(),
                risk: changeset.risk.level,
                changed_paths: changed.under_root,
                stale: Default::default(),
                commits: &[],
                changed_kinds: changed_kinds.clone(),
                changed_top_paths: changed.from_top,
            });
            let problems = if base_policy.is_none() || expected.rules.is_empty() {
                expected.reasons
            } else {
                Vec::new()
            };
            Some(Unevaluated {
                required: require_approvals
                    || base_policy.as_ref().is_some_and(|p| p.require_approvals),
                rules: expected.rules,
                problems,
            })
        }
    };
    let approvals = match pull_request {
        Some(pr) => {
            let base_commit = base_loaded
                .commit
                .clone()
                .unwrap_or_else(|| base.to_string());
            let (changed, stale) = binding::stale_approvals(
                root,
                &base_commit,
                pr,
                base_policy.as_ref().map(|p| p.binding).unwrap_or_default(),
                &validation.records,
            )?;
            let commits = binding::pull_commits(root, &base_commit, pr)?;
            let input = ApprovalInput {
                pr,
                base: &base_loaded.records,
                policy: base_policy.as_ref(),
                change_types,
                services,
                risk: changeset.risk.level,
                changed_paths: changed.under_root,
                stale,
                commits: &commits,
                changed_kinds,
                changed_top_paths: changed.from_top,
            };
            Some(approval::evaluate(&input))
        }
        None => None,
    };
    let report = GateReport {
        head_commit: validation.commit.clone(),
        validation,
        changeset,
        policy: findings,
        changes,
        base_commit: base_loaded.commit.clone(),
        base_has_policy: base_policy.is_some(),
        approvals,
        unevaluated,
    };
    // The base revision's records are done with: free them off the caller's path (at 100k
    // records that is a tenth of a second the report need not wait for).
    rayon::spawn(move || drop((base_loaded, base_graph)));
    Ok(report)
}
