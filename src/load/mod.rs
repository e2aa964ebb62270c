//! From a repository (working tree or any git revision) to typed records and the problems met
//! on the way. Reading is parallel; results are merged in path order so output never depends
//! on scheduling.

mod document;
mod yaml;

pub use document::{Classified, classify};
pub use yaml::{ParsedDocument, ParsedFile, SpanIndex, parse};

use crate::diag::{self, Code, Diagnostic, Location, Span};
use crate::error::CommandError;
use crate::model::{ConfigSpec, Limits, Record, RecordRef, RecordSet, Spec};
use crate::vcs::git::{BlobId, Bounded, EntryKind, GitError, GitRepo, is_record_name};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file at the root of every cabinet repository.
pub const CONFIG_FILE: &str = "cabinet.yaml";

/// Where records are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files on disk.
    WorkTree,
    /// A git revision, read from the object store.
    Revision(String),
}

/// What loading a repository produced.
#[derive(Debug, PartialEq)]
pub struct Loaded {
    pub records: RecordSet,
    /// Every document read (records, invalid ones and skipped ones).
    pub documents: usize,
    /// Documents that are not cabinet records.
    pub skipped: usize,
    /// Problems found while reading, before any semantic check.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read, for locating and showing findings.
    pub texts: BTreeMap<String, Arc<str>>,
    pub limits: Limits,
    /// The commit read, for a revision.
    pub commit: Option<String>,
    /// A limit stopped the reading: some records were not read, so the checks that need the
    /// whole set (references, the graph) cannot be trusted and are not run.
    pub truncated: bool,
}

/// Walk up from `start` to the folder that holds cabinet.yaml.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Read every record under `root` from `source`.
pub fn load(root: &Path, source: &Source) -> Result<Loaded, CommandError> {
    match source {
        Source::WorkTree => load_worktree(root),
        Source::Revision(rev) => load_revision(root, rev),
    }
}

/// A file to read: a path relative to the root, and what it is.
struct Candidate {
    path: String,
    size: u64,
    what: What,
}

/// What sits at a path named like a record file.
#[derive(Clone, PartialEq, Eq)]
enum What {
    File,
    /// A symbolic link, with its target.
    Link(String),
    /// A folder, pipe, socket or device: never read.
    NotAFile(&'static str),
    /// A name that is not UTF-8: never read.
    BadName,
}

/// Above this, cabinet.yaml is refused before its settings are read (they decide the other
/// limits, so this one is fixed).
const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

/// The options that come from cabinet.yaml before anything else is read.
#[derive(Clone)]
struct Settings {
    limits: Limits,
    exclude: GlobSet,
    site_out: String,
    /// The text of cabinet.yaml these came from (`None` when it is a link).
    source: Option<String>,
}

impl Settings {
    fn from_config_text(text: Option<String>) -> Settings {
        let config = text
            .as_deref()
            .map(|t| parse(CONFIG_FILE, t, Limits::default().max_depth))
            .and_then(|parsed| {
                parsed.documents.iter().find_map(|d| {
                    let kind = d.value.get("kind").and_then(|k| k.as_str());
                    (kind == Some("Config")).then(|| {
                        d.value
                            .get("spec")
                            .and_then(|s| serde_json::from_value::<ConfigSpec>(s.clone()).ok())
                    })?
                })
            })
            .unwrap_or_default();
        let mut builder = GlobSetBuilder::new();
        for pattern in &config.exclude {
            if let Ok(glob) = Glob::new(pattern) {
                builder.add(glob);
            }
        }
        Settings {
            limits: config.limits,
            exclude: builder.build().unwrap_or_else(|_| GlobSet::empty()),
            site_out: config
                .site
                .and_then(|s| s.out)
                .unwrap_or_else(|| "public".to_string())
                .trim_matches('/')
                .to_string(),
            source: text,
        }
    }

