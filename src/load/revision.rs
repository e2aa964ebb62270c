//! Reading a git revision: its blobs straight from the object store, on every core, each
//! sized from its header first unless the revision is trusted.

use super::settings::Settings;
use super::{Candidate, FileResult, Files, LoadError, What, by_path, cut_at_limit, read_file};
use crate::model::Limits;
use crate::vcs::git::{Blobs, Bounded, EntryKind, GitError, GitRepo, TreeEntry};

/// How far a revision's blobs are trusted not to exhaust the reader.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Trust {
    /// The base of a pull request, already merged: read without asking the size first (that
    /// costs a third of reading a revision, most blobs being deltas).
    Merged,
    /// Anything else: a blob's size is read from its header before the blob is.
    Sized,
}

/// Read `commit` from git under `settings`; with `known` (another revision of the same
/// repository, already read under the same settings), take every file whose bytes `known`
/// has already read from it.
pub(super) fn read_revision(
    repo: &GitRepo,
    commit: &str,
    known: Option<&Files>,
    settings: Settings,
    trust: Trust,
) -> Result<Files, LoadError> {
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
            // A name that is not UTF-8 is reported, never taken for the valid name it reads as.
            if entry.kind == EntryKind::File
                && entry.utf8
                && let Some(same) = known
                    .get(entry.path.as_str())
                    .filter(|k| k.holds(entry.id()))
            {
                return Ok((*same).clone());
            }
            read_entry(entry, blobs, limits, trust)
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

/// Read one entry of a tree as every file is read: a name that is not UTF-8, a folder or a
/// link is reported and not read; a blob is sized from its header first unless `trust` says
/// it was merged.
pub(super) fn read_entry(
    entry: TreeEntry,
    blobs: &Blobs<'_>,
    limits: &Limits,
    trust: Trust,
) -> Result<FileResult, GitError> {
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
    let id = entry.id();
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
}
