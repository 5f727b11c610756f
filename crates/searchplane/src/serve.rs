//! `searchplane serve`: build the server from the flags, print the credentials at the first
//! start, and serve until SIGINT or SIGTERM.

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;

/// Runs the server on a fresh multi-threaded runtime, with `RUST_LOG` logging (default `info`).
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    tokio::runtime::Runtime::new()?.block_on(serve(args))
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
