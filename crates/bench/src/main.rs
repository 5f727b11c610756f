//! `bench`: the searchplane benchmarks (issue 6), run against a real release server process.
//!
//! ```text
//! cargo run --release -p bench -- [--database-url postgres://…] [--server-cpu 0 --client-cpu 1]
//! cargo run --release -p bench -- --engine [--database-url postgres://…]
//! ```
//!
//! **ListImages mode** (default): builds and starts `target/release/searchplane serve` on a
//! fresh data directory (SQLite) or a fresh PostgreSQL database, loads 10 projects, 1,000
//! clusters and 200 extra images through the API (see [`fixture`]), then, for 1, 16 and 64 keep-alive
//! connections, runs interleaved rounds of (a) signed ListImages for random clusters and upgrade
//! types and (b) the constant route `GET /healthz` on the same server (see [`load`]), and prints
//! the medians of requests/s, p50 and p99 for both, the ratio (a)/(b) and the issue's targets.
//!
//! **Engine mode** (`--engine`): N clusters upgrading at once, phase transitions committed per
//! second and the time to finish (see [`engine_bench`]).
//!
//! `--server-cpu N --client-cpu M` pins the server (`taskset -c N`) and the load generator's
//! threads (`core_affinity`) to different cores; the server's CPU use over each window is read
//! from `/proc/<pid>/stat`, and a throughput result is only valid when it is ≥ 90 %.
//! docs/performance.md explains how to read the output.

mod api;
mod engine_bench;
mod fixture;
mod load;
mod pg;
mod procstat;
mod server;
mod stats;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use serde::Serialize;

use crate::api::Api;
use crate::engine_bench::{EngineOptions, EngineOutcome};
use crate::load::{WindowResult, WindowSpec, Workload};
use crate::server::{ServerOptions, ServerProcess};
use crate::stats::{median, ms};

/// A server core is "saturated" from this busy share on; below it a throughput figure measures
/// something other than the server.
const SATURATED_PERCENT: f64 = 90.0;

/// Benchmarks of a release searchplane server: ListImages against the constant route
/// `/healthz`, or the upgrade engine (`--engine`).
#[derive(Parser, Debug, Clone, Serialize)]
#[command(name = "bench", version, about)]
struct Cli {
    /// PostgreSQL URL of an existing database to connect with (e.g.
    /// postgres://postgres@127.0.0.1:5432/test); the bench creates its own database
    /// `searchplane_bench_<pid>` next to it and drops it afterwards. SQLite when absent.
    #[arg(long)]
    database_url: Option<String>,

    /// Run the upgrade-engine benchmark instead of ListImages.
    #[arg(long)]
    engine: bool,

    /// Measured seconds per window.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,

    /// Unrecorded warm-up seconds at the start of each window.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,

    /// Rounds per connection count; each round measures ListImages and /healthz once
    /// (alternating which goes first), and the medians over rounds are reported.
    #[arg(long, default_value_t = 3)]
    rounds: usize,

    /// Connection counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 16, 64])]
    connections: Vec<usize>,

    /// Pin the server to these CPUs (a `taskset -c` list, e.g. `0`).
    #[arg(long)]
    server_cpu: Option<String>,

    /// Pin the load generator to these CPUs (comma-separated ids, e.g. `1`).
    #[arg(long, value_delimiter = ',')]
    client_cpu: Vec<usize>,

    /// Sign every (cluster, type) once right before each window and reuse these signatures,
    /// instead of signing every ListImages request just before sending it as a real client
    /// does (~20 µs of load-generator CPU each, outside the latency).
    #[arg(long)]
    presign: bool,

    /// Load generator threads (default: one per client CPU, or 1).
    #[arg(long)]
    client_threads: Option<usize>,

    /// Clusters to load, spread over the projects.
    #[arg(long, default_value_t = 1000)]
    clusters: usize,

