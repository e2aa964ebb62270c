//! Maintenance windows: RFC 5545 recurrence rules read in an IANA time zone, so "Sunday 22:00
//! in Berlin" stays 22:00 local on both sides of a daylight-saving switch. The rrule crate
//! does the calendar arithmetic; this is the only module that uses it (and chrono).

use crate::model::{MaintenanceWindow, duration_seconds};
use chrono::DateTime;
use jiff::Timestamp;
use rrule::{RRuleSet, Tz};

/// Where a rule's occurrences are counted from, when the window gives no `start`: midnight
/// on 1 January 2026, local time. It fixes what a rule leaves open (the day of a monthly
/// rule, the week of an `INTERVAL=2` rule) the same way for every change.
pub(crate) const DEFAULT_ANCHOR: &str = "20260101T000000";

/// A parsed maintenance window.
#[derive(Debug, Clone)]
pub(crate) struct Recurrence {
    set: RRuleSet,
    /// Length of each occurrence, in seconds.
    pub duration: i64,
}

impl Recurrence {
    /// Read a window; the error says what is wrong, for a diagnostic.
    pub(crate) fn parse(w: &MaintenanceWindow) -> Result<Recurrence, String> {
        let tz: chrono_tz_name::Name = w
            .timezone
            .parse()
            .map_err(|_| format!("unknown time zone `{}`", w.timezone))?;
        let anchor = match &w.start {
            Some(s) => s.replace(['-', ':'], ""),
            None => DEFAULT_ANCHOR.to_string(),
        };
        let text = format!("DTSTART;TZID={}:{anchor}\nRRULE:{}", tz.0, w.rrule.trim());
        let set: RRuleSet = text
            .parse()
            .map_err(|e: rrule::RRuleError| format!("{e}"))?;
        let duration = duration_seconds(&w.duration)
            .ok_or_else(|| format!("`{}` is not a duration", w.duration))?;
        if duration <= 0 {
            return Err("the duration must be positive".into());
        }
        Ok(Recurrence { set, duration })
    }

    fn back(d: &DateTime<Tz>) -> Option<Timestamp> {
        Timestamp::from_second(d.timestamp()).ok()
    }

    /// How often the rule recurs (`FREQ`).
    pub(crate) fn frequency(&self) -> Frequency {
        self.set
            .get_rrule()
            .first()
            .map_or(Frequency::Yearly, |r| Frequency::of(r.get_freq()))
    }

    /// Occurrences `(start, end)` that overlap `[from, to)`, at most `limit` of them. The
    /// rule is walked from its start, at most `MAX_STEPS` occurrences: past that the answer
    /// is `Undecided` (a rule recurring every second from 1900 would take hours).
    pub(crate) fn occurrences(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u16,
    ) -> Result<Vec<(Timestamp, Timestamp)>, Undecided> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        // `limit()` bounds the crate's own search for a next occurrence that never comes.
        let set = self.set.clone().limit();
        for (step, start) in (&set).into_iter().enumerate() {
            if step >= MAX_STEPS {
                return Err(Undecided { steps: MAX_STEPS });
            }
            let Some(s) = Self::back(&start) else {
                continue;
            };
            if s >= to {
                break;
            }
            let Ok(e) = Timestamp::from_second(s.as_second().saturating_add(self.duration)) else {
                continue;
            };
            if e > from {
                out.push((s, e));
                if out.len() >= usize::from(limit) {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Whether one occurrence holds all of `[start, end)`.
    pub(crate) fn covers(&self, start: Timestamp, end: Timestamp) -> Result<bool, Undecided> {
        Ok(self
            .occurrences(start, end, 64)?
            .iter()
            .any(|(s, e)| *s <= start && end <= *e))
    }
}

/// At most this many occurrences of a rule are walked through to answer one question. A
/// weekly rule reaches 19,000 years, a daily one 2,700, an hourly one 114.
pub(crate) const MAX_STEPS: usize = 1_000_000;

/// A question about a window that could not be answered within `MAX_STEPS` occurrences: the
/// caller fails closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Undecided {
    pub steps: usize,
}

impl std::fmt::Display for Undecided {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "its rule has more than {} occurrences between its start and the time asked about",
            self.steps
        )
    }
}

