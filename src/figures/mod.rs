//! The figures that steer the service (`cabinet report`): change success and failure, incident
//! times, recurring incidents, and the availability of each service from the computed impact
//! of its incidents, for a period, by group and by week or month. Pure: records in, figures
//! out; `now` is a value and every boundary is in UTC.
//!
//! Definitions (the README's "cabinet report" says them to users):
//! - a change counts in a period when its window ends in it and it has an outcome;
//! - it failed when its outcome is `failed` or `backed-out`, or an incident names it in
//!   `causedBy` (`outcome::failed`, shared with the `model-unreliable` check);
//! - an incident counts when it was detected in the period; its time to restore is
//!   `resolved - detected`, to respond `responded - detected`, on the wall clock;
//! - a service is down (or degraded) while an incident whose computed impact reached it is
//!   open: from `detected` to `resolved` (or `now`), cut to the period, overlapping incidents
//!   merged so that no second counts twice; availability is
//!   `1 - (down + weight * degraded only) / period`.

pub(crate) mod outcome;
mod period;
mod time;

pub(crate) use crate::sla_measure::length;
pub(crate) use period::{Interval, Period};
use time::Spans;
pub(crate) use time::Summary;

use crate::diag::Code;
use crate::graph::{DependencyGraph, Node};
use crate::impact::propagate;
use crate::lead_time::Milestones;
use crate::model::{
    ChangeType, Impact, IncidentSpec, IncidentStatus, Kind, Priority, ProblemStatus, RecordRef,
    RecordSet, Spec,
};
use crate::sla_measure::{Agreements, Measure, times_in_order};
use jiff::Timestamp;
use outcome::Verdict;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What to group the figures by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GroupBy {
    /// Each service a change or incident reached (named, down or degraded).
    Service,
    /// The owner of each of those services.
    Team,
    /// The tier of each of those services.
    Tier,
    /// The change's type (changes only).
    Type,
    /// The standard change's model (changes only).
    Model,
}

/// The most intervals a report cuts its period into.
pub(crate) const MAX_INTERVALS: usize = 1_000;

/// What a report is asked for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request {
    pub period: Period,
    pub now: Timestamp,
    pub by: Option<GroupBy>,
    pub interval: Option<Interval>,
}

/// The settings of the Policy the figures use.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub degraded_weight: f64,
    /// An outcome is due this many days after the window ends.
    pub outcome_days: u32,
    /// At least this many incidents on one record in the period make it recurring.
    pub recurring: u32,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    pub period: Period,
    pub now: Timestamp,
    pub changes: ChangeFigures,
    pub incidents: IncidentFigures,
    pub problems: ProblemFigures,
    pub services: Vec<ServiceFigures>,
    /// Changes whose window ended more than the Policy's `outcomeDays` before `now` and
    /// that have no outcome (whatever the period).
    pub outcome_overdue: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<GroupBy>,
    /// One per key, sorted (with `--by`).
    pub groups: Vec<Group>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// The period cut by `--interval`, for the whole (each group has its own).
    pub intervals: Vec<Slice>,
}

/// The figures of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Group {
    pub key: String,
    pub changes: ChangeFigures,
    /// Absent when grouping by change type or model: incidents have neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentFigures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<AvailabilitySummary>,
    pub intervals: Vec<Slice>,
}

