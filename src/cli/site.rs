//! `cabinet site build`: the static catalogue site.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::load::Source;
use crate::site::{self, SiteError, SiteFile, SiteInput};
use crate::templates::Templates;
use crate::vcs::git::{GitError, GitRepo};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

pub(super) fn run(global: &GlobalArgs, args: &SiteArgs) -> Result<ExitStatus, CommandError> {
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
    // `--out` is the operator's choice; `spec.site.out` is the repository's, and a pull
    // request can edit it: it must name a folder inside the repository.
    let (out, from_config) = match &args.out {
        Some(dir) => (dir.clone(), false),
        None => {
            let configured = loaded
                .records
                .config()
                .and_then(|c| c.site.as_ref())
                .and_then(|s| s.out.clone());
            let from_config = configured.is_some();
            let rel = configured.unwrap_or_else(|| "public".to_string());
            check_configured_out(&rel)?;
            (root.join(rel), from_config)
        }
    };
    check_output(&root, &out, from_config)?;
    let input = SiteInput {
        records: &loaded.records,
        history: &history,
        now,
        commit: loaded.commit.clone(),
        in_git,
    };
    // Pages go to disk as they are rendered, into a folder beside `out` that takes its
    // place only once the whole site is there. SIGINT or SIGTERM stops the build at the next
    // file and removes the folder (a second signal ends the process at once; the next build
    // removes what that leaves).
    let stop = interruptible()?;
    let staging = Staging::create(&out, stop)?;
    if let Err(e) = site::build(&input, &templates, &staging) {
        staging.discard();
        return Err(e.into());
    }
    if staging.stopped() {
        staging.discard();
        return Err(SiteError::Interrupted.into());
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

/// A flag that SIGINT and SIGTERM raise from now on; a second signal ends the process.
fn interruptible() -> Result<Arc<AtomicBool>, CommandError> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The shutdown first: it fires only once the flag is up, i.e. on the second signal.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .map_err(|e| CommandError::failure(format!("cannot handle signals: {e}")))?;
    }
    Ok(stop)
}

/// `spec.site.out` names a folder inside the repository: a relative path without `..`.
fn check_configured_out(rel: &str) -> Result<(), CommandError> {
    use std::path::Component;
    let path = Path::new(rel);
    let escapes = rel.is_empty()
        || path.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        });
    if escapes {
        return Err(CommandError::usage(format!(
            "spec.site.out `{}` in cabinet.yaml is not a folder inside the repository",
            crate::report::escape(rel)
        ))
        .hint("write a relative path without `..`, such as `public`, or give --out"));
    }
    Ok(())
}

/// `p` made absolute, with every link in the part that exists resolved (the rest, which does
/// not exist yet, taken as written).
fn resolve(p: &Path) -> PathBuf {
    use std::path::Component;
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = p.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    let mut base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                base.pop();
            }
            Component::CurDir => {}
            c => base.push(c.as_os_str()),
        }
    }
    base
}

/// Refuse outputs that would replace something that is not a site: the repository itself,
/// a folder above it, a folder under a `.git`, a non-empty folder cabinet did not build, or
/// (for `spec.site.out`) a folder outside the repository.
fn check_output(root: &Path, out: &Path, from_config: bool) -> Result<(), CommandError> {
    let root_abs = resolve(root);
    let out_abs = resolve(out);
    let shown = || crate::report::escape(&out.display().to_string()).into_owned();
    if out_abs
        .components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"))
    {
        return Err(CommandError::usage(format!(
            "the site would be written under a .git folder ({}); cabinet never writes there",
            shown()
        ))
        .hint("write the site to a folder of its own, e.g. `public`"));
    }
    if from_config && !(out_abs.starts_with(&root_abs) && out_abs != root_abs) {
        return Err(CommandError::usage(format!(
            "spec.site.out in cabinet.yaml leads outside the repository ({} is {})",
            shown(),
            crate::report::escape(&out_abs.display().to_string())
        ))
        .hint("name a folder inside the repository (a link on the way counts), or give --out"));
    }
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
    /// Raised by SIGINT or SIGTERM: the next file is refused.
    stop: Arc<AtomicBool>,
}

/// A staging or retired folder older than this is removed even when its process id is in
/// use (by then, most likely by another process).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

impl Staging {
    fn create(out: &Path, stop: Arc<AtomicBool>) -> Result<Staging, CommandError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        remove_stale(&parent, &file_name(out));
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
            stop,
        })
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
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

/// Remove what earlier builds of the site `name` left in `parent` when they were killed:
/// `.NAME.building-PID` and `.NAME.old-PID` folders whose process is gone, or that are older
/// than `STALE_AFTER`. Only real folders with exactly these names are touched.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(pid) = [".building-", ".old-"].iter().find_map(|kind| {
            file.strip_prefix('.')?
                .strip_prefix(name)?
                .strip_prefix(kind)?
                .parse::<u32>()
                .ok()
        }) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_dir() || pid == own {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old || !alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id exists. Where that cannot be told (no `/proc`), a
/// process is taken to be alive, and its folders go only when they are old.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string())
}

impl site::Sink for Staging {
    fn put(&self, file: SiteFile) -> Result<(), SiteError> {
        if self.stopped() {
            return Err(SiteError::Interrupted);
        }
        let target = self.dir.join(&file.path);
        let failed = |source| SiteError::Write {
            path: target.clone(),
            source,
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
