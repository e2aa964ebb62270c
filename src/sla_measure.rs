//! An incident held to the SLAs it reached: for every service its computed impact reached
//! (down or degraded; the impact propagation of a change, from the incident's `affects`), the
//! time to respond and to resolve, counted within the service hours of that service's SLA,
//! against the SLA's targets for the incident's priority. An open incident is measured up to
//! `now`. The one statement of the measure: the `sla-response-breach` and
//! `sla-resolution-breach` findings (`checks/sla_breach.rs`) and the incident pages of the
//! site both call [`Agreements::measure`].

use crate::graph::{DependencyGraph, Node};
use crate::impact::propagate;
use crate::model::{
    IncidentSpec, IncidentStatus, Kind, Priority, Record, RecordRef, RecordSet, SlaSpec, Spec,
    duration_seconds,
};
use crate::service_hours::ServiceClock;
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};

/// An SLA with its clock.
pub(crate) struct Agreement<'a> {
    pub(crate) record: &'a Record,
    pub(crate) spec: &'a SlaSpec,
    clock: ServiceClock,
}

/// Which target a time is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Measure {
    Response,
    Resolution,
}

impl Measure {
    /// The name of the target in an SLA's `priorities` (and of the finding's subject).
    pub(crate) fn field(self) -> &'static str {
        match self {
            Measure::Response => "response",
            Measure::Resolution => "resolution",
        }
    }
}

/// The services an impact reached (down or degraded), by the id of their SLA, sorted.
pub(crate) type Reached = BTreeMap<String, Vec<String>>;

/// The SLAs of a record set that can be measured against (the first record of each id, whose
/// service hours can be read), and the tightest target of each priority and measure.
pub(crate) struct Agreements<'a> {
    by_id: HashMap<&'a str, Agreement<'a>>,
    tightest: HashMap<(Priority, Measure), i64>,
}

/// How one SLA judges an incident: the services it reached under that SLA, and a verdict per
/// measure (response first).
pub(crate) struct Measurement<'a> {
    pub(crate) agreement: &'a Agreement<'a>,
    pub(crate) services: &'a [String],
    pub(crate) verdicts: [Verdict<'a>; 2],
}

/// One measure of one incident under one SLA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict<'a> {
    pub(crate) measure: Measure,
    /// Where the measure ends: the response (or the resolution standing for it), the
    /// resolution, or `now` while there is none.
    pub(crate) end: Timestamp,
    /// Service time from detection to `end`, in seconds.
    pub(crate) took: i64,
    /// The target of the incident's priority, as written and in seconds; `None` when the SLA
    /// sets none for that priority.
    pub(crate) target: Option<(&'a str, i64)>,
}

impl Verdict<'_> {
    /// The incident took longer than the target.
    pub(crate) fn breached(&self) -> bool {
        self.target.is_some_and(|(_, limit)| self.took > limit)
    }
}

/// `detected` ≤ `responded` ≤ `resolved`, and a resolved incident says when it was resolved.
/// Times out of order are reported by the incident check; nothing can be measured on them.
pub(crate) fn times_in_order(i: &IncidentSpec) -> bool {
    let responded_ok = i.responded.is_none_or(|t| t >= i.detected);
    let after = i.responded.unwrap_or(i.detected).max(i.detected);
    let resolved_ok = i.resolved.is_none_or(|t| t >= after);
    let resolved_there = i.status == IncidentStatus::Open || i.resolved.is_some();
    responded_ok && resolved_ok && resolved_there
}

/// Where each measure of `i` ends: `(response, resolution)`. Without a response the
/// resolution stands for it; an open incident is measured up to `now`.
pub(crate) fn ends(i: &IncidentSpec, now: Timestamp) -> (Timestamp, Timestamp) {
    (
        i.responded.or(i.resolved).unwrap_or(now),
        i.resolved.unwrap_or(now),
    )
}

