//! The settings of one reading, from cabinet.yaml: what is excluded, the limits and the site
//! folder. They are read before anything else, from the working tree or a commit; when a pull
//! request is judged, from its base.

use super::{CONFIG_FILE, LoadError, parse};
use crate::model::{ConfigSpec, Limits};
use crate::vcs::git::{Bounded, GitRepo, is_record_name};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Above this, cabinet.yaml is refused before its settings are read (they decide the other
/// limits, so this one is fixed).
const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

/// The options that come from cabinet.yaml before anything else is read.
#[derive(Clone)]
pub(super) struct Settings {
    pub(super) limits: Limits,
    exclude: GlobSet,
    site_out: String,
    /// The text of cabinet.yaml these came from (`None` when it is a link).
    pub(super) source: Option<String>,
}

impl Settings {
    pub(super) fn from_config_text(text: Option<String>) -> Settings {
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
    pub(super) fn of_worktree(root: &Path) -> Result<Settings, LoadError> {
        let config_path = root.join(CONFIG_FILE);
        // Like every other link, a linked cabinet.yaml is not followed (a revision sees only
        // the target's path too): its settings are not read, and the walk reports the link.
        let linked =
            std::fs::symlink_metadata(&config_path).is_ok_and(|m| m.file_type().is_symlink());
        if linked {
            return Ok(Settings::from_config_text(None));
        }
        let cannot = |source| LoadError::ReadConfig {
            path: config_path.clone(),
            source,
        };
        let file = std::fs::File::open(&config_path).map_err(cannot)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, CONFIG_MAX_BYTES + 1),
            &mut bytes,
        )
        .map_err(cannot)?;
        if bytes.len() as u64 > CONFIG_MAX_BYTES {
            return Err(LoadError::ConfigTooLarge {
                path: config_path,
                limit: CONFIG_MAX_BYTES,
            });
        }
        Ok(Settings::from_config_text(String::from_utf8(bytes).ok()))
    }

    /// The settings of cabinet.yaml at a commit.
    pub(super) fn of_revision(
        repo: &GitRepo,
        commit: &str,
        rev: &str,
    ) -> Result<Settings, LoadError> {
        match repo.read_path(commit, CONFIG_FILE, CONFIG_MAX_BYTES)? {
            None => Err(LoadError::NoConfigAt {
                rev: rev.to_string(),
            }),
            Some(Bounded::TooLarge(_)) => Err(LoadError::RevisionConfigTooLarge {
                rev: rev.to_string(),
                limit: CONFIG_MAX_BYTES,
            }),
            Some(Bounded::Bytes(bytes)) => {
                Ok(Settings::from_config_text(String::from_utf8(bytes).ok()))
            }
        }
    }

    /// Folders never read: git's own, CI configuration, build output and the site.
    pub(super) fn skips_dir(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        matches!(name, ".git" | ".github" | "target")
            || path == self.site_out
            || self.exclude.is_match(path)
    }

    /// A folder on the way to `path` is one never read.
    pub(super) fn skips_parent_of(&self, path: &str) -> bool {
        path.match_indices('/')
            .any(|(at, _)| self.skips_dir(&path[..at]))
    }

    pub(super) fn reads_file(&self, path: &str) -> bool {
        is_record_name(path.as_bytes()) && !self.exclude.is_match(path)
    }
}
