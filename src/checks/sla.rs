//! SLA consistency: each target can be met, urgent priorities are not looser than calm ones,
//! and time zones exist.

use crate::diag::{Code, Diagnostic};
use crate::model::{RecordSet, ServiceHours, Spec, duration_seconds};

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    for r in set.iter() {
        match &r.spec {
            Spec::Sla(sla) => {
                let targets: Vec<_> = sla.priorities.iter().collect();
                for (name, t) in &targets {
                    let (Some(resp), Some(res)) = (
                        duration_seconds(&t.response),
                        duration_seconds(&t.resolution),
                    ) else {
                        continue;
                    };
                    if resp > res {
                        out.push(
                            Diagnostic::new(
                                Code::SlaResponseAfterResolution,
                                format!(
                                    "{name} response `{}` is later than its resolution `{}`",
                                    t.response, t.resolution
                                ),
                            )
                            .at(r.at(format!("/spec/priorities/{name}/response")))
                            .with_related(
                                r.at(format!("/spec/priorities/{name}/resolution")),
                                "resolution target",
                            )
                            .with_help("the response target must be at most the resolution target"),
                        );
                    }
                }
                for pair in targets.windows(2) {
                    let ((hi, a), (lo, b)) = (pair[0], pair[1]);
                    for (field, x, y) in [
                        ("response", &a.response, &b.response),
                        ("resolution", &a.resolution, &b.resolution),
                    ] {
                        let (Some(xs), Some(ys)) = (duration_seconds(x), duration_seconds(y))
                        else {
                            continue;
                        };
                        if xs > ys {
                            out.push(
                                Diagnostic::new(
                                    Code::SlaPriorityInversion,
                                    format!("{hi} {field} `{x}` is looser than {lo} {field} `{y}`"),
                                )
                                .at(r.at(format!("/spec/priorities/{hi}/{field}")))
                                .with_related(r.at(format!("/spec/priorities/{lo}/{field}")), format!("{lo} {field}"))
                                .with_help(format!("{hi} is more urgent than {lo}; its target should be at least as tight")),
                            );
                        }
                    }
                }
                if let Some(ServiceHours::Window(w)) = &sla.service_hours {
                    time_zone(&w.timezone, r.at("/spec/serviceHours/timezone"), out);
                }
            }
            Spec::Policy(p) => {
                for (i, w) in p.maintenance_windows.iter().enumerate() {
                    if jiff::tz::TimeZone::get(&w.timezone).is_err() {
                        time_zone(
                            &w.timezone,
                            r.at(format!("/spec/maintenanceWindows/{i}/timezone")),
                            out,
                        );
                    } else if let Err(e) = crate::policy::window::Recurrence::parse(w) {
                        out.push(
                            Diagnostic::new(
                                Code::InvalidRecurrence,
                                format!("maintenance window `{}`: {e}", w.name),
                            )
                            .at(r.at(format!("/spec/maintenanceWindows/{i}/rrule")))
                            .with_help(
                                "write an RFC 5545 rule such as `FREQ=WEEKLY;BYDAY=SU;BYHOUR=22`",
                            ),
                        );
                    } else if let Some(message) =
                        crate::policy::window::too_frequent(w, p.finest_window_frequency)
                    {
                        out.push(
                            Diagnostic::new(Code::WindowTooFrequent, message)
                                .at(r.at(format!("/spec/maintenanceWindows/{i}/rrule")))
                                .with_help("use a coarser `FREQ`, or allow it with `finestWindowFrequency` in the Policy"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn time_zone(name: &str, at: crate::diag::Location, out: &mut Vec<Diagnostic>) {
    if jiff::tz::TimeZone::get(name).is_err() {
        out.push(
            Diagnostic::new(Code::UnknownTimeZone, format!("unknown time zone `{name}`"))
                .at(at)
                .with_help("use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`"),
        );
    }
}
