//! The service-health page: the figures of `cabinet report` as charts drawn at build time,
//! each followed by its data table: changes and their failure rate by month, incidents by
//! month and priority, the median time to restore, and the availability of tier-1 services
//! over the last 90 days against their SLA.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use crate::figures::{self, Interval, Period, Report, ServiceFigures};
use crate::model::Priority;
use crate::site::SiteError;
use crate::site::charts::{Against, Bars, Chart as Drawn, Series, Unit};
use jiff::ToSpan;
use serde::Serialize;

/// How many months the trends cover.
const MONTHS: i32 = 12;

#[derive(Serialize)]
pub(super) struct HealthPage {
    /// The trend period and the availability period, as dates.
    months: (String, String),
    days: (String, String),
    charts: Vec<Chart>,
    changes: usize,
    incidents: usize,
}

#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    /// Built from escaped text only (see `site::charts`).
    svg: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The availability of every service over the 90 days before `now`, by service id: what
/// service pages show, and the last chart here.
pub(super) fn last_90_days(f: &Catalogue<'_>) -> Report {
    compute(f, Period::days_before(f.now, 90), None)
}

fn compute(f: &Catalogue<'_>, period: Period, interval: Option<Interval>) -> Report {
    let policy = f.set.policy().map(|(_, p)| p);
    let review = policy.map(|p| p.review.clone()).unwrap_or_default();
    figures::compute(
        f.set,
        &f.graph,
        &figures::Request {
            period,
            now: f.now,
            by: None,
            interval,
        },
        &figures::Settings {
            degraded_weight: policy.map_or(0.5, |p| p.degraded_availability_weight),
            outcome_days: review.outcome_days,
            recurring: review.recurring_incidents,
        },
        None,
    )
}

/// The twelve calendar months up to `now` (the last one up to `now`), in UTC.
fn trend_period(now: jiff::Timestamp) -> Period {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let from = today
        .first_of_month()
        .checked_sub((MONTHS - 1).months())
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map_or(jiff::Timestamp::MIN, |z| z.timestamp());
    Period { from, to: now }
}

