//! Incident pages: priority, the timeline, what the incident took down or degraded, the SLA
//! verdict per SLA its impact reached, the review (summary, cause, problem) and its follow-up
//! actions; and the incidents index, newest first.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::impact::{ImpactLists, Reach, impact_diagram, impact_lists, reach};
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

/// Services named per SLA verdict before "and N more".
const SERVICES_SHOWN: usize = 10;

#[derive(Serialize)]
struct SlaVerdict {
    sla: LinkTo,
    /// The services reached that run under it (the first `SERVICES_SHOWN`), and how many more.
    services: Vec<LinkTo>,
    services_more: usize,
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

fn sla_verdicts(f: &Catalogue<'_>, i: &IncidentSpec, reach: &Reach) -> SlaVerdicts {
    let reached = sla_measure::services_by_sla(f.set, &f.graph, reach.propagation.impacted());
    let rows = f
        .agreements
        .measure(i, &reached, f.now)
        .iter()
        .map(|m| SlaVerdict {
            sla: f.link(Kind::Sla, m.agreement.record.id()),
            services: m
                .services
                .iter()
                .take(SERVICES_SHOWN)
                .map(|s| f.link_ref(s))
                .collect(),
            services_more: m.services.len().saturating_sub(SERVICES_SHOWN),
            measures: m.verdicts.iter().map(|v| measure_row(v, i)).collect(),
        })
        .collect();
    SlaVerdicts {
        unmeasurable: !sla_measure::times_in_order(i),
        rows,
    }
}

fn incident_page<'a>(f: &'a Catalogue<'_>, r: &Record, i: &IncidentSpec) -> IncidentPage<'a> {
    let reach = reach(f, &i.affects);
    let (diagram, diagram_focus) = impact_diagram(f, &reach).unzip();
    IncidentPage {
        common: f.common(r),
        priority: i.priority.as_str(),
        impact_level: i.impact.as_str(),
        urgency: i.urgency.as_str(),
        status: i.status.as_str(),
        timeline: timeline(i, f.now),
        impact: impact_lists(f, &i.affects, &reach),
        diagram,
        diagram_focus: diagram_focus.unwrap_or_default(),
        sla: sla_verdicts(f, i, &reach),
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
    out.record_page(
        f,
        r,
        ("site/incident.html", "incidents"),
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
    let mut order: Vec<(Timestamp, &Record)> = f
        .incidents
        .iter()
        .filter_map(|r| match &r.spec {
            crate::model::Spec::Incident(i) => Some((i.detected, *r)),
            _ => None,
        })
        .collect();
    order.sort_by(|a, b| (b.0, a.1.id()).cmp(&(a.0, b.1.id())));
    let incidents: Vec<IncidentLine> = order
        .into_iter()
        .filter_map(|(_, r)| f.incident_line(r, ""))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::pages::operations;
    use crate::site::tests::with_site;

    /// The page model of incident `id` in `operations()`, as JSON.
    fn page(id: &str) -> serde_json::Value {
        with_site(&operations(), |input, _| {
            let f = Catalogue::gather(input);
            let r = f.set.get(&RecordRef::new(Kind::Incident, id)).unwrap();
            let crate::model::Spec::Incident(i) = &r.spec else {
                panic!("not an incident")
            };
            serde_json::to_value(incident_page(&f, r, i)).unwrap()
        })
    }

    /// `(SLA, services, measure, took, target, verdict, to_now)` per row.
    fn verdicts(page: &serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        for row in page["sla"]["rows"].as_array().unwrap() {
            let services: Vec<&str> = row["services"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["reference"].as_str().unwrap())
                .collect();
            for m in row["measures"].as_array().unwrap() {
                out.push(format!(
                    "{} [{}] {}: {} of {} {}{}",
                    row["sla"]["reference"].as_str().unwrap(),
                    services.join(", "),
                    m["measure"].as_str().unwrap(),
                    m["took"].as_str().unwrap(),
                    m["target"].as_str().unwrap_or("-"),
                    m["verdict"].as_str().unwrap(),
                    if m["to_now"].as_bool().unwrap() {
                        " (to now)"
                    } else {
                        ""
                    },
                ));
            }
        }
        out
    }

    #[test]
    fn each_sla_its_impact_reached_gives_a_verdict_per_measure() {
        // Tuesday 10:00 to 15:00 UTC, inside office hours: `app` is down (office), `web`
        // degraded through it (always). 20 minutes to respond misses only office's 15.
        let p = page("INC-1");
        assert_eq!(
            verdicts(&p),
            [
                "sla:always [service:web] response: 20m of 30m met",
                "sla:always [service:web] resolution: 5h of 2h breached",
                "sla:office [service:app] response: 20m of 15m breached",
                "sla:office [service:app] resolution: 5h of 4h breached",
            ]
        );
        assert_eq!(p["sla"]["unmeasurable"], false);
        // The same measure as the check's: each breach here is one of its findings.
        let (records, _) = crate::load::records_from_str("r.yaml", &operations());
        let set = crate::model::RecordSet::new(records);
        let (findings, _) =
            crate::checks::all(&set, true, "2026-11-22T09:00:00Z".parse().unwrap(), None);
        let breaches = findings
            .iter()
            .filter(|d| {
                d.message.starts_with("incident `INC-1`") && d.code.as_str().starts_with("sla-")
            })
            .count();
        assert_eq!(breaches, 3);
    }

    #[test]
    fn an_open_incident_is_measured_up_to_now() {
        // Friday 10:00 UTC to Sunday 09:00: 8 h of office time (Friday until 18:00), 47 h on
        // the wall for `always`.
        let p = page("INC-2");
        assert_eq!(
            verdicts(&p),
            [
                "sla:always [service:web] response: 5m of 30m met",
                "sla:always [service:web] resolution: 1d 23h of 2h breached (to now)",
                "sla:office [service:app] response: 5m of 15m met",
                "sla:office [service:app] resolution: 8h of 4h breached (to now)",
            ]
        );
        assert_eq!(p["timeline"]["open"], true);
        assert_eq!(p["timeline"]["to_resolve"], "1d 23h");
        assert_eq!(p["timeline"]["resolved"], serde_json::Value::Null);
        // What it names is not listed as impacted; what depends on it is.
        assert_eq!(p["affects"][0]["reference"], "service:app");
        assert_eq!(p["impacted"][0]["reference"], "service:web");
        assert_eq!(p["services_degraded"], 1);
    }

    #[test]
    fn actions_are_overdue_from_the_day_after_their_due_date() {
        let p = page("INC-1");
        let actions: Vec<String> = p["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} ({}, {}): {}",
                    a["title"].as_str().unwrap(),
                    a["owner"]["href"].as_str().unwrap(),
                    a["due"].as_str().unwrap(),
                    a["state"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                "Late (teams/t.html, 2026-11-01): overdue",
                "Finished (teams/t.html, 2026-11-01): done",
                "Due today (teams/t.html, 2026-11-22): open",
                "Later (teams/t.html, 2026-12-01): open",
            ]
        );
        assert_eq!(p["problem"]["href"], "problems/PRB-1.html");
    }

    #[test]
    fn times_out_of_order_are_not_measured() {
        let yaml = operations().replace(
            "resolved: \"2026-11-03T15:00:00Z\"",
            "resolved: \"2026-11-02T15:00:00Z\"",
        );
        let unmeasurable = with_site(&yaml, |input, _| {
            let f = Catalogue::gather(input);
            let r = f.set.get(&RecordRef::new(Kind::Incident, "INC-1")).unwrap();
            let crate::model::Spec::Incident(i) = &r.spec else {
                panic!("not an incident")
            };
            let v = sla_verdicts(&f, i, &reach(&f, &i.affects));
            (v.unmeasurable, v.rows.len())
        });
        assert_eq!(unmeasurable, (true, 0));
    }

    #[test]
    fn the_index_lists_the_newest_first() {
        let ids: Vec<String> = with_site(&operations(), |input, _| {
            let index = incidents_index(&Catalogue::gather(input));
            assert_eq!(index.open, 1);
            index.incidents.into_iter().map(|l| l.id).collect()
        });
        assert_eq!(ids, ["INC-2", "INC-1", "INC-0"]);
    }
}
