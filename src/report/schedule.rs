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

/// A date for all-day events; an end that is not midnight rounds up to the next day.
fn day(t: Timestamp, round_up: bool) -> String {
    let mut d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
    if round_up && t.as_second() % 86_400 != 0 {
        d = d.tomorrow().unwrap_or(d);
    }
    d.strftime("%Y%m%d").to_string()
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
    let domain = slug(calendar);
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
            format!("UID:{}@{domain}.cabinet", c.id),
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
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:freeze-{}@{domain}.cabinet", slug(&f.name)),
            format!("DTSTAMP:{}", utc(now)),
            format!("DTSTART;VALUE=DATE:{}", day(f.start, false)),
            format!("DTEND;VALUE=DATE:{}", day(f.end, true)),
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

    #[test]
    fn all_day_freezes_round_their_end_up() {
        let t: Timestamp = "2027-01-05T00:00:00Z".parse().unwrap();
        assert_eq!(day(t, true), "20270105");
        let t: Timestamp = "2027-01-05T06:00:00Z".parse().unwrap();
        assert_eq!(day(t, true), "20270106");
    }
}
