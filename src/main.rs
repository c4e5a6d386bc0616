//! riskkalkyl: Monte Carlo risk analysis of joint municipal IT operations.
//!
//! Thin glue, in four steps: parse the command line ([`args`], clap derive), convert it once
//! into a validated configuration ([`config`], refusing flags a command would not honour),
//! run the command ([`commands`], one module per subcommand or group), and map the outcome to
//! an exit code: 0 success, 1 runtime failure (such as an unwritable output), 2 invalid input
//! (a bad scenario file or bad arguments; clap's own parse errors exit 2 too).

mod args;
mod commands;
mod config;
mod failure;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    failure::clean_up_on_signals();
    match config::Config::from_cli(cli).and_then(commands::execute) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}
