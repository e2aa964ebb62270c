//! `cabinet check`: the merge gate.

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
    /// The pull request's head revision (default: the working tree)
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
    Github,
    Sarif,
}

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let root = global.root()?;
    let now = global.now()?;
    let head = args.head.clone().map_or(Source::WorkTree, Source::Revision);
    let g = gate::run(&root, &args.base, &head, now)?;
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
    Ok(if g.ok() {
        ExitStatus::Ok
    } else {
        ExitStatus::Blocked
    })
}
