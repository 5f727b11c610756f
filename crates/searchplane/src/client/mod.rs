//! The client subcommands: each noun's verbs call the public API (signed like the SDK) or the
//! operator API, print a table or the API's JSON, and fail with a typed error that `main`
//! turns into the documented exit code.

pub mod clusters;
pub mod config;
pub mod error;
pub mod http;
pub mod images;
pub mod table;
pub mod upgrade;
pub mod watch;

use anyhow::Context;

use crate::cli::{ClientArgs, ClientCommand};
use config::Settings;
use http::Api;

/// Runs one client command to completion on a current-thread runtime.
pub fn run(command: ClientCommand) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        match command {
            ClientCommand::Clusters(n) => clusters::run(&api(&n.client)?, n.command).await,
            ClientCommand::Upgrade(n) => upgrade::run(&api(&n.client)?, n.command).await,
            ClientCommand::Images(n) => images::run_images(&api(&n.client)?, n.command).await,
            ClientCommand::Paths(n) => images::run_paths(&api(&n.client)?, n.command).await,
            ClientCommand::Flavors(n) => images::run_flavors(&api(&n.client)?, n.command).await,
        }
    })
}

fn api(args: &ClientArgs) -> anyhow::Result<Api> {
    Api::new(Settings::resolve(args)?)
}
