//! The change calendar: a human agenda, JSON, and an iCalendar (RFC 5545) feed that calendar
//! applications can subscribe to. Event UIDs are stable, so a calendar updates an event when a
//! change moves instead of adding a second one.

use super::escape;
use crate::model::ChangeStatus;
use crate::schedule::Schedule;
use jiff::Timestamp;
use std::io::{self, Write};

pub(crate) fn json(out: &mut dyn Write, s: &Schedule) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, s)?;
    writeln!(out)
}

fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%MZ").to_string()
}

pub(crate) fn human(out: &mut dyn Write, s: &Schedule) -> io::Result<()> {
    writeln!(
        out,
        "change calendar from {} to {}\n",
        when(s.from),
        when(s.to)
    )?;
    if s.changes.is_empty() {
        writeln!(out, "no change is scheduled")?;
    }
    for c in &s.changes {
        let conflict = if c.conflicts.is_empty() {
            String::new()
        } else {
            format!("  CONFLICTS with {}", c.conflicts.join(", "))
        };
        writeln!(
            out,
            "{} to {}  {}  {:<9} {:<8} {:<12} {}{conflict}",
            when(c.start),
            when(c.end),
            c.id,
            c.change_type.as_str(),
            c.risk.as_str(),
            c.status.as_str(),
            escape(&c.name)
        )?;
    }
    if !s.freezes.is_empty() {
        writeln!(out, "\nfreezes")?;
        for f in &s.freezes {
            let allow: Vec<&str> = f.allow.iter().map(|t| t.as_str()).collect();
            let allow = if allow.is_empty() {
                "nothing".to_string()
            } else {
                allow.join(", ")
            };
            writeln!(
                out,
                "{} to {}  {} (allows {allow})",
                when(f.start),
                when(f.end),
                escape(&f.name)
            )?;
        }
    }
    if !s.windows.is_empty() {
        writeln!(out, "\nmaintenance windows")?;
        for w in &s.windows {
            writeln!(
                out,
                "{} to {}  {}",
                when(w.start),
                when(w.end),
                escape(&w.name)
            )?;
        }
    }
    for u in &s.undecided {
        writeln!(
            out,
            "\nmaintenance window {} could not be listed: {}",
            escape(&u.name),
            escape(&u.reason)
        )?;
    }
    if !s.conflicts.is_empty() {
        writeln!(out, "\n{} conflict(s)", s.conflicts.len())?;
        for k in &s.conflicts {
            let shared: Vec<String> = k.shared.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "{} and {} both impact {}",
                k.changes.0,
                k.changes.1,
                shared.join(", ")
            )?;
        }
    }
    Ok(())
}

/// Escape a TEXT value (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // No other control character is TEXT (RFC 5545 3.3.11).
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Whether an instant is a midnight, UTC: a freeze from one to another is whole days.
fn is_midnight(t: Timestamp) -> bool {
    t.as_second().rem_euclid(86_400) == 0 && t.subsec_nanosecond() == 0
}

/// The date of an instant, UTC (for all-day events).
fn date(t: Timestamp) -> String {
    t.strftime("%Y%m%d").to_string()
}

/// The start and end lines of an event: whole days (`VALUE=DATE`, the end exclusive) when
/// both are midnights UTC, else its real times in UTC. Every time of the feed is UTC, so it
/// needs no `VTIMEZONE`.
fn span(start: Timestamp, end: Timestamp) -> [String; 2] {
    if is_midnight(start) && is_midnight(end) && end > start {
        [
            format!("DTSTART;VALUE=DATE:{}", date(start)),
            format!("DTEND;VALUE=DATE:{}", date(end)),
        ]
    } else {
        [
            format!("DTSTART:{}", utc(start)),
            format!("DTEND:{}", utc(end)),
        ]
    }
}

/// Event UIDs, each given once: the first asker of a UID gets it, later ones (two records
/// with one id, two freezes alike in name and start) get it with `-2`, `-3`, … before the
/// `@`. The calendar's order is sorted, so the same data gives the same UIDs on every run.
struct Uids {
    domain: String,
    given: std::collections::BTreeSet<String>,
}

impl Uids {
    fn give(&mut self, local: &str) -> String {
        let mut uid = format!("{local}@{}.cabinet", self.domain);
        let mut n = 1;
        while self.given.contains(&uid) {
            n += 1;
            uid = format!("{local}-{n}@{}.cabinet", self.domain);
        }
        self.given.insert(uid.clone());
        uid
    }
}