    /// Projects to spread the clusters over (the first-start one and the rest created through
    /// the operator API; a server without that API gets one).
    #[arg(long, default_value_t = 10)]
    projects: usize,

    /// Extra images to add to the default catalog.
    #[arg(long, default_value_t = 200)]
    extra_images: usize,

    /// The server's --sim-speed (default: 100000; 10000000 with --engine, so that simulated
    /// phase durations vanish next to the engine's own work).
    #[arg(long)]
    sim_speed: Option<f64>,

    /// Clusters upgrading at once (--engine). The server allows 20 concurrent upgrades.
    #[arg(long, default_value_t = 20)]
    engine_clusters: usize,

    /// Data nodes per upgrading cluster (--engine, 1-32).
    #[arg(long, default_value_t = 16)]
    engine_nodes: u32,

    /// UpgradeCore batch_size (--engine); the server default when absent.
    #[arg(long)]
    engine_batch_size: Option<i64>,

    /// Milliseconds between UpgradeDetail polling cycles (--engine).
    #[arg(long, default_value_t = 20)]
    engine_poll_ms: u64,

    /// Give up waiting for the upgrades after this many seconds (--engine).
    #[arg(long, default_value_t = 600)]
    engine_timeout: u64,

    /// The searchplane binary (default: `searchplane` next to this bench binary, built first
    /// with `cargo build --release -p searchplane`).
    #[arg(long)]
    server_bin: Option<PathBuf>,

    /// Do not run `cargo build --release -p searchplane` first.
    #[arg(long)]
    no_build: bool,

    /// Keep the server's data directory (SQLite database, log) after the run.
    #[arg(long)]
    keep_data: bool,

    /// Seed of the random cluster/type choice.
    #[arg(long, default_value_t = 6)]
    seed: u64,

    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,

    /// The commit to label the results with (default: `git rev-parse --short HEAD` of this
    /// work tree, `+dirty` if it has changes); set it when --server-bin was built elsewhere.
    #[arg(long)]
    commit: Option<String>,
}

impl Cli {
    fn sim_speed(&self) -> f64 {
        self.sim_speed
            .unwrap_or(if self.engine { 10_000_000.0 } else { 100_000.0 })
    }

    fn backend(&self) -> &'static str {
        if self.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.duration > 0.0, "--duration must be positive");
        anyhow::ensure!(self.warmup >= 0.0, "--warmup must not be negative");
        anyhow::ensure!(self.rounds >= 1, "--rounds must be at least 1");
        anyhow::ensure!(
            self.connections.iter().all(|&c| c >= 1),
            "--connections must all be at least 1"
        );
        anyhow::ensure!(self.clusters >= 1, "--clusters must be at least 1");
        anyhow::ensure!(
            (1..=32).contains(&self.engine_nodes),
            "--engine-nodes must be 1-32"
        );
        anyhow::ensure!(
            self.sim_speed().is_finite() && self.sim_speed() > 0.0,
            "--sim-speed must be positive"
        );
        if let Some(server) = &self.server_cpu {
            let server_cpus = parse_cpu_list(server)?;
            if let Some(both) = self.client_cpu.iter().find(|c| server_cpus.contains(c)) {
                bail!("CPU {both} is in both --server-cpu and --client-cpu");
            }
        }
        Ok(())
    }
}

/// The CPUs of a `taskset -c` list such as `0`, `0,2` or `0-3`.
fn parse_cpu_list(list: &str) -> anyhow::Result<Vec<usize>> {
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => out.extend(a.parse::<usize>()?..=b.parse::<usize>()?),
            None => out.push(part.parse()?),
        }
    }
    anyhow::ensure!(!out.is_empty(), "empty CPU list {list:?}");
    Ok(out)
}

