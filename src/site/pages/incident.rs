//! Incident pages: priority, the timeline, what the incident took down or degraded, the SLA
//! verdict per SLA its impact reached, the review (summary, cause, problem) and its follow-up
//! actions; and the incidents index, newest first.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::impact::{ImpactLists, impact_diagram, impact_lists};
use super::view::{IncidentLine, LinkTo, RecordHeader, Time, time};
use crate::model::{IncidentSpec, IncidentStatus, Kind, Record, RecordRef};
use crate::site::SiteError;
use crate::site::markdown;
use crate::sla_measure::{self, Verdict, length};
use jiff::Timestamp;
use serde::Serialize;

#[derive(Serialize)]
struct IncidentPage<'a> {
    #[serde(flatten)]
    common: RecordHeader,
    priority: &'static str,
    impact_level: &'static str,
    urgency: &'static str,
    status: &'static str,
    timeline: Timeline,
    #[serde(flatten)]
    impact: ImpactLists<'a>,
    /// The diagram around the first record it names, and that record's name.
    diagram: Option<String>,
    diagram_focus: String,
    sla: SlaVerdicts,
    summary: Option<String>,
    caused_by: Option<LinkTo>,
    problem: Option<LinkTo>,
    actions: Vec<ActionRow>,
}

/// Detected, responded, resolved, and the time on the wall between them.
#[derive(Serialize)]
struct Timeline {
    detected: Time,
    responded: Option<Time>,
    resolved: Option<Time>,
    /// From detection to the first response.
    to_respond: Option<String>,
    /// From detection to resolution, or to now while it is open.
    to_resolve: String,
    open: bool,
}

/// The incident measured against the SLAs its impact reached.
#[derive(Serialize)]
struct SlaVerdicts {
    /// The times are out of order (the `incident-time-order` finding): nothing is measured.
    unmeasurable: bool,
    rows: Vec<SlaVerdict>,
}

#[derive(Serialize)]
struct SlaVerdict {
    sla: LinkTo,
    /// The services reached that run under it.
    services: Vec<LinkTo>,
    measures: Vec<MeasureRow>,
}

#[derive(Serialize)]
struct MeasureRow {
    measure: &'static str,
    /// Service time taken, counted in the SLA's service hours.
    took: String,
    /// Where the measure ends.
    until: Time,
    /// Measured up to the build's `now`: there is no response or resolution yet.
    to_now: bool,
    target: Option<String>,
    /// `met`, `breached`, or `no target` (the SLA sets none for the priority).
    verdict: &'static str,
}

#[derive(Serialize)]
struct ActionRow {
    title: String,
    owner: LinkTo,
    due: Option<String>,
    /// `done`, `overdue` (against the build's `now`) or `open`.
    state: &'static str,
}

fn timeline(i: &IncidentSpec, now: Timestamp) -> Timeline {
    let wall = |end: Timestamp| length(end.as_second() - i.detected.as_second());
    Timeline {
        detected: time(i.detected),
        responded: i.responded.map(time),
        resolved: i.resolved.map(time),
        to_respond: i.responded.map(wall),
        to_resolve: wall(i.resolved.unwrap_or(now)),
        open: i.resolved.is_none(),
    }
}

fn measure_row(v: &Verdict<'_>, i: &IncidentSpec) -> MeasureRow {
    MeasureRow {
        measure: v.measure.field(),
        took: length(v.took),
        until: time(v.end),
        to_now: match v.measure {
            sla_measure::Measure::Response => i.responded.or(i.resolved).is_none(),
            sla_measure::Measure::Resolution => i.resolved.is_none(),
        },
        target: v.target.map(|(text, _)| text.to_string()),
        verdict: match (v.target, v.breached()) {
            (None, _) => "no target",
            (Some(_), true) => "breached",
            (Some(_), false) => "met",
        },
    }
}

fn sla_verdicts(f: &Catalogue<'_>, i: &IncidentSpec) -> SlaVerdicts {
    let reached = sla_measure::reached(f.set, &f.graph, &sla_measure::affected(i));
    let rows = f
        .agreements
        .measure(i, &reached, f.now)
        .iter()
        .map(|m| SlaVerdict {
            sla: f.link(Kind::Sla, m.agreement.record.id()),
            services: m.services.iter().map(|s| f.link_ref(s)).collect(),
            measures: m.verdicts.iter().map(|v| measure_row(v, i)).collect(),
        })
        .collect();
    SlaVerdicts {
        unmeasurable: !sla_measure::times_in_order(i),
        rows,
    }
}

fn incident_page<'a>(f: &'a Catalogue<'_>, r: &Record, i: &IncidentSpec) -> IncidentPage<'a> {
    let (diagram, diagram_focus) = impact_diagram(f, &i.affects).unzip();
    IncidentPage {
        common: f.common(r),
        priority: i.priority.as_str(),
        impact_level: i.impact.as_str(),
        urgency: i.urgency.as_str(),
        status: i.status.as_str(),
        timeline: timeline(i, f.now),
        impact: impact_lists(f, &i.affects),
        diagram,
        diagram_focus: diagram_focus.unwrap_or_default(),
        sla: sla_verdicts(f, i),
        summary: i.summary.as_deref().map(markdown::render),
        caused_by: i.caused_by.as_deref().map(|c| f.link_ref(c)),
        problem: i.problem.as_deref().map(|p| f.link_ref(p)),
        actions: i
            .actions
            .iter()
            .map(|a| ActionRow {
                title: a.title.clone(),
                owner: f.link(Kind::Team, &RecordRef::parse_as(&a.owner, Kind::Team).id),
                due: a.due.map(|d| d.to_string()),
                state: if a.done {
                    "done"
                } else if a.is_overdue(f.now) {
                    "overdue"
                } else {
                    "open"
                },
            })
            .collect(),
    }
}

/// Render the page of incident `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    r: &Record,
    i: &IncidentSpec,
) -> Result<(), SiteError> {
    let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
    let title = format!("{}: {}", r.id(), r.metadata.display_name());
    out.page(
        "site/incident.html",
        path,
        "../",
        "incidents",
        title,
        &incident_page(f, r, i),
    )
}

#[derive(Serialize)]
struct IncidentsIndex {
    open: usize,
    incidents: Vec<IncidentLine>,
}

/// Every incident, newest first (by detection, then id).
fn incidents_index(f: &Catalogue<'_>) -> IncidentsIndex {
    let mut order: Vec<(Timestamp, &str, usize)> = f
        .incidents
        .iter()
        .enumerate()
        .filter_map(|(n, r)| match &r.spec {
            crate::model::Spec::Incident(i) => Some((i.detected, r.id(), n)),
            _ => None,
        })
        .collect();
    order.sort_by(|a, b| (b.0, a.1).cmp(&(a.0, b.1)));
    let incidents: Vec<IncidentLine> = order
        .into_iter()
        .filter_map(|(_, _, n)| f.incident_line(n, ""))
        .collect();
    IncidentsIndex {
        open: incidents
            .iter()
            .filter(|l| l.status == IncidentStatus::Open.as_str())
            .count(),
        incidents,
    }
}

/// Render the incidents index.
pub(super) fn render_index(f: &Catalogue<'_>, out: &Renderer<'_>) -> Result<(), SiteError> {
    out.page(
        "site/incidents.html",
        "incidents.html".into(),
        "",
        "incidents",
        "Incidents".into(),
        &incidents_index(f),
    )
}
