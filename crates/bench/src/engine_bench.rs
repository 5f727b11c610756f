//! The upgrade-engine benchmark (`--engine`): N clusters upgrading at once at a very high sim
//! speed, so that simulated durations vanish and the engine's own work — deciding the next step
//! and committing every phase transition to the store — is what takes the time.
//!
//! It creates N Elasticsearch 7.9.3 clusters of `--engine-nodes` data nodes, starts a
//! cross-version upgrade of each to the first target ListImages offers (UpgradeCore,
//! `POST /v1.0/{pid}/clusters/{id}/inst-type/all/image/upgrade`, all at once), then polls
//! UpgradeDetail (`GET …/upgrade/detail`) until every task is `SUCCESS` or failed: the first
//! unfinished task every `--engine-poll-ms` until it ends, then the next one at once. Every node of a task passes through the
//! 13 phases, so a finished task committed `nodes × 13` phase transitions (counting a phase's
//! completion; each also has a start). The rate is their sum over the time from the first
//! UpgradeCore to the last task seen finished (resolution: one polling cycle).
//!
//! Polling one task at a time keeps its cost to the server at about one UpgradeDetail per pause
//! (50/s by default); polling every task every pause cost ~15 % of the measured rate.

use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::Method;
use serde::Serialize;
use wire::images::ListImagesResponse;
use wire::upgrade::{UpgradeCoreRequest, UpgradeCoreResponse, UpgradeDetailResponse};

use crate::api::Api;
use crate::fixture;
use crate::procstat::CpuSample;

/// Phases per node (`domain::upgrade::task::Phase::COUNT`).
const PHASES_PER_NODE: u64 = 13;

/// How to run the engine benchmark.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Clusters upgrading at once.
    pub clusters: usize,
    /// Data nodes per cluster.
    pub nodes: u32,
    /// UpgradeCore `batch_size` (data nodes migrating at once), server default when `None`.
    pub batch_size: Option<i64>,
    /// Pause between polling cycles.
    pub poll: Duration,
    /// Give up after this long.
    pub timeout: Duration,
    /// The server's `--sim-speed`, for the simulated-time floor.
    pub sim_speed: f64,
    /// Server process, for its CPU use.
    pub server_pid: u32,
}

/// What the engine benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct EngineReport {
    /// Clusters whose upgrade was accepted.
    pub accepted: usize,
    /// UpgradeCore refusals: `(cluster, HTTP status, body)`.
    pub refused: Vec<(String, u16, String)>,
    /// Tasks that ended `SUCCESS`.
    pub succeeded: usize,
    /// Tasks that ended failed or were still running at the timeout: `(cluster, status)`.
    pub unfinished: Vec<(String, String)>,
    /// Nodes upgraded (over succeeded tasks).
    pub nodes_upgraded: u64,
    /// Phase transitions committed (`nodes_upgraded × 13`).
    pub phase_transitions: u64,
    /// From the first UpgradeCore to the last task seen finished, in seconds.
    pub time_to_finish_s: f64,
    /// `phase_transitions / time_to_finish_s`.
    pub transitions_per_s: f64,
    /// Server CPU over that time, % of one core.
    pub server_cpu: Option<f64>,
    /// UpgradeDetail polls sent.
    pub polls: u64,
    /// The pause between polling cycles, in milliseconds (the resolution of the finish time).
    pub poll_ms: u64,
    /// Simulated duration of one task divided by the sim speed (from `?explain=true`, when the
    /// server offers it), in seconds: the floor below which no engine could finish.
    pub simulated_floor_s: Option<f64>,
    /// Lines of `/metrics` about upgrades or phases, if the server exports any.
    pub metrics: Vec<String>,
}

/// The outcome: a report, or the endpoints are not there yet.
#[derive(Debug, Clone, Serialize)]
pub enum EngineOutcome {
    /// The upgrade endpoints answered 404 `APIG.0101` (no such API): the engine is not served
    /// yet.
    NotYetAvailable(String),
    /// The benchmark ran.
    Done(EngineReport),
}

fn upgrade_path(api: &Api, id: &str) -> String {
    api.v1(&format!("/clusters/{id}/inst-type/all/image/upgrade"))
}

fn detail_path(api: &Api, id: &str) -> String {
    api.v1(&format!("/clusters/{id}/upgrade/detail"))
}

