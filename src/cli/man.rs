//! `cabinet man`: manual pages, generated from the clap definitions (the same text as `--help`).

use super::{Cli, GlobalArgs};
use crate::error::{CommandError, ExitStatus};
use clap::CommandFactory;
use std::path::{Path, PathBuf};

/// Write the manual pages: cabinet.1 and one page per command (cabinet-check.1, ...)
///
/// Install them where `man` looks, e.g. `cabinet man --out ~/.local/share/man/man1`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The folder to write the pages into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub(super) fn run(_global: &GlobalArgs, args: &ManArgs) -> Result<ExitStatus, CommandError> {
    let command = Cli::command();
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CommandError::failure(format!("cannot create {}: {e}", args.out.display())))?;
    let mut written = Vec::new();
    write_pages(&command, &args.out, &mut written)?;
    let report = format!(
        "wrote {} manual pages to {}\n",
        written.len(),
        args.out.display()
    );
    super::emit(|out| out.write_all(report.as_bytes()))?;
    Ok(ExitStatus::Ok)
}

/// One page for `command` and, recursively, one per subcommand, named by the path of command
/// names (`cabinet-site-build.1`), as git and cargo name theirs.
fn write_pages(
    command: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), CommandError> {
    let command = command.clone().disable_help_subcommand(true);
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_string();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .title(name.to_uppercase())
        .render(&mut page)
        .map_err(|e| CommandError::failure(format!("cannot render the page of {name}: {e}")))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page)
        .map_err(|e| CommandError::failure(format!("cannot write {}: {e}", path.display())))?;
    written.push(path);
    for sub in command.get_subcommands() {
        let sub = sub
            .clone()
            .display_name(format!("{name}-{}", sub.get_name()))
            .bin_name(format!(
                "{} {}",
                command.get_bin_name().unwrap_or(&name),
                sub.get_name()
            ));
        write_pages(&sub, dir, written)?;
    }
    Ok(())
}
