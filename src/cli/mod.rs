//! The command line: clap definitions, one file per command. Only this module and `report`
//! write to the terminal.

mod check;
mod completions;
mod explain;
mod graph;
mod impact;
mod init;
mod man;
mod report;
mod schedule;
mod schema;
mod site;
mod validate;

use crate::error::{CommandError, ExitStatus};
use crate::load;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// IT service management the GitOps way: validate records, compute change impact and risk,
/// and gate merges on CAB approval.
#[derive(Debug, Parser)]
#[command(
    name = "cabinet",
    version = env!("CABINET_LONG_VERSION"),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The repository: the folder that holds cabinet.yaml (default: walk up from here)
    #[arg(short = 'C', long = "repo", value_name = "DIR", global = true)]
    pub repo: Option<PathBuf>,
    /// Output format, where a command has several (see each command's help)
    #[arg(long, value_name = "FMT", global = true)]
    pub format: Option<String>,
    /// When to colour human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The time freezes, windows and deadlines are judged against (RFC 3339; default: now)
    #[arg(long, value_name = "RFC3339", global = true)]
    pub now: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::InitArgs),
    Validate(validate::ValidateArgs),
    Impact(impact::ImpactArgs),
    Check(check::CheckArgs),
    Schedule(schedule::ScheduleArgs),
    Report(report::ReportArgs),
    Graph(graph::GraphArgs),
    Schema(schema::SchemaArgs),
    Site(site::SiteArgs),
    Explain(explain::ExplainArgs),
    Completions(completions::CompletionsArgs),
    Man(man::ManArgs),
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus, CommandError> {
    if let Some(now) = &cli.global.now {
        now.parse::<jiff::Timestamp>().map_err(|e| {
            CommandError::usage(format!("--now `{now}` is not an RFC 3339 timestamp: {e}"))
                .hint("write it with an offset, e.g. `2026-12-01T22:00:00Z`")
        })?;
    }
    match &cli.command {
        Command::Init(args) => init::run(&cli.global, args),
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Impact(args) => impact::run(&cli.global, args),
        Command::Check(args) => check::run(&cli.global, args),
        Command::Schedule(args) => schedule::run(&cli.global, args),
        Command::Report(args) => report::run(&cli.global, args),
        Command::Graph(args) => graph::run(&cli.global, args),
        Command::Schema(args) => schema::run(&cli.global, args),
        Command::Site(args) => site::run(&cli.global, args),
        Command::Explain(args) => explain::run(&cli.global, args),
        Command::Completions(args) => completions::run(&cli.global, args),
        Command::Man(args) => man::run(&cli.global, args),
    }
}

impl GlobalArgs {
    /// The cabinet root: `-C DIR`, or the nearest folder upwards holding cabinet.yaml.
    pub fn root(&self) -> Result<PathBuf, CommandError> {
        match &self.repo {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(CommandError::usage(format!(
                        "{} is not a folder",
                        dir.display()
                    )));
                }
                if !dir.join(load::CONFIG_FILE).exists() {
                    return Err(CommandError::usage(format!(
                        "there is no {} in {}",
                        load::CONFIG_FILE,
                        dir.display()
                    ))
                    .hint("run `cabinet init` there to start a repository"));
                }
                Ok(dir.clone())
            }
            None => {
                let here = std::env::current_dir()?;
                load::find_root(&here).ok_or_else(|| {
                    CommandError::usage(format!(
                        "no {} in {} or any folder above it",
                        load::CONFIG_FILE,
                        here.display()
                    ))
                    .hint("pass `-C DIR`, or run `cabinet init` to start a repository")
                })
            }
        }
    }

    /// The `--format` value, checked against what the command offers.
    pub fn format<T: ValueEnum>(&self, default: T) -> Result<T, CommandError> {
        let Some(name) = &self.format else {
            return Ok(default);
        };
        T::from_str(name, true).map_err(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                .collect();
            CommandError::usage(format!("this command has no format `{name}`"))
                .hint(format!("choose one of: {}", names.join(", ")))
        })
    }

    /// The time rules are judged against: `--now`, or the clock.
    pub fn now(&self) -> Result<jiff::Timestamp, CommandError> {
        match &self.now {
            Some(text) => text.parse().map_err(|e| {
                CommandError::usage(format!("--now `{text}` is not an RFC 3339 timestamp: {e}"))
                    .hint("write it with an offset, e.g. `2026-12-01T22:00:00Z`")
            }),
            None => Ok(jiff::Timestamp::now()),
        }
    }

    /// Colour for human output on stdout.
    pub fn color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Write a report to stdout. A reader that went away (`| head`) is not an error.
pub(crate) fn emit(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), CommandError> {
    let stdout = std::io::stdout();
    let mut lock = std::io::BufWriter::new(stdout.lock());
    let result = write(&mut lock).and_then(|()| std::io::Write::flush(&mut lock));
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CommandError::failure(format!(
            "cannot write the report: {e}"
        ))),
    }
}

/// Hand a command's large result to the end of the process instead of freeing it piece by
/// piece: the process is about to exit, and the kernel takes the memory back at once (at 100k
/// records, freeing a validation's records one allocation at a time takes about 0.1 s).
pub(crate) fn leak<T>(value: T) {
    std::mem::forget(value);
}

/// A warning for the person at the terminal (stderr), never part of the report.
pub(crate) fn warn(message: &str) {
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("warning: {message}\n").as_bytes(),
    );
}