fn day(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

fn count(n: usize) -> Option<f64> {
    Some(n as f64)
}

pub(super) fn health_page(f: &Catalogue<'_>, recent: &Report) -> HealthPage {
    let trend = compute(f, trend_period(f.now), Some(Interval::Month));
    let months: Vec<String> = trend
        .intervals
        .iter()
        .map(|s| s.period.from.strftime("%Y-%m").to_string())
        .collect();
    let slices = &trend.intervals;
    let mut charts = Vec::new();

    let changes = Bars {
        id: "chart-changes",
        title: "Changes with an outcome, by month".into(),
        unit: Unit::Count,
        categories: months.clone(),
        series: vec![
            Series {
                name: "successful".into(),
                class: "c-ok",
                values: slices.iter().map(|s| count(s.changes.successful)).collect(),
            },
            Series {
                name: "failed".into(),
                class: "c-fail",
                values: slices.iter().map(|s| count(s.changes.failed)).collect(),
            },
        ],
    };
    charts.push(chart(
        &changes,
        &["month", "changes", "successful", "failed", "failure rate"],
        slices
            .iter()
            .zip(&months)
            .map(|(s, m)| {
                vec![
                    m.clone(),
                    s.changes.total.to_string(),
                    s.changes.successful.to_string(),
                    s.changes.failed.to_string(),
                    percent(s.changes.failure_rate),
                ]
            })
            .collect(),
    ));

    let failure = Bars {
        id: "chart-failure",
        title: "Change failure rate, by month".into(),
        unit: Unit::Percent,
        categories: months.clone(),
        series: vec![Series {
            name: "failure rate".into(),
            class: "c-fail",
            values: slices.iter().map(|s| s.changes.failure_rate).collect(),
        }],
    };
    charts.push(chart(
        &failure,
        &["month", "failure rate", "emergency share"],
        slices
            .iter()
            .zip(&months)
            .map(|(s, m)| {
                vec![
                    m.clone(),
                    percent(s.changes.failure_rate),
                    percent(s.changes.emergency_share),
                ]
            })
            .collect(),
    ));

    const PRIORITIES: [(Priority, &str); 4] = [
        (Priority::P1, "c-p1"),
        (Priority::P2, "c-p2"),
        (Priority::P3, "c-p3"),
        (Priority::P4, "c-p4"),
    ];
    let by_priority = |s: &figures::Slice, p: Priority| {
        s.incidents
            .as_ref()
            .and_then(|i| i.by_priority.get(&p).copied())
            .unwrap_or(0)
    };
    let incidents = Bars {
        id: "chart-incidents",
        title: "Incidents detected, by month and priority".into(),
        unit: Unit::Count,
        categories: months.clone(),
        series: PRIORITIES
            .iter()
            .map(|&(p, class)| Series {
                name: p.as_str().into(),
                class,
                values: slices.iter().map(|s| count(by_priority(s, p))).collect(),
            })
            .collect(),
    };
    charts.push(chart(
        &incidents,
        &["month", "P1", "P2", "P3", "P4"],
        slices
            .iter()
            .zip(&months)
            .map(|(s, m)| {
                std::iter::once(m.clone())
                    .chain(
                        PRIORITIES
                            .iter()
                            .map(|&(p, _)| by_priority(s, p).to_string()),
                    )
                    .collect()
            })
            .collect(),
    ));

    let restore = |s: &figures::Slice| s.incidents.as_ref().and_then(|i| i.mttr_seconds);
    let mttr = Bars {
        id: "chart-restore",
        title: "Median time to restore service, by month".into(),
        unit: Unit::Hours,
        categories: months.clone(),
        series: vec![Series {
            name: "median".into(),
            class: "c-p2",
            values: slices
                .iter()
                .map(|s| restore(s).map(|t| t.median as f64))
                .collect(),
        }],
    };
    charts.push(chart(
        &mttr,
        &["month", "resolved", "median", "mean", "90th percentile"],
        slices
            .iter()
            .zip(&months)
            .map(|(s, m)| match restore(s) {
                Some(t) => vec![
                    m.clone(),
                    t.count.to_string(),
                    figures::length(t.median),
                    figures::length(t.mean),
                    figures::length(t.p90),
                ],
                None => vec![m.clone(), "0".into(), "-".into(), "-".into(), "-".into()],
            })
            .collect(),
    ));

    let tier1: Vec<&ServiceFigures> = recent.services.iter().filter(|s| s.tier == 1).collect();
    let availability = Against {
        id: "chart-availability",
        title: "Tier-1 services: availability over the last 90 days against the SLA".into(),
        rows: tier1
            .iter()
            .map(|s| (s.name.clone(), s.availability, s.sla_availability))
            .collect(),
    };
    charts.push(chart(
        &availability,
        &[
            "service",
            "availability",
            "target",
            "met",
            "down",
            "degraded",
        ],
        tier1
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    format!("{:.3}%", s.availability * 100.0),
                    s.sla_availability
                        .map_or("-".into(), |t| format!("{:.3}%", t * 100.0)),
                    match s.met {
                        Some(true) => "yes".into(),
                        Some(false) => "no".into(),
                        None => "-".into(),
                    },
                    figures::length(s.down_seconds),
                    figures::length(s.degraded_seconds),
                ]
            })
            .collect(),
    ));

    HealthPage {
        months: (day(trend.period.from), day(trend.period.to)),
        days: (day(recent.period.from), day(recent.period.to)),
        changes: trend.changes.total,
        incidents: trend.incidents.total,
        charts,
    }
}

/// A chart with its table.
fn chart(drawn: &dyn Drawn, headers: &[&str], rows: Vec<Vec<String>>) -> Chart {
    Chart {
        id: drawn.id(),
        title: drawn.title().to_string(),
        svg: drawn.svg(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{:.1}%", x * 100.0))
}

pub(super) fn render(
    f: &Catalogue<'_>,
    recent: &Report,
    out: &Renderer<'_>,
) -> Result<(), SiteError> {
    out.page(
        "site/health.html",
        "health.html".into(),
        "",
        "health",
        "Service health".into(),
        &health_page(f, recent),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_covers_twelve_calendar_months_up_to_now() {
        let p = trend_period("2026-12-07T10:00:00Z".parse().unwrap());
        assert_eq!(p.from, "2026-01-01T00:00:00Z".parse().unwrap());
        let months = p.cut(Interval::Month, 100).unwrap();
        assert_eq!(months.len(), 12);
    }
}
