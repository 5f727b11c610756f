//! Manual snapshots: CreateSnapshot (`POST …/index_snapshot`) and ListSnapshots
//! (`GET …/index_snapshots`). A snapshot covers the indices that exist when it is taken and
//! match its `indices` list (names or `*` patterns; all indices when absent); the upgrade's
//! backup check reads exactly that.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::store::{StoreError, StoredSnapshot};
use domain::upgrade::{ClusterData, Snapshot, SnapshotStatus};
use wire::ErrorCode;
use wire::snapshots::{
    CreateSnapshotRequest, CreateSnapshotResponse, ListSnapshotsResponse, SnapshotInfo, SnapshotRef,
};

use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

fn valid_name(name: &str) -> bool {
    (4..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `POST /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot`
pub async fn create_snapshot(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<CreateSnapshotRequest>,
) -> ApiResult<(StatusCode, Json<CreateSnapshotResponse>)> {
    if !valid_name(&req.name) {
        return Err(ApiError::bad_param(
            "name must be 4-64 characters: letters, digits, hyphens and underscores, starting with a letter",
        ));
    }
    let description = req.description.unwrap_or_default();
    if description.chars().count() > 256 {
        return Err(ApiError::bad_param(
            "description must be at most 256 characters",
        ));
    }
    let cluster = state
        .store
        .cluster(&project_id, &cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))?;
    let data = match state.store.cluster_data(&cluster.id).await? {
        Some(d) => d,
        None => ClusterData::default_for(&cluster),
    };
    let patterns: Vec<&str> = match req.indices.as_deref().map(str::trim) {
        None | Some("") => vec!["*"],
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
    };
    // Resolve the patterns against the indices that exist now.
    let indices: Vec<String> = data
        .indices
        .iter()
        .filter(|i| {
            patterns
                .iter()
                .any(|p| domain::upgrade::data::matches_pattern(p, &i.name))
        })
        .map(|i| i.name.clone())
        .collect();
    let stored = StoredSnapshot {
        id: uuid::Uuid::new_v4().to_string(),
        cluster_id: cluster.id.clone(),
        description,
        snapshot: Snapshot {
            name: req.name.clone(),
            indices,
            status: SnapshotStatus::Success,
            created: state.clock.now(),
        },
    };
    match state.store.add_snapshot(&stored).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(
                ErrorCode::SnapshotNameExists,
                format!("a snapshot named {} exists", req.name),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok((
        StatusCode::CREATED,
        Json(CreateSnapshotResponse {
            backup: SnapshotRef {
                id: stored.id,
                name: req.name,
            },
        }),
    ))
}

/// `GET /v1.0/{project_id}/clusters/{cluster_id}/index_snapshots`
pub async fn list_snapshots(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id)): Path<(String, String)>,
) -> ApiResult<Json<ListSnapshotsResponse>> {
    let cluster = state
        .store
        .cluster(&project_id, &cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))?;
    let backups = state
        .store
        .snapshots(&cluster.id)
        .await?
        .into_iter()
        .map(|s| SnapshotInfo {
            id: s.id,
            name: s.snapshot.name,
            description: s.description,
            cluster_id: cluster.id.clone(),
            cluster_name: cluster.name.clone(),
            status: match s.snapshot.status {
                SnapshotStatus::Success => "COMPLETED",
                SnapshotStatus::Failed => "FAILED",
                SnapshotStatus::InProgress => "RUNNING",
            }
            .to_owned(),
            indices: s.snapshot.indices.join(","),
            created: convert::time(s.snapshot.created),
            backup_method: "manual".to_owned(),
        })
        .collect();
    Ok(Json(ListSnapshotsResponse { backups }))
}
