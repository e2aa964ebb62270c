//! Reading the working tree: exactly the files a commit of it would hold (what git tracks,
//! and the untracked files `.gitignore` does not hide), read from disk on every core.

use super::settings::Settings;
use super::{
    Candidate, FileResult, Files, LoadError, What, by_path, cut_at_limit, known_reading, read_file,
};
use crate::vcs::git::{GitRepo, is_record_name};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub(super) fn read_worktree(
    root: &Path,
    settings: Settings,
    known: Option<&Files>,
) -> Result<Files, LoadError> {
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
        .map_err(|source| LoadError::ReadFile {
            root: root.to_path_buf(),
            source,
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

/// The record files of a working tree: exactly what a commit of it would hold, that is the
/// files git tracks plus the untracked ones `.gitignore` does not hide (a tracked file stays
/// tracked whatever `.gitignore` says). Outside git, every file not ignored.
fn list_worktree(root: &Path, settings: &Settings) -> Result<Vec<Candidate>, LoadError> {
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
            let target = read_link(&on_disk)?;
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

fn read_link(path: &Path) -> Result<PathBuf, LoadError> {
    std::fs::read_link(path).map_err(|source| LoadError::ReadLink {
        path: path.to_path_buf(),
        source,
    })
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
fn walk(root: &Path, settings: &Settings) -> Result<Vec<Candidate>, LoadError> {
    let mut out = Vec::new();
    let root_owned = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry({
            let settings = settings.clone();
            move |entry| {
                if !entry.file_type().is_some_and(|t| t.is_dir()) || entry.depth() == 0 {
                    return true;
                }
                // The folders a revision's listing skips, and one more: a folder with its own
                // `.git` is another repository (a submodule, say); git does not track its
                // files here, so a revision would not hold them.
                !(settings.skips_dir(&relative(&root_owned, entry.path()))
                    || std::fs::symlink_metadata(entry.path().join(".git")).is_ok())
            }
        })
        .build();
    for entry in walker {
        let entry = entry.map_err(|source| LoadError::List {
            root: root.to_path_buf(),
            source,
        })?;
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
            let target = read_link(entry.path())?;
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
