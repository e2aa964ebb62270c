//! `cabinet impact`.

use super::GlobalArgs;
use crate::changeset::{self, Revision};
use crate::diag::{self, Severity};
use crate::error::{CommandError, ExitStatus};
use crate::graph::DependencyGraph;
use crate::load::{self, Loaded, Source};
use crate::model::{Kind, RecordRef, RecordSet};
use crate::report;
use crate::risk::Ledger;
use crate::templates::Templates;
use std::path::Path;

/// Show what changed records take down or degrade, and the risk that follows
///
/// Name records (`ci:pg-main`, `service:payments-api`, `change:CHG-2026-0042` for what a
/// change record affects, or `incident:INC-2026-0101` for what an incident took down), or
/// compare two revisions with --base (and --head, default: the
/// working tree): records added, removed or edited, and the `affects` of change records added
/// or edited. Formats (--format): human (default), json, markdown.
#[derive(Debug, clap::Args)]
pub struct ImpactArgs {
    /// Records to take down: `KIND:ID`
    #[arg(value_name = "REF")]
    pub refs: Vec<String>,
    /// The revision to compare against (a pull request's base)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The revision with the change (default: the working tree)
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// Read named records from this revision instead of the working tree
    #[arg(long, value_name = "REV", conflicts_with = "base")]
    pub rev: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
    Markdown,
}

/// Load a revision for analysis; problems in its records are summarised on stderr, since
/// `validate` is the command that reports them.
pub(super) fn load_records(root: &Path, source: &Source) -> Result<Loaded, CommandError> {
    let loaded = load::load(root, source)?;
    warn_of_problems(&loaded, source);
    Ok(loaded)
}

/// Say on stderr how many record problems a revision has (invalid records are left out).
fn warn_of_problems(loaded: &Loaded, source: &Source) {
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        let which = match source {
            Source::WorkTree => "the working tree".to_string(),
            Source::Revision(r) => format!("revision `{r}`"),
        };
        crate::cli::warn(&format!(
            "{errors} record problem(s) in {which}; invalid records are left out (run `cabinet validate` to see them)"
        ));
    }
}

pub(crate) fn resolve_refs(
    set: &RecordSet,
    refs: &[String],
) -> Result<Vec<RecordRef>, CommandError> {
    let mut out = Vec::new();
    for text in refs {
        let r = RecordRef::parse(text).ok_or_else(|| {
            CommandError::usage(format!("`{text}` is not a reference"))
                .hint("write `KIND:ID`: service:ID, ci:ID, change:ID or incident:ID")
        })?;
        if !matches!(
            r.kind,
            Kind::Service | Kind::ConfigurationItem | Kind::Change | Kind::Incident
        ) {
            return Err(CommandError::usage(format!(
                "`{r}` is not a service, CI, change record or incident"
            ))
            .hint("impact follows dependencies between services and CIs"));
        }
        if !set.contains(&r) {
            let e = CommandError::usage(format!("there is no `{r}`"));
            return Err(match diag::closest(&r.id, set.ids(r.kind)) {
                Some(near) => e.hint(format!("did you mean `{}`?", RecordRef::new(r.kind, near))),
                None => e,
            });
        }
        out.push(r);
    }
    Ok(out)
}

pub(super) fn run(global: &GlobalArgs, args: &ImpactArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Human)?;
    let root = global.root()?;
    let (report, base_commit, head_commit) = match &args.base {
        Some(base_rev) => {
            if !args.refs.is_empty() {
                return Err(CommandError::usage("name records or give --base, not both")
                    .hint("with --base the changed records come from the difference between the revisions"));
            }
            let head_source = args.head.clone().map_or(Source::WorkTree, Source::Revision);
            let (base, head) = load::load_pair(&root, base_rev, &head_source)?;
            warn_of_problems(&base, &Source::Revision(base_rev.clone()));
            warn_of_problems(&head, &head_source);
            let policy = base
                .records
                .policy()
                .map(|(_, p)| p.risk.clone())
                .unwrap_or_default();
            let (base_graph, head_graph) = rayon::join(
                || DependencyGraph::build(&base.records),
                || DependencyGraph::build(&head.records),
            );
            let history = Ledger::read(&[&base.records, &head.records], global.now()?, &policy);
            let report = changeset::between(
                Revision {
                    records: &base.records,
                    graph: &base_graph,
                },
                Revision {
                    records: &head.records,
                    graph: &head_graph,
                },
                &policy,
                &history,
            );
            (report, base.commit, head.commit)
        }
        None => {
            if args.refs.is_empty() {
                return Err(
                    CommandError::usage("name the records to take down, or give --base")
                        .hint("`cabinet impact ci:pg-main`, or `cabinet impact --base main`"),
                );
            }
            let source = args.rev.clone().map_or(Source::WorkTree, Source::Revision);
            let loaded = load_records(&root, &source)?;
            let refs = resolve_refs(&loaded.records, &args.refs)?;
            let graph = DependencyGraph::build(&loaded.records);
            let policy = loaded
                .records
                .policy()
                .map(|(_, p)| p.risk.clone())
                .unwrap_or_default();
            let history = Ledger::read(&[&loaded.records], global.now()?, &policy);
            let report = changeset::of_records(&loaded.records, &graph, &refs, &policy, &history);
            (report, None, loaded.commit)
        }
    };
    let meta = report::impact::Revisions {
        base: base_commit,
        head: head_commit,
    };
    match format {
        Format::Human => {
            super::emit(|out| report::impact::human(out, &report, &meta, global.color()))?
        }
        Format::Json => super::emit(|out| report::impact::json(out, &report, &meta))?,
        Format::Markdown => {
            let text = Templates::for_repo(&root)
                .render("impact.md", report::impact::context(&report, &meta))?;
            super::emit(|out| out.write_all(text.as_bytes()))?;
        }
    }
    Ok(ExitStatus::Ok)
}