/// Facts about the run that a figure needs next to it.
#[derive(Debug, Serialize)]
struct Meta {
    date: String,
    commit: String,
    backend: &'static str,
    cpu_model: String,
    cpus: usize,
    server_pid: u32,
    args: Cli,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `git rev-parse --short HEAD`, with `+dirty` when the work tree has changes.
fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(s) if !s.is_empty() => format!("{head}+dirty"),
        _ => head,
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The server binary, built first unless told otherwise.
fn server_binary(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(bin) = &cli.server_bin {
        return Ok(bin.clone());
    }
    if !cli.no_build {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        eprintln!("building the server: cargo build --release -p searchplane");
        let status = Command::new(cargo)
            .args(["build", "--release", "-p", "searchplane"])
            .current_dir(workspace_root())
            .status()
            .context("running cargo (use --no-build or --server-bin to skip)")?;
        anyhow::ensure!(
            status.success(),
            "cargo build --release -p searchplane failed"
        );
    }
    let exe = std::env::current_exe()?;
    Ok(exe
        .parent()
        .context("the bench binary has no directory")?
        .join("searchplane"))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    cli.validate()?;
    // Counted before pinning, which would narrow it to the client CPUs.
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    if let Some(&cpu) = cli.client_cpu.first() {
        // Threads created from here on (the runtime's, the load generator's) inherit this.
        if !core_affinity::set_for_current(core_affinity::CoreId { id: cpu }) {
            bail!("could not pin the load generator to CPU {cpu}");
        }
    }
    let client_pinned = !cli.client_cpu.is_empty();
    if cli.server_cpu.is_some() != client_pinned {
        eprintln!(
            "warning: pin both the server (--server-cpu) and the load generator (--client-cpu), \
             or they compete for the same cores"
        );
    }
    let binary = server_binary(&cli)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async_main(cli, binary, cpus))
}

