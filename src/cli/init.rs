//! `cabinet init`: scaffold a small working repository, with the JSON Schemas and editor
//! modelines so that completion works from the first keystroke.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::schema;
use std::path::{Path, PathBuf};

/// Create a new cabinet repository with a working example of every kind
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create it (default: the current folder)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// The starter repository (`examples/starter/`), embedded so that it is tested where it lives.
const STARTER: &[(&str, &str)] = &[
    (
        "cabinet.yaml",
        include_str!("../../examples/starter/cabinet.yaml"),
    ),
    (
        "policy/policy.yaml",
        include_str!("../../examples/starter/policy/policy.yaml"),
    ),
    (
        "teams/teams.yaml",
        include_str!("../../examples/starter/teams/teams.yaml"),
    ),
    (
        "slas/standard.yaml",
        include_str!("../../examples/starter/slas/standard.yaml"),
    ),
    (
        "services/web-shop.yaml",
        include_str!("../../examples/starter/services/web-shop.yaml"),
    ),
    (
        "cis/infrastructure.yaml",
        include_str!("../../examples/starter/cis/infrastructure.yaml"),
    ),
    (
        "models/restart-pod.yaml",
        include_str!("../../examples/starter/models/restart-pod.yaml"),
    ),
    (
        "changes/2026/CHG-2026-0001.yaml",
        include_str!("../../examples/starter/changes/2026/CHG-2026-0001.yaml"),
    ),
    (
        "incidents/2026/INC-2026-0001.yaml",
        include_str!("../../examples/starter/incidents/2026/INC-2026-0001.yaml"),
    ),
    (
        "problems/PRB-2026-0001.yaml",
        include_str!("../../examples/starter/problems/PRB-2026-0001.yaml"),
    ),
];

/// `# yaml-language-server: $schema=...` for a file whose documents are all of one kind.
fn modeline(path: &str, text: &str) -> Option<String> {
    let kinds: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .map(str::trim)
        .collect();
    let [kind] = kinds.into_iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let kind = crate::model::Kind::from_name(kind)?;
    let up = "../".repeat(path.matches('/').count());
    Some(format!(
        "# yaml-language-server: $schema={up}schemas/{}\n",
        kind.schema_file()
    ))
}

pub(super) fn run(_global: &GlobalArgs, args: &InitArgs) -> Result<ExitStatus, CommandError> {
    let dir = &args.dir;
    let existing: Vec<String> = STARTER
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| dir.join(p).exists())
        .map(str::to_string)
        .collect();
    if !existing.is_empty() {
        return Err(CommandError::usage(format!(
            "{} already holds {}; nothing was written",
            dir.display(),
            existing.join(", ")
        ))
        .hint("choose an empty folder: `cabinet init my-catalogue`"));
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let result = write_starter(dir, &mut written);
    if let Err(e) = result {
        // Leave nothing half-made behind.
        for path in written.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    let report = format!(
        "created a cabinet repository in {} ({} records, schemas in schemas/)\nnext: cabinet -C {} validate\n",
        dir.display(),
        STARTER
            .iter()
            .map(|(_, t)| t.matches("\nkind: ").count() + usize::from(t.starts_with("kind: ")))
            .sum::<usize>(),
        dir.display()
    );
    super::emit(|out| out.write_all(report.as_bytes()))?;
    Ok(ExitStatus::Ok)
}

fn write_starter(dir: &Path, written: &mut Vec<PathBuf>) -> Result<(), CommandError> {
    let fail = |p: &Path, e: std::io::Error| {
        CommandError::failure(format!("cannot write {}: {e}", p.display()))
    };
    for (path, text) in STARTER {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
        }
        let body = match modeline(path, text) {
            Some(line) => format!("{line}{text}"),
            None => text.to_string(),
        };
        std::fs::write(&target, body).map_err(|e| fail(&target, e))?;
        written.push(target);
    }
    let files = schema::files();
    let schemas = dir.join("schemas");
    super::schema::write_all(&schemas, &files)?;
    written.extend(files.iter().map(|(name, _)| schemas.join(name)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::modeline;

    #[test]
    fn modelines_point_at_the_schema_relative_to_the_file() {
        assert_eq!(
            modeline("services/a.yaml", "apiVersion: cabinet/v1\nkind: Service\n").as_deref(),
            Some("# yaml-language-server: $schema=../schemas/service.schema.json\n")
        );
        assert_eq!(
            modeline("cabinet.yaml", "kind: Config\n").as_deref(),
            Some("# yaml-language-server: $schema=schemas/config.schema.json\n")
        );
        assert_eq!(modeline("x.yaml", "kind: Team\n---\nkind: Service\n"), None);
    }
}
