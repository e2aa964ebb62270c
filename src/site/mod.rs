//! The catalogue site: records in, rendered files out, all in memory. `cli/site.rs` writes
//! them to disk; nothing here does I/O or reads the clock.
//!
//! Three steps: facts about every record (links, names, the dependency graph, what each
//! change touches), page view models (`pages`), and rendering through the overridable
//! minijinja templates in `templates/site/`. Pages are rendered in parallel (rayon); the
//! output is sorted by path, so it never depends on scheduling.

mod diagram;
mod markdown;
mod pages;
mod paths;
mod reach;

pub use diagram::Limits as DiagramLimits;
pub use markdown::{is_safe_url, render as render_markdown};
pub use pages::HISTORY_CAP;
pub use paths::stem as file_stem;

use crate::error::CommandError;
use crate::model::RecordSet;
use crate::templates::Templates;
use crate::vcs::git::FileCommit;
use jiff::Timestamp;
use std::collections::HashMap;

/// What the build reads.
pub struct SiteInput<'a> {
    pub records: &'a RecordSet,
    /// Commits per record file (paths relative to the root), newest first; empty outside git.
    pub history: &'a HashMap<String, Vec<FileCommit>>,
    /// The time "upcoming" and "past" are judged against.
    pub now: Timestamp,
    /// The commit the records were read from, when it was a revision.
    pub commit: Option<String>,
    /// Whether `history` could be read at all (false outside a git repository).
    pub in_git: bool,
}

/// One output file: a `/`-separated path relative to the site's root, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Build the whole site. A template error (a broken override) is the only failure.
pub fn build(input: &SiteInput<'_>, templates: &Templates) -> Result<Vec<SiteFile>, CommandError> {
    let mut files = pages::render_all(input, templates)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
