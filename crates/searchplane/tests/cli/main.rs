//! The CLI binary against a real server: every subcommand's success and failure paths, exit
//! codes, error formatting and JSON output.

mod helpers;

mod catalog;
mod clusters;
mod config;
mod upgrade;
