//! `cabinet completions`: the shell completion script, generated from the clap definitions so
//! it never lags behind a flag.

use super::{Cli, GlobalArgs};
use crate::error::{CommandError, ExitStatus};
use clap::CommandFactory;

/// Print the completion script for a shell
///
/// bash: `cabinet completions bash > ~/.local/share/bash-completion/completions/cabinet`;
/// zsh: `cabinet completions zsh > "${fpath[1]}/_cabinet"`;
/// fish: `cabinet completions fish > ~/.config/fish/completions/cabinet.fish`;
/// PowerShell: `cabinet completions powershell | Out-String | Invoke-Expression`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(super) fn run(
    _global: &GlobalArgs,
    args: &CompletionsArgs,
) -> Result<ExitStatus, CommandError> {
    let mut command = Cli::command();
    // Generated into memory: clap_complete panics when its writer fails (a closed pipe), and
    // `emit` treats a closed pipe as the reader having had enough.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "cabinet", &mut script);
    super::emit(|out| out.write_all(&script))?;
    Ok(ExitStatus::Ok)
}
