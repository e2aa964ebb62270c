//! The change policy, applied to a pull request: freezes, maintenance windows, conflicts with
//! other changes, change-record coverage, standard changes out of their model, understated
//! risk and status regressions. Pure: records, the change set and `now` in, diagnostics out.

pub(crate) mod window;

use crate::conflict::{self, overlap};
use crate::diag::{Code, Diagnostic, Location, Severity};
use crate::diff::{RecordDiff, Status};
use crate::graph::DependencyGraph;
use crate::impact::ImpactSet;
use crate::model::{
    ChangeSpec, ChangeStatus, ChangeType, Kind, PolicySpec, Record, RecordRef, RecordSet,
    RiskPolicy, Spec,
};
use crate::risk::{self, Assessment, Ledger, RiskContext};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use window::Recurrence;

/// What the gate needs to judge a pull request.
pub(crate) struct PolicyInput<'a> {
    pub base: &'a RecordSet,
    pub head: &'a RecordSet,
    pub head_graph: &'a DependencyGraph,
    /// The semantic difference between base and head.
    pub records: &'a [RecordDiff],
    /// The policy of the base revision, if it has one.
    pub policy: Option<&'a PolicySpec>,
    pub now: Timestamp,
    /// The history of base and head, base first (`risk::Ledger`).
    pub history: &'a Ledger,
}

/// How the gate sees one change record of the pull request.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChangeVerdict {
    pub id: String,
    /// The declared type.
    #[serde(rename = "type")]
    pub change_type: ChangeType,
    /// The type the gate judges it as (a standard change out of its model is normal).
    pub effective_type: ChangeType,
    pub risk: Assessment,
    /// Services and CIs the change takes down or degrades (its `affects` included).
    pub impacted: Vec<RecordRef>,
    /// The impacted services, for approvals per impacted service.
    pub impacted_services: Vec<RecordRef>,
}

/// A change's place in its lifecycle; the three endings and `cancelled` are final.
fn stage(s: ChangeStatus) -> u8 {
    match s {
        ChangeStatus::Draft => 0,
        ChangeStatus::Requested => 1,
        ChangeStatus::Approved => 2,
        ChangeStatus::Scheduled => 3,
        ChangeStatus::Implementing => 4,
        ChangeStatus::Completed
        | ChangeStatus::Failed
        | ChangeStatus::RolledBack
        | ChangeStatus::Cancelled => 5,
    }
}

fn change_spec(r: &Record) -> Option<&ChangeSpec> {
    match &r.spec {
        Spec::Change(c) => Some(c),
        _ => None,
    }
}

fn affects(c: &ChangeSpec) -> Vec<RecordRef> {
    c.affects
        .iter()
        .filter_map(|a| RecordRef::parse(a))
        .collect()
}

/// The default severity of a policy code, or what the policy's `blocking` says.
fn severity(code: Code, policy: Option<&PolicySpec>) -> Severity {
    match policy.and_then(|p| p.blocking.get(code.as_str())) {
        Some(true) => Severity::Error,
        Some(false) => Severity::Warning,
        None => code.default_severity(),
    }
}

