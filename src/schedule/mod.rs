//! The change calendar: change records by window, freezes, maintenance-window occurrences,
//! and the conflicts between changes (windows that overlap on records both impact).

use crate::conflict::{self, overlap};
use crate::graph::DependencyGraph;
use crate::impact::ImpactSet;
use crate::model::{
    ChangeSpec, ChangeStatus, Kind, PolicySpec, Record, RecordRef, RecordSet, Spec,
};
use crate::policy::window::Recurrence;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ScheduledChange {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub change_type: crate::model::ChangeType,
    pub status: ChangeStatus,
    pub risk: crate::model::Risk,
    pub start: Timestamp,
    pub end: Timestamp,
    pub affects: Vec<String>,
    pub requester: String,
    pub file: String,
    /// Other changes this one conflicts with.
    pub conflicts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ScheduledFreeze {
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub allow: Vec<crate::model::ChangeType>,
    pub scope: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct WindowOccurrence {
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Two changes that overlap in time and impact the same records.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Conflict {
    pub changes: (String, String),
    pub shared: Vec<RecordRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Schedule {
    pub from: Timestamp,
    pub to: Timestamp,
    pub changes: Vec<ScheduledChange>,
    pub freezes: Vec<ScheduledFreeze>,
    pub windows: Vec<WindowOccurrence>,
    pub conflicts: Vec<Conflict>,
    /// Maintenance windows whose occurrences could not be listed (too many to walk from
    /// their start): the calendar is incomplete, and says so.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedWindow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct UndecidedWindow {
    pub name: String,
    pub reason: String,
}

fn change(r: &Record) -> Option<&ChangeSpec> {
    match &r.spec {
        Spec::Change(c) => Some(c),
        _ => None,
    }
}

/// The records a change touches (`conflict::touched`).
pub(crate) fn touched(set: &RecordSet, graph: &DependencyGraph, c: &ChangeSpec) -> Vec<RecordRef> {
    let affects: Vec<RecordRef> = c
        .affects
        .iter()
        .filter_map(|a| RecordRef::parse(a))
        .collect();
    conflict::touched(&affects, &ImpactSet::compute(set, graph, &affects))
}

/// Every conflict (`conflict::among`) among open changes (not cancelled, completed, failed or
/// rolled back); with a `range`, those in which at least one change's window overlaps it.
/// The other change of such a conflict overlaps that one, so it falls inside the span of the
/// open changes that overlap `range`: only the changes in that span have their impact
/// computed (a calendar of the next 90 days does not walk years of open changes).
pub(crate) fn conflicts(
    set: &RecordSet,
    graph: &DependencyGraph,
    range: Option<(Timestamp, Timestamp)>,
) -> Vec<Conflict> {
    let open: Vec<(&Record, &ChangeSpec)> = set
        .of_kind(Kind::Change)
        .filter_map(|r| change(r).map(|c| (r, c)))
        .filter(|(_, c)| !c.status.is_closed())
        .collect();
    let window = |c: &ChangeSpec| (c.window.start, c.window.end);
    let span = match range {
        None => None,
        Some(range) => {
            let inside = open
                .iter()
                .map(|(_, c)| window(c))
                .filter(|&w| overlap(w, range));
            match inside.reduce(|a, b| (a.0.min(b.0), a.1.max(b.1))) {
                Some(span) => Some(span),
                None => return Vec::new(),
            }
        }
    };
    let candidates: Vec<conflict::Change<'_, RecordRef>> = open
        .iter()
        .filter(|(_, c)| span.is_none_or(|s| overlap(window(c), s)))
        .map(|&(r, c)| conflict::Change::new(r.id(), window(c), true, touched(set, graph, c)))
        .collect();
    let mut out: Vec<Conflict> = conflict::among(&candidates)
        .into_iter()
        .filter(|p| {
            range.is_none_or(|range| {
                [p.first, p.second]
                    .iter()
                    .filter_map(|&i| candidates.get(i))
                    .any(|c| overlap(c.window, range))
            })
        })
        .filter_map(|p| {
            Some(Conflict {
                changes: (
                    candidates.get(p.first)?.id.to_string(),
                    candidates.get(p.second)?.id.to_string(),
                ),
                shared: p.shared.into_iter().cloned().collect(),
            })
        })
        .collect();
    out.sort();
    out
}

/// The calendar from `from` to `to`: changes whose window overlaps it (cancelled ones too,
/// marked as such), freezes, and maintenance-window occurrences.
pub(crate) fn build(
    set: &RecordSet,
    policy: Option<&PolicySpec>,
    from: Timestamp,
    to: Timestamp,
) -> Schedule {
    let graph = DependencyGraph::build(set);
    let conflicts = conflicts(set, &graph, Some((from, to)));
    let mut changes: Vec<ScheduledChange> = set
        .of_kind(Kind::Change)
        .filter_map(|r| change(r).map(|c| (r, c)))
        .filter(|(_, c)| overlap((c.window.start, c.window.end), (from, to)))
        .map(|(r, c)| ScheduledChange {
            id: r.id().to_string(),
            name: r.metadata.display_name().to_string(),
            change_type: c.change_type,
            status: c.status,
            risk: c.risk,
            start: c.window.start,
            end: c.window.end,
            affects: c.affects.clone(),
            requester: c.requester.clone(),
            file: r.origin.file.clone(),
            conflicts: conflicts
                .iter()
                .filter_map(|k| {
                    if k.changes.0 == r.id() {
                        Some(k.changes.1.clone())
                    } else if k.changes.1 == r.id() {
                        Some(k.changes.0.clone())
                    } else {
                        None
                    }
                })
                .collect(),
        })
        .collect();
    changes.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let mut freezes: Vec<ScheduledFreeze> = policy
        .map(|p| {
            p.freezes
                .iter()
                .filter(|f| overlap((f.start, f.end), (from, to)))
                .map(|f| ScheduledFreeze {
                    name: f.name.clone(),
                    start: f.start,
                    end: f.end,
                    allow: f.allow.clone(),
                    scope: f.scope.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    freezes.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    let mut windows: Vec<WindowOccurrence> = Vec::new();
    let mut undecided: Vec<UndecidedWindow> = Vec::new();
    for w in policy.map_or(&[][..], |p| &p.maintenance_windows) {
        let Ok(r) = Recurrence::parse(w) else {
            continue;
        };
        match r.occurrences(from, to, 500) {
            Ok(list) => windows.extend(list.into_iter().map(|(start, end)| WindowOccurrence {
                name: w.name.clone(),
                start,
                end,
            })),
            Err(e) => undecided.push(UndecidedWindow {
                name: w.name.clone(),
                reason: e.to_string(),
            }),
        }
    }
    windows.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    Schedule {
        from,
        to,
        changes,
        freezes,
        windows,
        conflicts,
        undecided,
    }
}
