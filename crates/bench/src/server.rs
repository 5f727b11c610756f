//! The server under test: the release `searchplane` binary, started as its own process on a free
//! loopback port with a fresh data directory and fixed first-start credentials, optionally
//! pinned to a core with `taskset`, and stopped (SIGTERM, then SIGKILL) when dropped.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Project id of the bench's first-start credentials.
pub const PROJECT: &str = "be0c4000000000000000000000000001";
/// Access key (AK).
pub const ACCESS_KEY: &str = "BENCHACCESSKEY000001";
/// Secret key (SK).
pub const SECRET_KEY: &str = "benchsecretkey00000000000000000000000001";
/// Operator token.
pub const ADMIN_TOKEN: &str = "bench-admin-token-0000000000000001";

/// How to start the server.
pub struct ServerOptions {
    /// The `searchplane` binary.
    pub binary: PathBuf,
    /// PostgreSQL URL; SQLite in the data directory when `None`.
    pub database_url: Option<String>,
    /// `--sim-speed`.
    pub sim_speed: f64,
    /// CPU list for `taskset -c` (e.g. `0`), or `None` to leave the server unpinned.
    pub cpu: Option<String>,
    /// Keep the data directory (and log) after the run instead of deleting it.
    pub keep_data: bool,
}

/// A running server process.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// `host:port`, the `Host` header value.
    pub host: String,
    data_dir: Option<tempfile::TempDir>,
    data_path: PathBuf,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the server and waits until `/healthz` answers.
    pub async fn start(opts: &ServerOptions) -> anyhow::Result<Self> {
        if !opts.binary.is_file() {
            bail!(
                "no server binary at {}: build it first with `cargo build --release -p searchplane`",
                opts.binary.display()
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("searchplane-bench-")
            .tempdir()
            .context("creating the data directory")?;
        let addr = free_port()?;
        let log = dir.path().join("server.log");
        let out = File::create(&log).context("creating the server log")?;
        let mut cmd = match &opts.cpu {
            Some(cpus) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpus).arg(&opts.binary);
                c
            }
            None => Command::new(&opts.binary),
        };
        cmd.arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--sim-speed")
            .arg(opts.sim_speed.to_string());
        if let Some(url) = &opts.database_url {
            cmd.arg("--database-url").arg(url);
        }
        // The caller's own SEARCHPLANE_* settings (a database URL, say) must not leak in.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SEARCHPLANE_") {
                cmd.env_remove(name);
            }
        }
        cmd.env("SEARCHPLANE_ACCESS_KEY", ACCESS_KEY)
            .env("SEARCHPLANE_SECRET_KEY", SECRET_KEY)
            .env("SEARCHPLANE_PROJECT_ID", PROJECT)
            .env("SEARCHPLANE_ADMIN_TOKEN", ADMIN_TOKEN)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()),
            )
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {}", opts.binary.display()))?;
        let data_path = dir.path().to_path_buf();
        let mut server = ServerProcess {
            child,
            addr,
            host: addr.to_string(),
            data_dir: Some(dir),
            data_path,
            log,
        };
        if opts.keep_data {
            if let Some(dir) = server.data_dir.take() {
                let _kept = dir.keep();
            }
        }
        server.wait_ready().await?;
        Ok(server)
    }

    /// The server's process id (`taskset` execs the server, so it is the same process).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_path
    }

    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let url = format!("http://{}/healthz", self.addr);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the server exited ({status}) before answering; its log:\n{}",
                    self.log_tail()
                );
            }
            if let Ok(r) = client.get(&url).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!(
                    "the server did not answer /healthz within 60 s; its log:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Stops the server: SIGTERM (graceful shutdown), then SIGKILL after 10 s.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback address with a port that was free a moment ago.
fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?)
}