    /// The settings of the working tree's cabinet.yaml.
    fn of_worktree(root: &Path) -> Result<Settings, CommandError> {
        let config_path = root.join(CONFIG_FILE);
        // Like every other link, a linked cabinet.yaml is not followed (a revision sees only
        // the target's path too): its settings are not read, and the walk reports the link.
        let linked =
            std::fs::symlink_metadata(&config_path).is_ok_and(|m| m.file_type().is_symlink());
        if linked {
            return Ok(Settings::from_config_text(None));
        }
        let cannot = |e: std::io::Error| {
            CommandError::usage(format!("cannot read {}: {e}", config_path.display()))
                .hint("run `cabinet init` to create a repository, or pass `-C DIR`")
        };
        let file = std::fs::File::open(&config_path).map_err(cannot)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, CONFIG_MAX_BYTES + 1),
            &mut bytes,
        )
        .map_err(cannot)?;
        if bytes.len() as u64 > CONFIG_MAX_BYTES {
            return Err(config_too_large(&config_path.display().to_string()));
        }
        Ok(Settings::from_config_text(String::from_utf8(bytes).ok()))
    }

    /// The settings of cabinet.yaml at a commit.
    fn of_revision(repo: &GitRepo, commit: &str, rev: &str) -> Result<Settings, CommandError> {
        match repo.read_path(commit, CONFIG_FILE, CONFIG_MAX_BYTES)? {
            None => Err(CommandError::usage(format!(
                "there is no {CONFIG_FILE} at revision `{rev}`"
            ))),
            Some(Bounded::TooLarge(_)) => Err(config_too_large(&format!("{rev}:{CONFIG_FILE}"))),
            Some(Bounded::Bytes(bytes)) => {
                Ok(Settings::from_config_text(String::from_utf8(bytes).ok()))
            }
        }
    }

    /// Folders never read: git's own, CI configuration, build output and the site.
    fn skips_dir(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        matches!(name, ".git" | ".github" | "target")
            || path == self.site_out
            || self.exclude.is_match(path)
    }

    /// A folder on the way to `path` is one never read.
    fn skips_parent_of(&self, path: &str) -> bool {
        path.match_indices('/')
            .any(|(at, _)| self.skips_dir(&path[..at]))
    }

    fn reads_file(&self, path: &str) -> bool {
        is_record_name(path.as_bytes()) && !self.exclude.is_match(path)
    }
}

fn config_too_large(what: &str) -> CommandError {
    CommandError::usage(format!(
        "{what} is larger than {CONFIG_MAX_BYTES} bytes; its settings are not read"
    ))
    .hint("cabinet.yaml holds settings only; move records to files of their own")
}

/// The files of one revision, read but not merged yet.
struct Files {
    results: Vec<FileResult>,
    settings: Settings,
    commit: Option<String>,
}

impl Files {
    fn merge(self) -> Loaded {
        merge(self.results, self.settings.limits, self.commit)
    }
}

fn load_worktree(root: &Path) -> Result<Loaded, CommandError> {
    Ok(read_worktree(root, Settings::of_worktree(root)?, None)?.merge())
}

fn load_revision(root: &Path, rev: &str) -> Result<Loaded, CommandError> {
    let repo = GitRepo::discover(root)?;
    let commit = repo.resolve(rev)?;
    let settings = Settings::of_revision(&repo, &commit, rev)?;
    Ok(read_revision(&repo, &commit, None, settings, Trust::Sized)?.merge())
}

/// Read two revisions of one repository: `base` in full, then `head` from what differs.
///
/// Both are read under `base`'s settings (what is excluded, the limits): the pull request
/// is judged, so it cannot decide what is read or how. Its own cabinet.yaml is still read,
/// and validated, as a record.
///
/// A pull request touches a few files of thousands, and what a file yields depends only on its
/// bytes and the settings; so the files of `head` that hold the same bytes as in `base` (the
/// same blob id) are taken from `base`'s reading, and only the others are read. The base is
/// what was merged, so its blobs are read without asking their size first; the head's own
/// blobs are sized before they are read. Each side is exactly what `load` of it alone gives.
pub fn load_pair(root: &Path, base: &str, head: &Source) -> Result<(Loaded, Loaded), CommandError> {
    let repo = GitRepo::discover(root)?;
    // A mistyped base is reported before anything is read.
    let base_commit = repo.resolve(base)?;
    let head_commit = match head {
        Source::WorkTree => None,
        Source::Revision(rev) => Some(repo.resolve(rev)?),
    };
    let settings = Settings::of_revision(&repo, &base_commit, base)?;
    let base = read_revision(&repo, &base_commit, None, settings.clone(), Trust::Merged)?;
    let head = match head_commit {
        None => read_worktree(root, settings, Some(&base))?,
        Some(commit) => read_revision(&repo, &commit, Some(&base), settings, Trust::Sized)?,
    };
    Ok(rayon::join(|| base.merge(), || head.merge()))
}

