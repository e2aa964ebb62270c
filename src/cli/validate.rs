//! `cabinet validate`.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::load::Source;
use crate::report::{self, Style};
use crate::validation;
use crate::vcs::git;

/// Check every record: schema, references, cycles, lifecycle, SLA, change, incident and
/// problem rules
///
/// SLA breaches of open incidents and overdue actions are judged at --now (default: the
/// clock). Formats (--format): human (default), json, github, sarif, junit. Exit status: 0 valid,
/// 1 errors found, 2 usage or configuration error, 3 could not complete.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Read the records of this git revision (a branch, tag, sha or `HEAD~3`) instead of the
    /// working tree
    #[arg(long, value_name = "REV", conflicts_with = "staged")]
    pub rev: Option<String>,
    /// Read what is staged for the next commit (git's index) instead of the working tree: what
    /// a pre-commit hook must check, since unstaged edits are not part of the commit
    #[arg(long)]
    pub staged: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
}

pub(super) fn run(global: &GlobalArgs, args: &ValidateArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let now = global.now()?;
    let root = global.root()?;
    let source = match &args.rev {
        Some(rev) => Source::Revision(rev.clone()),
        None if args.staged => Source::Revision(git::GitRepo::discover(&root)?.stage()?),
        None => Source::WorkTree,
    };
    let started = std::time::Instant::now();
    let v = validation::run(&root, &source, now)?;
    let facts = report::junit::RunFacts {
        now,
        elapsed: started.elapsed(),
    };
    let style = Style {
        color: global.color(),
        path_prefix: git::worktree_prefix(&root),
    };
    super::emit(|out| match format {
        Format::Human => report::human::write(out, &v, &style),
        Format::Json => report::json::write(out, &v),
        Format::Github => report::github::write(out, &v, &style),
        Format::Sarif => report::sarif::write(out, &v, &style),
        Format::Junit => report::junit::write(out, &v, &facts),
    })?;
    let status = if v.ok() {
        ExitStatus::Ok
    } else {
        ExitStatus::Blocked
    };
    super::leak(v);
    Ok(status)
}
