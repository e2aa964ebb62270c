//! From a repository (working tree or any git revision) to typed records and the problems met
//! on the way. Reading is parallel; results are merged in path order so output never depends
//! on scheduling.

mod document;
mod history;
mod revision;
mod settings;
mod worktree;
mod yaml;

pub use document::{Classified, classify};
pub(crate) use history::changed_records;
pub use yaml::{ParsedDocument, ParsedFile, SpanIndex, parse};

use crate::diag::{self, Code, Diagnostic, Location, Span};
use crate::model::{Limits, Record, RecordRef, RecordSet, Spec};
use crate::vcs::git::{BlobId, GitError, GitRepo};
use revision::{Trust, read_revision};
use settings::Settings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use worktree::read_worktree;

/// The file at the root of every cabinet repository.
pub const CONFIG_FILE: &str = "cabinet.yaml";

/// Why a repository could not be read at all. A problem in a record file is a diagnostic;
/// these stop the reading.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The working tree's cabinet.yaml is there but cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The working tree's cabinet.yaml is over the fixed limit for settings.
    #[error("{path} is larger than {limit} bytes; its settings are not read")]
    ConfigTooLarge { path: PathBuf, limit: u64 },
    /// cabinet.yaml at a revision is over the fixed limit for settings.
    #[error(
        "{rev}:{} is larger than {limit} bytes; its settings are not read",
        CONFIG_FILE
    )]
    RevisionConfigTooLarge { rev: String, limit: u64 },
    #[error("there is no {} at revision `{rev}`", CONFIG_FILE)]
    NoConfigAt { rev: String },
    /// The walk of the working tree failed.
    #[error("cannot list {root}: {source}")]
    List {
        root: PathBuf,
        source: ignore::Error,
    },
    /// A record file of the working tree could not be opened or read.
    #[error("cannot read a file under {root}: {source}")]
    ReadFile {
        root: PathBuf,
        source: std::io::Error,
    },
    /// The target of a link in the working tree could not be read.
    #[error("I/O error: {source}")]
    ReadLink {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Git(#[from] GitError),
}

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
pub fn load(root: &Path, source: &Source) -> Result<Loaded, LoadError> {
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

fn load_worktree(root: &Path) -> Result<Loaded, LoadError> {
    Ok(read_worktree(root, Settings::of_worktree(root)?, None)?.merge())
}

fn load_revision(root: &Path, rev: &str) -> Result<Loaded, LoadError> {
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
pub fn load_pair(root: &Path, base: &str, head: &Source) -> Result<(Loaded, Loaded), LoadError> {
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

/// The records of these `(path, text)` files, which must read without a finding: the base
/// and head revisions unit tests build in memory.
#[cfg(test)]
pub(crate) fn valid_records<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> RecordSet {
    let mut all = Vec::new();
    for (path, text) in files {
        let (records, diags) = records_from_str(path, text);
        assert!(diags.is_empty(), "{path}: {diags:?}");
        all.extend(records);
    }
    RecordSet::new(all)
}
