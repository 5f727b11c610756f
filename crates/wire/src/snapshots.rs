//! Manual snapshots (`POST …/index_snapshot`, `GET …/index_snapshots`), which the upgrade's
//! backup check reads: a snapshot covers the indices that existed when it was taken.

use serde::{Deserialize, Serialize};

/// CreateSnapshot body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateSnapshotRequest {
    /// Snapshot name (4–64: letters, digits, `-`, `_`, starting with a letter).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Comma-separated index names or `*` patterns; all indices when absent.
    #[serde(default)]
    pub indices: Option<String>,
}

/// CreateSnapshot answer (HTTP 201).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateSnapshotResponse {
    /// The new snapshot.
    pub backup: SnapshotRef,
}

/// Id and name of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SnapshotRef {
    /// Snapshot id.
    pub id: String,
    /// Snapshot name.
    pub name: String,
}

/// ListSnapshots answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListSnapshotsResponse {
    /// Snapshots, newest first.
    pub backups: Vec<SnapshotInfo>,
}

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotInfo {
    /// Snapshot id.
    pub id: String,
    /// Snapshot name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Cluster id.
    pub cluster_id: String,
    /// Cluster name.
    pub cluster_name: String,
    /// `COMPLETED`, `FAILED` or `RUNNING`.
    pub status: String,
    /// Indices covered, comma-separated.
    pub indices: String,
    /// Creation time.
    pub created: String,
    /// `manual`.
    pub backup_method: String,
}
