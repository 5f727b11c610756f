//! `searchplane upgrade targets|start|status|retry|abort`: ListImages, UpgradeCore (and its
//! dry run), UpgradeDetail and RetryUpgradeTask. `--watch` hands over to [`super::watch`].

use anyhow::Context;
use reqwest::Method;
use wire::clusters::ClusterDetail;
use wire::images::{ImageInfo, ListImagesResponse};
use wire::upgrade::{
    DryRunResponse, UpgradeCoreRequest, UpgradeCoreResponse, UpgradeDetailInfo,
    UpgradeDetailResponse,
};

use super::clusters::resolve;
use super::error::Failure;
use super::http::{Answer, Api, ApiVersion, decode, seg};
use super::table::{Table, duration, emit, key_values, or_dash};
use super::watch::{self, Expect};
use crate::cli::{Output, StartArgs, UpgradeCommand, UpgradeType};

/// Runs an `upgrade` verb.
pub async fn run(api: &Api, command: UpgradeCommand) -> anyhow::Result<()> {
    match command {
        UpgradeCommand::Targets { cluster, kind } => targets(api, &cluster, kind).await,
        UpgradeCommand::Start(args) => start(api, &args).await,
        UpgradeCommand::Status { cluster, watch } => status(api, &cluster, watch).await,
        UpgradeCommand::Retry {
            cluster,
            task,
            watch,
        } => retry(api, &cluster, &task, watch).await,
        UpgradeCommand::Abort { cluster, task } => abort(api, &cluster, &task).await,
    }
}

async fn list_targets(
    api: &Api,
    cluster: &ClusterDetail,
    kind: UpgradeType,
    explain: bool,
) -> anyhow::Result<Answer> {
    let mut query = "offset=0&limit=1000".to_owned();
    if explain {
        query.push_str("&explain=true");
    }
    api.css(
        Method::GET,
        ApiVersion::V1,
        &format!(
            "/clusters/{}/target/{}/images",
            seg(&cluster.id),
            kind.as_str()
        ),
        &query,
        None,
    )
    .await
    .with_context(|| {
        format!(
            "listing {} target images of cluster {}",
            kind.as_str(),
            cluster.name
        )
    })
}

async fn targets(api: &Api, arg: &str, kind: UpgradeType) -> anyhow::Result<()> {
    let cluster = resolve(api, arg).await?;
    // People get the reasons for an empty list; scripts get the documented answer.
    let raw = list_targets(api, &cluster, kind, api.output() == Output::Table).await?;
    let answer: ListImagesResponse = decode(&raw, "ListImages")?;
    emit(api.output(), &raw, || {
        let from = format!(
            "{} {} ({})",
            cluster.datastore.kind, cluster.datastore.version, cluster.datastore.sub_version
        );
        if answer.image_info_list.is_empty() {
            let reasons = answer
                .unavailable_reasons
                .as_ref()
                .filter(|r| !r.is_empty())
                .map(|r| format!(": {}", r.join(", ")))
                .unwrap_or_default();
            return format!(
                "no {} upgrade targets for cluster {} on {from}{reasons}\n",
                kind.as_str(),
                cluster.name
            );
        }
        let mut t = Table::new(&[
            "ID",
            "IMAGE",
            "ENGINE",
            "VERSION",
            "PRIORITY",
            "DESCRIPTION",
        ]);
        for i in &answer.image_info_list {
            t.row(vec![
                i.id.clone(),
                i.display_name.clone(),
                i.datastore_type.clone(),
                i.datastore_version.clone(),
                i.priority.to_string(),
                i.image_desc.clone(),
            ]);
        }
        let mut out = t.render();
        if answer.need_upload_upgrade_plugin {
            out.push_str(
                "note: the cluster has custom plugins without packages for a target version; \
                 upload them before upgrading\n",
            );
        }
        out
    });
    Ok(())
}

/// Finds `--image` (an id or display name) among the cluster's targets of `kinds`.
async fn find_image(
    api: &Api,
    cluster: &ClusterDetail,
    kinds: &[UpgradeType],
    image: &str,
) -> anyhow::Result<Option<(UpgradeType, ImageInfo)>> {
    for &kind in kinds {
        let answer: ListImagesResponse = decode(
            &list_targets(api, cluster, kind, false).await?,
            "ListImages",
        )?;
        if let Some(i) = answer
            .image_info_list
            .into_iter()
            .find(|i| i.id == image || i.display_name == image)
        {
            return Ok(Some((kind, i)));
        }
    }
    Ok(None)
}

