//! `cabinet explain`: what a diagnostic code means.

use super::GlobalArgs;
use crate::diag::{self, Code};
use crate::error::{CommandError, ExitStatus};

/// Explain a diagnostic code, or list them all
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code (`dangling-reference`); omit to list every code
    pub code: Option<String>,
}

pub(super) fn run(_global: &GlobalArgs, args: &ExplainArgs) -> Result<ExitStatus, CommandError> {
    let text = match &args.code {
        None => Code::ALL
            .iter()
            .map(|c| {
                format!(
                    "{:<32} {:<8} {}\n",
                    c.as_str(),
                    c.default_severity(),
                    c.description()
                )
            })
            .collect::<String>(),
        Some(name) => {
            let code = Code::from_name(name).ok_or_else(|| {
                let e = CommandError::usage(format!("there is no diagnostic code `{name}`"));
                match diag::closest(name, Code::ALL.iter().map(|c| c.as_str())) {
                    Some(near) => e.hint(format!("did you mean `{near}`?")),
                    None => e.hint("`cabinet explain` lists every code"),
                }
            })?;
            format!(
                "{} ({} by default)\n\n{}.\n\n{}\n",
                code.as_str(),
                code.default_severity(),
                code.description(),
                code.explanation()
            )
        }
    };
    super::emit(|out| out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Ok)
}