/// Runs the engine benchmark on a fresh server.
pub async fn run(api: &Api, opts: &EngineOptions) -> anyhow::Result<EngineOutcome> {
    let mut ids = Vec::with_capacity(opts.clusters);
    for i in 0..opts.clusters {
        let id = fixture::create_cluster(
            api,
            &format!("engine-{i:05}"),
            "elasticsearch",
            "7.9.3",
            opts.nodes,
        )
        .await
        .context("creating the clusters to upgrade")?;
        ids.push(id);
    }
    let tagged: Vec<(usize, String)> = ids.iter().map(|id| (0, id.clone())).collect();
    fixture::wait_available(&std::sync::Arc::new(vec![api.clone()]), &tagged).await?;

    let probe = api
        .signed::<()>(Method::GET, &detail_path(api, &ids[0]), None)
        .await?;
    if probe.is_no_such_api() {
        return Ok(EngineOutcome::NotYetAvailable(format!(
            "UpgradeDetail answered HTTP {} {}",
            probe.status,
            probe.text()
        )));
    }

    let (upgrade_type, target) = pick_target(api, &ids[0]).await?;
    let body = UpgradeCoreRequest {
        target_image_id: target,
        upgrade_type: upgrade_type.to_owned(),
        indices_backup_check: false,
        agency: "css_upgrade_agency".to_owned(),
        cluster_load_check: Some(false),
        batch_size: opts.batch_size,
    };

    let cpu0 = CpuSample::take(opts.server_pid);
    let started = Instant::now();
    let shared = std::sync::Arc::new((api.clone(), body));
    let replies = fixture::for_each_concurrent(ids.clone(), ids.len().max(1), move |id| {
        let shared = shared.clone();
        async move {
            let (api, body) = &*shared;
            let reply = api
                .signed(Method::POST, &upgrade_path(api, &id), Some(body))
                .await?;
            Ok((id, reply))
        }
    })
    .await?;

    let mut pending = Vec::new();
    let mut refused = Vec::new();
    for (id, reply) in replies {
        if reply.status.is_success() {
            let action = reply
                .json::<UpgradeCoreResponse>()
                .ok()
                .map(|r| r.action_id);
            pending.push((id, action));
        } else if reply.is_no_such_api() {
            return Ok(EngineOutcome::NotYetAvailable(format!(
                "UpgradeCore answered HTTP {} {}",
                reply.status,
                reply.text()
            )));
        } else {
            refused.push((id, reply.status.as_u16(), reply.text()));
        }
    }
    let accepted = pending.len();
    let simulated_floor_s =
        simulated_floor(api, pending.first().map(|p| p.0.as_str()), opts.sim_speed).await;

    // Wait for the tasks one after another: poll the first unfinished one every `poll` until it
    // ends, then move on at once. Tasks that ended meanwhile are seen with one request each, so
    // the last end is seen at most one pause (plus a few requests) late, while the polling
    // costs the server about one request per pause instead of one per task per pause.
    let mut queue: std::collections::VecDeque<_> = pending.into();
    let mut polls = 0;
    let mut succeeded = 0;
    let mut nodes_upgraded = 0;
    let mut unfinished = Vec::new();
    let mut last_finish = started;
    while let Some((id, action)) = queue.front() {
        polls += 1;
        let detail: UpgradeDetailResponse = api
            .signed::<()>(Method::GET, &detail_path(api, id), None)
            .await?
            .json()
            .with_context(|| format!("UpgradeDetail of {id}"))?;
        let task = detail
            .detail_list
            .iter()
            .find(|t| action.as_deref().is_none_or(|a| a == t.id))
            .or_else(|| detail.detail_list.first());
        match task.map(|t| (t.status.as_str(), t)) {
            Some(("SUCCESS", t)) => {
                succeeded += 1;
                nodes_upgraded += t.total_nodes.split(',').filter(|n| !n.is_empty()).count() as u64;
                last_finish = Instant::now();
                queue.pop_front();
            }
            Some(("RUNNING", _)) | None => {
                if started.elapsed() > opts.timeout {
                    unfinished.extend(
                        queue
                            .drain(..)
                            .map(|(id, _)| (id, "RUNNING at timeout".to_owned())),
                    );
                    break;
                }
                tokio::time::sleep(opts.poll).await;
            }
            Some((other, _)) => {
                last_finish = Instant::now();
                unfinished.push((id.clone(), other.to_owned()));
                queue.pop_front();
            }
        }
    }
    let cpu1 = CpuSample::take(opts.server_pid);
    let elapsed = last_finish.duration_since(started).as_secs_f64();
    let phase_transitions = nodes_upgraded * PHASES_PER_NODE;
    Ok(EngineOutcome::Done(EngineReport {
        accepted,
        refused,
        succeeded,
        unfinished,
        nodes_upgraded,
        phase_transitions,
        time_to_finish_s: elapsed,
        transitions_per_s: if elapsed > 0.0 {
            phase_transitions as f64 / elapsed
        } else {
            f64::NAN
        },
        server_cpu: cpu0.busy_percent(&cpu1),
        polls,
        poll_ms: u64::try_from(opts.poll.as_millis()).unwrap_or(u64::MAX),
        simulated_floor_s,
        metrics: engine_metrics(api).await,
    }))
}

/// The upgrade type and target image for a cluster: the first `cross` target, else `same`.
async fn pick_target(api: &Api, id: &str) -> anyhow::Result<(&'static str, String)> {
    for kind in ["cross", "same"] {
        let list: ListImagesResponse = api
            .signed::<()>(
                Method::GET,
                &api.v1(&format!("/clusters/{id}/target/{kind}/images")),
                None,
            )
            .await?
            .json()?;
        if let Some(image) = list.image_info_list.first() {
            return Ok((kind, image.id.clone()));
        }
    }
    anyhow::bail!("cluster {id} has no upgrade target")
}

/// `estimatedRemainingSeconds / sim speed` of a just-started task, when `?explain=true` works.
async fn simulated_floor(api: &Api, id: Option<&str>, sim_speed: f64) -> Option<f64> {
    let path = format!("{}?explain=true", detail_path(api, id?));
    let detail: UpgradeDetailResponse = api
        .signed::<()>(Method::GET, &path, None)
        .await
        .ok()?
        .json()
        .ok()?;
    let secs = detail.detail_list.first()?.estimated_remaining_seconds?;
    Some(secs as f64 / sim_speed)
}

/// `/metrics` lines mentioning upgrades, phases or the engine (comments left out).
async fn engine_metrics(api: &Api) -> Vec<String> {
    let Ok(reply) = api.get_plain("/metrics").await else {
        return Vec::new();
    };
    reply
        .text()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            (l.contains("phase") || l.contains("engine") || l.contains("upgrade_task"))
                && !l.contains("_bucket")
        })
        .map(str::to_owned)
        .collect()
}