async fn start(api: &Api, a: &StartArgs) -> anyhow::Result<()> {
    let cluster = resolve(api, &a.cluster).await?;
    let (kind, image_id, image_name) = match a.kind {
        Some(kind) => match find_image(api, &cluster, &[kind], &a.image).await? {
            Some((kind, i)) => (kind, i.id, i.display_name),
            // Not offered: let the server say why, in its own words.
            None => (kind, a.image.clone(), a.image.clone()),
        },
        None => match find_image(api, &cluster, &UpgradeType::ALL, &a.image).await? {
            Some((kind, i)) => (kind, i.id, i.display_name),
            None => {
                return Err(Failure::NotFound(format!(
                    "image {:?} is not an upgrade target of cluster {} (types same, cross, \
                     cross-engine); see `searchplane upgrade targets {} --type …`",
                    a.image, cluster.name, cluster.name
                ))
                .into());
            }
        },
    };
    let body = serde_json::to_value(UpgradeCoreRequest {
        target_image_id: image_id,
        upgrade_type: kind.as_str().to_owned(),
        indices_backup_check: !a.no_backup_check,
        agency: a.agency.clone(),
        cluster_load_check: Some(!a.no_load_check),
        batch_size: a.batch_size,
    })
    .context("encoding the upgrade request")?;
    let path = format!("/clusters/{}/inst-type/all/image/upgrade", seg(&cluster.id));
    if a.dry_run {
        let raw = api
            .css(
                Method::POST,
                ApiVersion::V1,
                &path,
                "dry_run=true",
                Some(&body),
            )
            .await
            .with_context(|| format!("checking the upgrade of cluster {}", cluster.name))?;
        return dry_run_report(api, &cluster, &image_name, &raw);
    }
    let raw = api
        .css(Method::POST, ApiVersion::V1, &path, "", Some(&body))
        .await
        .with_context(|| format!("starting the upgrade of cluster {}", cluster.name))?;
    let task = decode::<UpgradeCoreResponse>(&raw, "UpgradeCore")
        .ok()
        .map(|r| r.action_id);
    if a.watch {
        if api.output() == Output::Table {
            println!(
                "upgrade of cluster {} to {image_name} ({}) started{}",
                cluster.name,
                kind.as_str(),
                task.as_deref()
                    .map(|t| format!(", task {t}"))
                    .unwrap_or_default()
            );
        }
        return watch::watch(api, &cluster, Expect::task(task)).await;
    }
    emit(api.output(), &raw, || {
        format!(
            "upgrade of cluster {} to {image_name} ({}) started{}\n\
             follow it with `searchplane upgrade status {} --watch`\n",
            cluster.name,
            kind.as_str(),
            task.as_deref()
                .map(|t| format!(", task {t}"))
                .unwrap_or_default(),
            cluster.name
        )
    });
    Ok(())
}

fn dry_run_report(
    api: &Api,
    cluster: &ClusterDetail,
    image: &str,
    raw: &Answer,
) -> anyhow::Result<()> {
    let report: DryRunResponse = decode(raw, "UpgradeCore dry run")?;
    emit(api.output(), raw, || {
        let mut t = Table::new(&["CHECK", "RESULT", "CODE", "REASON"]);
        for c in &report.checks {
            let result = match (c.skipped, c.passed) {
                (true, _) => "skipped",
                (false, true) => "pass",
                (false, false) => "FAIL",
            };
            t.row(vec![
                c.check.clone(),
                result.to_owned(),
                or_dash(c.error_code.as_deref().unwrap_or_default()),
                c.reason.clone(),
            ]);
        }
        let verdict = if report.passed {
            format!(
                "dry run: the upgrade of cluster {} to {image} can start\n",
                cluster.name
            )
        } else {
            format!(
                "dry run: the upgrade of cluster {} to {image} would be refused\n",
                cluster.name
            )
        };
        format!("{}{verdict}", t.render())
    });
    if report.passed {
        Ok(())
    } else {
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.check.as_str())
            .collect();
        Err(
            Failure::ChecksFailed(format!("pre-upgrade checks failed: {}", failed.join(", ")))
                .into(),
        )
    }
}

/// UpgradeDetail, newest task first.
pub async fn detail(
    api: &Api,
    cluster: &ClusterDetail,
    limit: u32,
    explain: bool,
) -> anyhow::Result<Answer> {
    let mut query = format!("offset=1&limit={limit}");
    if explain {
        query.push_str("&explain=true");
    }
    api.css(
        Method::GET,
        ApiVersion::V1,
        &format!("/clusters/{}/upgrade/detail", seg(&cluster.id)),
        &query,
        None,
    )
    .await
    .with_context(|| format!("reading the upgrade status of cluster {}", cluster.name))
}

/// Comma-separated node list → names (`""` is none).
pub fn nodes(list: &str) -> Vec<&str> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

