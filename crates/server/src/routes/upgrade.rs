//! The upgrade operations: UpgradeCore (with its pre-upgrade checks and the `dry_run`
//! extension), UpgradeDetail and RetryUpgradeTask (retry and abort). The runner in the engine
//! crate does the work; these handlers validate, record and report.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::store::{CreateTask, StoredTask, TaskGuard, TaskWrite};
use domain::targets::UpgradeType;
use domain::upgrade::{
    CheckInput, ClusterData, FailureKind, NewTask, Phase, TransitionError, UpgradeTask,
    data_vcpus_total, estimated_remaining, run_checks,
};
use domain::{Cluster, Store};
use wire::ErrorCode;
use wire::upgrade::{
    CheckOutcome, CurrentNodeDetail, DryRunResponse, RetryRequest, UpgradeCoreRequest,
    UpgradeCoreResponse, UpgradeDetailInfo, UpgradeDetailResponse,
};

use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::{QueryParams, parse_json};
use crate::routes::images::target_selection;
use crate::state::AppState;

async fn cluster_or_0047(
    store: &dyn Store,
    project_id: &str,
    cluster_id: &str,
) -> ApiResult<Cluster> {
    store
        .cluster(project_id, cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))
}

/// The CSS code (and status) for a failed pre-upgrade check.
fn check_error(kind: &FailureKind) -> (ErrorCode, StatusCode) {
    match kind {
        FailureKind::TaskRunning | FailureKind::ClusterBusy => {
            (ErrorCode::OperationInProgress, StatusCode::CONFLICT)
        }
        FailureKind::TooManyUpgrades { .. } => (
            ErrorCode::OperationInProgress,
            StatusCode::PRECONDITION_FAILED,
        ),
        FailureKind::BackupNeedsThreeDataNodes => (
            ErrorCode::BackupNeedsThreeDataNodes,
            StatusCode::PRECONDITION_FAILED,
        ),
        FailureKind::IndicesNotBackedUp(_) => (
            ErrorCode::IndicesNotBackedUp,
            StatusCode::PRECONDITION_FAILED,
        ),
        FailureKind::InvalidBatchSize { .. } => (
            ErrorCode::IncorrectParameters,
            StatusCode::PRECONDITION_FAILED,
        ),
        _ => (
            ErrorCode::StatusNotUpgradable,
            StatusCode::PRECONDITION_FAILED,
        ),
    }
}

/// `POST /v1.0/{project_id}/clusters/{cluster_id}/inst-type/{inst_type}/image/upgrade[?dry_run=true]`
pub async fn upgrade_core(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id, inst_type)): Path<(String, String, String)>,
    query: QueryParams,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    // The reference: "Currently, only all is supported, indicating all nodes."
    if inst_type != "all" {
        return Err(ApiError::bad_param(format!(
            "inst_type must be all, not {inst_type:?}"
        )));
    }
    let dry_run = query.flag("dry_run")?;
    let req: UpgradeCoreRequest = parse_json(&body)?;
    let kind: UpgradeType = req
        .upgrade_type
        .parse()
        .map_err(|e: domain::version::ParseError| ApiError::bad_param(e.0))?;
    if req.agency.trim().is_empty() || req.agency.len() > 64 {
        return Err(ApiError::bad_param("agency must be 1-64 characters"));
    }
    let batch_size = match req.batch_size {
        None => 1,
        Some(b) if (1..=1000).contains(&b) => b as u32,
        Some(b) => {
            return Err(ApiError::bad_param(format!(
                "batch_size must be an integer 1-1000, not {b}"
            )));
        }
    };
    let store = state.store.as_ref();
    let cluster = cluster_or_0047(store, &project_id, &cluster_id).await?;
    let snapshot = state.catalog.get();
    let selection = target_selection(
        &snapshot.catalog,
        cluster.current_image(&snapshot.catalog),
        kind,
    );
    let Some(target) = selection
        .images
        .iter()
        .find(|i| i.id == req.target_image_id)
    else {
        return Err(ApiError::bad_param(format!(
            "target_image_id {} is not a {kind} upgrade target of this cluster (see ListImages)",
            req.target_image_id
        )));
    };
    let data = match store.cluster_data(&cluster.id).await? {
        Some(d) => d,
        None => ClusterData::default_for(&cluster),
    };
    let snapshots: Vec<_> = store
        .snapshots(&cluster.id)
        .await?
        .into_iter()
        .map(|s| s.snapshot)
        .collect();
    let plugins = store.cluster_plugins(&cluster.id).await?;
    let task_running = store.active_task(&cluster.id).await?.is_some();
    let upgrading = store.active_task_count().await? - u64::from(task_running);
    let report = run_checks(&CheckInput {
        cluster: &cluster,
        catalog: &snapshot.catalog,
        data: &data,
        snapshots: &snapshots,
        custom_plugins: &plugins,
        plugin_packages: &snapshot.packages,
        target,
        indices_backup_check: req.indices_backup_check,
        cluster_load_check: req.cluster_load_check.unwrap_or(true),
        batch_size,
        task_running,
        clusters_upgrading: u32::try_from(upgrading).unwrap_or(u32::MAX),
        max_concurrent_upgrades: state.max_concurrent_upgrades,
    });
    if dry_run {
        return Ok(Json(DryRunResponse {
            passed: report.passed(),
            checks: report
                .results
                .iter()
                .map(|r| CheckOutcome {
                    check: r.check.as_str().to_owned(),
                    passed: r.passed,
                    skipped: r.skipped,
                    reason: r.reason.clone(),
                    error_code: r
                        .failure
                        .as_ref()
                        .map(|k| check_error(k).0.code().to_owned()),
                })
                .collect(),
        })
        .into_response());
    }
    if let Some(first) = report.first_failure() {
        let (code, status) = check_error(
            first
                .failure
                .as_ref()
                .unwrap_or(&FailureKind::ClusterNotReady),
        );
        return Err(ApiError::new(
            code,
            format!("Pre-upgrade checks failed: {}", report.failure_message()),
        )
        .with_status(status));
    }
    let task = UpgradeTask::new(
        NewTask {
            id: uuid::Uuid::new_v4().to_string(),
            upgrade_type: kind,
            target_image_id: target.id.clone(),
            agency: req.agency,
            batch_size,
        },
        &cluster,
        state.clock.now(),
    );
    match store
        .create_task(&task, state.max_concurrent_upgrades)
        .await?
    {
        CreateTask::Created => {}
        CreateTask::ClusterBusy => {
            return Err(ApiError::new(
                ErrorCode::OperationInProgress,
                "The cluster already has an upgrade task.",
            )
            .with_status(StatusCode::CONFLICT));
        }
        CreateTask::CapReached => {
            return Err(ApiError::new(
                ErrorCode::OperationInProgress,
                format!(
                    "At most {} clusters can be upgraded at the same time.",
                    state.max_concurrent_upgrades
                ),
            )
            .with_status(StatusCode::PRECONDITION_FAILED));
        }
    }
    state.runner_wake.notify_one();
    tracing::info!(cluster = %cluster.id, task = %task.id, target = %target.display_name, "upgrade started");
    Ok(Json(UpgradeCoreResponse { action_id: task.id }).into_response())
}

