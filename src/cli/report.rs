//! `cabinet report`: the figures that steer the service.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::figures::{self, GroupBy, Interval, Period, Request, Settings};
use crate::graph::DependencyGraph;
use crate::load::Source;
use crate::report;
use crate::templates::Templates;

/// Report change, incident and service figures for a period
///
/// Changes count when their window ended in the period and they have an outcome; incidents
/// when they were detected in it; a service's availability comes from the computed impact of
/// its incidents, overlapping incidents merged. Group with --by, trend with --interval.
/// Formats (--format): human (default), json, markdown (for a wiki page or a pull-request
/// comment), csv (one row per group and interval).
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Start of the period: a date (`2026-09-01`, midnight UTC) or an RFC 3339 time
    /// (default: 90 days before --to)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// End of the period, not included (default: --now)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Group the figures by what changes and incidents reached, or by change type or model
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<By>,
    /// Cut the period into weeks (from Monday) or calendar months, in UTC
    #[arg(long, value_enum, value_name = "INTERVAL")]
    pub interval: Option<Every>,
    /// Read the records of this revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Also measure lead times from the git history of --rev (default HEAD): from the commit
    /// that added each change record to the first in which it was approved, and to the first
    /// in which it was carried out. Needs the whole history (not a shallow clone)
    #[arg(long)]
    pub lead_time: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum By {
    Service,
    Team,
    Tier,
    Type,
    Model,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Every {
    Week,
    Month,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
    Markdown,
    Csv,
}

pub(super) fn run(global: &GlobalArgs, args: &ReportArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let root = global.root()?;
    let now = global.now()?;
    let to = match &args.to {
        Some(t) => super::schedule::date("--to", t)?,
        None => now,
    };
    let from = match &args.from {
        Some(t) => super::schedule::date("--from", t)?,
        None => Period::days_before(to, 90).from,
    };
    if to <= from {
        return Err(CommandError::usage("--to must be after --from"));
    }
    let period = Period { from, to };
    let interval = args.interval.map(|i| match i {
        Every::Week => Interval::Week,
        Every::Month => Interval::Month,
    });
    if let Some(i) = interval
        && period.cut(i, figures::MAX_INTERVALS).is_none()
    {
        return Err(CommandError::usage(format!(
            "the period cuts into more than {} intervals",
            figures::MAX_INTERVALS
        ))
        .hint("shorten the period, or use --interval month"));
    }
    let source = args.rev.clone().map_or(Source::WorkTree, Source::Revision);
    let loaded = super::impact::load_records(&root, &source)?;
    let policy = loaded.records.policy().map(|(_, p)| p);
    let review = policy.map(|p| p.review.clone()).unwrap_or_default();
    let settings = Settings {
        degraded_weight: policy.map_or(0.5, |p| p.degraded_availability_weight),
        outcome_days: review.outcome_days,
        recurring: review.recurring_incidents,
    };
    let request = Request {
        period,
        now,
        by: args.by.map(|b| match b {
            By::Service => GroupBy::Service,
            By::Team => GroupBy::Team,
            By::Tier => GroupBy::Tier,
            By::Type => GroupBy::Type,
            By::Model => GroupBy::Model,
        }),
        interval,
    };
    let graph = DependencyGraph::build(&loaded.records);
    // Lead times come from the history of the revision read (the working tree's: HEAD's).
    let history = match args.lead_time {
        true => Some(crate::lead_time::read(
            &root,
            args.rev.as_deref().unwrap_or("HEAD"),
        )?),
        false => None,
    };
    let figures = figures::compute(
        &loaded.records,
        &graph,
        &request,
        &settings,
        history.as_ref(),
    );
    match format {
        Format::Human => super::emit(|out| report::figures::human(out, &figures, global.color()))?,
        Format::Json => super::emit(|out| report::figures::json(out, &figures))?,
        Format::Csv => super::emit(|out| report::figures::csv(out, &figures))?,
        Format::Markdown => {
            let text = Templates::for_repo(&root).render("report.md", &figures)?;
            super::emit(|out| out.write_all(text.as_bytes()))?;
        }
    }
    Ok(ExitStatus::Ok)
}