/// How far a revision's blobs are trusted not to exhaust the reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// The base of a pull request, already merged: read without asking the size first (that
    /// costs a third of reading a revision, most blobs being deltas).
    Merged,
    /// Anything else: a blob's size is read from its header before the blob is.
    Sized,
}

/// The reading of the same path in `known` if it holds exactly these bytes.
fn known_reading<'k>(
    known: &foldhash::HashMap<&str, &'k FileResult>,
    path: &str,
    bytes: &[u8],
) -> Option<&'k FileResult> {
    let k = known.get(path)?;
    (k.text.is_some() && k.blob.is_some() && k.blob == BlobId::of(bytes)).then_some(*k)
}

/// The readings of `known` by path, if it was read under the same settings.
fn by_path<'k>(
    known: Option<&'k Files>,
    settings: &Settings,
) -> foldhash::HashMap<&'k str, &'k FileResult> {
    known
        .filter(|k| k.settings.source == settings.source)
        .map(|k| k.results.iter().map(|r| (r.path.as_str(), r)).collect())
        .unwrap_or_default()
}

fn read_worktree(
    root: &Path,
    settings: Settings,
    known: Option<&Files>,
) -> Result<Files, CommandError> {
    let known = by_path(known, &settings);
    let mut candidates = list_worktree(root, &settings)?;
    let cut = cut_at_limit(&mut candidates, &settings.limits);
    let limits = &settings.limits;
    let mut results: Vec<FileResult> = candidates
        .par_iter()
        .map(|c| -> std::io::Result<FileResult> {
            if c.what != What::File {
                return Ok(read_file(c, Vec::new(), limits));
            }
            // The size comes from the open file (the walk does not stat), which is also the
            // size of what is read.
            let mut file = std::fs::File::open(root.join(&c.path))?;
            let size = file.metadata()?.len();
            let bytes = if size <= limits.max_file_bytes {
                // A file that grew since is read only up to one byte past the limit.
                let mut bounded = std::io::Read::take(&mut file, limits.max_file_bytes + 1);
                read_sized(&mut bounded, usize::try_from(size).unwrap_or(0))?
            } else {
                Vec::new()
            };
            if let Some(same) = known_reading(&known, &c.path, &bytes) {
                let mut same = same.clone();
                same.blob = None;
                return Ok(same);
            }
            let c = Candidate {
                path: c.path.clone(),
                size: size.max(bytes.len() as u64),
                what: What::File,
            };
            Ok(read_file(&c, bytes, limits))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| {
            CommandError::failure(format!("cannot read a file under {}: {e}", root.display()))
        })?;
    results.extend(cut);
    Ok(Files {
        results,
        settings,
        commit: None,
    })
}

/// Read a file whose size is known: one read for the bytes and one that finds the end (a file
/// that grew since is read to its new end). `read_to_end` on a `File` would ask the kernel for
/// the size and the position again, two more system calls per file.
fn read_sized(file: &mut impl std::io::Read, size: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; size];
    let mut filled = 0;
    while filled < size {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    let mut more = [0; 256];
    loop {
        match file.read(&mut more) {
            Ok(0) => return Ok(bytes),
            Ok(n) => bytes.extend_from_slice(&more[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Read `commit` from git under `settings`; with `known` (another revision of the same
/// repository, already read under the same settings), take every file whose bytes `known`
/// has already read from it.
fn read_revision(
    repo: &GitRepo,
    commit: &str,
    known: Option<&Files>,
    settings: Settings,
    trust: Trust,
) -> Result<Files, CommandError> {
    let known = by_path(known, &settings);
    let mut entries: Vec<_> = repo
        .list(commit, &|dir| settings.skips_dir(dir))?
        .into_iter()
        .filter(|e| settings.reads_file(&e.path))
        .collect();
    let cut = cut_at_limit(&mut entries, &settings.limits);
    let limits = &settings.limits;
    let mut results: Vec<FileResult> = repo
        .read_each(entries, |entry, blobs| -> Result<FileResult, GitError> {
            let id = entry.id();
            let unread = |what| {
                let c = Candidate {
                    path: entry.path.clone(),
                    size: 0,
                    what,
                };
                read_file(&c, Vec::new(), limits)
            };
            if !entry.utf8 {
                return Ok(unread(What::BadName));
            }
            if entry.kind == EntryKind::Folder {
                return Ok(unread(What::NotAFile("a folder")));
            }
            if entry.kind == EntryKind::File
                && let Some(same) = known.get(entry.path.as_str()).filter(|k| k.holds(id))
            {
                return Ok((*same).clone());
            }
            let read = match trust {
                Trust::Merged => Bounded::Bytes(blobs.read(&entry)?),
                Trust::Sized => blobs.read_at_most(&entry, limits.max_file_bytes)?,
            };
            let (mut bytes, size) = match read {
                Bounded::Bytes(b) => {
                    let size = b.len() as u64;
                    (b, size)
                }
                Bounded::TooLarge(size) => (Vec::new(), size),
            };
            let what = if entry.kind == EntryKind::Symlink {
                What::Link(String::from_utf8_lossy(&std::mem::take(&mut bytes)).into_owned())
            } else {
                What::File
            };
            let c = Candidate {
                path: entry.path,
                size,
                what,
            };
            let mut result = read_file(&c, bytes, limits);
            result.blob = Some(id);
            Ok(result)
        })?
        .into_iter()
        .collect::<Result<Vec<FileResult>, GitError>>()?;
    results.extend(cut);
    Ok(Files {
        results,
        settings,
        commit: Some(commit.to_string()),
    })
}

/// Anything with a path: a file of the work tree or a blob of a revision.
trait Pathed {
    fn path(&self) -> &str;
}

impl Pathed for Candidate {
    fn path(&self) -> &str {
        &self.path
    }
}

impl Pathed for crate::vcs::git::TreeEntry {
    fn path(&self) -> &str {
        &self.path
    }
}

/// Every YAML file holds at least one document (or is an error), so more files than
/// `maxRecords` is over the limit before anything is read: drop the rest unread, and say so.
fn cut_at_limit<T: Pathed>(files: &mut Vec<T>, limits: &Limits) -> Option<FileResult> {
    if files.len() <= limits.max_records {
        return None;
    }
    let first_dropped = files[limits.max_records].path().to_string();
    let dropped = files.len() - limits.max_records;
    files.truncate(limits.max_records);
    Some(FileResult {
        path: first_dropped.clone(),
        blob: None,
        text: None,
        records: Vec::new(),
        documents: 0,
        skipped: 0,
        diagnostics: vec![Diagnostic::new(
            Code::TooManyRecords,
            format!(
                "more than {} record files; `{first_dropped}` and the {} file(s) after it were not read",
                limits.max_records,
                dropped - 1
            ),
        )
        .at(Location::file(&first_dropped))
        .with_help("raise `spec.limits.maxRecords` in cabinet.yaml")],
        invalid: Vec::new(),
    })
}

/// The record files of a working tree: exactly what a commit of it would hold, that is the
/// files git tracks plus the untracked ones `.gitignore` does not hide (a tracked file stays
/// tracked whatever `.gitignore` says). Outside git, every file not ignored.
fn list_worktree(root: &Path, settings: &Settings) -> Result<Vec<Candidate>, CommandError> {
    let mut out = walk(root, settings)?;
    let Ok(repo) = GitRepo::discover(root) else {
        return Ok(out);
    };
    if repo.workdir().is_none() {
        return Ok(out);
    }
    let tracked = repo.tracked()?;
    let mut more = Vec::new();
    for t in tracked {
        if !settings.reads_file(&t.path)
            || settings.skips_parent_of(&t.path)
            || out
                .binary_search_by(|c| c.path.as_str().cmp(t.path.as_str()))
                .is_ok()
        {
            continue;
        }
        let on_disk = root.join(raw_path(&t.raw));
        let Ok(meta) = std::fs::symlink_metadata(&on_disk) else {
            // Deleted in the working tree: a commit of it would not hold the file either.
            continue;
        };
        let what = if !t.utf8 {
            What::BadName
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&on_disk)?;
            What::Link(target.to_string_lossy().into_owned())
        } else if meta.is_file() {
            What::File
        } else {
            continue;
        };
        more.push(Candidate {
            path: t.path,
            size: 0,
            what,
        });
    }
    if !more.is_empty() {
        out.extend(more);
        out.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        out.dedup_by(|a, b| a.path == b.path);
    }
    Ok(out)
}

#[cfg(unix)]
fn raw_path(raw: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(raw))
}

#[cfg(not(unix))]
fn raw_path(raw: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(raw).into_owned())
}

/// List the YAML files of a working tree, honouring .gitignore like git does for files it
/// does not track.
///
/// The walk neither sorts nor stats (the list is sorted once at the end, and a file's size is
/// read when it is opened): on a large repository both cost more than the walk itself.
fn walk(root: &Path, settings: &Settings) -> Result<Vec<Candidate>, CommandError> {
    let mut out = Vec::new();
    let root_owned = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry({
            let skip: Vec<String> = vec![settings.site_out.clone()];
            let exclude = settings.exclude.clone();
            move |entry| {
                if !entry.file_type().is_some_and(|t| t.is_dir()) || entry.depth() == 0 {
                    return true;
                }
                let rel = relative(&root_owned, entry.path());
                let name = entry.file_name().to_string_lossy();
                // A folder with its own `.git` is another repository (a submodule, say):
                // git does not track its files here, so a revision would not hold them.
                !(matches!(name.as_ref(), ".git" | ".github" | "target")
                    || skip.contains(&rel)
                    || exclude.is_match(&rel)
                    || std::fs::symlink_metadata(entry.path().join(".git")).is_ok())
            }
        })
        .build();
    for entry in walker {
        let entry = entry
            .map_err(|e| CommandError::failure(format!("cannot list {}: {e}", root.display())))?;
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().as_encoded_bytes();
        if !is_record_name(name) {
            continue;
        }
        let path = relative(root, entry.path());
        if !settings.reads_file(&path) {
            continue;
        }
        let what = if entry.path().to_str().is_none() {
            What::BadName
        } else if file_type.is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            What::Link(target.to_string_lossy().into_owned())
        } else if file_type.is_file() {
            What::File
        } else if file_type.is_dir() {
            What::NotAFile("a folder")
        } else {
            // Sockets, pipes and devices are not files git could hold; reading one could block.
            What::NotAFile("a named pipe, socket or device")
        };
        out.push(Candidate {
            path,
            size: 0,
            what,
        });
    }
    out.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `path` relative to `root`, with `/` between its parts on every platform.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    if std::path::MAIN_SEPARATOR == '/' {
        return rel.to_string_lossy().into_owned();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// What one file yielded.
#[derive(Clone)]
struct FileResult {
    path: String,
    /// The blob the file was read from, for a revision.
    blob: Option<BlobId>,
    /// The text of a file that was read in full (valid UTF-8, within the size limit).
    text: Option<Arc<str>>,
    /// Shared, so that another revision holding the same bytes takes them without a copy.
    records: Vec<Arc<Record>>,
    documents: usize,
    skipped: usize,
    diagnostics: Vec<Diagnostic>,
    /// Records present but invalid.
    invalid: Vec<RecordRef>,
}

impl FileResult {
    /// This is the reading of a regular file that holds exactly the blob `id`.
    fn holds(&self, id: BlobId) -> bool {
        let Some(text) = &self.text else {
            // A link, a file over the size limit, or not UTF-8: nothing worth reusing.
            return false;
        };
        match self.blob {
            Some(blob) => blob == id,
            None => BlobId::of(text.as_bytes()) == Some(id),
        }
    }
}

fn read_file(c: &Candidate, bytes: Vec<u8>, limits: &Limits) -> FileResult {
    let mut result = FileResult {
        path: c.path.clone(),
        blob: None,
        text: None,
        records: Vec::new(),
        documents: 0,
        skipped: 0,
        diagnostics: Vec::new(),
        invalid: Vec::new(),
    };
    match &c.what {
        What::File => {}
        What::Link(target) => {
            result.diagnostics.push(symlink_diagnostic(&c.path, target));
            return result;
        }
        What::NotAFile(what) => {
            result.diagnostics.push(
                Diagnostic::new(
                    Code::NotAFile,
                    format!("`{}` is {what}, not a file, and is not read", c.path),
                )
                .at(Location::file(&c.path))
                .with_help("rename it, or list it in `spec.exclude` in cabinet.yaml"),
            );
            return result;
        }
        What::BadName => {
            result.diagnostics.push(
                Diagnostic::new(
                    Code::FileNameNotUtf8,
                    format!(
                        "the name of `{}` is not UTF-8, so the file is not read",
                        c.path
                    ),
                )
                .at(Location::file(&c.path))
                .with_help("rename the file (names are shown in reports, which are UTF-8)"),
            );
            return result;
        }
    }
    if c.size > limits.max_file_bytes {
        result.diagnostics.push(
            Diagnostic::new(
                Code::FileTooLarge,
                format!(
                    "the file has {} bytes, more than the limit of {}",
                    c.size, limits.max_file_bytes
                ),
            )
            .at(Location::file(&c.path))
            .with_help("split the file, or raise `spec.limits.maxFileBytes` in cabinet.yaml"),
        );
        return result;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            // A byte order mark is not a character of the first line (the parser skips it too).
            let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(&prefix);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let at = diag::Position {
                line,
                column,
                offset: 0,
            };
            result.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    format!("byte 0x{:02X} at offset {valid} is not UTF-8", bytes[valid]),
                )
                .at(Location::at(&c.path, 0, Span { start: at, end: at }))
                .with_help("save the file as UTF-8"),
            );
            return result;
        }
    };
    let parsed = parse(&c.path, &text, limits.max_depth);
    result.diagnostics.extend(parsed.diagnostics);
    for doc in parsed.documents {
        result.documents += 1;
        match classify(&c.path, doc, &mut result.diagnostics) {
            Classified::Record(r) => result.records.push(Arc::from(r)),
            Classified::Skipped => result.skipped += 1,
            Classified::Invalid(claimed) => result.invalid.extend(claimed),
        }
    }
    result.text = Some(Arc::from(text));
    result
}

/// A link is never followed: both the working tree and a revision see only its target path.
fn symlink_diagnostic(path: &str, target: &str) -> Diagnostic {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    let mut escapes = target.starts_with('/') || target.starts_with('\\') || target.contains(':');
    for seg in target.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    escapes = true;
                }
            }
            s => parts.push(s),
        }
    }
    if escapes {
        Diagnostic::new(
            Code::SymlinkOutsideRepo,
            format!("`{path}` links to `{target}`, outside the repository"),
        )
        .at(Location::file(path))
        .with_help("replace the link with the file itself")
    } else {
        Diagnostic::new(
            Code::SymlinkSkipped,
            format!(
                "`{path}` is a link to `{}` and is not followed",
                parts.join("/")
            ),
        )
        .at(Location::file(path))
        .with_help("the target is read on its own; delete the link to silence this")
    }
}