/// Judge the change records a pull request adds or edits. Returns the findings and a verdict
/// per change record.
pub(crate) fn judge(input: &PolicyInput<'_>) -> (Vec<Diagnostic>, Vec<ChangeVerdict>) {
    let mut out = Vec::new();
    let risk_policy = input.policy.map(|p| p.risk.clone()).unwrap_or_default();
    let in_play: Vec<&Record> = input
        .records
        .iter()
        .filter(|d| d.reference.kind == Kind::Change && d.status != Status::Removed)
        .filter_map(|d| input.head.get(&d.reference))
        .collect();

    // Impact of the changes in play and of the open changes they may conflict with (those
    // whose window overlaps one of theirs), computed once. A large repository holds thousands
    // of open changes; a pull request's window meets few of them.
    let windows: Vec<_> = in_play
        .iter()
        .filter_map(|r| change_spec(r))
        .map(|c| (c.window.start, c.window.end))
        .collect();
    // With what each touches: what it names and what that takes down or degrades.
    let mut impacts: BTreeMap<&str, ImpactSet> = BTreeMap::new();
    let mut touches: BTreeMap<&str, Vec<RecordRef>> = BTreeMap::new();
    for r in input.head.of_kind(Kind::Change) {
        let Some(c) = change_spec(r) else { continue };
        let is_in_play = in_play.iter().any(|p| p.id() == r.id());
        let may_conflict = !c.status.is_closed()
            && windows
                .iter()
                .any(|&w| overlap(w, (c.window.start, c.window.end)));
        if is_in_play || may_conflict {
            let impact = ImpactSet::compute(input.head, input.head_graph, &affects(c));
            touches.insert(r.id(), conflict::touched(&affects(c), &impact));
            impacts.insert(r.id(), impact);
        }
    }

    let mut verdicts = Vec::new();
    let mut reported_pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for r in &in_play {
        let Some(c) = change_spec(r) else { continue };
        let impact = impacts.get(r.id()).cloned().unwrap_or_default();
        let assessment = assess_one(input, r, c, &impact, &risk_policy);
        let effective_type = model_check(input, r, c, &assessment, &mut out);
        if assessment.computed > c.risk {
            out.push(
                Diagnostic::new(
                    Code::RiskUnderstated,
                    format!(
                        "`{}` declares {} risk, but its computed risk is {}",
                        r.id(),
                        c.risk.as_str(),
                        assessment.computed.as_str()
                    ),
                )
                .at(r.at("/spec/risk"))
                .with_help(format!(
                    "set `risk: {}`; the gate uses the computed risk anyway",
                    assessment.computed.as_str()
                )),
            );
        }
        let touched: BTreeSet<RecordRef> = conflict::touched(&affects(c), &impact)
            .into_iter()
            .collect();
        if judged_in_time(input, r, c) {
            freeze_check(input, r, c, effective_type, &touched, &mut out);
            window_check(input, r, c, effective_type, &impact, &mut out);
            conflict_check(
                input,
                r,
                c,
                &touches,
                &in_play,
                &mut reported_pairs,
                &mut out,
            );
            if matches!(
                c.status,
                ChangeStatus::Requested | ChangeStatus::Approved | ChangeStatus::Scheduled
            ) && c.window.end <= input.now
            {
                out.push(
                    Diagnostic::new(
                        Code::WindowInThePast,
                        format!(
                            "`{}` is {} but its window ended at {}",
                            r.id(),
                            c.status.as_str(),
                            c.window.end
                        ),
                    )
                    .at(r.at("/spec/window/end"))
                    .with_help(
                        "move the window, or record what happened in `status` and `outcome`",
                    ),
                );
            }
        }
        status_check(input, r, c, &mut out);
        let mut services: Vec<RecordRef> = impact.services().map(|i| i.reference.clone()).collect();
        services.sort();
        verdicts.push(ChangeVerdict {
            id: r.id().to_string(),
            change_type: c.change_type,
            effective_type,
            risk: assessment,
            impacted: impact
                .impacted
                .iter()
                .map(|i| i.reference.clone())
                .collect(),
            impacted_services: services,
        });
    }
    coverage_check(input, &in_play, &mut out);
    deletion_check(input, &mut out);
    // A finding without a record is about the record at its location (a finding that names
    // the file, not a document in it, names its record itself: `about`).
    for d in &mut out {
        if d.record.is_none()
            && let Some(file) = d.location.as_ref().map(|l| (l.file.clone(), l.document))
            && let Some(r) = input
                .head
                .iter()
                .find(|r| r.origin.file == file.0 && r.origin.document == file.1)
        {
            d.record = Some(r.reference().to_string());
        }
        d.severity = severity(d.code, input.policy);
    }
    (out, verdicts)
}

/// The freeze, window and conflict checks judge a change that has not run yet, and any change
/// the pull request adds: a record added as `completed` (or edited to it from an open status
/// in the same pull request) is not past its checks for saying so.
fn judged_in_time(input: &PolicyInput<'_>, r: &Record, c: &ChangeSpec) -> bool {
    !c.status.is_closed()
        || input
            .base
            .get(&r.reference())
            .and_then(change_spec)
            .is_none_or(|old| !old.status.is_closed())
}

/// A change record past draft is never deleted: it is cancelled by status, and its history
/// stays (the conflicts it has and the failures it weighs in others' risk go with it).
fn deletion_check(input: &PolicyInput<'_>, out: &mut Vec<Diagnostic>) {
    for d in input.records {
        if d.reference.kind != Kind::Change || d.status != Status::Removed {
            continue;
        }
        let Some(old) = input.base.get(&d.reference).and_then(change_spec) else {
            continue;
        };
        if old.status == ChangeStatus::Draft {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::ChangeRecordDeleted,
                format!(
                    "the pull request deletes change record `{}`, which is {} at base",
                    d.reference.id,
                    old.status.as_str()
                ),
            )
            .at(Location::file(&d.file))
            .about(&d.reference)
            .with_help("keep the record and set `status: cancelled` (only a draft may be deleted)"),
        );
    }
}

