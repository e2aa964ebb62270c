//! Service hours: when an SLA's clock runs. Under office hours a `4h` target is four hours of
//! office time, so the time an incident took is counted only inside the SLA's weekly windows,
//! read in its time zone; a daylight-saving switch inside a window makes that window an hour
//! shorter or longer, as the clock on the wall says.
//!
//! How: between two time-zone transitions the offset is fixed, so local time is UTC plus a
//! constant and the weekly windows are a periodic set on it. The service time of a stretch is
//! then whole weeks times the service time of a week, plus the rest of a week, with no walk
//! over days; a stretch that crosses transitions is cut at each of them. The cost is the
//! number of transitions crossed (two a year in most zones), whatever the length.

use crate::model::{ServiceHours, Weekday};
use jiff::Timestamp;
use jiff::tz::TimeZone;

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;
/// 1970-01-05 00:00, the first Monday after the Unix epoch: local weeks are counted from it.
const FIRST_MONDAY: i64 = 4 * DAY;
/// The longest stretch measured: a hundred years of 365.25 days. Past it, only its first
/// hundred years are counted, so that an incident dated thousands of years long (hostile, or
/// a typo in the year) costs at most a few hundred time-zone transitions, not tens of
/// thousands; every target shorter than a century of service time is breached either way.
pub(crate) const LONGEST_MEASURED: i64 = 100 * 36_525 * DAY / 100;

/// An SLA's service hours, ready to count.
#[derive(Clone, Debug)]
pub(crate) struct ServiceClock {
    hours: Hours,
}

#[derive(Clone, Debug)]
enum Hours {
    /// Around the clock.
    Always,
    Weekly {
        tz: TimeZone,
        /// Disjoint, sorted `[start, end)` in local seconds from Monday 00:00, within a week.
        windows: Vec<(i64, i64)>,
        /// Their total length.
        per_week: i64,
    },
}

impl ServiceClock {
    /// A clock that always runs (`24x7`, or no service hours written).
    pub(crate) fn always() -> ServiceClock {
        ServiceClock {
            hours: Hours::Always,
        }
    }

    /// The clock of an SLA's `serviceHours`; `None` when its time zone is unknown or a time
    /// cannot be read (the SLA check reports those).
    ///
    /// A window whose `to` is not after its `from` runs past midnight into the next day
    /// (`22:00` to `06:00`), and `from` equal to `to` is a whole day from that time.
    pub(crate) fn new(hours: Option<&ServiceHours>) -> Option<ServiceClock> {
        let w = match hours {
            None | Some(ServiceHours::Always(_)) => return Some(ServiceClock::always()),
            Some(ServiceHours::Window(w)) => w,
        };
        let tz = TimeZone::get(&w.timezone).ok()?;
        let (from, to) = (clock_seconds(&w.from)?, clock_seconds(&w.to)?);
        let length = if to > from {
            to - from
        } else {
            DAY - from + to
        };
        let mut pieces = Vec::new();
        for day in &w.days {
            let start = day_index(*day) * DAY + from;
            let end = start + length;
            if end <= WEEK {
                pieces.push((start, end));
            } else {
                pieces.push((start, WEEK));
                pieces.push((0, end - WEEK));
            }
        }
        pieces.sort_unstable();
        let mut windows: Vec<(i64, i64)> = Vec::with_capacity(pieces.len());
        for (s, e) in pieces {
            match windows.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => windows.push((s, e)),
            }
        }
        let per_week = windows.iter().map(|(s, e)| e - s).sum();
        Some(ServiceClock {
            hours: Hours::Weekly {
                tz,
                windows,
                per_week,
            },
        })
    }

    /// Seconds of service time in `[from, to)` (zero when `to` is not after `from`), counted
    /// over at most `LONGEST_MEASURED` from `from`.
    pub(crate) fn seconds_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let to = match from.checked_add(jiff::SignedDuration::from_secs(LONGEST_MEASURED)) {
            Ok(limit) if limit < to => limit,
            _ => to,
        };
        let (tz, windows, per_week) = match &self.hours {
            Hours::Always => return to.as_second() - from.as_second(),
            Hours::Weekly {
                tz,
                windows,
                per_week,
            } => (tz, windows, *per_week),
        };
        // Service time in local seconds `[0, x)` from the first Monday.
        let up_to = |x: i64| -> i64 {
            let (weeks, rest) = (x.div_euclid(WEEK), x.rem_euclid(WEEK));
            let partial: i64 = windows.iter().map(|&(s, e)| (e.min(rest) - s).max(0)).sum();
            weeks * per_week + partial
        };
        let mut total = 0;
        let mut at = from;
        while at < to {
            let offset = i64::from(tz.to_offset(at).seconds());
            let end = match tz.following(at).map(|t| t.timestamp()).find(|&t| t > at) {
                Some(next) if next < to => next,
                _ => to,
            };
            let local = |t: Timestamp| t.as_second() + offset - FIRST_MONDAY;
            total += up_to(local(end)) - up_to(local(at));
            at = end;
        }
        total
    }
}