/// `GET /v1.0/{project_id}/clusters/{cluster_id}/upgrade/detail?offset&limit&action_mode`
pub async fn upgrade_detail(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id)): Path<(String, String)>,
    query: QueryParams,
) -> ApiResult<Json<UpgradeDetailResponse>> {
    // `offset` starts at 1 ("starts from the first task"); older revisions called it `start`.
    let offset = query.int_any(&["offset", "start"], 1..=1000, 1)?;
    let limit = query.int("limit", 1..=1000, 10)?;
    let explain = query.flag("explain")?;
    let mode = query.get("action_mode").unwrap_or("UPGRADING");
    let cluster = cluster_or_0047(state.store.as_ref(), &project_id, &cluster_id).await?;
    match mode {
        "UPGRADING" => {}
        // AZ migration is not simulated: there are never such tasks.
        "AZ_MIGRATION" => {
            return Ok(Json(UpgradeDetailResponse {
                total_size: 0,
                detail_list: Vec::new(),
            }));
        }
        other => {
            return Err(ApiError::bad_param(format!(
                "action_mode must be UPGRADING or AZ_MIGRATION, not {other:?}"
            )));
        }
    }
    let (tasks, total) = match query.get("marker").filter(|m| !m.is_empty()) {
        // openstacksdk pages on with `marker=<last id seen>` (resending `start`) until a page
        // comes back empty: answer the tasks after the marker (none for an unknown one), so
        // that it never sees the same page twice.
        Some(marker) => {
            let (all, total) = state.store.cluster_tasks(&cluster.id, 0, 1_000_000).await?;
            let after = all
                .iter()
                .position(|t| t.id == marker)
                .map_or(all.len(), |i| i + 1);
            let page = all.into_iter().skip(after).take(limit as usize).collect();
            (page, total)
        }
        None => {
            state
                .store
                .cluster_tasks(&cluster.id, (offset - 1) as u32, limit as u32)
                .await?
        }
    };
    let snapshot = state.catalog.get();
    let data = if explain {
        Some(match state.store.cluster_data(&cluster.id).await? {
            Some(d) => d,
            None => ClusterData::default_for(&cluster),
        })
    } else {
        None
    };
    // Once per request, not per task: the cluster's data vCPUs and the clock.
    let vcpus = data_vcpus_total(&cluster, &snapshot.catalog);
    let now = state.clock.now();
    let detail_list = tasks
        .iter()
        .map(|task| {
            let estimate = data.as_ref().map(|data| {
                estimated_remaining(task, now, vcpus, |n| {
                    cluster
                        .nodes
                        .iter()
                        .find(|c| c.id == n.node_id)
                        .map_or(0, |c| data.node_data_mb(&cluster, c))
                })
                .num_seconds()
            });
            detail_info(task, &snapshot.catalog, estimate, explain)
        })
        .collect();
    Ok(Json(UpgradeDetailResponse {
        total_size: total,
        detail_list,
    }))
}

