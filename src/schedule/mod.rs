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
/// rolled back).
pub(crate) fn conflicts(set: &RecordSet, graph: &DependencyGraph) -> Vec<Conflict> {
    let open: Vec<conflict::Change<'_, RecordRef>> = set
        .of_kind(Kind::Change)
        .filter_map(|r| change(r).map(|c| (r, c)))
        .filter(|(_, c)| !c.status.is_closed())
        .map(|(r, c)| {
            conflict::Change::new(
                r.id(),
                (c.window.start, c.window.end),
                true,
                touched(set, graph, c),
            )
        })
        .collect();
    let mut out: Vec<Conflict> = conflict::among(&open)
        .into_iter()
        .map(|p| Conflict {
            changes: (open[p.first].id.to_string(), open[p.second].id.to_string()),
            shared: p.shared.into_iter().cloned().collect(),
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
    let conflicts: Vec<Conflict> = conflicts(set, &graph)
        .into_iter()
        .filter(|c| {
            [&c.changes.0, &c.changes.1].iter().any(|id| {
                set.get(&RecordRef::new(Kind::Change, id.as_str()))
                    .and_then(change)
                    .is_some_and(|x| overlap((x.window.start, x.window.end), (from, to)))
            })
        })
        .collect();
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