/// A record id as the local part of a UID: ids are letters, digits, `.`, `_` and `-`
/// already (the schema's pattern); anything else becomes `-`, so a UID stays one token.
fn slug_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The iCalendar feed. `calendar` names the catalogue (UIDs are scoped by it); `now` is the
/// DTSTAMP.
pub(crate) fn ics(
    out: &mut dyn Write,
    s: &Schedule,
    calendar: &str,
    now: Timestamp,
) -> io::Result<()> {
    let mut uids = Uids {
        domain: slug(calendar),
        given: Default::default(),
    };
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//cabinet//change calendar//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(&format!("{calendar}: changes"))),
    ];
    for c in &s.changes {
        let status = match c.status {
            ChangeStatus::Draft | ChangeStatus::Requested => "TENTATIVE",
            ChangeStatus::Cancelled => "CANCELLED",
            _ => "CONFIRMED",
        };
        let mut description = format!(
            "{} change, {} risk, {}.\nAffects: {}.\nRequested by {}.\nRecord: {}",
            c.change_type.as_str(),
            c.risk.as_str(),
            c.status.as_str(),
            c.affects.join(", "),
            c.requester,
            c.file
        );
        if !c.conflicts.is_empty() {
            description.push_str(&format!("\nCONFLICTS with {}", c.conflicts.join(", ")));
        }
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:{}", uids.give(&slug_id(&c.id))),
            format!("DTSTAMP:{}", utc(now)),
            format!("DTSTART:{}", utc(c.start)),
            format!("DTEND:{}", utc(c.end)),
            format!("SUMMARY:{}", text(&format!("{} {}", c.id, c.name))),
            format!("DESCRIPTION:{}", text(&description)),
            format!("STATUS:{status}"),
            format!(
                "CATEGORIES:{},{}",
                c.change_type.as_str(),
                text(c.risk.as_str())
            ),
            "END:VEVENT".into(),
        ]);
    }
    for f in &s.freezes {
        let allow: Vec<&str> = f.allow.iter().map(|t| t.as_str()).collect();
        let [start, end] = span(f.start, f.end);
        lines.extend([
            "BEGIN:VEVENT".into(),
            // A freeze is an entry of the Policy, without an id of its own: its name and
            // start tell it from the others.
            format!(
                "UID:{}",
                uids.give(&format!("freeze-{}-{}", slug(&f.name), utc(f.start)))
            ),
            format!("DTSTAMP:{}", utc(now)),
            start,
            end,
            format!("SUMMARY:{}", text(&format!("Change freeze: {}", f.name))),
            format!(
                "DESCRIPTION:{}",
                text(&format!(
                    "From {} to {}. Allowed: {}.",
                    f.start,
                    f.end,
                    if allow.is_empty() {
                        "nothing".to_string()
                    } else {
                        allow.join(", ")
                    }
                ))
            ),
            "TRANSP:TRANSPARENT".into(),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let body: String = lines.iter().map(|l| fold(l)).collect();
    out.write_all(body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::ScheduledFreeze;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn text_values_escape_separators() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    fn t(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_freeze_of_whole_days_is_all_day_and_any_other_keeps_its_times() {
        assert_eq!(
            span(t("2026-12-15T00:00:00Z"), t("2027-01-05T00:00:00Z")),
            ["DTSTART;VALUE=DATE:20261215", "DTEND;VALUE=DATE:20270105"]
        );
        // 17:00Z to 05:00Z is a night, not two whole days.
        assert_eq!(
            span(t("2026-12-10T17:00:00Z"), t("2026-12-11T05:00:00Z")),
            ["DTSTART:20261210T170000Z", "DTEND:20261211T050000Z"]
        );
        assert_eq!(
            span(t("2026-12-10T00:00:00Z"), t("2026-12-11T00:00:01Z")),
            ["DTSTART:20261210T000000Z", "DTEND:20261211T000001Z"]
        );
    }

    fn freeze(name: &str, start: &str, end: &str) -> ScheduledFreeze {
        ScheduledFreeze {
            name: name.into(),
            start: t(start),
            end: t(end),
            allow: Vec::new(),
            scope: Vec::new(),
        }
    }

    fn feed(s: &Schedule) -> String {
        let mut out = Vec::new();
        ics(&mut out, s, "Acme", t("2026-11-22T09:00:00Z")).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_event_has_its_own_uid_the_same_on_every_run() {
        let s = Schedule {
            from: t("2026-12-01T00:00:00Z"),
            to: t("2027-01-31T00:00:00Z"),
            changes: Vec::new(),
            freezes: vec![
                freeze(
                    "Release freeze",
                    "2026-12-10T17:00:00Z",
                    "2026-12-11T05:00:00Z",
                ),
                freeze(
                    "Release freeze",
                    "2027-01-10T17:00:00Z",
                    "2027-01-11T05:00:00Z",
                ),
                freeze(
                    "Release freeze",
                    "2027-01-10T17:00:00Z",
                    "2027-01-11T05:00:00Z",
                ),
            ],
            windows: Vec::new(),
            conflicts: Vec::new(),
            undecided: Vec::new(),
        };
        let text = feed(&s);
        let uids: Vec<&str> = text.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(
            uids,
            [
                "UID:freeze-release-freeze-20261210T170000Z@acme.cabinet",
                "UID:freeze-release-freeze-20270110T170000Z@acme.cabinet",
                "UID:freeze-release-freeze-20270110T170000Z-2@acme.cabinet",
            ]
        );
        assert_eq!(feed(&s), text);
    }
}