async fn async_main(cli: Cli, binary: PathBuf, cpus: usize) -> anyhow::Result<()> {
    let database = match &cli.database_url {
        Some(url) => {
            let db = pg::BenchDatabase::create(url).await?;
            eprintln!("created PostgreSQL database {}", db.name());
            Some(db)
        }
        None => None,
    };
    let opts = ServerOptions {
        binary,
        database_url: database.as_ref().map(|d| d.url.clone()),
        sim_speed: cli.sim_speed(),
        cpu: cli.server_cpu.clone(),
        keep_data: cli.keep_data,
    };
    let outcome = tokio::select! {
        r = run(&cli, &opts, cpus) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    if let Some(db) = database {
        if let Err(e) = db.drop_database().await {
            eprintln!("warning: {e:#}");
        }
    }
    outcome
}

async fn run(cli: &Cli, opts: &ServerOptions, cpus: usize) -> anyhow::Result<()> {
    let server = ServerProcess::start(opts).await?;
    let meta = Meta {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        commit: cli.commit.clone().unwrap_or_else(commit),
        backend: cli.backend(),
        cpu_model: cpu_model(),
        cpus,
        server_pid: server.pid(),
        args: Cli {
            database_url: cli.database_url.as_deref().map(pg::redact),
            ..cli.clone()
        },
    };
    println!(
        "searchplane bench, {} at {} on {} ({} CPUs: {}); server pid {} on {} (data {}), \
         server CPUs {}, client CPUs {}",
        meta.date,
        meta.commit,
        meta.backend,
        meta.cpus,
        meta.cpu_model,
        meta.server_pid,
        server.host,
        server.data_dir().display(),
        cli.server_cpu.as_deref().unwrap_or("any"),
        if cli.client_cpu.is_empty() {
            "any".to_owned()
        } else {
            format!("{:?}", cli.client_cpu)
        }
    );
    let api = Api::new(&server.host)?;
    let json = if cli.engine {
        engine_mode(cli, &api, &server).await?
    } else {
        list_images_mode(cli, &api, &server).await?
    };
    if let Some(path) = &cli.json {
        let doc = serde_json::json!({"meta": meta, "results": json});
        std::fs::write(path, serde_json::to_vec_pretty(&doc)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

async fn engine_mode(
    cli: &Cli,
    api: &Api,
    server: &ServerProcess,
) -> anyhow::Result<serde_json::Value> {
    let opts = EngineOptions {
        clusters: cli.engine_clusters,
        nodes: cli.engine_nodes,
        batch_size: cli.engine_batch_size,
        poll: Duration::from_millis(cli.engine_poll_ms),
        timeout: Duration::from_secs(cli.engine_timeout),
        sim_speed: cli.sim_speed(),
        server_pid: server.pid(),
    };
    println!(
        "upgrade engine: {} clusters × {} data nodes (Elasticsearch 7.9.3), sim speed {}",
        opts.clusters, opts.nodes, opts.sim_speed
    );
    let outcome = engine_bench::run(api, &opts).await?;
    match &outcome {
        EngineOutcome::NotYetAvailable(why) => {
            println!(
                "upgrade engine benchmark: not yet available: this server has no upgrade \
                 endpoints ({why})"
            );
        }
        EngineOutcome::Done(r) => {
            println!(
                "accepted {} upgrades, refused {}; {} succeeded, {} failed or unfinished",
                r.accepted,
                r.refused.len(),
                r.succeeded,
                r.unfinished.len()
            );
            for (id, status, body) in r.refused.iter().take(3) {
                println!("  refused {id}: HTTP {status} {body}");
            }
            for (id, status) in r.unfinished.iter().take(3) {
                println!("  {id}: {status}");
            }
            let target = if cli.database_url.is_none() {
                format!(
                    "target ≥ 2000 on SQLite: {}",
                    verdict(r.transitions_per_s >= 2000.0)
                )
            } else {
                "the 2000/s target is for SQLite".to_owned()
            };
            println!(
                "{} nodes upgraded, {} phase transitions in {:.3} s (±{} ms polling): \
                 {:.0} transitions/s ({target}); server CPU {}; {} UpgradeDetail polls \
                 ({:.0}/s)",
                r.nodes_upgraded,
                r.phase_transitions,
                r.time_to_finish_s,
                r.poll_ms,
                r.transitions_per_s,
                percent(r.server_cpu),
                r.polls,
                r.polls as f64 / r.time_to_finish_s.max(1e-9)
            );
            if let Some(floor) = r.simulated_floor_s {
                println!("simulated-time floor of one task at this sim speed: {floor:.3} s");
            }
            for line in &r.metrics {
                println!("  metrics: {line}");
            }
        }
    }
    Ok(serde_json::to_value(&outcome)?)
}

/// The per-window figures kept for the summary and the JSON output.
#[derive(Debug, Clone, Serialize)]
struct Window {
    connections: usize,
    route: &'static str,
    round: usize,
    requests: u64,
    errors: u64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    server_cpu: Option<f64>,
    client_cpu: Option<f64>,
}

impl Window {
    fn new(connections: usize, route: &'static str, round: usize, r: &WindowResult) -> Self {
        Window {
            connections,
            route,
            round,
            requests: r.requests,
            errors: r.errors,
            rps: r.rps(),
            p50_ms: ms(r.latencies.percentile(50.0)),
            p99_ms: ms(r.latencies.percentile(99.0)),
            server_cpu: r.server_cpu,
            client_cpu: r.client_cpu,
        }
    }
}

/// Medians over the rounds of one connection count.
#[derive(Debug, Clone, Serialize)]
struct Summary {
    connections: usize,
    list_rps: f64,
    list_p50_ms: f64,
    list_p99_ms: f64,
    health_rps: f64,
    health_p50_ms: f64,
    health_p99_ms: f64,
    /// Median over rounds of ListImages req/s ÷ /healthz req/s of the same round.
    rps_ratio: f64,
    /// Median over rounds of ListImages p99 ÷ /healthz p99 of the same round.
    p99_ratio: f64,
    /// Lowest server CPU of the ListImages windows at this connection count.
    list_server_cpu: Option<f64>,
    /// Lowest server CPU of the /healthz windows at this connection count.
    health_server_cpu: Option<f64>,
    /// Highest client CPU of any window at this connection count.
    max_client_cpu: Option<f64>,
    errors: u64,
}

const LIST: &str = "ListImages";
const HEALTH: &str = "/healthz";

fn summarize(connections: usize, windows: &[Window]) -> Summary {
    let of = |route: &str, f: fn(&Window) -> f64| -> f64 {
        median(
            &windows
                .iter()
                .filter(|w| w.route == route)
                .map(f)
                .collect::<Vec<_>>(),
        )
    };
    let rounds: Vec<usize> = {
        let mut r: Vec<usize> = windows.iter().map(|w| w.round).collect();
        r.dedup();
        r
    };
    let ratio = |f: fn(&Window) -> f64| -> f64 {
        let per_round: Vec<f64> = rounds
            .iter()
            .filter_map(|&round| {
                let a = windows
                    .iter()
                    .find(|w| w.round == round && w.route == LIST)?;
                let b = windows
                    .iter()
                    .find(|w| w.round == round && w.route == HEALTH)?;
                Some(f(a) / f(b))
            })
            .collect();
        median(&per_round)
    };
    let min_server_cpu = |route: &str| {
        windows
            .iter()
            .filter(|w| w.route == route)
            .filter_map(|w| w.server_cpu)
            .reduce(f64::min)
    };
    Summary {
        connections,
        list_rps: of(LIST, |w| w.rps),
        list_p50_ms: of(LIST, |w| w.p50_ms),
        list_p99_ms: of(LIST, |w| w.p99_ms),
        health_rps: of(HEALTH, |w| w.rps),
        health_p50_ms: of(HEALTH, |w| w.p50_ms),
        health_p99_ms: of(HEALTH, |w| w.p99_ms),
        rps_ratio: ratio(|w| w.rps),
        p99_ratio: ratio(|w| w.p99_ms),
        list_server_cpu: min_server_cpu(LIST),
        health_server_cpu: min_server_cpu(HEALTH),
        max_client_cpu: windows.iter().filter_map(|w| w.client_cpu).reduce(f64::max),
        errors: windows.iter().map(|w| w.errors).sum(),
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "n/a".to_owned(), |p| format!("{p:.0} %"))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

async fn list_images_mode(
    cli: &Cli,
    api: &Api,
    server: &ServerProcess,
) -> anyhow::Result<serde_json::Value> {
    let fleet = fixture::load(api, cli.projects, cli.clusters, cli.extra_images).await?;
    println!(
        "state: {} clusters in {} project(s), {} images; mean targets per ListImages: \
         same {:.1}, cross {:.1}, cross-engine {:.1}",
        fleet.clusters.len(),
        fleet.tenants.len(),
        fleet.images,
        fleet.mean_targets[0],
        fleet.mean_targets[1],
        fleet.mean_targets[2]
    );
    let signing = if cli.presign {
        load::Signing::PerWindow
    } else {
        load::Signing::EachRequest
    };
    let list = Workload::list_images(&server.host, &fleet, signing)?;
    let health = Workload::healthz(&server.host)?;
    let threads = cli
        .client_threads
        .unwrap_or_else(|| cli.client_cpu.len().max(1));
    println!(
        "{} s windows after {} s warm-up, {} rounds, {threads} client thread(s), ListImages \
         signed {}",
        cli.duration,
        cli.warmup,
        cli.rounds,
        if cli.presign {
            "per window (every cluster and type once)"
        } else {
            "per request"
        }
    );
    println!(
        "{:>5} {:>5} {:>10} {:>10} {:>8} {:>8} {:>7} {:>7} {:>6}",
        "conns", "round", "route", "req/s", "p50 ms", "p99 ms", "srv CPU", "cli CPU", "errors"
    );
    let mut windows = Vec::new();
    let mut summaries = Vec::new();
    for &connections in &cli.connections {
        let spec = WindowSpec {
            addr: server.addr,
            connections,
            threads,
            client_cpus: cli.client_cpu.clone(),
            warmup: Duration::from_secs_f64(cli.warmup),
            duration: Duration::from_secs_f64(cli.duration),
            server_pid: server.pid(),
            seed: cli.seed,
        };
        let mut these = Vec::new();
        for round in 1..=cli.rounds {
            // Alternate the order so that a drift (thermal, a neighbour) hits both routes alike.
            let order = if round % 2 == 1 {
                [(LIST, &list), (HEALTH, &health)]
            } else {
                [(HEALTH, &health), (LIST, &list)]
            };
            for (route, workload) in order {
                let spec = spec.clone();
                let workload = workload.clone();
                let result =
                    tokio::task::spawn_blocking(move || load::run_window(&spec, &workload))
                        .await??;
                if let Some(e) = &result.first_error {
                    eprintln!("  {route}: {} errors, first: {e}", result.errors);
                }
                let w = Window::new(connections, route, round, &result);
                println!(
                    "{:>5} {:>5} {:>10} {:>10.0} {:>8.3} {:>8.3} {:>7} {:>7} {:>6}",
                    w.connections,
                    w.round,
                    w.route,
                    w.rps,
                    w.p50_ms,
                    w.p99_ms,
                    percent(w.server_cpu),
                    percent(w.client_cpu),
                    w.errors
                );
                these.push(w);
            }
        }
        summaries.push(summarize(connections, &these));
        windows.extend(these);
    }
    print_summary(cli, &summaries);
    if let Some(status) = server_health(server) {
        println!("{status}");
    }
    Ok(serde_json::json!({
        "fleet": {"projects": fleet.tenants.len(), "clusters": fleet.clusters.len(),
                  "images": fleet.images,
                  "meanTargets": fleet.mean_targets},
        "windows": windows,
        "summary": summaries,
    }))
}

/// A warning when the server logged errors during the run.
fn server_health(server: &ServerProcess) -> Option<String> {
    let tail = strip_ansi(&server.log_tail());
    let bad: Vec<&str> = tail
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .collect();
    (!bad.is_empty()).then(|| format!("server log warnings:\n{}", bad.join("\n")))
}

/// `s` without ANSI colour sequences (`ESC [ … letter`), which the server's log carries.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn print_summary(cli: &Cli, summaries: &[Summary]) {
    let target_ratio = if cli.database_url.is_some() {
        0.35
    } else {
        0.5
    };
    println!();
    println!(
        "medians over {} rounds ({}); (a) = ListImages, (b) = /healthz",
        cli.rounds,
        cli.backend()
    );
    println!(
        "{:>5} {:>10} {:>8} {:>8} {:>10} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "conns",
        "(a) req/s",
        "p50 ms",
        "p99 ms",
        "(b) req/s",
        "p50 ms",
        "p99 ms",
        "a/b req/s",
        "a/b p99",
        "srv CPU a",
        "srv CPU b",
        "cli CPU"
    );
    for s in summaries {
        println!(
            "{:>5} {:>10.0} {:>8.3} {:>8.3} {:>10.0} {:>8.3} {:>8.3} {:>9.2} {:>9.2} {:>9} {:>9} {:>8}",
            s.connections,
            s.list_rps,
            s.list_p50_ms,
            s.list_p99_ms,
            s.health_rps,
            s.health_p50_ms,
            s.health_p99_ms,
            s.rps_ratio,
            s.p99_ratio,
            percent(s.list_server_cpu),
            percent(s.health_server_cpu),
            percent(s.max_client_cpu)
        );
    }
    println!();
    if let Some(s) = summaries.iter().find(|s| s.connections == 16) {
        println!(
            "target: ListImages at 16 connections ≥ {target_ratio} × /healthz req/s: {:.2} {}",
            s.rps_ratio,
            verdict(s.rps_ratio >= target_ratio)
        );
    }
    if let Some(s) = summaries.iter().find(|s| s.connections == 64) {
        println!(
            "target: ListImages p99 at 64 connections ≤ 3 × /healthz p99: {:.2} × {}",
            s.p99_ratio,
            verdict(s.p99_ratio <= 3.0)
        );
    }
    let unsaturated: Vec<String> = summaries
        .iter()
        .filter(|s| s.connections > 1)
        .flat_map(|s| {
            [(LIST, s.list_server_cpu), (HEALTH, s.health_server_cpu)]
                .into_iter()
                .filter(|(_, cpu)| cpu.is_some_and(|c| c < SATURATED_PERCENT))
                .map(|(route, cpu)| {
                    format!("{route} at {} conns ({})", s.connections, percent(cpu))
                })
        })
        .collect();
    if unsaturated.is_empty() {
        println!(
            "valid: the server was ≥ {SATURATED_PERCENT:.0} % busy in every window at 16+ connections"
        );
    } else {
        println!(
            "not saturated (server < {SATURATED_PERCENT:.0} % busy in some window): {}; there \
             the load generator, the loopback wake-ups or other load on the machine set the \
             pace, not the server",
            unsaturated.join(", ")
        );
    }
    let errors: u64 = summaries.iter().map(|s| s.errors).sum();
    if errors > 0 {
        println!("{errors} requests failed (see above)");
    }
    println!(
        "note: 1 connection measures the loopback round trip and wake-up latency, not throughput"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[2m2026\u{1b}[0m \u{1b}[33m WARN\u{1b}[0m x"),
            "2026  WARN x"
        );
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0").unwrap(), vec![0]);
        assert_eq!(parse_cpu_list("0,2").unwrap(), vec![0, 2]);
        assert_eq!(parse_cpu_list("1-3").unwrap(), vec![1, 2, 3]);
        assert!(parse_cpu_list("").is_err());
        assert!(parse_cpu_list("x").is_err());
    }

    #[test]
    fn the_cli_parses_and_rejects_overlapping_pins() {
        let cli = Cli::parse_from(["bench", "--server-cpu", "0", "--client-cpu", "1"]);
        assert_eq!(cli.connections, vec![1, 16, 64]);
        assert_eq!(cli.sim_speed(), 100_000.0);
        cli.validate().unwrap();
        let both = Cli::parse_from(["bench", "--server-cpu", "0-1", "--client-cpu", "1"]);
        assert!(both.validate().is_err());
        assert_eq!(
            Cli::parse_from(["bench", "--engine"]).sim_speed(),
            10_000_000.0
        );
    }

    fn w(round: usize, route: &'static str, rps: f64, p99: f64) -> Window {
        Window {
            connections: 16,
            route,
            round,
            requests: 1,
            errors: 0,
            rps,
            p50_ms: p99 / 2.0,
            p99_ms: p99,
            server_cpu: Some(95.0),
            client_cpu: Some(50.0),
        }
    }

    #[test]
    fn ratios_are_taken_within_a_round() {
        let windows = [
            w(1, LIST, 10.0, 2.0),
            w(1, HEALTH, 40.0, 1.0),
            w(2, HEALTH, 20.0, 1.0),
            w(2, LIST, 10.0, 4.0),
            w(3, LIST, 30.0, 3.0),
            w(3, HEALTH, 60.0, 1.0),
        ];
        let s = summarize(16, &windows);
        assert_eq!(s.list_rps, 10.0);
        assert_eq!(s.health_rps, 40.0);
        assert_eq!(s.rps_ratio, 0.5); // 0.25, 0.5, 0.5
        assert_eq!(s.p99_ratio, 3.0); // 2, 4, 3
        assert_eq!(s.list_server_cpu, Some(95.0));
        assert_eq!(s.health_server_cpu, Some(95.0));
    }
}
