//! Cluster operations: create (v1, v2), list, show, delete, and the flavor list.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use domain::ClusterStatus;
use domain::create::{ApiVersion, CreateError, provisioning_time};
use domain::store::StoreError;
use wire::ErrorCode;
use wire::clusters::{
    ClusterDetail, ClusterRef, CreateClusterRequest, CreateClusterResponse, ListClustersResponse,
    ListFlavorsResponse,
};

use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, QueryParams};
use crate::state::AppState;

/// `POST /v1.0/{project_id}/clusters` (discarded v1 API, one node type).
pub async fn create_cluster_v1(
    state: State<Arc<AppState>>,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<CreateClusterRequest>,
) -> ApiResult<Json<CreateClusterResponse>> {
    create(state, project_id, body, ApiVersion::V1).await
}

/// `POST /v2.0/{project_id}/clusters`.
pub async fn create_cluster_v2(
    state: State<Arc<AppState>>,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<CreateClusterRequest>,
) -> ApiResult<Json<CreateClusterResponse>> {
    create(state, project_id, body, ApiVersion::V2).await
}

async fn create(
    State(state): State<Arc<AppState>>,
    project_id: String,
    body: CreateClusterRequest,
    api: ApiVersion,
) -> ApiResult<Json<CreateClusterResponse>> {
    let request = convert::new_cluster(body.cluster, api)?;
    let snapshot = state.catalog.get();
    request
        .validate(api, &snapshot.catalog)
        .map_err(|e| convert::create_error(&e))?;
    let now = state.clock.now();
    let nodes: usize = request.roles.iter().map(|r| r.count as usize).sum();
    let ready_at = now + state.sim_speed.real(provisioning_time(nodes));
    let cluster = request.build(&project_id, &snapshot.catalog, now, ready_at);
    match state.store.insert_cluster(&cluster).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(convert::create_error(&CreateError::NameTaken)),
        Err(e) => return Err(e.into()),
    }
    state.provision_wake.notify_one();
    tracing::info!(cluster = %cluster.id, name = %cluster.name, "cluster created");
    Ok(Json(CreateClusterResponse {
        cluster: ClusterRef {
            id: cluster.id,
            name: cluster.name,
        },
    }))
}

/// `actionProgress`: creation progress while status is `100`, the upgrade task's progress
/// while the cluster is `UPGRADING`, `{}` when idle.
async fn progress(state: &AppState, c: &domain::Cluster) -> ApiResult<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    if c.actions.iter().any(|a| a == "UPGRADING")
        && let Some(t) = state.store.active_task(&c.id).await?
    {
        map.insert(
            "UPGRADING".to_owned(),
            format!("{}%", t.task.progress_percent()),
        );
    }
    if c.status == ClusterStatus::Creating
        && let Some(ready) = c.ready_at
    {
        let total = (ready - c.created).num_milliseconds().max(1) as f64;
        let done = (state.clock.now() - c.created).num_milliseconds().max(0) as f64;
        let pct = ((done / total) * 100.0).clamp(0.0, 99.0) as u32;
        map.insert("CREATING".to_owned(), format!("{pct}%"));
    }
    Ok(map)
}

/// `GET /v1.0/{project_id}/clusters?offset|start&limit&datastoreType`
pub async fn list_clusters(
    State(state): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    query: QueryParams,
) -> ApiResult<Json<ListClustersResponse>> {
    // The reference names the first parameter `offset`, its examples and older revisions
    // `start`; both are 1-based.
    let offset = query.int_any(&["offset", "start"], 1..=1000, 1)?;
    let limit = query.int("limit", 1..=1000, 10)?;
    let engine = match query.get("datastoreType").filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(t.parse().map_err(|_| {
            ApiError::bad_param(format!(
                "datastoreType must be elasticsearch, opensearch or logstash, not {t:?}"
            ))
        })?),
    };
    let page = state
        .store
        .list_clusters(&project_id, engine, (offset - 1) as u32, limit as u32)
        .await?;
    let snapshot = state.catalog.get();
    let mut clusters = Vec::with_capacity(page.clusters.len());
    for c in &page.clusters {
        clusters.push(convert::cluster_detail(
            c,
            &snapshot.catalog,
            progress(&state, c).await?,
        ));
    }
    Ok(Json(ListClustersResponse {
        total_size: page.total,
        clusters,
    }))
}

/// `GET /v1.0/{project_id}/clusters/{cluster_id}`
pub async fn show_cluster_detail(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id)): Path<(String, String)>,
) -> ApiResult<Json<ClusterDetail>> {
    let cluster = state
        .store
        .cluster(&project_id, &cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::InstanceNotFound))?;
    let snapshot = state.catalog.get();
    let progress = progress(&state, &cluster).await?;
    Ok(Json(convert::cluster_detail(
        &cluster,
        &snapshot.catalog,
        progress,
    )))
}

/// `DELETE /v1.0/{project_id}/clusters/{cluster_id}`
pub async fn delete_cluster(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id)): Path<(String, String)>,
) -> ApiResult<()> {
    if state
        .store
        .cluster(&project_id, &cluster_id)
        .await?
        .is_none()
    {
        return Err(ApiError::code(ErrorCode::InstanceNotFound));
    }
    if state.store.active_task(&cluster_id).await?.is_some() {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            "The cluster cannot be deleted while an upgrade task holds it; wait for it or terminate it.",
        )
        .with_status(axum::http::StatusCode::CONFLICT));
    }
    if !state.store.delete_cluster(&project_id, &cluster_id).await? {
        return Err(ApiError::code(ErrorCode::InstanceNotFound));
    }
    tracing::info!(cluster = %cluster_id, "cluster deleted");
    Ok(())
}

/// `GET /v1.0/{project_id}/es-flavors` and `/v1.0/{project_id}/flavors`
pub async fn list_flavors(State(state): State<Arc<AppState>>) -> Json<ListFlavorsResponse> {
    Json(ListFlavorsResponse {
        versions: convert::flavor_versions(&state.catalog.get().catalog),
    })
}
