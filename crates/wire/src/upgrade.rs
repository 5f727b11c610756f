//! Upgrade operations: UpgradeCore (`POST …/inst-type/{inst_type}/image/upgrade`),
//! UpgradeDetail (`GET …/upgrade/detail`) and RetryUpgradeTask (`PUT …/upgrade/{action_id}/retry`).
//! Detail fields keep the documented quirks: node lists are comma-separated strings,
//! `executeTimes` is a string, times have no zone and an unset time is `""`.

use serde::{Deserialize, Serialize};

use crate::images::ImageInfo;

/// UpgradeCore body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct UpgradeCoreRequest {
    /// Target image id, from ListImages.
    pub target_image_id: String,
    /// `same`, `cross` or `cross-engine`.
    pub upgrade_type: String,
    /// Whether to verify that every index is covered by a snapshot.
    pub indices_backup_check: bool,
    /// IAM agency name.
    pub agency: String,
    /// Whether to verify the cluster load (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_load_check: Option<bool>,
    /// Data nodes migrating at once (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i64>,
}

/// UpgradeCore answer. The documented answer has no body; the task id is an extension that
/// clients ignore.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeCoreResponse {
    /// The task id (`detailList[].id` of UpgradeDetail).
    pub action_id: String,
}

/// One pre-upgrade check in a dry-run report (`?dry_run=true`, an extension).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckOutcome {
    /// Check name, e.g. `DISK_CAPACITY`.
    pub check: String,
    /// Whether it passed (skipped checks pass).
    pub passed: bool,
    /// Whether it was skipped (backup or load check turned off).
    pub skipped: bool,
    /// Why it passed or failed.
    pub reason: String,
    /// The error code a failing check answers with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// The dry-run report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DryRunResponse {
    /// Whether an upgrade would start.
    pub passed: bool,
    /// Every check, in order.
    pub checks: Vec<CheckOutcome>,
}

/// UpgradeDetail answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeDetailResponse {
    /// Number of tasks before paging.
    pub total_size: u64,
    /// The page of tasks, newest first.
    pub detail_list: Vec<UpgradeDetailInfo>,
}

/// One upgrade task (`GetUpgradeDetailInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeDetailInfo {
    /// Task id, the `action_id` of RetryUpgradeTask.
    pub id: String,
    /// Start time.
    pub start_time: String,
    /// End time, `""` while running.
    pub end_time: String,
    /// `RUNNING`, `SUCCESS`, `FAILED` or `PARTIAL_FAILED`.
    pub status: String,
    /// IAM agency.
    pub agency_name: String,
    /// Target image.
    pub image_info: ImageInfo,
    /// Every node of the task, comma-separated, in upgrade order.
    pub total_nodes: String,
    /// Completed nodes, comma-separated, `""` if none.
    pub completed_nodes: String,
    /// The node being upgraded (or that failed).
    pub current_node_name: String,
    /// How many times the task ran (1 + retries), as a string.
    pub execute_times: String,
    /// Phases of the current node.
    pub current_node_detail: Vec<CurrentNodeDetail>,
    /// Data nodes migrating at once.
    pub batch_size: u32,
    /// Nodes of the current batch, comma-separated.
    pub current_batch_nodes: String,
    /// Extension (`?explain=true` only): estimated remaining simulated seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_remaining_seconds: Option<i64>,
    /// Extension (`?explain=true` only): whether the task was terminated (aborted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<bool>,
}

/// One phase of the current node.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentNodeDetail {
    /// Phase number (0–12).
    pub order: u32,
    /// Phase name.
    pub name: String,
    /// `WAITING`, `RUNNING`, `SUCCESS` or `FAILED`.
    pub status: String,
    /// What the phase does.
    pub desc: String,
    /// Start time, `""` if not started.
    pub begin_time: String,
    /// End time, `""` if not finished.
    pub end_time: String,
}

/// Optional RetryUpgradeTask body (`retry_mode` is also accepted in the query).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RetryRequest {
    /// Only `abort`.
    #[serde(default)]
    pub retry_mode: Option<String>,
}