async fn status(api: &Api, arg: &str, follow: bool) -> anyhow::Result<()> {
    let cluster = resolve(api, arg).await?;
    if follow {
        return watch::watch(api, &cluster, Expect::task(None)).await;
    }
    let raw = detail(api, &cluster, 1, api.output() == Output::Table).await?;
    let answer: UpgradeDetailResponse = decode(&raw, "UpgradeDetail")?;
    emit(api.output(), &raw, || match answer.detail_list.first() {
        None => format!("no upgrade tasks on cluster {}\n", cluster.name),
        Some(task) => render_task(task),
    });
    Ok(())
}

/// The failed phase of a task's current node: `(order, name, desc)`.
pub fn failed_phase(task: &UpgradeDetailInfo) -> Option<(u32, &str, &str)> {
    task.current_node_detail
        .iter()
        .find(|p| p.status == "FAILED")
        .map(|p| (p.order, p.name.as_str(), p.desc.as_str()))
}

/// A task as aligned key/values plus its current node's phases.
pub fn render_task(task: &UpgradeDetailInfo) -> String {
    let total = nodes(&task.total_nodes);
    let done = nodes(&task.completed_nodes);
    let image = &task.image_info;
    let mut pairs = vec![
        ("task", task.id.clone()),
        ("status", task.status.clone()),
        (
            "target",
            format!(
                "{} ({} {})",
                image.display_name, image.datastore_type, image.datastore_version
            ),
        ),
        ("started", or_dash(&task.start_time)),
        ("ended", or_dash(&task.end_time)),
        ("nodes done", format!("{}/{}", done.len(), total.len())),
        ("current node", or_dash(&task.current_node_name)),
        ("batch size", task.batch_size.to_string()),
        ("runs", task.execute_times.clone()),
        ("agency", task.agency_name.clone()),
    ];
    if let Some(secs) = task.estimated_remaining_seconds
        && task.status == "RUNNING"
    {
        pairs.push(("remaining", format!("~{} (simulated time)", duration(secs))));
    }
    if task.terminated == Some(true) {
        pairs.push(("terminated", "yes (aborted)".to_owned()));
    }
    if let Some((order, name, desc)) = failed_phase(task) {
        pairs.push(("failed phase", format!("{order} {name}: {desc}")));
    }
    let mut out = key_values(&pairs);
    if !task.current_node_detail.is_empty() {
        out.push('\n');
        let mut t = Table::new(&["ORDER", "PHASE", "STATUS", "BEGIN", "END"]);
        for p in &task.current_node_detail {
            t.row(vec![
                p.order.to_string(),
                p.name.clone(),
                p.status.clone(),
                or_dash(&p.begin_time),
                or_dash(&p.end_time),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}

fn retry_path(cluster: &ClusterDetail, task: &str) -> String {
    format!("/clusters/{}/upgrade/{}/retry", seg(&cluster.id), seg(task))
}

async fn retry(api: &Api, arg: &str, task: &str, follow: bool) -> anyhow::Result<()> {
    let cluster = resolve(api, arg).await?;
    // The runs count before the retry tells the watcher when it sees the retried run.
    let runs_before = if follow {
        let answer: UpgradeDetailResponse =
            decode(&detail(api, &cluster, 1000, false).await?, "UpgradeDetail")?;
        answer
            .detail_list
            .iter()
            .find(|t| t.id == task)
            .and_then(|t| t.execute_times.parse::<u32>().ok())
    } else {
        None
    };
    let raw = api
        .css(
            Method::PUT,
            ApiVersion::V1,
            &retry_path(&cluster, task),
            "",
            None,
        )
        .await
        .with_context(|| format!("retrying task {task} of cluster {}", cluster.name))?;
    if follow {
        if api.output() == Output::Table {
            println!("retrying task {task} of cluster {}", cluster.name);
        }
        let expect = Expect {
            task: Some(task.to_owned()),
            min_runs: runs_before.map(|r| r + 1),
        };
        return watch::watch(api, &cluster, expect).await;
    }
    emit(api.output(), &raw, || {
        format!(
            "retrying task {task} of cluster {}; follow it with \
             `searchplane upgrade status {} --watch`\n",
            cluster.name, cluster.name
        )
    });
    Ok(())
}

async fn abort(api: &Api, arg: &str, task: &str) -> anyhow::Result<()> {
    let cluster = resolve(api, arg).await?;
    let raw = api
        .css(
            Method::PUT,
            ApiVersion::V1,
            &retry_path(&cluster, task),
            "retry_mode=abort",
            None,
        )
        .await
        .with_context(|| format!("aborting task {task} of cluster {}", cluster.name))?;
    emit(api.output(), &raw, || {
        format!(
            "aborted task {task}; cluster {} is released and its nodes keep the images they have\n",
            cluster.name
        )
    });
    Ok(())
}
