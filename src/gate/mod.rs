//! The merge gate: validate the head, compute impact and risk of the pull request, and apply
//! the base revision's policy. One report, one verdict.

use crate::changeset::{self, ChangeSetReport};
use crate::diag::{self, Diagnostic, Severity};
use crate::error::CommandError;
use crate::graph::DependencyGraph;
use crate::load::{self, Source};
use crate::policy::{self, ChangeVerdict, PolicyInput};
use crate::validation::{self, Validation};
use jiff::Timestamp;
use std::path::Path;

/// Everything `cabinet check` found.
#[derive(Debug)]
pub struct GateReport {
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
}

impl GateReport {
    pub fn policy_blocks(&self) -> usize {
        self.policy
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Nothing blocks the merge (approvals aside).
    pub fn ok(&self) -> bool {
        self.validation.ok() && self.policy_blocks() == 0
    }
}

/// Run the gate on the pull request from `base` to `head`.
pub fn run(
    root: &Path,
    base: &str,
    head: &Source,
    now: Timestamp,
) -> Result<GateReport, CommandError> {
    let validation = validation::run(root, head)?;
    let base_loaded = load::load(root, &Source::Revision(base.to_string()))?;
    let base_policy = base_loaded.records.policy().map(|(_, p)| p.clone());
    let risk_policy = base_policy
        .as_ref()
        .map(|p| p.risk.clone())
        .unwrap_or_default();
    let changeset = changeset::between(&base_loaded.records, &validation.records, &risk_policy);
    let head_graph = DependencyGraph::build(&validation.records);
    let input = PolicyInput {
        base: &base_loaded.records,
        head: &validation.records,
        head_graph: &head_graph,
        records: &changeset.records,
        policy: base_policy.as_ref(),
        now,
    };
    let (mut findings, changes) = policy::check(&input);
    load::locate(&mut findings, &validation.texts, &validation.limits);
    for d in &mut findings {
        d.related.sort();
    }
    diag::sort(&mut findings);
    Ok(GateReport {
        head_commit: validation.commit.clone(),
        validation,
        changeset,
        policy: findings,
        changes,
        base_commit: base_loaded.commit,
        base_has_policy: base_policy.is_some(),
    })
}