fn merge(results: Vec<FileResult>, limits: Limits, commit: Option<String>) -> Loaded {
    let mut loaded = Loaded {
        records: RecordSet::default(),
        documents: 0,
        skipped: 0,
        diagnostics: Vec::new(),
        texts: BTreeMap::new(),
        limits,
        commit,
        truncated: false,
    };
    let mut records = Vec::new();
    let mut invalid = Vec::new();
    // In path order already: collected, the map is built in one pass instead of by 100k
    // inserts that each compare paths down the tree.
    let mut texts = Vec::new();
    let mut over_limit = false;
    for r in results {
        if over_limit {
            continue;
        }
        if r.diagnostics.iter().any(|d| d.code == Code::TooManyRecords) {
            loaded.truncated = true;
        }
        if loaded.documents + r.documents > limits.max_records {
            over_limit = true;
            loaded.truncated = true;
            loaded.diagnostics.push(
                Diagnostic::new(
                    Code::TooManyRecords,
                    format!(
                        "more than {} documents; `{}` and the files after it were not read",
                        limits.max_records, r.path
                    ),
                )
                .at(Location::file(&r.path))
                .with_help("raise `spec.limits.maxRecords` in cabinet.yaml"),
            );
            continue;
        }
        loaded.documents += r.documents;
        loaded.skipped += r.skipped;
        records.extend(r.records);
        invalid.extend(r.invalid);
        loaded.diagnostics.extend(r.diagnostics);
        if let Some(text) = r.text {
            texts.push((r.path, text));
        }
    }
    loaded.texts = texts.into_iter().collect();
    let configs = records
        .iter()
        .filter(|r| matches!(r.spec, Spec::Config(_)))
        .count();
    if configs == 0 && !loaded.diagnostics.iter().any(|d| d.file() == CONFIG_FILE) {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::MissingConfig,
                format!("{CONFIG_FILE} holds no `Config` record"),
            )
            .at(Location::file(CONFIG_FILE))
            .with_help("add a document with `apiVersion: cabinet/v1` and `kind: Config`"),
        );
    }
    loaded.records = RecordSet::shared(records).with_invalid(invalid);
    loaded
}