/// The figures of one week or month.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Slice {
    pub period: Period,
    pub changes: ChangeFigures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentFigures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<AvailabilitySummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChangeFigures {
    /// Changes whose window ended in the period and that have an outcome.
    pub total: usize,
    pub by_type: TypeCounts,
    pub successful: usize,
    pub failed: usize,
    /// Successful over total (`None` when there is none).
    pub success_rate: Option<f64>,
    pub failure_rate: Option<f64>,
    pub emergency_share: Option<f64>,
    pub standard_share: Option<f64>,
    /// Of those, the changes an incident names in `causedBy`.
    pub caused_incidents: usize,
    /// Standard changes by model.
    pub by_model: BTreeMap<String, ModelFigures>,
    /// By type, from the commit that added the record to the first in which it was approved,
    /// and to the first in which it was carried out (absent without the git history).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_time_seconds: Option<BTreeMap<&'static str, LeadTime>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LeadTime {
    pub to_approval: Option<Summary>,
    pub to_completion: Option<Summary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct TypeCounts {
    pub standard: usize,
    pub normal: usize,
    pub emergency: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ModelFigures {
    pub total: usize,
    pub success_rate: Option<f64>,
    pub failure_rate: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IncidentFigures {
    /// Incidents detected in the period.
    pub total: usize,
    pub by_priority: BTreeMap<Priority, usize>,
    /// Of those, still open.
    pub open: usize,
    /// Time to restore service (resolved incidents).
    pub mttr_seconds: Option<Summary>,
    /// Time to the first response (incidents with one).
    pub response_seconds: Option<Summary>,
    /// Times by priority.
    pub times_by_priority: BTreeMap<Priority, Times>,
    /// Of those, the incidents that name a change in `causedBy`.
    pub caused_by_changes: usize,
    pub actions: ActionCounts,
    /// Within the SLA targets: of every (incident, SLA its impact reached) with a target for
    /// the incident's priority, the share met, in the SLA's service hours.
    pub sla_attainment: Attainment,
    /// Records named by at least the Policy's `recurringIncidents` incidents of the period.
    pub recurring: Vec<Recurring>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(crate) struct Times {
    pub respond: Option<Summary>,
    pub restore: Option<Summary>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(crate) struct Attainment {
    pub response: Share,
    pub resolution: Share,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(crate) struct Share {
    pub measured: usize,
    pub met: usize,
    pub rate: Option<f64>,
}

impl Share {
    fn of((measured, met): (usize, usize)) -> Share {
        Share {
            measured,
            met,
            rate: ratio(met, measured),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ActionCounts {
    /// Follow-up actions of the period's incidents not done.
    pub open: usize,
    /// Of those, past their due date at `now`.
    pub overdue: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Recurring {
    #[serde(rename = "ref")]
    pub reference: RecordRef,
    pub incidents: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProblemFigures {
    /// Problems at `known-error` now.
    pub known_errors: usize,
    /// Problems not resolved or closed now.
    pub open: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ServiceFigures {
    #[serde(rename = "ref")]
    pub reference: RecordRef,
    pub name: String,
    pub tier: u8,
    pub owner: String,
    pub availability: f64,
    /// The SLA's availability target as a share (99.95% is 0.9995).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_availability: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met: Option<bool>,
    pub down_seconds: i64,
    /// Degraded and not down.
    pub degraded_seconds: i64,
    /// Incidents detected in the period whose impact reached it.
    pub incidents: usize,
    /// The SLA breaches of those incidents under its SLA.
    pub breaches: Vec<Breach>,
}

impl ServiceFigures {
    pub(crate) fn uptime(&self) -> Uptime {
        Uptime {
            availability: self.availability,
            met: self.met,
            down_seconds: self.down_seconds,
            degraded_seconds: self.degraded_seconds,
            incidents: self.incidents,
        }
    }
}

/// A service's time in a period: what of it the service was down and degraded (and not
/// down), and the availability that leaves, against its SLA's target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Uptime {
    pub availability: f64,
    pub met: Option<bool>,
    pub down_seconds: i64,
    pub degraded_seconds: i64,
    /// Incidents detected in the period whose impact reached it.
    pub incidents: usize,
}

/// The uptime of the services `members` (by index).
fn pick<'u>(uptime: &'u [Uptime], members: &'u [usize]) -> impl Iterator<Item = Uptime> + 'u {
    members.iter().filter_map(|&s| uptime.get(s).copied())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Breach {
    pub incident: String,
    pub code: Code,
}

/// Availability over a set of services.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AvailabilitySummary {
    pub services: usize,
    /// Services with a target.
    pub with_target: usize,
    /// Of those, meeting it.
    pub met: usize,
    /// The lowest availability, and whose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lowest: Option<f64>,
    pub down_seconds: i64,
}

/// Rates and shares as JSON shows them: five decimals.
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 / whole as f64))
}

fn round(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

/// The services an impact reached, each once with its worst impact, sorted by id.
type Reach = Vec<(usize, Impact)>;

/// A change with an outcome, as the figures see it.
struct ChangeFact {
    id: String,
    milestones: Option<Milestones>,
    change_type: ChangeType,
    model: Option<String>,
    ended: Timestamp,
    verdict: Verdict,
    caused: bool,
    affects: Vec<RecordRef>,
}

struct IncidentFact {
    id: String,
    priority: Priority,
    detected: Timestamp,
    responded: Option<Timestamp>,
    resolved: Option<Timestamp>,
    open: bool,
    caused_by_change: bool,
    actions_open: usize,
    actions_overdue: usize,
    affects: Vec<RecordRef>,
    reach: Arc<Reach>,
    /// Its SLA verdicts: (measured, met) for response and resolution, one per SLA reached.
    sla: SlaTally,
    /// The services under an SLA it breached, with the finding's code.
    breaches: Vec<(usize, Code)>,
}

impl IncidentFact {
    /// Detected in `period`, or open during it: only then can it count.
    fn in_play(&self, period: Period, now: Timestamp) -> bool {
        period.contains(self.detected)
            || period
                .clip(self.detected, self.resolved.unwrap_or(now))
                .is_some()
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct SlaTally {
    response: (usize, usize),
    resolution: (usize, usize),
}

struct ServiceFact {
    reference: RecordRef,
    name: String,
    tier: u8,
    owner: String,
    /// The id of its SLA, and the SLA's availability target as a share.
    sla: Option<String>,
    target: Option<f64>,
}

/// Everything read from the records once; every figure is a filter over it.
struct Facts {
    services: Vec<ServiceFact>,
    by_service: HashMap<String, usize>,
    changes: Vec<ChangeFact>,
    change_reach: Vec<Arc<Reach>>,
    incidents: Vec<IncidentFact>,
    /// The incidents in the order they were detected (index).
    detected: Vec<usize>,
    /// Per service, the SLA breaches of the incidents that reached it (index, code).
    breaches_of: Vec<Vec<(usize, Code)>>,
    /// Whether the changes carry their milestones from the git history.
    history: bool,
    /// The report's period and time: what is outside them is in no group.
    period: Period,
    now: Timestamp,
}

/// When each change record was proposed, approved and completed, by id (from the git
/// history: `lead_time::read`).
pub(crate) type LeadTimes = BTreeMap<String, Milestones>;

/// Compute the report. Lead times are figured when `history` is given.
pub(crate) fn compute(
    set: &RecordSet,
    graph: &DependencyGraph,
    request: &Request,
    settings: &Settings,
    history: Option<&LeadTimes>,
) -> Report {
    let mut facts = Facts::read(set, graph, request);
    facts.history = history.is_some();
    if let Some(h) = history {
        for c in &mut facts.changes {
            c.milestones = h.get(&c.id).copied();
        }
    }
    let period = request.period;
    let all_changes: Vec<usize> = (0..facts.changes.len()).collect();
    let all_incidents: Vec<usize> = (0..facts.incidents.len()).collect();
    let all_services: Vec<usize> = (0..facts.services.len()).collect();
    let services = facts.service_figures(period, request.now, settings);
    let keys: Vec<(String, Members)> = match request.by {
        None => Vec::new(),
        Some(by) => facts.keys(by).into_iter().collect(),
    };
    let slice = |p: Period, members: &Members, uptime: &[Uptime]| Slice {
        period: p,
        changes: facts.change_figures(&members.changes, p),
        incidents: (members.incidents.as_deref()).map(|i| facts.incident_figures(i, p, settings)),
        availability: (members.services.as_deref()).map(|s| summary_of(pick(uptime, s))),
    };
    // Slice by slice (in parallel), each service's uptime figured once for all groups.
    let everything = Members {
        changes: all_changes.clone(),
        incidents: Some(all_incidents.clone()),
        services: Some(all_services),
    };
    let cuts = request
        .interval
        .and_then(|i| period.cut(i, MAX_INTERVALS))
        .unwrap_or_default();
    let sliced: Vec<(Slice, Vec<Slice>)> = cuts
        .into_par_iter()
        .map(|p| {
            let uptime = facts.uptime(p, request.now, settings);
            let groups = keys.iter().map(|(_, m)| slice(p, m, &uptime)).collect();
            (slice(p, &everything, &uptime), groups)
        })
        .collect();
    let whole: Vec<Uptime> = services.iter().map(ServiceFigures::uptime).collect();
    let mut groups: Vec<Group> = keys
        .iter()
        .map(|(key, m)| Group {
            key: key.clone(),
            changes: facts.change_figures(&m.changes, period),
            incidents: (m.incidents.as_deref())
                .map(|i| facts.incident_figures(i, period, settings)),
            availability: (m.services.as_deref()).map(|s| summary_of(pick(&whole, s))),
            intervals: Vec::with_capacity(sliced.len()),
        })
        .collect();
    let mut intervals = Vec::with_capacity(sliced.len());
    for (whole, per_group) in sliced {
        intervals.push(whole);
        for (g, s) in groups.iter_mut().zip(per_group) {
            g.intervals.push(s);
        }
    }
    Report {
        period,
        now: request.now,
        changes: facts.change_figures(&all_changes, period),
        incidents: facts.incident_figures(&all_incidents, period, settings),
        problems: problems(set),
        outcome_overdue: outcome::overdue(set, request.now, settings.outcome_days)
            .into_iter()
            .map(|r| r.id().to_string())
            .collect(),
        intervals,
        services,
        by: request.by,
        groups,
        interval: request.interval,
    }
}

fn problems(set: &RecordSet) -> ProblemFigures {
    let mut out = ProblemFigures::default();
    for r in set.of_kind(Kind::Problem) {
        if let Spec::Problem(p) = &r.spec {
            out.known_errors += usize::from(p.status == ProblemStatus::KnownError);
            out.open += usize::from(!p.status.is_resolved());
        }
    }
    out
}

/// The availability of a set of services, in one line.
pub(crate) fn summary_of(services: impl IntoIterator<Item = Uptime>) -> AvailabilitySummary {
    let mut sum = AvailabilitySummary {
        services: 0,
        with_target: 0,
        met: 0,
        lowest: None,
        down_seconds: 0,
    };
    for s in services {
        sum.services += 1;
        sum.with_target += usize::from(s.met.is_some());
        sum.met += usize::from(s.met == Some(true));
        sum.lowest = Some(
            sum.lowest
                .map_or(s.availability, |l: f64| l.min(s.availability)),
        );
        sum.down_seconds += s.down_seconds;
    }
    sum
}

/// The members of one group, by index into the facts.
#[derive(Default)]
struct Members {
    changes: Vec<usize>,
    incidents: Option<Vec<usize>>,
    services: Option<Vec<usize>>,
}

fn refs(list: &[String]) -> Vec<RecordRef> {
    let mut out: Vec<RecordRef> = list.iter().filter_map(|a| RecordRef::parse(a)).collect();
    out.sort();
    out.dedup();
    out
}

impl Facts {
    fn read(set: &RecordSet, graph: &DependencyGraph, request: &Request) -> Facts {
        let mut services = Vec::new();
        let mut by_service = HashMap::new();
        for r in set.of_kind(Kind::Service) {
            let Spec::Service(s) = &r.spec else { continue };
            if by_service.contains_key(r.id()) {
                continue;
            }
            let target = s.sla.as_ref().and_then(|sla| {
                match set
                    .get(&RecordRef::parse_as(sla, Kind::Sla))
                    .map(|x| &x.spec)
                {
                    Some(Spec::Sla(spec)) => Some(spec.availability / 100.0),
                    _ => None,
                }
            });
            by_service.insert(r.id().to_string(), services.len());
            services.push(ServiceFact {
                reference: r.reference(),
                name: r.metadata.display_name().to_string(),
                tier: s.tier,
                owner: s.owner.clone(),
                sla: s
                    .sla
                    .as_ref()
                    .map(|sla| RecordRef::parse_as(sla, Kind::Sla).id),
                target,
            });
        }
        let caused = outcome::caused_by(set);
        let mut changes = Vec::new();
        for r in set.of_kind(Kind::Change) {
            let Spec::Change(c) = &r.spec else { continue };
            let verdict = outcome::verdict(r.id(), c, &caused);
            if verdict == Verdict::Pending {
                continue;
            }
            changes.push(ChangeFact {
                id: r.id().to_string(),
                milestones: None,
                change_type: c.change_type,
                model: c
                    .model
                    .as_ref()
                    .map(|m| RecordRef::parse_as(m, Kind::ChangeModel).id),
                ended: c.window.end,
                verdict,
                caused: caused.contains(r.id()),
                affects: refs(&c.affects),
            });
        }
        let mut incidents = Vec::new();
        let mut specs = Vec::new();
        for r in set.of_kind(Kind::Incident) {
            let Spec::Incident(i) = &r.spec else { continue };
            specs.push(i);
            incidents.push(IncidentFact {
                id: r.id().to_string(),
                priority: i.priority,
                detected: i.detected,
                responded: i.responded,
                resolved: i.resolved,
                open: i.status == IncidentStatus::Open,
                caused_by_change: i.caused_by.is_some(),
                actions_open: i.actions.iter().filter(|a| !a.done).count(),
                actions_overdue: i
                    .actions
                    .iter()
                    .filter(|a| a.is_overdue(request.now))
                    .count(),
                affects: refs(&i.affects),
                reach: Arc::default(),
                sla: SlaTally::default(),
                breaches: Vec::new(),
            });
        }
        // One propagation per distinct `affects`, in parallel; changes need theirs only to
        // be grouped by what they reached.
        let by_reach = matches!(
            request.by,
            Some(GroupBy::Service | GroupBy::Team | GroupBy::Tier)
        );
        // Each item's seeds as graph nodes, and each distinct set of seeds once.
        let service_of: Vec<Option<usize>> = (0..graph.len() as Node)
            .map(|n| {
                let r = graph.reference(n);
                (r.kind == Kind::Service)
                    .then(|| by_service.get(&r.id).copied())
                    .flatten()
            })
            .collect();
        let mut distinct: HashMap<Vec<Node>, usize> = HashMap::new();
        let mut seeds_of = |affects: &[RecordRef]| -> usize {
            let mut seeds: Vec<Node> = affects.iter().filter_map(|r| graph.node(r)).collect();
            seeds.sort_unstable();
            seeds.dedup();
            let next = distinct.len();
            *distinct.entry(seeds).or_insert(next)
        };
        // Only what can count is propagated: incidents detected in the period or open during
        // it, changes whose window ended in it (a report of last week over years of history
        // costs last week).
        let period = request.period;
        let incident_seeds: Vec<Option<usize>> = incidents
            .iter()
            .map(|i| i.in_play(period, request.now).then(|| seeds_of(&i.affects)))
            .collect();
        let change_seeds: Vec<Option<usize>> = changes
            .iter()
            .map(|c| (by_reach && period.contains(c.ended)).then(|| seeds_of(&c.affects)))
            .collect();
        let mut sets: Vec<(&Vec<Node>, usize)> = distinct.iter().map(|(k, &v)| (k, v)).collect();
        sets.sort_unstable_by_key(|(_, v)| *v);
        let reached: Vec<Arc<Reach>> = sets
            .into_par_iter()
            .map(|(seeds, _)| Arc::new(reach(graph, &service_of, seeds)))
            .collect();
        let change_reach = change_seeds
            .iter()
            .map(|s| s.and_then(|s| reached.get(s).cloned()).unwrap_or_default())
            .collect();
        for (i, seeds) in incidents.iter_mut().zip(&incident_seeds) {
            i.reach = seeds
                .and_then(|s| reached.get(s).cloned())
                .unwrap_or_default();
        }
        let agreements = Agreements::new(set);
        incidents
            .par_iter_mut()
            .zip(specs.par_iter())
            .for_each(|(i, spec)| measure(i, spec, &services, &agreements, request.now));
        let mut breaches_of: Vec<Vec<(usize, Code)>> = vec![Vec::new(); services.len()];
        for (n, i) in incidents.iter().enumerate() {
            for &(s, code) in &i.breaches {
                if let Some(b) = breaches_of.get_mut(s) {
                    b.push((n, code));
                }
            }
        }
        let mut order: Vec<(Timestamp, usize)> = incidents
            .iter()
            .enumerate()
            .map(|(n, i)| (i.detected, n))
            .collect();
        order.sort_unstable();
        let detected = order.into_iter().map(|(_, n)| n).collect();
        Facts {
            services,
            by_service,
            changes,
            change_reach,
            incidents,
            detected,
            breaches_of,
            history: false,
            period: request.period,
            now: request.now,
        }
    }

    fn change_figures(&self, members: &[usize], period: Period) -> ChangeFigures {
        let mut f = ChangeFigures::default();
        let mut models: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        let mut leads: BTreeMap<&'static str, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
        for c in members.iter().filter_map(|&i| self.changes.get(i)) {
            if !period.contains(c.ended) {
                continue;
            }
            f.total += 1;
            match c.change_type {
                ChangeType::Standard => f.by_type.standard += 1,
                ChangeType::Normal => f.by_type.normal += 1,
                ChangeType::Emergency => f.by_type.emergency += 1,
            }
            let (ok, failed) = (c.verdict == Verdict::Success, c.verdict == Verdict::Failure);
            f.successful += usize::from(ok);
            f.failed += usize::from(failed);
            f.caused_incidents += usize::from(c.caused);
            if let Some(m) = c.milestones {
                let since = |t: Option<Timestamp>| {
                    t.map(|t| t.as_second() - m.proposed.as_second())
                        .filter(|s| *s >= 0)
                };
                let e = leads.entry(c.change_type.as_str()).or_default();
                e.0.extend(since(m.approved));
                e.1.extend(since(m.completed));
            }
            if let (ChangeType::Standard, Some(m)) = (c.change_type, &c.model) {
                let e = models.entry(m.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(ok);
                e.2 += usize::from(failed);
            }
        }
        f.lead_time_seconds = self.history.then(|| {
            leads
                .into_iter()
                .map(|(t, (approval, completion))| {
                    (
                        t,
                        LeadTime {
                            to_approval: Summary::of(approval),
                            to_completion: Summary::of(completion),
                        },
                    )
                })
                .collect()
        });
        f.success_rate = ratio(f.successful, f.total);
        f.failure_rate = ratio(f.failed, f.total);
        f.emergency_share = ratio(f.by_type.emergency, f.total);
        f.standard_share = ratio(f.by_type.standard, f.total);
        f.by_model = models
            .into_iter()
            .map(|(m, (n, ok, failed))| {
                (
                    m,
                    ModelFigures {
                        total: n,
                        success_rate: ratio(ok, n),
                        failure_rate: ratio(failed, n),
                    },
                )
            })
            .collect();
        f
    }

    fn incident_figures(
        &self,
        members: &[usize],
        period: Period,
        settings: &Settings,
    ) -> IncidentFigures {
        let mut f = IncidentFigures::default();
        for p in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
            f.by_priority.insert(p, 0);
        }
        let mut restore: BTreeMap<Priority, Vec<i64>> = BTreeMap::new();
        let mut respond: BTreeMap<Priority, Vec<i64>> = BTreeMap::new();
        let mut on_record: BTreeMap<&RecordRef, Vec<&str>> = BTreeMap::new();
        let (mut response, mut resolution) = ((0, 0), (0, 0));
        for i in members.iter().filter_map(|&n| self.incidents.get(n)) {
            if !period.contains(i.detected) {
                continue;
            }
            f.total += 1;
            *f.by_priority.entry(i.priority).or_default() += 1;
            f.open += usize::from(i.open);
            f.caused_by_changes += usize::from(i.caused_by_change);
            f.actions.open += i.actions_open;
            f.actions.overdue += i.actions_overdue;
            response.0 += i.sla.response.0;
            response.1 += i.sla.response.1;
            resolution.0 += i.sla.resolution.0;
            resolution.1 += i.sla.resolution.1;
            let since = |t: Option<Timestamp>| {
                t.map(|t| t.as_second() - i.detected.as_second())
                    .filter(|s| *s >= 0)
            };
            if let Some(s) = since(i.resolved) {
                restore.entry(i.priority).or_default().push(s);
            }
            if let Some(s) = since(i.responded) {
                respond.entry(i.priority).or_default().push(s);
            }
            for r in &i.affects {
                on_record.entry(r).or_default().push(&i.id);
            }
        }
        f.sla_attainment = Attainment {
            response: Share::of(response),
            resolution: Share::of(resolution),
        };
        f.mttr_seconds = Summary::of(restore.values().flatten().copied().collect());
        f.response_seconds = Summary::of(respond.values().flatten().copied().collect());
        for p in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
            let times = Times {
                respond: Summary::of(respond.remove(&p).unwrap_or_default()),
                restore: Summary::of(restore.remove(&p).unwrap_or_default()),
            };
            if times.respond.is_some() || times.restore.is_some() {
                f.times_by_priority.insert(p, times);
            }
        }
        let threshold = usize::try_from(settings.recurring.max(1)).unwrap_or(usize::MAX);
        f.recurring = on_record
            .into_iter()
            .filter(|(_, ids)| ids.len() >= threshold)
            .map(|(r, mut ids)| {
                ids.sort_unstable();
                Recurring {
                    reference: r.clone(),
                    incidents: ids.into_iter().map(str::to_string).collect(),
                }
            })
            .collect();
        f
    }

    /// How long each service was down and degraded over `period`. Each incident in play is
    /// walked once, in the order they were detected, so that each service's spans come in the
    /// order they start and merge as they come.
    fn uptime(&self, period: Period, now: Timestamp, settings: &Settings) -> Vec<Uptime> {
        let n = self.services.len();
        let (mut down, mut degraded) = (vec![Spans::default(); n], vec![Spans::default(); n]);
        let mut count = vec![0usize; n];
        for i in self.detected.iter().filter_map(|&k| self.incidents.get(k)) {
            let detected = period.contains(i.detected);
            let span = period.clip(i.detected, i.resolved.unwrap_or(now));
            if !detected && span.is_none() {
                continue;
            }
            for &(s, impact) in i.reach.iter() {
                if let Some(c) = count.get_mut(s) {
                    *c += usize::from(detected);
                }
                let spans = match impact {
                    Impact::Full => down.get_mut(s),
                    Impact::Partial => degraded.get_mut(s),
                };
                if let (Some(spans), Some(span)) = (spans, span) {
                    spans.add(span);
                }
            }
        }
        let length = period.seconds();
        self.services
            .iter()
            .zip(down.iter().zip(&degraded).zip(count))
            .map(|(fact, ((d, g), incidents))| {
                let (down_seconds, degraded_seconds) = (d.seconds(), g.seconds_outside(d));
                let lost = down_seconds as f64 + settings.degraded_weight * degraded_seconds as f64;
                let availability = if length > 0 {
                    round((1.0 - lost / length as f64).clamp(0.0, 1.0))
                } else {
                    1.0
                };
                Uptime {
                    availability,
                    met: fact.target.map(|t| availability >= round(t)),
                    down_seconds,
                    degraded_seconds,
                    incidents,
                }
            })
            .collect()
    }

    /// The figures of every service over `period`.
    fn service_figures(
        &self,
        period: Period,
        now: Timestamp,
        settings: &Settings,
    ) -> Vec<ServiceFigures> {
        let uptime = self.uptime(period, now, settings);
        (self.services.iter().zip(uptime).enumerate())
            .map(|(s, (fact, u))| ServiceFigures {
                reference: fact.reference.clone(),
                name: fact.name.clone(),
                tier: fact.tier,
                owner: fact.owner.clone(),
                availability: u.availability,
                sla_availability: fact.target.map(round),
                met: u.met,
                down_seconds: u.down_seconds,
                degraded_seconds: u.degraded_seconds,
                incidents: u.incidents,
                breaches: (self.breaches_of.get(s).into_iter().flatten())
                    .filter_map(|&(n, code)| {
                        let i = self.incidents.get(n)?;
                        period.contains(i.detected).then(|| Breach {
                            incident: i.id.clone(),
                            code,
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    /// The groups and their members, sorted by key.
    fn keys(&self, by: GroupBy) -> BTreeMap<String, Members> {
        // Each key once, by number; each service's key number.
        let mut names: Vec<String> = Vec::new();
        let mut number: HashMap<String, usize> = HashMap::new();
        let mut intern = |key: String| -> usize {
            *number.entry(key).or_insert_with_key(|k| {
                names.push(k.clone());
                names.len() - 1
            })
        };
        let none = intern(NONE.to_string());
        let by_reach = matches!(by, GroupBy::Service | GroupBy::Team | GroupBy::Tier);
        let service_key: Vec<Option<usize>> = self
            .services
            .iter()
            .map(|f| {
                by_reach.then(|| {
                    intern(match by {
                        GroupBy::Service => f.reference.to_string(),
                        GroupBy::Team => f.owner.clone(),
                        _ => format!("tier {}", f.tier),
                    })
                })
            })
            .collect();
        let keys_of = |services: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
            let mut keys: Vec<usize> = services
                .filter_map(|s| service_key.get(s).copied().flatten())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.is_empty() {
                keys.push(none);
            }
            keys
        };
        let mut members: Vec<Members> = Vec::new();
        fn slot(members: &mut Vec<Members>, k: usize) -> &mut Members {
            if members.len() <= k {
                members.resize_with(k + 1, Members::default);
            }
            &mut members[k]
        }
        for (n, c) in self.changes.iter().enumerate() {
            if !self.period.contains(c.ended) {
                continue;
            }
            let keys = match by {
                GroupBy::Type => vec![intern(c.change_type.as_str().to_string())],
                GroupBy::Model => vec![c.model.clone().map_or(none, &mut intern)],
                _ => {
                    let named = c
                        .affects
                        .iter()
                        .filter(|r| r.kind == Kind::Service)
                        .filter_map(|r| self.by_service.get(&r.id).copied());
                    let reached = self
                        .change_reach
                        .get(n)
                        .into_iter()
                        .flat_map(|r| r.iter().map(|(s, _)| *s));
                    keys_of(&mut named.chain(reached))
                }
            };
            for k in keys {
                slot(&mut members, k).changes.push(n);
            }
        }
        if by_reach {
            for (n, i) in self.incidents.iter().enumerate() {
                if !i.in_play(self.period, self.now) {
                    continue;
                }
                for k in keys_of(&mut i.reach.iter().map(|(s, _)| *s)) {
                    slot(&mut members, k)
                        .incidents
                        .get_or_insert_with(Vec::new)
                        .push(n);
                }
            }
            for (s, k) in service_key.iter().enumerate() {
                if let Some(k) = *k {
                    slot(&mut members, k)
                        .services
                        .get_or_insert_with(Vec::new)
                        .push(s);
                }
            }
        }
        members
            .into_iter()
            .enumerate()
            .filter(|(_, m)| {
                !m.changes.is_empty()
                    || m.incidents.as_ref().is_some_and(|i| !i.is_empty())
                    || m.services.as_ref().is_some_and(|s| !s.is_empty())
            })
            .map(|(k, mut m)| {
                // Every group of a kind that incidents have has incident and availability
                // figures, if empty.
                if by_reach {
                    m.incidents.get_or_insert_with(Vec::new);
                    m.services.get_or_insert_with(Vec::new);
                }
                (names.get(k).cloned().unwrap_or_default(), m)
            })
            .collect()
    }
}

/// Hold `i` to the SLA of every service it reached (`sla_measure`, as the breach findings do).
fn measure(
    i: &mut IncidentFact,
    spec: &IncidentSpec,
    services: &[ServiceFact],
    agreements: &Agreements<'_>,
    now: Timestamp,
) {
    if !times_in_order(spec) {
        return;
    }
    if !agreements.may_breach(spec, now) {
        // Nothing can be breached (the tightest target of its priority is longer than the
        // incident on the wall, and service time never is): every target is met, and no
        // clock need run.
        let slas: BTreeSet<&String> = i
            .reach
            .iter()
            .filter_map(|&(s, _)| services.get(s)?.sla.as_ref())
            .collect();
        for sla in slas {
            if let Some([response, resolution]) = agreements.targets(sla, spec.priority) {
                let count = |(measured, met): &mut (usize, usize), has: bool| {
                    *measured += usize::from(has);
                    *met += usize::from(has);
                };
                count(&mut i.sla.response, response);
                count(&mut i.sla.resolution, resolution);
            }
        }
        return;
    }
    // The services it reached under each SLA, in the order of the SLAs' ids.
    let mut by_sla: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &(s, _) in i.reach.iter() {
        if let Some(sla) = services.get(s).and_then(|f| f.sla.as_deref()) {
            by_sla.entry(sla).or_default().push(s);
        }
    }
    for (sla, reached) in by_sla {
        let Some((_, verdicts)) = agreements.judge(spec, sla, now) else {
            continue;
        };
        for v in &verdicts {
            if v.target.is_none() {
                continue;
            }
            let (tally, code) = match v.measure {
                Measure::Response => (&mut i.sla.response, Code::SlaResponseBreach),
                Measure::Resolution => (&mut i.sla.resolution, Code::SlaResolutionBreach),
            };
            tally.0 += 1;
            if v.breached() {
                i.breaches.extend(reached.iter().map(|&s| (s, code)));
            } else {
                tally.1 += 1;
            }
        }
    }
}

/// The key of what belongs to no group of the kind asked for (a change that reaches no
/// service, a normal change by model).
pub(crate) const NONE: &str = "(none)";

/// The services `affects` reached, down or degraded (the propagation of a change).
fn reach(graph: &DependencyGraph, service_of: &[Option<usize>], seeds: &[Node]) -> Reach {
    let p = propagate(graph, seeds);
    let mut out: Reach = p
        .impacted()
        .iter()
        .filter_map(|&n| Some((service_of.get(n as usize).copied().flatten()?, p.impact(n)?)))
        .collect();
    out.sort_unstable_by_key(|(s, _)| *s);
    out.dedup_by_key(|(s, _)| *s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::valid_records;
    use proptest::prelude::*;

    /// `db` carries `pay` (tier 1, gold 99.9%) hard and `shop` (tier 2, no SLA) soft.
    const GRAPH: &str = "---
apiVersion: cabinet/v1
kind: SLA
metadata: {id: gold}
spec: {availability: 99.9}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: db}
spec: {type: database, owner: platform, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: pay}
spec: {owner: payments, tier: 1, lifecycle: live, sla: gold, dependsOn: [ci:db]}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: shop}
spec: {owner: storefront, tier: 2, lifecycle: live, dependsOn: [{ref: ci:db, impact: partial}]}
";

    /// A day: 2026-11-01.
    const DAY: (&str, &str) = ("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");

    fn incident(id: &str, affects: &str, detected: &str, resolved: Option<&str>) -> String {
        let end = match resolved {
            Some(r) => format!("resolved: \"{r}\", status: resolved"),
            None => "status: open".to_string(),
        };
        format!(
            "---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {{id: {id}}}\nspec: {{affects: [{affects}], impact: high, urgency: high, priority: P1, detected: \"{detected}\", {end}}}\n"
        )
    }

    fn change(id: &str, kind: &str, end: &str, result: Option<&str>) -> String {
        let (status, outcome) = match result {
            Some(r) if r.starts_with("fail") || r == "backed-out" => {
                ("failed", format!(", outcome: {{result: {r}}}"))
            }
            Some(r) => ("completed", format!(", outcome: {{result: {r}}}")),
            None => ("scheduled", String::new()),
        };
        let model = if kind == "standard" {
            ", model: restart"
        } else {
            ""
        };
        let emergency = if kind == "emergency" {
            ", emergency: {justification: j, incident: INC-9}"
        } else {
            ""
        };
        format!(
            "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: {kind}{model}{emergency}, requester: octocat, reason: r, affects: [ci:db], window: {{start: \"2026-10-01T00:00:00Z\", end: \"{end}\"}}, risk: low, plan: p, backout: b, verification: v, status: {status}{outcome}}}\n"
        )
    }

    fn report(records: &str, from: &str, to: &str, now: &str, by: Option<GroupBy>) -> Report {
        report_by(records, (from, to), now, by, None)
    }

    fn report_by(
        records: &str,
        (from, to): (&str, &str),
        now: &str,
        by: Option<GroupBy>,
        interval: Option<Interval>,
    ) -> Report {
        let set = valid_records([("r.yaml", &*format!("{GRAPH}{records}"))]);
        let graph = DependencyGraph::build(&set);
        let request = Request {
            period: Period {
                from: from.parse().unwrap(),
                to: to.parse().unwrap(),
            },
            now: now.parse().unwrap(),
            by,
            interval,
        };
        let settings = Settings {
            degraded_weight: 0.5,
            outcome_days: 7,
            recurring: 2,
        };
        compute(&set, &graph, &request, &settings, None)
    }

    fn service<'a>(r: &'a Report, id: &str) -> &'a ServiceFigures {
        r.services.iter().find(|s| s.reference.id == id).unwrap()
    }

    #[test]
    fn overlapping_incidents_count_each_second_once() {
        // 01:00-03:00 and 02:00-05:00 on db: pay is down 4 h, not 5 h.
        let r = report(
            &(incident(
                "INC-1",
                "ci:db",
                "2026-11-01T01:00:00Z",
                Some("2026-11-01T03:00:00Z"),
            ) + &incident(
                "INC-2",
                "ci:db",
                "2026-11-01T02:00:00Z",
                Some("2026-11-01T05:00:00Z"),
            )),
            DAY.0,
            DAY.1,
            DAY.1,
            None,
        );
        let pay = service(&r, "pay");
        assert_eq!(
            (pay.down_seconds, pay.degraded_seconds, pay.incidents),
            (4 * 3600, 0, 2)
        );
        // 1 - 4 h / 24 h = 0.83333.
        assert_eq!(pay.availability, 0.83333);
        assert_eq!((pay.sla_availability, pay.met), (Some(0.999), Some(false)));
        // shop hangs on db softly: degraded 4 h, weighted 0.5: 1 - 2 h / 24 h = 0.91667.
        let shop = service(&r, "shop");
        assert_eq!((shop.down_seconds, shop.degraded_seconds), (0, 4 * 3600));
        assert_eq!(shop.availability, 0.91667);
        assert_eq!((shop.sla_availability, shop.met), (None, None));
    }

    #[test]
    fn degraded_time_under_an_outage_counts_as_down_only() {
        // shop is down 02:00-04:00 (named), degraded 01:00-05:00 (db): 2 h down, 2 h degraded.
        let r = report(
            &(incident(
                "INC-1",
                "ci:db",
                "2026-11-01T01:00:00Z",
                Some("2026-11-01T05:00:00Z"),
            ) + &incident(
                "INC-2",
                "service:shop",
                "2026-11-01T02:00:00Z",
                Some("2026-11-01T04:00:00Z"),
            )),
            DAY.0,
            DAY.1,
            DAY.1,
            None,
        );
        let shop = service(&r, "shop");
        assert_eq!(
            (shop.down_seconds, shop.degraded_seconds),
            (2 * 3600, 2 * 3600)
        );
        // 1 - (2 h + 0.5 * 2 h) / 24 h = 0.875.
        assert_eq!(shop.availability, 0.875);
    }

    #[test]
    fn an_incident_is_cut_to_the_period_and_an_open_one_runs_to_now() {
        // Detected the evening before, resolved at 02:00: 2 h in the period, and it was not
        // detected in it. An open one from 20:00 runs to `now`, 22:00.
        let r = report(
            &(incident(
                "INC-1",
                "ci:db",
                "2026-10-31T20:00:00Z",
                Some("2026-11-01T02:00:00Z"),
            ) + &incident("INC-2", "ci:db", "2026-11-01T20:00:00Z", None)),
            DAY.0,
            DAY.1,
            "2026-11-01T22:00:00Z",
            None,
        );
        let pay = service(&r, "pay");
        assert_eq!((pay.down_seconds, pay.incidents), (2 * 3600 + 2 * 3600, 1));
        assert_eq!((r.incidents.total, r.incidents.open), (1, 1));
    }

    #[test]
    fn an_incident_resolved_as_it_was_detected_counts_but_costs_no_time() {
        let r = report(
            &incident(
                "INC-1",
                "ci:db",
                "2026-11-01T05:00:00Z",
                Some("2026-11-01T05:00:00Z"),
            ),
            DAY.0,
            DAY.1,
            DAY.1,
            None,
        );
        let pay = service(&r, "pay");
        assert_eq!(
            (pay.incidents, pay.down_seconds, pay.availability),
            (1, 0, 1.0)
        );
        let shop = service(&r, "shop");
        assert_eq!((shop.incidents, shop.degraded_seconds), (1, 0));
    }

    #[test]
    fn sla_attainment_holds_each_incident_to_the_sla_of_each_service_it_reached() {
        // `api` (SLA `ops`: P1 respond in 15m, resolve in 4h, around the clock) and `pay`
        // (`gold`: no targets by priority) both run on db. INC-1 responded in 10m and was
        // resolved in 5h: response met, resolution breached. INC-2 took 5m and 1h: both met,
        // and it cannot breach anything (no clock runs). Measured: 2 responses, 2 resolutions.
        let records = "---
apiVersion: cabinet/v1
kind: SLA
metadata: {id: ops}
spec: {availability: 99.5, serviceHours: 24x7, priorities: {P1: {response: 15m, resolution: 4h}}}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: api}
spec: {owner: payments, tier: 1, lifecycle: live, sla: ops, dependsOn: [ci:db]}
---
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-1}
spec: {affects: [ci:db], impact: high, urgency: high, priority: P1, detected: \"2026-11-01T01:00:00Z\", responded: \"2026-11-01T01:10:00Z\", resolved: \"2026-11-01T06:00:00Z\", status: resolved}
---
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-2}
spec: {affects: [ci:db], impact: high, urgency: high, priority: P1, detected: \"2026-11-01T10:00:00Z\", responded: \"2026-11-01T10:05:00Z\", resolved: \"2026-11-01T11:00:00Z\", status: resolved}
";
        let r = report(records, DAY.0, DAY.1, DAY.1, None);
        let a = &r.incidents.sla_attainment;
        assert_eq!((a.response.measured, a.response.met), (2, 2));
        assert_eq!((a.resolution.measured, a.resolution.met), (2, 1));
        assert_eq!(a.resolution.rate, Some(0.5));
        assert_eq!(
            service(&r, "api").breaches,
            [Breach {
                incident: "INC-1".to_string(),
                code: Code::SlaResolutionBreach
            }]
        );
        assert!(service(&r, "pay").breaches.is_empty());
    }

    #[test]
    fn rates_count_changes_whose_window_ended_in_the_period_with_an_outcome() {
        let r = report(
            &(change("CHG-1", "normal", "2026-11-01T01:00:00Z", Some("successful"))
                + &change("CHG-2", "normal", "2026-11-01T02:00:00Z", Some("successful-with-issues"))
                // Successful, but an incident names it as its cause: a failure.
                + &change("CHG-3", "emergency", "2026-11-01T03:00:00Z", Some("successful"))
                + &change("CHG-4", "standard", "2026-11-01T04:00:00Z", Some("backed-out"))
                // No outcome yet, and a window ending after the period: neither counts.
                + &change("CHG-5", "normal", "2026-11-01T05:00:00Z", None)
                + &change("CHG-6", "normal", "2026-11-02T00:00:00Z", Some("failed"))
                + &incident("INC-1", "ci:db", "2026-11-01T03:30:00Z", Some("2026-11-01T04:00:00Z"))
                    .replace("status: resolved", "status: resolved, causedBy: change:CHG-3")),
            DAY.0,
            DAY.1,
            DAY.1,
            None,
        );
        let c = &r.changes;
        assert_eq!(c.total, 4);
        assert_eq!(
            (c.by_type.normal, c.by_type.emergency, c.by_type.standard),
            (2, 1, 1)
        );
        // Success: CHG-1 and CHG-2 of 4; failure: CHG-3 (caused INC-1) and CHG-4 of 4.
        assert_eq!((c.success_rate, c.failure_rate), (Some(0.5), Some(0.5)));
        assert_eq!(
            (c.emergency_share, c.standard_share),
            (Some(0.25), Some(0.25))
        );
        assert_eq!(c.caused_incidents, 1);
        assert_eq!(c.by_model["restart"].failure_rate, Some(1.0));
        assert_eq!(r.incidents.caused_by_changes, 1);
        // CHG-5 is scheduled and its window ended a day ago: due in 7 days, not yet.
        assert!(r.outcome_overdue.is_empty());
        let later = report(
            &change("CHG-5", "normal", "2026-11-01T05:00:00Z", None),
            DAY.0,
            DAY.1,
            "2026-11-08T05:00:01Z",
            None,
        );
        assert_eq!(later.outcome_overdue, ["CHG-5"]);
    }

    #[test]
    fn no_change_gives_no_rate_rather_than_zero() {
        let r = report("", DAY.0, DAY.1, DAY.1, None);
        assert_eq!((r.changes.total, r.changes.success_rate), (0, None));
        assert_eq!(r.incidents.mttr_seconds, None);
        assert_eq!(service(&r, "pay").availability, 1.0);
    }

    #[test]
    fn incident_times_and_recurrence() {
        let r = report(
            &(incident(
                "INC-1",
                "ci:db",
                "2026-11-01T01:00:00Z",
                Some("2026-11-01T02:00:00Z"),
            ) + &incident(
                "INC-2",
                "ci:db",
                "2026-11-01T03:00:00Z",
                Some("2026-11-01T06:00:00Z"),
            ) + &incident(
                "INC-3",
                "service:shop",
                "2026-11-01T07:00:00Z",
                Some("2026-11-01T07:30:00Z"),
            )),
            DAY.0,
            DAY.1,
            DAY.1,
            None,
        );
        let i = &r.incidents;
        assert_eq!(i.by_priority[&Priority::P1], 3);
        // 1 h, 3 h, 30 m: mean 4.5 h / 3 = 1.5 h, median 1 h, p90 rank ceil(2.7) = 3: 3 h.
        let s = i.mttr_seconds.unwrap();
        assert_eq!((s.mean, s.median, s.p90), (5400, 3600, 10_800));
        // Two on db reach the Policy's threshold of 2 in the test settings; shop has one.
        assert_eq!(i.recurring.len(), 1);
        assert_eq!(i.recurring[0].reference.to_string(), "ci:db");
        assert_eq!(i.recurring[0].incidents, ["INC-1", "INC-2"]);
    }

    #[test]
    fn groups_by_tier_see_what_each_change_and_incident_reached() {
        let r = report(
            &(change("CHG-1", "normal", "2026-11-01T01:00:00Z", Some("failed"))
                + &incident(
                    "INC-1",
                    "service:shop",
                    "2026-11-01T01:00:00Z",
                    Some("2026-11-01T02:00:00Z"),
                )),
            DAY.0,
            DAY.1,
            DAY.1,
            Some(GroupBy::Tier),
        );
        let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["tier 1", "tier 2"]);
        // The change on db reached pay (down) and shop (degraded): it counts in both.
        assert!(r.groups.iter().all(|g| g.changes.total == 1));
        let incidents: Vec<usize> = r
            .groups
            .iter()
            .map(|g| g.incidents.as_ref().unwrap().total)
            .collect();
        assert_eq!(incidents, [0, 1]);
        let by_type = report(
            &change("CHG-1", "normal", "2026-11-01T01:00:00Z", Some("failed")),
            DAY.0,
            DAY.1,
            DAY.1,
            Some(GroupBy::Model),
        );
        assert_eq!(by_type.groups[0].key, NONE);
        assert!(by_type.groups[0].incidents.is_none());
    }

    #[test]
    fn each_group_and_each_week_sums_up_the_availability_of_its_services() {
        // shop (tier 2, no SLA) down 01:00 to 02:00 on Sunday 1 November; pay (tier 1, gold
        // 99.9%) untouched. Two weeks from Sunday: cut at Mondays 2 and 9 November.
        let r = report_by(
            &incident(
                "INC-1",
                "service:shop",
                "2026-11-01T01:00:00Z",
                Some("2026-11-01T02:00:00Z"),
            ),
            ("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z"),
            "2026-11-15T00:00:00Z",
            Some(GroupBy::Tier),
            Some(Interval::Week),
        );
        let summary = |services, with_target, met, lowest, down_seconds| AvailabilitySummary {
            services,
            with_target,
            met,
            lowest: Some(lowest),
            down_seconds,
        };
        // 3,600 s down of 14 days (1,209,600 s), of the first day (86,400 s).
        let (fortnight, sunday) = (
            round(1.0 - 3600.0 / 1_209_600.0),
            round(1.0 - 3600.0 / 86_400.0),
        );
        let week = |g: &[Slice]| -> Vec<AvailabilitySummary> {
            g.iter().map(|s| s.availability.clone().unwrap()).collect()
        };
        let (tier1, tier2) = (&r.groups[0], &r.groups[1]);
        assert_eq!(
            (tier1.key.as_str(), tier2.key.as_str()),
            ("tier 1", "tier 2")
        );
        assert_eq!(tier1.availability, Some(summary(1, 1, 1, 1.0, 0)));
        assert_eq!(tier2.availability, Some(summary(1, 0, 0, fortnight, 3600)));
        assert_eq!(week(&tier1.intervals), vec![summary(1, 1, 1, 1.0, 0); 3]);
        assert_eq!(
            week(&tier2.intervals),
            [
                summary(1, 0, 0, sunday, 3600),
                summary(1, 0, 0, 1.0, 0),
                summary(1, 0, 0, 1.0, 0)
            ]
        );
        assert_eq!(
            week(&r.intervals),
            [
                summary(2, 1, 1, sunday, 3600),
                summary(2, 1, 1, 1.0, 0),
                summary(2, 1, 1, 1.0, 0)
            ]
        );
    }

    #[test]
    fn what_falls_outside_the_period_is_in_no_group() {
        // A change that ended, and an incident resolved, the day before: nothing of theirs
        // counts, and no group is made for them (a CI nothing depends on reaches no service).
        let lone_ci = "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: lone}\nspec: {type: server, owner: platform, environment: production, lifecycle: live}\n";
        let r = report(
            &(lone_ci.to_string()
                + &change("CHG-1", "normal", "2026-10-31T01:00:00Z", Some("failed"))
                    .replace("affects: [ci:db]", "affects: [ci:lone]")
                + &incident(
                    "INC-1",
                    "ci:lone",
                    "2026-10-31T01:00:00Z",
                    Some("2026-10-31T02:00:00Z"),
                )),
            DAY.0,
            DAY.1,
            DAY.1,
            Some(GroupBy::Tier),
        );
        let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["tier 1", "tier 2"]);
        assert_eq!((r.changes.total, r.incidents.total), (0, 0));
    }

    proptest! {
        #[test]
        fn availability_stays_between_0_and_1(
            spans in prop::collection::vec((0i64..48, 0i64..30, 0usize..3, any::<bool>()), 0..8),
        ) {
            let mut records = String::new();
            for (n, (start, hours, on, open)) in spans.iter().enumerate() {
                let at = |h: i64| {
                    let t: Timestamp = "2026-10-31T12:00:00Z".parse().unwrap();
                    t.checked_add(jiff::SignedDuration::from_hours(h)).unwrap().to_string()
                };
                let on = ["ci:db", "service:pay", "service:shop"][*on];
                let end = at(start + hours);
                let resolved = (!open).then_some(end.as_str());
                records += &incident(&format!("INC-{n}"), on, &at(*start), resolved);
            }
            let r = report(&records, DAY.0, DAY.1, "2026-11-01T18:00:00Z", None);
            for s in &r.services {
                prop_assert!((0.0..=1.0).contains(&s.availability), "{s:?}");
                prop_assert!(s.down_seconds + s.degraded_seconds <= 86_400, "{s:?}");
            }
        }
    }
}