pub(crate) use crate::model::WindowFrequency as Frequency;

impl Frequency {
    fn of(f: rrule::Frequency) -> Frequency {
        match f {
            rrule::Frequency::Secondly => Frequency::Secondly,
            rrule::Frequency::Minutely => Frequency::Minutely,
            rrule::Frequency::Hourly => Frequency::Hourly,
            rrule::Frequency::Daily => Frequency::Daily,
            rrule::Frequency::Weekly => Frequency::Weekly,
            rrule::Frequency::Monthly => Frequency::Monthly,
            rrule::Frequency::Yearly => Frequency::Yearly,
        }
    }
}

/// The finding for a window that recurs more often than `finest` allows, if it does: such a
/// rule makes every question about the window walk millions of occurrences.
pub(crate) fn too_frequent(w: &MaintenanceWindow, finest: Frequency) -> Option<String> {
    let rule = Recurrence::parse(w).ok()?;
    let f = rule.frequency();
    (f < finest).then(|| {
        format!(
            "maintenance window `{}` recurs {}; the policy allows nothing finer than {}",
            w.name,
            f.as_str(),
            finest.as_str()
        )
    })
}

/// Time zone names as chrono-tz knows them (through rrule's re-export).
mod chrono_tz_name {
    pub(super) struct Name(pub String);

    impl std::str::FromStr for Name {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            // rrule parses `TZID=` with chrono-tz; check the name the same way first, so the
            // message is about the time zone and not the rule.
            let probe = format!("DTSTART;TZID={s}:20260101T000000\nRRULE:FREQ=DAILY;COUNT=1");
            probe
                .parse::<rrule::RRuleSet>()
                .map(|_| Name(s.to_string()))
                .map_err(|_| ())
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn window(rrule: &str, duration: &str, tz: &str) -> Recurrence {
        Recurrence::parse(&MaintenanceWindow {
            name: "w".into(),
            rrule: rrule.into(),
            duration: duration.into(),
            timezone: tz.into(),
            start: None,
        })
        .unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    impl Recurrence {
        fn covers_ok(&self, start: Timestamp, end: Timestamp) -> bool {
            self.covers(start, end).unwrap()
        }
    }

    #[test]
    fn sunday_night_in_berlin_follows_daylight_saving_time() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        // Winter (UTC+1): 22:00 local is 21:00Z.
        assert!(w.covers_ok(ts("2026-12-06T21:00:00Z"), ts("2026-12-07T01:00:00Z")));
        assert!(!w.covers_ok(ts("2026-12-06T20:30:00Z"), ts("2026-12-06T21:30:00Z")));
        // Summer (UTC+2): 22:00 local is 20:00Z.
        assert!(w.covers_ok(ts("2026-07-05T20:00:00Z"), ts("2026-07-06T00:00:00Z")));
        assert!(!w.covers_ok(ts("2026-07-05T21:00:00Z"), ts("2026-07-06T01:00:00Z")));
    }

    #[test]
    fn the_weekend_of_the_switch_is_judged_in_local_time() {
        // Clocks go forward on Sunday 29 March 2026 at 02:00 local; the window that night still
        // starts at 22:00 local, which is now 20:00Z, not 21:00Z as a week earlier.
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        assert!(w.covers_ok(ts("2026-03-22T21:00:00Z"), ts("2026-03-22T23:00:00Z")));
        assert!(w.covers_ok(ts("2026-03-29T20:00:00Z"), ts("2026-03-29T22:00:00Z")));
        assert!(!w.covers_ok(ts("2026-03-29T19:30:00Z"), ts("2026-03-29T21:00:00Z")));
        // And back on 25 October 2026.
        assert!(w.covers_ok(ts("2026-10-25T21:00:00Z"), ts("2026-10-26T01:00:00Z")));
    }

