//! The operator API (`/admin/v1/…`, bearer token): images, upgrade paths, custom plugins of a
//! cluster and uploaded plugin packages. camelCase JSON, the same error envelope as CSS.

use serde::{Deserialize, Serialize};

/// An image as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ListAdminImagesResponse {
    /// Every image.
    pub images: Vec<AdminImage>,
}

/// `POST /admin/v1/images`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpgradePathsBody {
    /// Every path.
    pub upgrade_paths: Vec<AdminUpgradePath>,
}

/// `GET`/`PUT /admin/v1/clusters/{cluster_id}/plugins`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterPluginsBody {
    /// Custom plugin names.
    pub plugins: Vec<String>,
}

/// One uploaded plugin package.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ListPluginPackagesResponse {
    /// Every package.
    pub packages: Vec<PluginPackageInfo>,
}