fn assess_one(
    input: &PolicyInput<'_>,
    r: &Record,
    c: &ChangeSpec,
    impact: &ImpactSet,
    policy: &RiskPolicy,
) -> Assessment {
    let mut ctx = RiskContext {
        change_types: vec![(r.id().to_string(), c.change_type)],
        declared: vec![(r.id().to_string(), c.risk)],
        ..RiskContext::default()
    };
    if c.verification
        .as_deref()
        .is_none_or(|v| v.trim().is_empty())
    {
        ctx.missing_verification.push(r.id().to_string());
    }
    if let Some(old) = input.base.get(&r.reference()).and_then(change_spec) {
        ctx.declared_at_base.push((r.id().to_string(), old.risk));
    }
    // The ledger holds base and head together: a pull request can neither delete a failure
    // nor rewrite its outcome away.
    ctx.history = input.history.history(&affects(c), impact, &[r.id()]);
    risk::assess(impact, &ctx, policy)
}

/// A standard change stays standard only inside its model (as the base revision has it).
fn model_check(
    input: &PolicyInput<'_>,
    r: &Record,
    c: &ChangeSpec,
    risk: &Assessment,
    out: &mut Vec<Diagnostic>,
) -> ChangeType {
    if c.change_type != ChangeType::Standard {
        return c.change_type;
    }
    let Some(model_id) = &c.model else {
        return ChangeType::Normal;
    };
    let model_ref = RecordRef::parse_as(model_id, Kind::ChangeModel);
    let mut problems = Vec::new();
    match input.base.get(&model_ref).map(|m| &m.spec) {
        Some(Spec::ChangeModel(m)) => {
            for a in affects(c) {
                match input.head.get(&a).map(|x| &x.spec) {
                    Some(Spec::ConfigurationItem(ci)) if m.applies_to.contains(&ci.ci_type) => {}
                    Some(Spec::ConfigurationItem(ci)) => problems.push(format!(
                        "`{a}` is a {}, which `{}` does not apply to",
                        serde_json::to_value(ci.ci_type).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                        model_ref.id
                    )),
                    _ => problems.push(format!("`{a}` is not a configuration item the model applies to")),
                }
            }
            if risk.computed > m.max_risk {
                problems.push(format!(
                    "its computed risk is {}, above the model's maxRisk {}",
                    risk.computed.as_str(),
                    m.max_risk.as_str()
                ));
            }
        }
        _ => problems.push(format!(
            "change model `{}` is not in the base revision; standard changes follow approved models only",
            model_ref.id
        )),
    }
    if problems.is_empty() {
        return ChangeType::Standard;
    }
    out.push(
        Diagnostic::new(
            Code::StandardChangeOutOfModel,
            format!(
                "standard change `{}` is judged as a normal change: {}",
                r.id(),
                problems.join("; ")
            ),
        )
        .at(r.at("/spec/type"))
        .with_help("make it a normal change, or keep it inside its model"),
    );
    ChangeType::Normal
}

fn freeze_check(
    input: &PolicyInput<'_>,
    r: &Record,
    c: &ChangeSpec,
    effective: ChangeType,
    touched: &BTreeSet<RecordRef>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(policy) = input.policy else { return };
    let window = (c.window.start, c.window.end);
    for f in &policy.freezes {
        if !overlap(window, (f.start, f.end)) || f.allow.contains(&effective) {
            continue;
        }
        let scope: Vec<RecordRef> = f.scope.iter().filter_map(|s| RecordRef::parse(s)).collect();
        let hit: Vec<&RecordRef> = scope.iter().filter(|s| touched.contains(s)).collect();
        if !scope.is_empty() && hit.is_empty() {
            continue;
        }
        let mut message = format!(
            "`{}` ({} change) runs during freeze `{}` ({} to {})",
            r.id(),
            effective.as_str(),
            f.name,
            f.start,
            f.end
        );
        if !hit.is_empty() {
            let names: Vec<String> = hit.iter().map(|h| format!("`{h}`")).collect();
            message.push_str(&format!(", which covers {}", names.join(", ")));
        }
        let allowed = if f.allow.is_empty() {
            "no change type".to_string()
        } else {
            f.allow
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
                + " changes"
        };
        out.push(
            Diagnostic::new(Code::FreezeViolation, message)
                .at(r.at("/spec/window"))
                .with_help(format!(
                    "the freeze allows {allowed}; move the window outside {} to {}",
                    f.start, f.end
                )),
        );
    }
}

