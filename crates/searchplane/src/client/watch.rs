//! `--watch`: follow an upgrade task through UpgradeDetail (`explain=true` for the estimate)
//! until it ends. On a terminal it draws an indicatif bar — nodes done of total, the current
//! node and phase, elapsed time and the estimate; elsewhere it logs one line per phase change
//! to stderr. `SUCCESS` returns `Ok`; `FAILED` / `PARTIAL_FAILED` return
//! [`Failure::UpgradeFailed`] naming the failed phase and its description.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use wire::clusters::ClusterDetail;
use wire::upgrade::{UpgradeDetailInfo, UpgradeDetailResponse};

use super::error::Failure;
use super::http::{Api, decode};
use super::table::{duration, emit};
use super::upgrade::{detail, failed_phase, nodes, render_task};
use crate::cli::Output;

/// How often UpgradeDetail is polled.
const POLL: Duration = Duration::from_millis(400);
/// How long a task just started or retried may take to show up as such.
const GRACE: Duration = Duration::from_secs(10);

/// Which task to follow, and how to recognise a retried run.
pub struct Expect {
    /// The task id; the newest task when absent.
    pub task: Option<String>,
    /// After a retry: the run count (`executeTimes`) the retried run has. Until it shows (or
    /// [`GRACE`] passes), an old terminal status is not taken as the outcome.
    pub min_runs: Option<u32>,
}

impl Expect {
    /// Follow `task` (or the newest task).
    pub fn task(task: Option<String>) -> Self {
        Expect {
            task,
            min_runs: None,
        }
    }
}

/// Follows a task until it ends; see the module docs.
pub async fn watch(api: &Api, cluster: &ClusterDetail, expect: Expect) -> anyhow::Result<()> {
    // Line 1: the bar, nodes done of total, elapsed and estimate; line 2: node and phase.
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner:.green} [{bar:30.cyan/blue}] {pos}/{len} nodes  {prefix}\n  {wide_msg}",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let interactive = !bar.is_hidden();
    let mut ticking = false;
    let watching_since = Instant::now();
    let mut last_line = String::new();
    let task = loop {
        let limit = if expect.task.is_some() { 100 } else { 1 };
        let answer: UpgradeDetailResponse =
            decode(&detail(api, cluster, limit, true).await?, "UpgradeDetail")?;
        let found = match &expect.task {
            Some(id) => answer.detail_list.into_iter().find(|t| t.id == *id),
            None => answer.detail_list.into_iter().next(),
        };
        let in_grace = watching_since.elapsed() < GRACE;
        let Some(task) = found else {
            if expect.task.is_some() && in_grace {
                tokio::time::sleep(POLL).await;
                continue;
            }
            bar.finish_and_clear();
            return Err(Failure::NotFound(match &expect.task {
                Some(id) => format!("no upgrade task {id} on cluster {}", cluster.name),
                None => format!("no upgrade tasks on cluster {}", cluster.name),
            })
            .into());
        };
        let runs: u32 = task.execute_times.parse().unwrap_or(1);
        let current_run = expect.min_runs.is_none_or(|m| runs >= m) || !in_grace;

        let total = nodes(&task.total_nodes).len() as u64;
        let done = nodes(&task.completed_nodes).len() as u64;
        bar.set_length(total);
        bar.set_position(done);
        bar.set_prefix(timing(&task));
        let line = progress_line(&task);
        bar.set_message(line.clone());
        if interactive && !ticking {
            // Only now: an empty bar would show as "0/0 nodes", full.
            bar.enable_steady_tick(Duration::from_millis(120));
            ticking = true;
        }
        if !interactive && line != last_line {
            eprintln!("[{done}/{total} nodes] {line}");
            last_line = line;
        }
        if current_run && task.status != "RUNNING" {
            break task;
        }
        tokio::time::sleep(POLL).await;
    };
    bar.finish_and_clear();
    finish(api, cluster, &task).await
}

/// `node: phase 3/12 Node replacement (RUNNING)`, or the task status between phases.
fn progress_line(task: &UpgradeDetailInfo) -> String {
    let node = if task.current_node_name.is_empty() {
        "-"
    } else {
        &task.current_node_name
    };
    let phase = task
        .current_node_detail
        .iter()
        .find(|p| p.status == "RUNNING" || p.status == "FAILED")
        .or_else(|| {
            task.current_node_detail
                .iter()
                .rev()
                .find(|p| p.status == "SUCCESS")
        });
    match phase {
        Some(p) => format!(
            "{node}: phase {}/{} {} ({})",
            p.order,
            task.current_node_detail.len().saturating_sub(1),
            p.name,
            p.status
        ),
        None => format!("{node}: task {}", task.status),
    }
}

/// `elapsed 12s · ~1h02m left (simulated time)`.
fn timing(task: &UpgradeDetailInfo) -> String {
    let mut parts = Vec::new();
    if let Ok(start) = NaiveDateTime::parse_from_str(&task.start_time, wire::TIME_FORMAT) {
        let secs = (Utc::now().naive_utc() - start).num_seconds();
        parts.push(format!("elapsed {}", duration(secs)));
    }
    if let Some(secs) = task.estimated_remaining_seconds
        && task.status == "RUNNING"
    {
        // The estimate is in simulated time: the fleet may run faster than the clock.
        parts.push(format!("~{} left (simulated time)", duration(secs)));
    }
    parts.join(" · ")
}

async fn finish(
    api: &Api,
    cluster: &ClusterDetail,
    task: &UpgradeDetailInfo,
) -> anyhow::Result<()> {
    let succeeded = task.status == "SUCCESS";
    match api.output() {
        Output::Json => {
            // The same document `upgrade status --output json` prints.
            let raw = detail(api, cluster, 1, false).await?;
            emit(Output::Json, &raw, String::new);
        }
        Output::Table if succeeded => {
            let total = nodes(&task.total_nodes).len();
            println!(
                "upgrade SUCCESS: cluster {} now runs {} ({total}/{total} nodes)",
                cluster.name, task.image_info.display_name
            );
        }
        Output::Table => print!("{}", render_task(task)),
    }
    if succeeded {
        return Ok(());
    }
    let node = if task.current_node_name.is_empty() {
        "-"
    } else {
        &task.current_node_name
    };
    let at = match failed_phase(task) {
        Some((order, name, desc)) => format!(" at phase {order} {name}: {desc}"),
        None => String::new(),
    };
    let next = if task.terminated == Some(true) {
        "; the task was aborted".to_owned()
    } else {
        format!(
            "; retry with `searchplane upgrade retry {c} {t}` or abort with \
             `searchplane upgrade abort {c} {t}`",
            c = cluster.name,
            t = task.id
        )
    };
    Err(Failure::UpgradeFailed(format!("upgrade {} on node {node}{at}{next}", task.status)).into())
}
