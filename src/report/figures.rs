//! `cabinet report`: the figures as aligned tables, JSON (the contract), and CSV with one row
//! per group and interval. The Markdown page is the `report.md` template.

use super::escape;
use crate::figures::{
    AvailabilitySummary, ChangeFigures, IncidentFigures, Period, Report, ServiceFigures, Summary,
    length,
};
use crate::model::Priority;
use std::io::{self, Write};

pub(crate) fn json(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{:.1}%", x * 100.0))
}

fn availability(x: f64) -> String {
    format!("{:.3}%", x * 100.0)
}

fn when(p: &Period) -> String {
    format!(
        "{} to {}",
        p.from.strftime("%Y-%m-%d %H:%M"),
        p.to.strftime("%Y-%m-%d %H:%M UTC")
    )
}

fn times(s: &Option<Summary>) -> String {
    s.as_ref().map_or_else(
        || "-".to_string(),
        |s| {
            format!(
                "mean {}, median {}, p90 {} ({})",
                length(s.mean),
                length(s.median),
                length(s.p90),
                s.count
            )
        },
    )
}

/// Rows of cells, each column as wide as its widest cell; the first row is the header.
fn table(out: &mut dyn Write, rows: &[Vec<String>], bold: &str, reset: &str) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            // Text left, figures right.
            let numeric = n > 0 && c > 0;
            if c > 0 {
                line.push_str("  ");
            }
            if numeric {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if c + 1 < row.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        if n == 0 {
            writeln!(out, "{bold}{}{reset}", line.trim_end())?;
        } else {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

fn change_lines(out: &mut dyn Write, c: &ChangeFigures) -> io::Result<()> {
    writeln!(
        out,
        "changes    {} with an outcome: {} standard, {} normal, {} emergency",
        c.total, c.by_type.standard, c.by_type.normal, c.by_type.emergency
    )?;
    writeln!(
        out,
        "           success {}, failure {} ({} caused an incident), emergency {}, standard {}",
        percent(c.success_rate),
        percent(c.failure_rate),
        c.caused_incidents,
        percent(c.emergency_share),
        percent(c.standard_share)
    )?;
    for (kind, lead) in c.lead_time_seconds.iter().flatten() {
        let show = |s: &Option<Summary>| {
            s.as_ref().map_or_else(
                || "-".to_string(),
                |s| format!("median {}, p90 {}", length(s.median), length(s.p90)),
            )
        };
        writeln!(
            out,
            "           lead time of {kind} changes: to approval {}; to completion {}",
            show(&lead.to_approval),
            show(&lead.to_completion)
        )?;
    }
    for (model, m) in &c.by_model {
        writeln!(
            out,
            "           model {}: {} change(s), success {}, failure {}",
            escape(model),
            m.total,
            percent(m.success_rate),
            percent(m.failure_rate)
        )?;
    }
    Ok(())
}

fn incident_lines(out: &mut dyn Write, i: &IncidentFigures) -> io::Result<()> {
    let by: Vec<String> = i
        .by_priority
        .iter()
        .map(|(p, n)| format!("{} {n}", p.as_str()))
        .collect();
    writeln!(
        out,
        "incidents  {} detected ({}), {} open, {} caused by a change",
        i.total,
        by.join(", "),
        i.open,
        i.caused_by_changes
    )?;
    writeln!(
        out,
        "           time to restore: {}",
        times(&i.mttr_seconds)
    )?;
    writeln!(
        out,
        "           time to respond: {}",
        times(&i.response_seconds)
    )?;
    for (p, t) in &i.times_by_priority {
        writeln!(
            out,
            "           {}: restore {}; respond {}",
            p.as_str(),
            times(&t.restore),
            times(&t.respond)
        )?;
    }
    let share =
        |s: &crate::figures::Share| format!("{} ({}/{})", percent(s.rate), s.met, s.measured);
    writeln!(
        out,
        "           within SLA targets: response {}, resolution {}",
        share(&i.sla_attainment.response),
        share(&i.sla_attainment.resolution)
    )?;
    writeln!(
        out,
        "           actions: {} open, {} overdue",
        i.actions.open, i.actions.overdue
    )?;
    for r in &i.recurring {
        writeln!(
            out,
            "           recurring on {}: {}",
            r.reference,
            r.incidents.join(", ")
        )?;
    }
    Ok(())
}

fn service_rows(services: &[ServiceFigures]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "service",
            "tier",
            "availability",
            "target",
            "met",
            "down",
            "degraded",
            "incidents",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for s in services {
        rows.push(vec![
            s.reference.to_string(),
            s.tier.to_string(),
            availability(s.availability),
            s.sla_availability.map_or("-".into(), availability),
            match s.met {
                Some(true) => "yes".into(),
                Some(false) => "NO".into(),
                None => "-".into(),
            },
            length(s.down_seconds),
            length(s.degraded_seconds),
            s.incidents.to_string(),
        ]);
    }
    rows
}

/// One row of a group or interval table.
fn figures_row(
    label: String,
    c: &ChangeFigures,
    i: Option<&IncidentFigures>,
    a: Option<&AvailabilitySummary>,
) -> Vec<String> {
    let count = |p: Priority| {
        i.and_then(|i| i.by_priority.get(&p))
            .map_or("-".into(), |n| n.to_string())
    };
    vec![
        label,
        c.total.to_string(),
        percent(c.success_rate),
        percent(c.failure_rate),
        percent(c.emergency_share),
        i.map_or("-".into(), |i| i.total.to_string()),
        count(Priority::P1),
        count(Priority::P2),
        i.and_then(|i| i.mttr_seconds.as_ref())
            .map_or("-".into(), |s| length(s.median)),
        a.and_then(|a| a.lowest).map_or("-".into(), availability),
        a.map_or("-".into(), |a| format!("{}/{}", a.met, a.with_target)),
    ]
}

const FIGURES_HEADER: [&str; 11] = [
    "",
    "changes",
    "success",
    "failure",
    "emergency",
    "incidents",
    "P1",
    "P2",
    "MTTR median",
    "lowest avail.",
    "SLAs met",
];

pub(crate) fn human(out: &mut dyn Write, r: &Report, color: bool) -> io::Result<()> {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let days = r.period.seconds() as f64 / 86_400.0;
    writeln!(
        out,
        "{bold}cabinet report{reset}: {} ({days:.0} days)\n",
        when(&r.period)
    )?;
    change_lines(out, &r.changes)?;
    if !r.outcome_overdue.is_empty() {
        const SHOWN: usize = 10;
        let shown: Vec<_> = r
            .outcome_overdue
            .iter()
            .take(SHOWN)
            .map(|s| escape(s))
            .collect();
        let more = r.outcome_overdue.len().saturating_sub(SHOWN);
        writeln!(
            out,
            "           outcome overdue: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )?;
    }
    incident_lines(out, &r.incidents)?;
    writeln!(
        out,
        "problems   {} open, {} known error(s)",
        r.problems.open, r.problems.known_errors
    )?;
    writeln!(out)?;
    table(out, &service_rows(&r.services), bold, reset)?;
    if !r.intervals.is_empty() {
        writeln!(out)?;
        let mut rows = vec![FIGURES_HEADER.map(String::from).to_vec()];
        rows[0][0] = "from".into();
        for s in &r.intervals {
            rows.push(figures_row(
                s.period.from.strftime("%Y-%m-%d").to_string(),
                &s.changes,
                s.incidents.as_ref(),
                s.availability.as_ref(),
            ));
        }
        table(out, &rows, bold, reset)?;
    }
    if let Some(by) = r.by {
        writeln!(out)?;
        let mut rows = vec![FIGURES_HEADER.map(String::from).to_vec()];
        rows[0][0] = serde_json::to_value(by)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        for g in &r.groups {
            rows.push(figures_row(
                escape(&g.key).into_owned(),
                &g.changes,
                g.incidents.as_ref(),
                g.availability.as_ref(),
            ));
            for s in &g.intervals {
                rows.push(figures_row(
                    format!("  {}", s.period.from.strftime("%Y-%m-%d")),
                    &s.changes,
                    s.incidents.as_ref(),
                    s.availability.as_ref(),
                ));
            }
        }
        table(out, &rows, bold, reset)?;
    }
    Ok(())
}

/// One row per group and interval (`all` without --by; the whole period without --interval).
pub(crate) fn csv(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "group",
        "from",
        "to",
        "changes",
        "standard",
        "normal",
        "emergency",
        "successful",
        "failed",
        "success_rate",
        "failure_rate",
        "emergency_share",
        "caused_incidents",
        "incidents",
        "p1",
        "p2",
        "p3",
        "p4",
        "open_incidents",
        "mttr_mean_s",
        "mttr_median_s",
        "mttr_p90_s",
        "services",
        "services_met",
        "lowest_availability",
        "down_s",
    ])?;
    let mut row = |group: &str,
                   p: &Period,
                   c: &ChangeFigures,
                   i: Option<&IncidentFigures>,
                   a: Option<&AvailabilitySummary>|
     -> io::Result<()> {
        let opt = |x: Option<String>| x.unwrap_or_default();
        let rate = |x: Option<f64>| opt(x.map(|x| x.to_string()));
        let mttr = i.and_then(|i| i.mttr_seconds.as_ref());
        let count = |p: Priority| opt(i.and_then(|i| i.by_priority.get(&p)).map(|n| n.to_string()));
        w.write_record([
            group.to_string(),
            p.from.to_string(),
            p.to.to_string(),
            c.total.to_string(),
            c.by_type.standard.to_string(),
            c.by_type.normal.to_string(),
            c.by_type.emergency.to_string(),
            c.successful.to_string(),
            c.failed.to_string(),
            rate(c.success_rate),
            rate(c.failure_rate),
            rate(c.emergency_share),
            c.caused_incidents.to_string(),
            opt(i.map(|i| i.total.to_string())),
            count(Priority::P1),
            count(Priority::P2),
            count(Priority::P3),
            count(Priority::P4),
            opt(i.map(|i| i.open.to_string())),
            opt(mttr.map(|s| s.mean.to_string())),
            opt(mttr.map(|s| s.median.to_string())),
            opt(mttr.map(|s| s.p90.to_string())),
            opt(a.map(|a| a.services.to_string())),
            opt(a.map(|a| a.met.to_string())),
            rate(a.and_then(|a| a.lowest)),
            opt(a.map(|a| a.down_seconds.to_string())),
        ])
        .map_err(io::Error::other)
    };
    if r.by.is_none() {
        let whole = crate::figures::summary_of(r.services.iter().map(ServiceFigures::uptime));
        if r.intervals.is_empty() {
            row(
                "all",
                &r.period,
                &r.changes,
                Some(&r.incidents),
                Some(&whole),
            )?;
        }
        for s in &r.intervals {
            row(
                "all",
                &s.period,
                &s.changes,
                s.incidents.as_ref(),
                s.availability.as_ref(),
            )?;
        }
    }
    for g in &r.groups {
        if g.intervals.is_empty() {
            row(
                &g.key,
                &r.period,
                &g.changes,
                g.incidents.as_ref(),
                g.availability.as_ref(),
            )?;
        }
        for s in &g.intervals {
            row(
                &g.key,
                &s.period,
                &s.changes,
                s.incidents.as_ref(),
                s.availability.as_ref(),
            )?;
        }
    }
    w.flush()
}