/// Node lists are comma-separated strings on the wire.
fn comma_separated<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(",")
}

fn time_or_empty(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(convert::time).unwrap_or_default()
}

fn detail_info(
    task: &UpgradeTask,
    catalog: &domain::Catalog,
    estimate: Option<i64>,
    explain: bool,
) -> UpgradeDetailInfo {
    let current = task.current_node();
    let image = catalog
        .image(&task.target_image_id)
        .map(convert::image_info)
        .unwrap_or_else(|| wire::images::ImageInfo {
            id: task.target_image_id.clone(),
            display_name: String::new(),
            image_desc: String::new(),
            datastore_type: String::new(),
            datastore_version: String::new(),
            priority: 0,
        });
    UpgradeDetailInfo {
        id: task.id.clone(),
        start_time: convert::time(task.started),
        end_time: time_or_empty(task.ended),
        status: task.status.as_str().to_owned(),
        agency_name: task.agency.clone(),
        image_info: image,
        total_nodes: comma_separated(task.nodes.iter().map(|n| n.name.as_str())),
        completed_nodes: comma_separated(task.completed_nodes().iter().map(|n| n.name.as_str())),
        current_node_name: current
            .map(|i| task.nodes[i].name.clone())
            .unwrap_or_default(),
        execute_times: task.execute_times.to_string(),
        current_node_detail: current
            .map(|i| {
                Phase::ALL
                    .iter()
                    .map(|p| {
                        let r = task.nodes[i].phase(*p);
                        CurrentNodeDetail {
                            order: p.order(),
                            name: p.name().to_owned(),
                            status: r.status.as_str().to_owned(),
                            desc: p.desc().to_owned(),
                            begin_time: time_or_empty(r.begin),
                            end_time: time_or_empty(r.end),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        batch_size: task.batch_size,
        current_batch_nodes: comma_separated(
            task.current_batch()
                .into_iter()
                .map(|i| task.nodes[i].name.as_str()),
        ),
        estimated_remaining_seconds: estimate,
        terminated: explain.then_some(task.terminated),
    }
}

/// `PUT /v1.0/{project_id}/clusters/{cluster_id}/upgrade/{action_id}/retry[?retry_mode=abort]`
pub async fn retry_upgrade_task(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id, action_id)): Path<(String, String, String)>,
    query: QueryParams,
    body: axum::body::Bytes,
) -> ApiResult<()> {
    // `retry_mode` is documented in the query; some clients send it in a JSON body.
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse_json::<RetryRequest>(&body)?.retry_mode
    };
    let abort = match query
        .get("retry_mode")
        .map(str::to_owned)
        .or(from_body)
        .as_deref()
    {
        None | Some("") => false,
        Some("abort") => true,
        Some(other) => {
            return Err(ApiError::bad_param(format!(
                "retry_mode can only be abort, not {other:?}"
            )));
        }
    };
    let cluster = cluster_or_0047(state.store.as_ref(), &project_id, &cluster_id).await?;
    let Some(StoredTask {
        mut task, version, ..
    }) = state.store.task(&cluster.id, &action_id).await?
    else {
        return Err(ApiError::new(
            ErrorCode::RecordNotFound,
            format!("no upgrade task {action_id} on this cluster"),
        ));
    };
    let now = state.clock.now();
    let result = if abort {
        task.abort(now)
    } else {
        task.retry(now)
    };
    result.map_err(|e| transition_error(&e))?;
    let write = TaskWrite {
        task: &task,
        phase_due: None,
        phase_hung: false,
        upgraded_nodes: &[],
        release_cluster: abort,
        consume_fault: None,
        release_lease: true,
    };
    if !state
        .store
        .save_task(&TaskGuard::Version(version), &write)
        .await?
    {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            "The task changed meanwhile; try again.",
        )
        .with_status(StatusCode::CONFLICT));
    }
    if !abort {
        state.runner_wake.notify_one();
    }
    tracing::info!(task = %task.id, abort, execute_times = task.execute_times, "upgrade task {}", if abort { "terminated" } else { "retried" });
    Ok(())
}

fn transition_error(e: &TransitionError) -> ApiError {
    let msg = match e {
        TransitionError::NotFailed { status } => {
            format!("only a failed task can be retried or terminated; this one is {status}")
        }
        TransitionError::Terminated => "the task was terminated".to_owned(),
        TransitionError::AbortAfterNodeCompleted { completed } => format!(
            "a cross-version upgrade can be terminated only while no node is upgraded; {completed} already are"
        ),
        other => other.to_string(),
    };
    ApiError::new(
        ErrorCode::NotAllowedInStatus,
        format!(
            "{} ({msg})",
            ErrorCode::NotAllowedInStatus
                .message()
                .trim_end_matches('.')
        ),
    )
}
