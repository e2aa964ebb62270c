//! `cabinet explain`: what a diagnostic code means.

use super::GlobalArgs;
use crate::diag::{self, Code};
use crate::error::{CommandError, ExitStatus};

/// Explain a diagnostic code, or list them all
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code (`dangling-reference`) or its SARIF rule id (`CAB3007`); omit to list every
    /// code
    pub code: Option<String>,
    /// Print every code's explanation as Markdown (docs/diagnostics.md, where SARIF rules'
    /// helpUri points)
    #[arg(long, conflicts_with = "code")]
    pub markdown: bool,
}

/// The page of every code (`docs/diagnostics.md`): one section per code, anchored by its
/// name, which is where each SARIF rule's `helpUri` points.
fn markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\nEvery finding cabinet reports, by code: its SARIF rule id, its default severity, what it means and how to fix it. This page is written from the code registry by `cabinet explain --markdown > docs/diagnostics.md`; a test fails when it is out of date. `cabinet explain CODE` prints the same explanation.\n",
    );
    for c in Code::ALL {
        out.push_str(&format!(
            "\n## <a id=\"{name}\"></a>`{name}`\n\nRule `{id}` ({pascal}), {severity} by default: {description}.\n\n{explanation}\n",
            name = c.as_str(),
            id = c.rule_id(),
            pascal = c.pascal_name(),
            severity = c.default_severity(),
            description = c.description(),
            explanation = c.explanation(),
        ));
    }
    out
}

pub(super) fn run(_global: &GlobalArgs, args: &ExplainArgs) -> Result<ExitStatus, CommandError> {
    let text = match &args.code {
        None if args.markdown => markdown(),
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
                "{} ({}, {} by default)\n\n{}.\n\n{}\n",
                code.as_str(),
                code.rule_id(),
                code.default_severity(),
                code.description(),
                code.explanation()
            )
        }
    };
    super::emit(|out| out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Ok)
}
