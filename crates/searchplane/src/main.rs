//! `searchplane`: the server (`serve`) and, in later subcommands, a client of its API.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;

/// A self-hosted, wire-compatible Cloud Search Service cluster-upgrade API.
#[derive(Parser)]
#[command(name = "searchplane", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    ///
    /// Example: searchplane serve --listen 127.0.0.1:9800 --data-dir ./searchplane-data
    Serve(ServeArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9800", env = "SEARCHPLANE_LISTEN")]
    listen: SocketAddr,
    /// Data directory: the SQLite database and credentials.json.
    #[arg(
        long,
        default_value = "./searchplane-data",
        env = "SEARCHPLANE_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); SQLite in the data directory when absent.
    #[arg(long, env = "SEARCHPLANE_DATABASE_URL")]
    database_url: Option<String>,
    /// Simulated seconds per real second for the simulated fleet.
    #[arg(long, default_value_t = 600.0, env = "SEARCHPLANE_SIM_SPEED")]
    sim_speed: f64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .init();
            tokio::runtime::Runtime::new()?.block_on(serve(args))
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = server::Config::new(args.data_dir.clone())?;
    config.listen = args.listen;
    config.database_url = args.database_url;
    config.sim_speed = engine_speed(args.sim_speed)?;
    let server = server::build(config).await?;
    let addr = server.local_addr()?;
    if server.credentials_created {
        let c = &server.credentials;
        println!(
            "searchplane: first start, credentials created (shown once; also in {}):",
            args.data_dir
                .join(server::bootstrap::CREDENTIALS_FILE)
                .display()
        );
        println!("  endpoint     http://{addr}");
        println!("  project_id   {}", c.project_id);
        println!("  access_key   {}", c.access_key);
        println!("  secret_key   {}", c.secret_key);
        println!("  user         {} / {}", c.user_name, c.password);
        println!("  admin_token  {}", c.admin_token);
    }
    tracing::info!(%addr, "searchplane listening");
    let shutdown = CancellationToken::new();
    let signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        signal.cancel();
    });
    server.serve(shutdown).await
}

fn engine_speed(speed: f64) -> anyhow::Result<engine::SimSpeed> {
    engine::SimSpeed::new(speed)
        .with_context(|| format!("--sim-speed must be a positive number, not {speed}"))
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