    #[test]
    fn a_change_longer_than_the_window_is_not_covered() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "2h", "UTC");
        assert!(w.covers_ok(ts("2026-12-06T22:00:00Z"), ts("2026-12-07T00:00:00Z")));
        assert!(!w.covers_ok(ts("2026-12-06T22:00:00Z"), ts("2026-12-07T00:30:00Z")));
    }

    #[test]
    fn occurrences_list_the_windows_in_a_range() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        let got = w
            .occurrences(ts("2026-12-01T00:00:00Z"), ts("2026-12-15T00:00:00Z"), 10)
            .unwrap();
        let starts: Vec<String> = got.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(starts, vec!["2026-12-06T21:00:00Z", "2026-12-13T21:00:00Z"]);
    }

    fn anchored(rrule: &str, start: &str) -> Recurrence {
        Recurrence::parse(&MaintenanceWindow {
            name: "w".into(),
            rrule: rrule.into(),
            duration: "1h".into(),
            timezone: "UTC".into(),
            start: Some(start.into()),
        })
        .unwrap()
    }

    #[test]
    fn a_rule_too_dense_to_walk_is_undecided_not_a_hang() {
        // Every second since 1900: billions of occurrences before 2026.
        let w = anchored("FREQ=SECONDLY", "1900-01-01T00:00:00");
        assert_eq!(
            w.covers(ts("2026-12-06T21:00:00Z"), ts("2026-12-06T21:10:00Z")),
            Err(Undecided { steps: MAX_STEPS })
        );
        assert!(
            w.occurrences(ts("2026-12-06T21:00:00Z"), ts("2026-12-07T00:00:00Z"), 500)
                .is_err()
        );
        // Close to its start the same rule is answered.
        assert!(w.covers_ok(ts("1900-01-01T00:00:10Z"), ts("1900-01-01T00:30:00Z")));
    }

    #[test]
    fn the_frequency_floor_refuses_finer_rules() {
        let at = |rrule: &str| MaintenanceWindow {
            name: "w".into(),
            rrule: rrule.into(),
            duration: "1h".into(),
            timezone: "UTC".into(),
            start: None,
        };
        assert_eq!(
            too_frequent(&at("FREQ=SECONDLY"), Frequency::Hourly).as_deref(),
            Some(
                "maintenance window `w` recurs secondly; the policy allows nothing finer than hourly"
            )
        );
        assert!(too_frequent(&at("FREQ=MINUTELY;INTERVAL=30"), Frequency::Hourly).is_some());
        assert!(too_frequent(&at("FREQ=HOURLY"), Frequency::Hourly).is_none());
        assert!(too_frequent(&at("FREQ=WEEKLY;BYDAY=SU"), Frequency::Hourly).is_none());
        assert!(too_frequent(&at("FREQ=MINUTELY"), Frequency::Secondly).is_none());
        // An unreadable rule is another finding's business.
        assert!(too_frequent(&at("FREQ=FORTNIGHTLY"), Frequency::Hourly).is_none());
    }

    #[test]
    fn bad_rules_and_zones_are_explained() {
        let bad = |rrule: &str, tz: &str| {
            Recurrence::parse(&MaintenanceWindow {
                name: "w".into(),
                rrule: rrule.into(),
                duration: "1h".into(),
                timezone: tz.into(),
                start: None,
            })
            .unwrap_err()
        };
        assert_eq!(
            bad("FREQ=WEEKLY", "Mars/Olympus"),
            "unknown time zone `Mars/Olympus`"
        );
        assert!(!bad("FREQ=FORTNIGHTLY", "UTC").is_empty());
    }
}
