//! `cabinet check`: the merge gate.

mod github;

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::gate;
use crate::load::Source;
use crate::report::{self, Style};
use crate::templates::Templates;
use crate::vcs::git;

/// Gate a pull request: validate the head, compute impact and risk, apply the base policy
///
/// The policy (freezes, maintenance windows, approvals, risk weights) is always read from
/// --base, so a pull request cannot loosen the rules that judge it. Formats (--format):
/// human (default), json, markdown, github, sarif. Exit status: 0 nothing blocks, 1 a
/// blocking finding, 2 usage error, 3 could not complete.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The pull request's base revision
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The pull request's head revision (default: the working tree, or the head of the
    /// pull request from --approvals or --github)
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// The pull request's reviews and commits as JSON (shape in the README); the approval
    /// rules of the base policy are then applied
    #[arg(long, value_name = "FILE")]
    pub approvals: Option<std::path::PathBuf>,
    /// Block the merge when no approvals source (--approvals or --github) is given, as the
    /// Policy's `requireApprovals: true` does; without either, the report says approvals were
    /// not evaluated and what they will need
    #[arg(long)]
    pub require_approvals: bool,
    #[command(flatten)]
    pub github: github::GithubArgs,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
    Markdown,
    Github,
    Sarif,
}

pub(super) fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let root = global.root()?;
    let now = global.now()?;
    let remote = github::Remote::connect(&args.github)?;
    let pull_request = match (&args.approvals, &remote) {
        (Some(path), _) => Some(read_pull_request(path)?),
        (None, Some(remote)) => Some(remote.fetch()?),
        (None, None) => None,
    };
    let head = match (&args.head, &pull_request) {
        (Some(rev), _) => Source::Revision(rev.clone()),
        (None, Some(pr)) => Source::Revision(pr.head_sha.clone()),
        (None, None) => Source::WorkTree,
    };
    let g = gate::run(
        &root,
        &args.base,
        &head,
        now,
        pull_request.as_ref(),
        args.require_approvals,
    )?;
    let style = Style {
        color: global.color(),
        path_prefix: git::worktree_prefix(&root),
    };
    match format {
        Format::Human => super::emit(|out| report::check::human(out, &g, &style))?,
        Format::Json => super::emit(|out| report::check::json(out, &g))?,
        Format::Github => super::emit(|out| report::check::github(out, &g, &style))?,
        Format::Sarif => super::emit(|out| report::check::sarif(out, &g, &style))?,
        Format::Markdown => {
            let text = Templates::for_repo(&root).render("check.md", report::check::context(&g))?;
            super::emit(|out| out.write_all(text.as_bytes()))?;
        }
    }
    if let (Some(remote), Some(pr)) = (&remote, &pull_request) {
        remote.publish(&root, &args.base, &g, pr)?;
    }
    let status = if g.ok() {
        ExitStatus::Ok
    } else {
        ExitStatus::Blocked
    };
    super::leak(g);
    Ok(status)
}

fn read_pull_request(
    path: &std::path::Path,
) -> Result<crate::approval::pr::PullRequest, CommandError> {
    use crate::approval::pr::{self, MAX_FILE_BYTES, ReadError};
    let cannot = |e: &dyn std::fmt::Display| {
        CommandError::usage(format!(
            "cannot read the approvals file {}: {e}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    // A regular file is measured before it is read; anything else (a pipe, a device) is read
    // through the bound.
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(cannot(&ReadError::TooLarge));
    }
    let bytes = pr::read_bounded(file).map_err(|e| cannot(&e))?;
    pr::parse(&bytes).map_err(|e| {
        CommandError::usage(format!("{}:{}:{}: not an approvals file: {e}", path.display(), e.line(), e.column()))
            .hint("the file holds the pull request's `author`, `head_sha`, `draft`, `commits` and `reviews` (GitHub's review objects)")
    })
}
