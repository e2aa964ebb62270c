//! `cabinet site build`: the static catalogue site.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::load::Source;
use crate::site::{self, SiteFile, SiteInput};
use crate::templates::Templates;
use crate::vcs::git::{GitError, GitRepo};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Build the catalogue site
#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    #[command(subcommand)]
    pub command: SiteCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SiteCommand {
    Build(BuildArgs),
}

/// Build the static catalogue site: a page per service, CI, SLA, team and change record,
/// the change calendar with its iCalendar feed, known risks, and a search that works offline
///
/// The site is written to a temporary folder beside the output and swapped in only when it
/// is complete, so a failed build leaves the previous site as it was. Links are relative:
/// the site works under any base path and opened from disk (`public/index.html`). Templates
/// are embedded; put a file of the same name (`site/service.html`, `site/site.css` ...) in
/// the repository's templates/ folder, or in --templates DIR, to override one.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Where to write the site (default: `spec.site.out` of cabinet.yaml, else `public`,
    /// inside the repository)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A folder of templates that override the embedded ones (default: the repository's
    /// templates/ folder)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Read the records of this revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// Marks a folder as a site cabinet built, which a later build may replace.
const MARKER: &str = ".cabinet-site";

pub fn run(global: &GlobalArgs, args: &SiteArgs) -> Result<ExitStatus, CommandError> {
    match &args.command {
        SiteCommand::Build(b) => build(global, b),
    }
}

fn build(global: &GlobalArgs, args: &BuildArgs) -> Result<ExitStatus, CommandError> {
    let root = global.root()?;
    let now = global.now()?;
    let source = args.rev.clone().map_or(Source::WorkTree, Source::Revision);
    let loaded = super::impact::load_records(&root, &source)?;
    let (history, in_git) = history(&root, args.rev.as_deref())?;
    let templates = match &args.templates {
        Some(dir) if !dir.is_dir() => {
            return Err(CommandError::usage(format!(
                "--templates {} is not a folder",
                dir.display()
            )));
        }
        Some(dir) => Templates::new(Some(dir)),
        None => Templates::for_repo(&root),
    };
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => root.join(
            loaded
                .records
                .config()
                .and_then(|c| c.site.as_ref())
                .and_then(|s| s.out.clone())
                .unwrap_or_else(|| "public".to_string()),
        ),
    };
    check_output(&root, &out)?;
    let input = SiteInput {
        records: &loaded.records,
        history: &history,
        now,
        commit: loaded.commit.clone(),
        in_git,
    };
    let files = site::build(&input, &templates)?;
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    publish(&out, &files)?;
    let shown = out.display().to_string();
    super::emit(|w| {
        writeln!(
            w,
            "built {pages} pages into {shown} (open {})",
            Path::new(&shown).join("index.html").display()
        )
    })?;
    Ok(ExitStatus::Ok)
}

/// The commits of every record file, from the revision read (or HEAD for the working tree).
/// Outside git there is no history; that is not an error.
fn history(
    root: &Path,
    rev: Option<&str>,
) -> Result<(HashMap<String, Vec<crate::vcs::git::FileCommit>>, bool), CommandError> {
    let repo = match GitRepo::discover(root) {
        Ok(repo) => repo,
        Err(GitError::NotARepository { .. }) => return Ok((HashMap::new(), false)),
        Err(e) => return Err(e.into()),
    };
    match repo.file_histories(rev.unwrap_or("HEAD"), site::HISTORY_CAP) {
        Ok(h) => Ok((h, true)),
        // A repository with no commit yet has no history.
        Err(GitError::UnknownRevision { .. }) if rev.is_none() => Ok((HashMap::new(), true)),
        Err(e) => Err(e.into()),
    }
}

/// Refuse outputs that would replace something that is not a site: the repository itself,
/// a folder above it, or a non-empty folder cabinet did not build.
fn check_output(root: &Path, out: &Path) -> Result<(), CommandError> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.canonicalize().unwrap_or(p)
    };
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if root_abs.starts_with(&out_abs) {
        return Err(CommandError::usage(format!(
            "--out {} would replace the repository itself",
            out.display()
        ))
        .hint("write the site to a folder of its own, e.g. `--out public`"));
    }
    if out.is_file() {
        return Err(CommandError::usage(format!(
            "{} is a file, not a folder",
            out.display()
        )));
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(CommandError::usage(format!(
                "{} is not empty and was not built by cabinet; it is left alone",
                out.display()
            ))
            .hint("choose another --out, or empty the folder first"));
        }
    }
    Ok(())
}

/// Write the site beside `out` and swap it in whole.
fn publish(out: &Path, files: &[SiteFile]) -> Result<(), CommandError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| CommandError::failure(format!("cannot create {}: {e}", parent.display())))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.building-{pid}"));
    let retired = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_all(&staging, files);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(CommandError::failure(format!(
            "cannot write the site to {}: {e}",
            staging.display()
        )));
    }
    // Two renames: the old site steps aside, the new one takes its name. Between them a
    // reader may find no site for a moment, never half of one.
    let had_old = out.exists();
    if had_old && let Err(e) = std::fs::rename(out, &retired) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(CommandError::failure(format!(
            "cannot move the previous site {} aside: {e}",
            out.display()
        )));
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        if had_old {
            let _ = std::fs::rename(&retired, out);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(CommandError::failure(format!(
            "cannot move the new site into {}: {e}",
            out.display()
        )));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&retired);
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[SiteFile]) -> std::io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir)?;
    let mut folders: Vec<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for f in folders {
        std::fs::create_dir_all(dir.join(f))?;
    }
    files
        .par_iter()
        .try_for_each(|f| std::fs::write(dir.join(&f.path), &f.bytes))?;
    std::fs::write(
        dir.join(MARKER),
        "This folder is a site built by `cabinet site build`; the next build replaces it.\n",
    )
}