fn window_check(
    input: &PolicyInput<'_>,
    r: &Record,
    c: &ChangeSpec,
    effective: ChangeType,
    impact: &ImpactSet,
    out: &mut Vec<Diagnostic>,
) {
    let Some(policy) = input.policy else { return };
    if effective != ChangeType::Normal || policy.maintenance_windows.is_empty() {
        return;
    }
    let critical: Vec<&crate::impact::Impacted> = impact
        .services()
        .filter(|s| {
            s.tier
                .is_some_and(|t| policy.maintenance_window_tiers.contains(&t))
        })
        .collect();
    let Some(first) = critical.first() else {
        return;
    };
    let windows: Vec<(&str, Recurrence)> = policy
        .maintenance_windows
        .iter()
        .filter_map(|w| Recurrence::parse(w).ok().map(|rec| (w.name.as_str(), rec)))
        .collect();
    // A window that could not be walked far enough leaves the question open: fail closed.
    let mut undecided = None;
    if windows.iter().any(|(name, w)| {
        w.covers(c.window.start, c.window.end).unwrap_or_else(|e| {
            undecided.get_or_insert((*name, e));
            false
        })
    }) {
        return;
    }
    if let Some((name, e)) = undecided {
        out.push(
            Diagnostic::new(
                Code::WindowUndecidable,
                format!(
                    "cannot tell whether normal change `{}` falls inside maintenance window `{name}`: {e}",
                    r.id()
                ),
            )
            .at(r.at("/spec/window"))
            .with_help("give the window a recent `start` or a coarser `FREQ` in the base Policy"),
        );
        return;
    }
    // The next occurrence of any window from the change's start, to suggest.
    let horizon =
        Timestamp::from_second(c.window.start.as_second() + 400 * 86_400).unwrap_or(c.window.start);
    let next = windows
        .iter()
        .filter_map(|(name, w)| {
            w.occurrences(c.window.start, horizon, 8)
                .ok()?
                .into_iter()
                .find(|(s, _)| *s >= c.window.start)
                .map(|(s, e)| (s, e, *name))
        })
        .min();
    let tiers: Vec<String> = policy
        .maintenance_window_tiers
        .iter()
        .map(|t| t.to_string())
        .collect();
    let mut d = Diagnostic::new(
        Code::OutsideMaintenanceWindow,
        format!(
            "normal change `{}` impacts tier-{} service `{}` but runs outside every maintenance window",
            r.id(),
            first.tier.unwrap_or(1),
            first.reference.id
        ),
    )
    .at(r.at("/spec/window"))
    .with_note(format!("changes impacting services of tier {} must fit in one window", tiers.join(", ")));
    d = match next {
        Some((s, e, name)) => {
            d.with_help(format!("the next window, `{name}`, runs from {s} to {e}"))
        }
        None => d.with_help("no maintenance window occurs in the next 400 days"),
    };
    out.push(d);
}