impl<'a> Agreements<'a> {
    pub(crate) fn new(set: &'a RecordSet) -> Agreements<'a> {
        let by_id: HashMap<&str, Agreement<'_>> = set
            .of_kind(Kind::Sla)
            .filter(|r| set.is_first(r))
            .filter_map(|r| match &r.spec {
                Spec::Sla(spec) => Some((
                    r.id(),
                    Agreement {
                        record: r,
                        spec,
                        clock: ServiceClock::new(spec.service_hours.as_ref())?,
                    },
                )),
                _ => None,
            })
            .collect();
        let mut tightest: HashMap<(Priority, Measure), i64> = HashMap::new();
        for a in by_id.values() {
            for p in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
                for m in [Measure::Response, Measure::Resolution] {
                    if let Some(s) = target(a.spec, p, m).map(|(_, s)| s) {
                        let e = tightest.entry((p, m)).or_insert(s);
                        *e = (*e).min(s);
                    }
                }
            }
        }
        Agreements { by_id, tightest }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether `i` can breach any SLA at `now`. Service time never exceeds the time on the
    /// wall, so an incident that took less than the tightest target of its priority breaches
    /// nothing, and its impact need not be computed. False when its times are out of order.
    pub(crate) fn may_breach(&self, i: &IncidentSpec, now: Timestamp) -> bool {
        if !times_in_order(i) {
            return false;
        }
        let (response_end, resolution_end) = ends(i, now);
        [
            (Measure::Response, response_end),
            (Measure::Resolution, resolution_end),
        ]
        .into_iter()
        .any(|(m, end)| {
            self.tightest
                .get(&(i.priority, m))
                .is_some_and(|&t| end.as_second() - i.detected.as_second() > t)
        })
    }

    /// Which measures (response, resolution) SLA `sla` sets a target for at priority `p`;
    /// `None` for an SLA that does not exist or whose service hours cannot be read.
    pub(crate) fn targets(&self, sla: &str, p: Priority) -> Option<[bool; 2]> {
        let a = self.by_id.get(sla)?;
        Some([Measure::Response, Measure::Resolution].map(|m| target(a.spec, p, m).is_some()))
    }

    /// `i` measured under every SLA in `reached` (what its impact reached: [`reached`]),
    /// in the order of their ids; an SLA that does not exist or whose service hours cannot be
    /// read is left out. Nothing when the incident's times are out of order.
    pub(crate) fn measure<'s>(
        &'s self,
        i: &IncidentSpec,
        reached: &'s Reached,
        now: Timestamp,
    ) -> Vec<Measurement<'s>> {
        reached
            .iter()
            .filter_map(|(sla, services)| {
                let (agreement, verdicts) = self.judge(i, sla, now)?;
                Some(Measurement {
                    agreement,
                    services,
                    verdicts,
                })
            })
            .collect()
    }

    /// `i` measured under SLA `sla` (response first): `None` for an SLA that does not exist
    /// or whose service hours cannot be read, and for an incident whose times are out of
    /// order.
    pub(crate) fn judge(
        &self,
        i: &IncidentSpec,
        sla: &str,
        now: Timestamp,
    ) -> Option<(&Agreement<'a>, [Verdict<'_>; 2])> {
        if !times_in_order(i) {
            return None;
        }
        let a = self.by_id.get(sla)?;
        let (response_end, resolution_end) = ends(i, now);
        let verdict = |measure: Measure, end: Timestamp| Verdict {
            measure,
            end,
            took: a.clock.seconds_between(i.detected, end),
            target: target(a.spec, i.priority, measure),
        };
        Some((
            a,
            [
                verdict(Measure::Response, response_end),
                verdict(Measure::Resolution, resolution_end),
            ],
        ))
    }
}

/// The target of priority `p` for measure `m`, as written and in seconds.
fn target(spec: &SlaSpec, p: Priority, m: Measure) -> Option<(&str, i64)> {
    let t = spec.priorities.get(p)?;
    let text = match m {
        Measure::Response => &t.response,
        Measure::Resolution => &t.resolution,
    };
    Some((text.as_str(), duration_seconds(text)?))
}

/// What `ImpactSet::compute` would say of `affects`, reduced to the services and their SLA:
/// the same propagation, without describing every impacted record and the path to it, which
/// is most of the cost when thousands of incidents each reach thousands of records.
pub(crate) fn reached(set: &RecordSet, graph: &DependencyGraph, affects: &[RecordRef]) -> Reached {
    let seeds: Vec<_> = affects.iter().filter_map(|r| graph.node(r)).collect();
    services_by_sla(set, graph, propagate(graph, &seeds).impacted())
}

/// The services among `impacted` (a propagation's), by the id of their SLA.
pub(crate) fn services_by_sla(
    set: &RecordSet,
    graph: &DependencyGraph,
    impacted: &[Node],
) -> Reached {
    let mut by_sla = Reached::new();
    for &n in impacted {
        let r = graph.reference(n);
        if r.kind != Kind::Service {
            continue;
        }
        if let Some(Spec::Service(s)) = set.get(r).map(|x| &x.spec)
            && let Some(sla) = &s.sla
        {
            by_sla
                .entry(RecordRef::parse_as(sla, Kind::Sla).id)
                .or_default()
                .push(r.to_string());
        }
    }
    for services in by_sla.values_mut() {
        services.sort();
    }
    by_sla
}

/// The records an incident names, sorted and without repeats (incidents that name the same
/// records share one impact).
pub(crate) fn affected(i: &IncidentSpec) -> Vec<RecordRef> {
    let mut affects: Vec<RecordRef> = i
        .affects
        .iter()
        .filter_map(|a| RecordRef::parse(a))
        .collect();
    affects.sort();
    affects.dedup();
    affects
}

/// Seconds as `2d 3h 5m` (down to the minute; seconds under a minute).
pub(crate) fn length(seconds: i64) -> String {
    if seconds < 60 {
        return format!("{seconds}s");
    }
    let (d, h, m) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    parts.join(" ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `db` carries `app` (office hours in London, P1 15m/4h) hard and `web` (around the
    /// clock, P1 30m/2h) softly, through `app`.
    pub(crate) const CATALOGUE: &str = "\
apiVersion: cabinet/v1
kind: SLA
metadata: {id: office}
spec:
  availability: 99.5
  serviceHours: {timezone: Europe/London, days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\"}
  priorities:
    P1: {response: 15m, resolution: 4h}
---
apiVersion: cabinet/v1
kind: SLA
metadata: {id: always}
spec:
  availability: 99.9
  serviceHours: 24x7
  priorities:
    P1: {response: 30m, resolution: 2h}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: db}
spec: {type: database, owner: t, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: app}
spec: {owner: t, tier: 2, lifecycle: live, sla: office, dependsOn: [ci:db]}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: web}
spec: {owner: t, tier: 1, lifecycle: live, sla: sla:always, dependsOn: [{ref: service:app, impact: partial}]}
";

    #[test]
    fn lengths_read_in_days_hours_and_minutes() {
        assert_eq!(length(45), "45s");
        assert_eq!(length(38 * 60), "38m");
        assert_eq!(length(5 * 3600 + 8 * 60 + 30), "5h 8m");
        assert_eq!(length(2 * 86_400 + 3600), "2d 1h");
    }
}
