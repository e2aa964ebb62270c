//! `cabinet schedule`: the change calendar.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::load::Source;
use crate::report;
use crate::schedule;
use jiff::Timestamp;

/// Show the change calendar: changes, freezes, maintenance windows and conflicts
///
/// Formats (--format): human (default), json, ics (an iCalendar feed a CAB member can
/// subscribe to; events keep their UID when a change moves).
#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// Start of the period: a date (`2026-12-01`, midnight UTC) or an RFC 3339 time
    /// (default: now)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// End of the period (default: 90 days after --from)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Read the records of this revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
    Ics,
}

pub(super) fn date(flag: &str, text: &str) -> Result<Timestamp, CommandError> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            CommandError::usage(format!(
                "{flag} `{text}` is neither a date nor an RFC 3339 time"
            ))
            .hint("write `2026-12-01` or `2026-12-01T00:00:00Z`")
        })
}

pub(super) fn run(global: &GlobalArgs, args: &ScheduleArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let root = global.root()?;
    let now = global.now()?;
    let from = match &args.from {
        Some(t) => date("--from", t)?,
        None => now,
    };
    let to = match &args.to {
        Some(t) => date("--to", t)?,
        None => Timestamp::from_second(from.as_second() + 90 * 86_400).unwrap_or(from),
    };
    if to <= from {
        return Err(CommandError::usage("--to must be after --from"));
    }
    let source = args.rev.clone().map_or(Source::WorkTree, Source::Revision);
    let loaded = super::impact::load_records(&root, &source)?;
    let policy = loaded.records.policy().map(|(_, p)| p);
    let s = schedule::build(&loaded.records, policy, from, to);
    match format {
        Format::Human => super::emit(|out| report::schedule::human(out, &s))?,
        Format::Json => super::emit(|out| report::schedule::json(out, &s))?,
        Format::Ics => {
            let name = loaded
                .records
                .config()
                .and_then(|c| c.title.clone())
                .or_else(|| {
                    loaded
                        .records
                        .of_kind(crate::model::Kind::Config)
                        .next()
                        .map(|r| r.id().to_string())
                })
                .unwrap_or_else(|| "cabinet".to_string());
            super::emit(|out| report::schedule::ics(out, &s, &name, now))?
        }
    }
    // A window that could not be listed leaves the calendar incomplete: say so by the code.
    if !s.undecided.is_empty() {
        for u in &s.undecided {
            super::warn(&format!(
                "maintenance window {} could not be listed: {}",
                report::escape(&u.name),
                u.reason
            ));
        }
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Ok)
}
