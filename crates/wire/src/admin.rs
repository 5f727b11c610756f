//! The operator API (`/admin/v1/…`, bearer token): images, upgrade paths, custom plugins of a
//! cluster and uploaded plugin packages. camelCase JSON, the same error envelope as CSS.

use serde::{Deserialize, Serialize};

/// An image as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminImage {
    /// Image id.
    pub id: String,
    /// `<version>_<build>_<MMDD>`.
    pub display_name: String,
    /// Engine type.
    pub datastore_type: String,
    /// Engine version.
    pub datastore_version: String,
    /// Build, e.g. `24.3.4`.
    pub build: String,
    /// Release date `YYYY-MM-DD`.
    pub release_date: String,
    /// Description.
    pub image_desc: String,
    /// Priority.
    pub priority: i32,
    /// `available` or `eos`.
    pub status: String,
}

/// `GET /admin/v1/images`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListAdminImagesResponse {
    /// Every image.
    pub images: Vec<AdminImage>,
}

/// `POST /admin/v1/images`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddImageRequest {
    /// Optional id (a UUID is generated when absent).
    #[serde(default)]
    pub id: Option<String>,
    /// Engine type.
    pub datastore_type: String,
    /// Engine version.
    pub datastore_version: String,
    /// Build.
    pub build: String,
    /// Release date `YYYY-MM-DD` (today when absent).
    #[serde(default)]
    pub release_date: Option<String>,
    /// Description.
    #[serde(default)]
    pub image_desc: String,
    /// Priority.
    #[serde(default)]
    pub priority: i32,
}

/// One upgrade path.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdminUpgradePath {
    /// Engine upgraded from.
    pub source_type: String,
    /// Version upgraded from.
    pub source_version: String,
    /// Engine upgraded to.
    pub target_type: String,
    /// Version upgraded to.
    pub target_version: String,
}

/// `GET`/`PUT /admin/v1/upgrade-paths`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpgradePathsBody {
    /// Every path.
    pub upgrade_paths: Vec<AdminUpgradePath>,
}

/// `GET`/`PUT /admin/v1/clusters/{cluster_id}/plugins`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterPluginsBody {
    /// Custom plugin names.
    pub plugins: Vec<String>,
}

/// One uploaded plugin package.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginPackageInfo {
    /// Plugin name.
    pub name: String,
    /// Engine type the package is for.
    pub datastore_type: String,
    /// Engine version the package is for.
    pub datastore_version: String,
}

/// `GET /admin/v1/plugin-packages`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListPluginPackagesResponse {
    /// Every package.
    pub packages: Vec<PluginPackageInfo>,
}

/// One index of a simulated cluster.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndexBody {
    /// Index name.
    pub name: String,
    /// Primary data size in MB.
    pub size_mb: u64,
    /// Primary shards.
    #[serde(default = "one")]
    pub primaries: u32,
    /// Replicas per primary.
    #[serde(default = "one")]
    pub replicas: u32,
}

fn one() -> u32 {
    1
}

/// Metrics of a simulated cluster; absent fields keep their current value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsBody {
    /// `green`, `yellow` or `red`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// Unassigned primary shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unassigned_primaries: Option<u32>,
    /// Unassigned replica shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unassigned_replicas: Option<u32>,
    /// Largest search thread-pool queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_queue: Option<u32>,
    /// Largest write thread-pool queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_queue: Option<u32>,
    /// Highest process CPU percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_percent: Option<f64>,
    /// Highest OS load average.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_average: Option<f64>,
    /// Disk usage override in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_used_percent: Option<f64>,
}

/// `GET`/`PUT /admin/v1/clusters/{cluster_id}/data`: the simulated cluster's indices and
/// metrics.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterDataBody {
    /// Indices; replaced when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indices: Option<Vec<IndexBody>>,
    /// Metrics; merged field by field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsBody>,
}

/// `POST /admin/v1/faults`: make a phase fail (or hang) on a node, K times.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultBody {
    /// Fault id (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Cluster the fault applies to.
    pub cluster_id: String,
    /// Node name; any node when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Phase order (0–12).
    pub phase: u32,
    /// `fail` or `hang`.
    pub action: String,
    /// How many times it triggers (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Triggers left (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u32>,
}

/// `GET /admin/v1/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListFaultsResponse {
    /// Every fault with triggers left.
    pub faults: Vec<FaultBody>,
}

/// `POST /admin/v1/projects`: every field optional (generated when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddProjectRequest {
    /// Project id (32 lowercase hex characters).
    #[serde(default)]
    pub project_id: Option<String>,
    /// Project name.
    #[serde(default)]
    pub project_name: Option<String>,
    /// Keystone user name.
    #[serde(default)]
    pub user_name: Option<String>,
}

/// A project with its credentials (secrets only in the answer to its creation).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfo {
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Access key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key: Option<String>,
    /// Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// Keystone user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Keystone password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `GET /admin/v1/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListProjectsResponse {
    /// Every project (no secrets).
    pub projects: Vec<ProjectInfo>,
}
