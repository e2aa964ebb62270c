//! Periods of time and their cut into weeks or months. Every boundary is in UTC, so a
//! report never depends on the time zone of the machine that writes it.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

/// `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// How a period is cut for trends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Interval {
    /// Weeks from Monday 00:00 UTC.
    Week,
    /// Calendar months from the 1st, 00:00 UTC.
    Month,
}

impl Period {
    /// The `days` days up to `now`.
    pub(crate) fn days_before(now: Timestamp, days: i64) -> Period {
        let from = now
            .checked_sub(SignedDuration::from_hours(days.saturating_mul(24)))
            .unwrap_or(Timestamp::MIN);
        Period { from, to: now }
    }

    pub(crate) fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }

    /// Its length in seconds (zero when empty).
    pub(crate) fn seconds(&self) -> i64 {
        (self.to.as_second() - self.from.as_second()).max(0)
    }

    /// `[from, to)` cut to this period, if anything is left.
    pub(crate) fn clip(&self, from: Timestamp, to: Timestamp) -> Option<(i64, i64)> {
        let (a, b) = (from.max(self.from), to.min(self.to));
        (a < b).then(|| (a.as_second(), b.as_second()))
    }

    /// The period cut at every week or month boundary inside it; the first and last pieces
    /// may be partial. At most `max` pieces: past that, `None`.
    pub(crate) fn cut(&self, interval: Interval, max: usize) -> Option<Vec<Period>> {
        let mut out = Vec::new();
        let mut at = self.from;
        while at < self.to {
            if out.len() == max {
                return None;
            }
            let next = next_boundary(at, interval).unwrap_or(self.to).min(self.to);
            out.push(Period { from: at, to: next });
            at = next;
        }
        Some(out)
    }
}

/// The first week or month boundary after `t` (UTC).
fn next_boundary(t: Timestamp, interval: Interval) -> Option<Timestamp> {
    let date: Date = t.to_zoned(TimeZone::UTC).date();
    let start = match interval {
        Interval::Week => {
            let days = 7 - i64::from(date.weekday().to_monday_zero_offset());
            date.checked_add(days.days()).ok()?
        }
        Interval::Month => date.first_of_month().checked_add(1.month()).ok()?,
    };
    debug_assert!(interval == Interval::Month || start.weekday() == Weekday::Monday);
    start.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn p(from: &str, to: &str) -> Period {
        Period {
            from: ts(from),
            to: ts(to),
        }
    }

    #[test]
    fn months_are_cut_at_the_first_of_each_month_in_utc() {
        let pieces = p("2026-09-03T12:00:00Z", "2026-12-01T00:00:00Z")
            .cut(Interval::Month, 100)
            .unwrap();
        assert_eq!(
            pieces,
            [
                p("2026-09-03T12:00:00Z", "2026-10-01T00:00:00Z"),
                p("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"),
                p("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            ]
        );
    }

    #[test]
    fn weeks_start_on_monday_in_utc() {
        // 2026-11-18 is a Wednesday.
        let pieces = p("2026-11-18T00:00:00Z", "2026-12-01T00:00:00Z")
            .cut(Interval::Week, 100)
            .unwrap();
        assert_eq!(
            pieces,
            [
                p("2026-11-18T00:00:00Z", "2026-11-23T00:00:00Z"),
                p("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"),
                p("2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"),
            ]
        );
        // A boundary is never cut twice: from a Monday midnight, the next is a week on.
        let pieces = p("2026-11-23T00:00:00Z", "2026-12-07T00:00:00Z")
            .cut(Interval::Week, 100)
            .unwrap();
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn too_many_pieces_are_refused() {
        let long = p("2000-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
        assert_eq!(long.cut(Interval::Week, 1000), None);
        assert_eq!(long.cut(Interval::Month, 1000).map(|v| v.len()), Some(312));
        assert_eq!(
            p("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").cut(Interval::Week, 1),
            Some(vec![])
        );
    }

    #[test]
    fn clipping_keeps_what_falls_inside() {
        let period = p("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");
        assert_eq!(
            period.clip(ts("2026-10-31T23:00:00Z"), ts("2026-11-01T01:00:00Z")),
            Some((
                ts("2026-11-01T00:00:00Z").as_second(),
                ts("2026-11-01T01:00:00Z").as_second()
            ))
        );
        assert_eq!(
            period.clip(ts("2026-11-02T00:00:00Z"), ts("2026-11-03T00:00:00Z")),
            None
        );
        assert_eq!(period.seconds(), 86_400);
    }
}
