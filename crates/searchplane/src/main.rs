//! `searchplane`: the server (`serve`) and a client of its API (`clusters`, `upgrade`,
//! `images`, `paths`, `flavors`). The command tree is in `cli`; exit codes are documented in
//! `searchplane --help` and decided in `client::error::exit_code`.

mod cli;
mod client;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => match serve::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // What returning the error from `main` printed before the client existed.
                eprintln!("Error: {e:?}");
                ExitCode::FAILURE
            }
        },
        Command::Client(command) => match client::run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                client::error::exit_code(&e)
            }
        },
    }
}
