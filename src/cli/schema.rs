//! `cabinet schema`: write the JSON Schemas, or check that the checked-in ones are current.

use super::GlobalArgs;
use crate::error::{CommandError, ExitStatus};
use crate::schema;
use std::path::PathBuf;

/// Write the JSON Schemas of every kind (draft 2020-12), generated from the record types
///
/// With --check, write nothing and exit 1 if the files in the folder differ from what this
/// version generates.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The folder to write to, or to compare with
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub out: PathBuf,
    /// Compare instead of writing; exit 1 on any difference
    #[arg(long)]
    pub check: bool,
    /// Print the field reference of every kind as Markdown instead (docs/reference.md)
    #[arg(long, conflicts_with_all = ["check", "out"])]
    pub reference: bool,
}

pub(super) fn run(_global: &GlobalArgs, args: &SchemaArgs) -> Result<ExitStatus, CommandError> {
    if args.reference {
        let text = schema::reference::markdown();
        super::emit(|out| out.write_all(text.as_bytes()))?;
        return Ok(ExitStatus::Ok);
    }
    let files = schema::files();
    if args.check {
        let mut stale = Vec::new();
        for (name, text) in &files {
            let path = args.out.join(name);
            match std::fs::read_to_string(&path) {
                Ok(current) if current == *text => {}
                Ok(_) => stale.push(format!("{} differs", path.display())),
                Err(_) => stale.push(format!("{} is missing", path.display())),
            }
        }
        let report = if stale.is_empty() {
            format!(
                "ok: {} schemas in {} are current\n",
                files.len(),
                args.out.display()
            )
        } else {
            format!(
                "{}\nfailed: the schemas are out of date; run `cabinet schema --out {}`\n",
                stale.join("\n"),
                args.out.display()
            )
        };
        super::emit(|out| out.write_all(report.as_bytes()))?;
        return Ok(if stale.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::Blocked
        });
    }
    write_all(&args.out, &files)?;
    let report = format!("wrote {} schemas to {}\n", files.len(), args.out.display());
    super::emit(|out| out.write_all(report.as_bytes()))?;
    Ok(ExitStatus::Ok)
}

/// Write every schema into `dir`, creating it.
pub(super) fn write_all(
    dir: &std::path::Path,
    files: &[(String, String)],
) -> Result<(), CommandError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CommandError::failure(format!("cannot create {}: {e}", dir.display())))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| CommandError::failure(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}