/// Report each change of the pull request that conflicts (`conflict::between`) with another
/// open change, once per pair. `touches` holds what every change that may conflict touches;
/// the change under judgement counts as open even if this pull request closes it.
fn conflict_check(
    input: &PolicyInput<'_>,
    r: &Record,
    c: &ChangeSpec,
    touches: &BTreeMap<&str, Vec<RecordRef>>,
    in_play: &[&Record],
    reported: &mut BTreeSet<(String, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let mine = conflict::Change::new(
        r.id(),
        (c.window.start, c.window.end),
        true,
        touches.get(r.id()).into_iter().flatten(),
    );
    for other in input.head.of_kind(Kind::Change) {
        let Some(o) = change_spec(other) else {
            continue;
        };
        let Some(theirs) = touches.get(other.id()) else {
            continue;
        };
        let theirs = conflict::Change::new(
            other.id(),
            (o.window.start, o.window.end),
            !o.status.is_closed(),
            theirs,
        );
        let Some(shared) = conflict::between(&mine, &theirs) else {
            continue;
        };
        let pair = if r.id() < other.id() {
            (r.id().to_string(), other.id().to_string())
        } else {
            (other.id().to_string(), r.id().to_string())
        };
        if !reported.insert(pair) {
            continue;
        }
        let mut names: Vec<String> = shared.iter().take(3).map(|s| format!("`{s}`")).collect();
        if shared.len() > 3 {
            names.push(format!("{} more", shared.len() - 3));
        }
        let mut d = Diagnostic::new(
            Code::ChangeConflict,
            format!(
                "`{}` and `{}` overlap in time and both impact {}",
                r.id(),
                other.id(),
                names.join(", ")
            ),
        )
        .at(r.at("/spec/window"))
        .with_help(format!(
            "`{}` runs from {} to {}; move one of the changes or merge them",
            other.id(),
            o.window.start,
            o.window.end
        ));
        if in_play.iter().any(|p| p.id() == other.id()) {
            d = d.with_related(
                other.at("/spec/window"),
                format!("`{}` is in this pull request too", other.id()),
            );
        } else {
            d = d.with_note(format!("`{}` is in {}", other.id(), other.origin.file));
        }
        out.push(d);
    }
}

fn status_check(input: &PolicyInput<'_>, r: &Record, c: &ChangeSpec, out: &mut Vec<Diagnostic>) {
    let Some(before) = input.base.get(&r.reference()) else {
        return;
    };
    let Some(old) = change_spec(before) else {
        return;
    };
    let (from, to) = (stage(old.status), stage(c.status));
    if old.status.is_closed() {
        let diff = input.records.iter().find(|d| d.reference == r.reference());
        let edited: Vec<&str> = diff
            .map(|d| {
                d.fields
                    .iter()
                    .map(|f| f.path.as_str())
                    .filter(|p| {
                        !(p.starts_with("spec.outcome")
                            || p.starts_with("metadata.description")
                            || p.starts_with("metadata.links")
                            || p.starts_with("metadata.labels"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(first) = edited.first() {
            out.push(
                Diagnostic::new(
                    Code::StatusRegression,
                    format!(
                        "`{}` was {} at base and is edited after the fact (`{first}`)",
                        r.id(),
                        old.status.as_str()
                    ),
                )
                .at(r.at(format!(
                    "/{}",
                    first.replace(['.', '['], "/").replace(']', "")
                )))
                .with_help(
                    "a change that is over keeps its record; raise a new change record instead",
                ),
            );
        }
        return;
    }
    if to < from {
        out.push(
            Diagnostic::new(
                Code::StatusRegression,
                format!(
                    "`{}` moves back from {} to {}",
                    r.id(),
                    old.status.as_str(),
                    c.status.as_str()
                ),
            )
            .at(r.at("/spec/status"))
            .with_help("a change moves forward; to start over, cancel it and raise a new one"),
        );
    }
}

/// With `requireChangeRecord`, every edited service or CI must be named by a change record
/// the pull request adds or edits.
fn coverage_check(input: &PolicyInput<'_>, in_play: &[&Record], out: &mut Vec<Diagnostic>) {
    if !input.policy.is_some_and(|p| p.require_change_record) {
        return;
    }
    let covered: BTreeSet<RecordRef> = in_play
        .iter()
        .filter_map(|r| change_spec(r))
        .flat_map(affects)
        .collect();
    for d in input.records {
        if !matches!(d.reference.kind, Kind::Service | Kind::ConfigurationItem)
            || !needs_change_record(d)
        {
            continue;
        }
        if covered.contains(&d.reference) {
            continue;
        }
        let verb = match d.status {
            Status::Added => "adds",
            Status::Removed => "removes",
            Status::Modified => "edits",
        };
        let at = match input.head.get(&d.reference) {
            Some(rec) => rec.at("/metadata/id"),
            None => Location::file(&d.file),
        };
        out.push(
            Diagnostic::new(
                Code::MissingChangeRecord,
                format!(
                    "the pull request {verb} `{}` but no change record in it affects `{}`",
                    d.reference, d.reference
                ),
            )
            .at(at)
            .about(&d.reference)
            .with_help(format!(
                "add a Change with `affects: [{}]` to the pull request",
                d.reference
            )),
        );
    }
}

/// Anything but the description, links and labels needs a change record.
pub(crate) fn needs_change_record(d: &RecordDiff) -> bool {
    d.status != Status::Modified
        || d.fields.iter().any(|f| {
            !["metadata.description", "metadata.links", "metadata.labels"]
                .iter()
                .any(|p| {
                    f.path == *p
                        || f.path.starts_with(&format!("{p}."))
                        || f.path.starts_with(&format!("{p}["))
                })
        })
}

#[cfg(test)]
mod tests;