/// Turn every pointer-located finding into a line and column, re-reading only the files
/// that have findings.
pub fn locate(diagnostics: &mut [Diagnostic], texts: &BTreeMap<String, Arc<str>>, limits: &Limits) {
    let mut indexes: BTreeMap<&str, SpanIndex> = BTreeMap::new();
    let mut pending: Vec<&mut Location> = Vec::new();
    for d in diagnostics.iter_mut() {
        if let Some(l) = d.location.as_mut().filter(|l| l.span.is_none()) {
            pending.push(l);
        }
        for r in d.related.iter_mut().filter(|r| r.location.span.is_none()) {
            pending.push(&mut r.location);
        }
    }
    for loc in pending {
        let Some((path, text)) = texts.get_key_value(loc.file.as_str()) else {
            loc.span = Location::file(&loc.file).span;
            continue;
        };
        let index = indexes
            .entry(path.as_str())
            .or_insert_with(|| SpanIndex::build(path, text, limits.max_depth));
        loc.span = index
            .find(loc.document, &loc.pointer, loc.on_key)
            .or(Location::file(&loc.file).span);
    }
}

/// Read the records of one YAML text (tests, benchmarks and tools that build records in
/// memory). Problems are returned as diagnostics, exactly as for a file on disk.
pub fn records_from_str(path: &str, text: &str) -> (Vec<Record>, Vec<Diagnostic>) {
    let parsed = parse(path, text, Limits::default().max_depth);
    let mut diagnostics = parsed.diagnostics;
    let mut records = Vec::new();
    for doc in parsed.documents {
        if let Classified::Record(r) = classify(path, doc, &mut diagnostics) {
            records.push(*r);
        }
    }
    (records, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::read_sized;
    use std::io::Read;

    /// A reader that hands out at most `step` bytes per call, as a pipe or a slow disk may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_of_the_size_it_was_said_to_have_is_read_whole() {
        let text = b"kind: Service\nmetadata: {id: a}\n";
        let read = read_sized(&mut &text[..], text.len()).unwrap();
        assert_eq!(read, text);
    }

    #[test]
    fn a_file_that_grew_or_shrank_since_its_size_was_taken_is_read_as_it_is_now() {
        let text = "x".repeat(1000);
        assert_eq!(
            read_sized(&mut text.as_bytes(), 10).unwrap(),
            text.as_bytes()
        );
        assert_eq!(
            read_sized(&mut text.as_bytes(), 5000).unwrap(),
            text.as_bytes()
        );
        assert_eq!(read_sized(&mut &b""[..], 0).unwrap(), b"");
    }

    #[test]
    fn short_reads_are_read_on_to_the_end() {
        let text = "spec:\n  owner: payments\n".repeat(40);
        let mut reader = Trickle {
            bytes: text.as_bytes(),
            step: 7,
        };
        assert_eq!(
            read_sized(&mut reader, text.len()).unwrap(),
            text.as_bytes()
        );
    }
}