/// `HH:MM` as seconds after midnight.
fn clock_seconds(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 3600 + m * 60)
}

fn day_index(day: Weekday) -> i64 {
    match day {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HoursWindow;

    fn clock(tz: &str, days: &[Weekday], from: &str, to: &str) -> ServiceClock {
        let hours = ServiceHours::Window(HoursWindow {
            timezone: tz.to_string(),
            days: days.to_vec(),
            from: from.to_string(),
            to: to.to_string(),
        });
        ServiceClock::new(Some(&hours)).unwrap()
    }

    const WEEKDAYS: &[Weekday] = &[
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    const EVERY_DAY: &[Weekday] = &[
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn hours(c: &ServiceClock, from: &str, to: &str) -> f64 {
        c.seconds_between(ts(from), ts(to)) as f64 / 3600.0
    }

    #[test]
    fn a_stretch_of_thousands_of_years_is_counted_over_its_first_century() {
        let c = clock("Europe/Berlin", WEEKDAYS, "09:00", "17:00");
        let from: Timestamp = "2026-01-05T00:00:00Z".parse().unwrap();
        let century = from
            .checked_add(jiff::SignedDuration::from_secs(LONGEST_MEASURED))
            .unwrap();
        let far: Timestamp = "9999-01-01T00:00:00Z".parse().unwrap();
        let measured = c.seconds_between(from, far);
        assert_eq!(measured, c.seconds_between(from, century));
        // About 40 office hours a week for a century.
        let weeks = LONGEST_MEASURED / WEEK;
        assert!(
            (measured - weeks * 40 * 3600).abs() < 2 * 40 * 3600,
            "{measured}"
        );
        // Around the clock too.
        let always = ServiceClock::always();
        assert_eq!(always.seconds_between(from, far), LONGEST_MEASURED);
        // From the earliest time there is.
        assert_eq!(
            c.seconds_between(Timestamp::MIN, far),
            c.seconds_between(
                Timestamp::MIN,
                Timestamp::MIN
                    .checked_add(jiff::SignedDuration::from_secs(LONGEST_MEASURED))
                    .unwrap()
            )
        );
    }

    #[test]
    fn around_the_clock_counts_every_second() {
        let c = ServiceClock::new(None).unwrap();
        assert_eq!(
            hours(&c, "2026-11-06T17:00:00Z", "2026-11-09T10:00:00Z"),
            65.0
        );
    }

    #[test]
    fn friday_evening_to_monday_morning_counts_the_office_hours_on_both_sides() {
        // Friday 2026-11-06 17:00 to Monday 2026-11-09 10:00, Berlin time: 1 h on Friday and
        // 2 h on Monday; the weekend does not count.
        let c = clock("Europe/Berlin", WEEKDAYS, "08:00", "18:00");
        assert_eq!(
            hours(&c, "2026-11-06T17:00:00+01:00", "2026-11-09T10:00:00+01:00"),
            3.0
        );
    }

    #[test]
    fn several_windows_and_whole_weeks_add_up() {
        let c = clock("Europe/Berlin", WEEKDAYS, "08:00", "18:00");
        // Monday 07:00 to the Wednesday of the week after, 12:00: 5 × 10 h + 2 × 10 h + 4 h.
        assert_eq!(
            hours(&c, "2026-11-02T07:00:00+01:00", "2026-11-11T12:00:00+01:00"),
            74.0
        );
        // Inside one window, and wholly outside any.
        assert_eq!(
            hours(&c, "2026-11-03T09:00:00+01:00", "2026-11-03T09:30:00+01:00"),
            0.5
        );
        assert_eq!(
            hours(&c, "2026-11-07T09:00:00+01:00", "2026-11-08T20:00:00+01:00"),
            0.0
        );
        // Backwards is nothing.
        assert_eq!(
            hours(&c, "2026-11-03T10:00:00+01:00", "2026-11-03T09:00:00+01:00"),
            0.0
        );
    }

    #[test]
    fn the_clock_is_read_in_the_slas_time_zone() {
        // 17:00 to 19:00 UTC is 12:00 to 14:00 in New York (EST, November).
        let c = clock("America/New_York", WEEKDAYS, "09:00", "17:00");
        assert_eq!(
            hours(&c, "2026-11-10T17:00:00Z", "2026-11-10T19:00:00Z"),
            2.0
        );
        // 22:00 to 23:30 UTC is 17:00 to 18:30 local: after hours.
        assert_eq!(
            hours(&c, "2026-11-10T22:00:00Z", "2026-11-10T23:30:00Z"),
            0.0
        );
    }

    #[test]
    fn a_window_across_the_spring_switch_is_an_hour_shorter() {
        // New York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT. 00:00 to 06:00 local
        // that day is 05:00Z to 10:00Z: five hours.
        let c = clock("America/New_York", EVERY_DAY, "00:00", "06:00");
        assert_eq!(
            hours(&c, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"),
            5.0
        );
        // A normal day beside it has six.
        assert_eq!(
            hours(&c, "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"),
            6.0
        );
    }

    #[test]
    fn a_window_across_the_autumn_switch_is_an_hour_longer() {
        // New York, Sunday 2026-11-01: 02:00 EDT falls back to 01:00 EST. 00:00 EDT (04:00Z)
        // to 06:00 EST (11:00Z) is seven hours; the repeated hour counts twice because it
        // passed twice.
        let c = clock("America/New_York", EVERY_DAY, "00:00", "06:00");
        assert_eq!(
            hours(&c, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"),
            7.0
        );
        // Starting inside the window, before the switch: 01:30 EDT (05:30Z) to the window's end.
        assert_eq!(
            hours(&c, "2026-11-01T05:30:00Z", "2026-11-01T12:00:00Z"),
            5.5
        );
    }

    #[test]
    fn office_hours_keep_their_local_times_over_a_switch_in_london() {
        // Europe/London switches on Sunday 2026-03-29. Friday 17:00 GMT to Monday 10:00 BST:
        // 1 h on Friday, 2 h on Monday, in local time on both sides.
        let c = clock("Europe/London", WEEKDAYS, "08:00", "18:00");
        assert_eq!(
            hours(&c, "2026-03-27T17:00:00Z", "2026-03-30T09:00:00Z"),
            3.0
        );
        // Monday 08:00 BST is 07:00 UTC: an hour before it is still outside the window.
        assert_eq!(
            hours(&c, "2026-03-30T06:00:00Z", "2026-03-30T07:00:00Z"),
            0.0
        );
    }

    #[test]
    fn a_window_past_midnight_runs_into_the_next_day_and_the_next_week() {
        // Sunday 22:00 to Monday 06:00, UTC.
        let c = clock("UTC", &[Weekday::Sun], "22:00", "06:00");
        assert_eq!(
            hours(&c, "2026-11-08T00:00:00Z", "2026-11-10T00:00:00Z"),
            8.0
        );
        let whole_day = clock("UTC", &[Weekday::Mon], "08:00", "08:00");
        assert_eq!(
            hours(&whole_day, "2026-11-09T00:00:00Z", "2026-11-11T00:00:00Z"),
            24.0
        );
    }

    #[test]
    fn a_span_of_a_century_costs_its_transitions_not_its_days() {
        let c = clock("Europe/London", WEEKDAYS, "08:00", "18:00");
        let got = c.seconds_between(ts("1900-01-01T00:00:00Z"), ts("1999-12-31T00:00:00Z"));
        // About 100 years of 50-hour weeks.
        let weeks = (100.0 * 365.2425 - 1.0) / 7.0;
        assert!((got as f64 / 3600.0 / 50.0 - weeks).abs() < 2.0, "{got}");
    }

    #[test]
    fn an_unknown_time_zone_gives_no_clock() {
        let hours = ServiceHours::Window(HoursWindow {
            timezone: "Mars/Olympus".into(),
            days: WEEKDAYS.to_vec(),
            from: "08:00".into(),
            to: "18:00".into(),
        });
        assert!(ServiceClock::new(Some(&hours)).is_none());
    }
}
