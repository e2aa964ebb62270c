//! Maintenance windows: RFC 5545 recurrence rules read in an IANA time zone, so "Sunday 22:00
//! in Berlin" stays 22:00 local on both sides of a daylight-saving switch. The rrule crate
//! does the calendar arithmetic; this is the only module that uses it (and chrono).

use crate::model::{MaintenanceWindow, duration_seconds};
use chrono::{DateTime, TimeZone};
use jiff::Timestamp;
use rrule::{RRuleSet, Tz};

/// Where a rule's occurrences are counted from, when the window gives no `start`: midnight
/// on 1 January 2026, local time. It fixes what a rule leaves open (the day of a monthly
/// rule, the week of an `INTERVAL=2` rule) the same way for every change.
pub const DEFAULT_ANCHOR: &str = "20260101T000000";

/// A parsed maintenance window.
#[derive(Debug, Clone)]
pub struct Recurrence {
    set: RRuleSet,
    /// Length of each occurrence, in seconds.
    pub duration: i64,
}

impl Recurrence {
    /// Read a window; the error says what is wrong, for a diagnostic.
    pub fn parse(w: &MaintenanceWindow) -> Result<Recurrence, String> {
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

    fn at(t: Timestamp) -> DateTime<Tz> {
        Tz::UTC
            .timestamp_opt(t.as_second(), 0)
            .single()
            .unwrap_or_else(|| Tz::UTC.timestamp_opt(0, 0).unwrap())
    }

    fn back(d: &DateTime<Tz>) -> Option<Timestamp> {
        Timestamp::from_second(d.timestamp()).ok()
    }

    /// Occurrences `(start, end)` that overlap `[from, to)`, at most `limit` of them.
    pub fn occurrences(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u16,
    ) -> Vec<(Timestamp, Timestamp)> {
        let after = from.as_second() - self.duration;
        let Ok(after) = Timestamp::from_second(after) else {
            return Vec::new();
        };
        let result = self
            .set
            .clone()
            .after(Self::at(after))
            .before(Self::at(to))
            .all(limit);
        result
            .dates
            .iter()
            .filter_map(Self::back)
            .filter_map(|s| {
                Some((
                    s,
                    Timestamp::from_second(s.as_second() + self.duration).ok()?,
                ))
            })
            .filter(|(s, e)| *e > from && *s < to)
            .collect()
    }

    /// Whether one occurrence holds all of `[start, end)`.
    pub fn covers(&self, start: Timestamp, end: Timestamp) -> bool {
        self.occurrences(start, end, 64)
            .iter()
            .any(|(s, e)| *s <= start && end <= *e)
    }
}

/// Time zone names as chrono-tz knows them (through rrule's re-export).
mod chrono_tz_name {
    pub struct Name(pub String);

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

    #[test]
    fn sunday_night_in_berlin_follows_daylight_saving_time() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        // Winter (UTC+1): 22:00 local is 21:00Z.
        assert!(w.covers(ts("2026-12-06T21:00:00Z"), ts("2026-12-07T01:00:00Z")));
        assert!(!w.covers(ts("2026-12-06T20:30:00Z"), ts("2026-12-06T21:30:00Z")));
        // Summer (UTC+2): 22:00 local is 20:00Z.
        assert!(w.covers(ts("2026-07-05T20:00:00Z"), ts("2026-07-06T00:00:00Z")));
        assert!(!w.covers(ts("2026-07-05T21:00:00Z"), ts("2026-07-06T01:00:00Z")));
    }

    #[test]
    fn the_weekend_of_the_switch_is_judged_in_local_time() {
        // Clocks go forward on Sunday 29 March 2026 at 02:00 local; the window that night still
        // starts at 22:00 local, which is now 20:00Z, not 21:00Z as a week earlier.
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        assert!(w.covers(ts("2026-03-22T21:00:00Z"), ts("2026-03-22T23:00:00Z")));
        assert!(w.covers(ts("2026-03-29T20:00:00Z"), ts("2026-03-29T22:00:00Z")));
        assert!(!w.covers(ts("2026-03-29T19:30:00Z"), ts("2026-03-29T21:00:00Z")));
        // And back on 25 October 2026.
        assert!(w.covers(ts("2026-10-25T21:00:00Z"), ts("2026-10-26T01:00:00Z")));
    }

    #[test]
    fn a_change_longer_than_the_window_is_not_covered() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "2h", "UTC");
        assert!(w.covers(ts("2026-12-06T22:00:00Z"), ts("2026-12-07T00:00:00Z")));
        assert!(!w.covers(ts("2026-12-06T22:00:00Z"), ts("2026-12-07T00:30:00Z")));
    }

    #[test]
    fn occurrences_list_the_windows_in_a_range() {
        let w = window("FREQ=WEEKLY;BYDAY=SU;BYHOUR=22", "4h", "Europe/Berlin");
        let got = w.occurrences(ts("2026-12-01T00:00:00Z"), ts("2026-12-15T00:00:00Z"), 10);
        let starts: Vec<String> = got.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(starts, vec!["2026-12-06T21:00:00Z", "2026-12-13T21:00:00Z"]);
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
