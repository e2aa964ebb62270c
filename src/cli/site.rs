//! `cabinet site build`: the static catalogue site.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::load::Source;
use crate::site::{self, SiteFile, SiteInput};
use crate::templates::Templates;
use crate::vcs::git::{GitError, GitRepo};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    // Pages go to disk as they are rendered, into a folder beside `out` that takes its
    // place only once the whole site is there.
    let staging = Staging::create(&out)?;
    if let Err(e) = site::build(&input, &templates, &staging) {
        staging.discard();
        return Err(e);
    }
    let pages = staging.pages.load(Ordering::Relaxed);
    staging.publish(&out)?;
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

/// The folder a site is written to while it is built: beside the output, named after it and
/// this process, so that a failed build leaves the previous site untouched.
struct Staging {
    dir: PathBuf,
    /// Folders made so far, relative to `dir`.
    folders: Mutex<HashSet<String>>,
    /// HTML pages written.
    pages: AtomicUsize,
}

impl Staging {
    fn create(out: &Path) -> Result<Staging, CommandError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = parent.join(format!(
            ".{}.building-{}",
            file_name(out),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| CommandError::failure(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Staging {
            dir,
            folders: Mutex::new(HashSet::new()),
            pages: AtomicUsize::new(0),
        })
    }

    fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Mark the folder as a site and swap it in for `out` whole.
    fn publish(self, out: &Path) -> Result<(), CommandError> {
        if let Err(e) = std::fs::write(
            self.dir.join(MARKER),
            "This folder is a site built by `cabinet site build`; the next build replaces it.\n",
        ) {
            let shown = self.dir.join(MARKER).display().to_string();
            self.discard();
            return Err(CommandError::failure(format!("cannot write {shown}: {e}")));
        }
        let retired =
            self.dir
                .with_file_name(format!(".{}.old-{}", file_name(out), std::process::id()));
        // Two renames: the old site steps aside, the new one takes its name. Between them a
        // reader may find no site for a moment, never half of one.
        let had_old = out.exists();
        if had_old && let Err(e) = std::fs::rename(out, &retired) {
            self.discard();
            return Err(CommandError::failure(format!(
                "cannot move the previous site {} aside: {e}",
                out.display()
            )));
        }
        if let Err(e) = std::fs::rename(&self.dir, out) {
            if had_old {
                let _ = std::fs::rename(&retired, out);
            }
            self.discard();
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
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string())
}

impl site::Sink for Staging {
    fn put(&self, file: SiteFile) -> Result<(), CommandError> {
        let target = self.dir.join(&file.path);
        let failed = |e: std::io::Error| {
            CommandError::failure(format!("cannot write {}: {e}", target.display()))
        };
        if let Some((folder, _)) = file.path.rsplit_once('/') {
            let mut made = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(folder) {
                std::fs::create_dir_all(self.dir.join(folder)).map_err(failed)?;
                made.insert(folder.to_string());
            }
        }
        std::fs::write(&target, &file.bytes).map_err(failed)?;
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}
