//! The storage port. Every method is one transaction: either all of its writes land or none do.
//! Implementations (`SqliteStore`, `PgStore`) live in the `store` crate and pass one shared suite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, Image, ImageStatus, UpgradePath};
use crate::cluster::Cluster;
use crate::credentials::{AccessKey, Credentials, PluginPackage};
use crate::version::Engine;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the text names what clashed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed.
    #[error("storage backend error")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Stored data could not be read back into the domain model.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// A page of clusters and the total before paging.
#[derive(Debug, Clone, Default)]
pub struct ClusterPage {
    /// The clusters of the page, newest first.
    pub clusters: Vec<Cluster>,
    /// How many clusters matched in all.
    pub total: u64,
}

/// Durable state of a searchplane deployment.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Seeds the catalog: adds images and flavors whose ids are not stored yet, and the upgrade
    /// paths if paths were never seeded. Operator changes made since are kept.
    async fn seed_catalog(&self, catalog: &Catalog) -> StoreResult<()>;
    /// The whole catalog.
    async fn load_catalog(&self) -> StoreResult<Catalog>;
    /// A number that changes whenever the catalog (images, paths, plugin packages) changes.
    async fn catalog_generation(&self) -> StoreResult<i64>;
    /// Adds an image; `Conflict` if its id or display name is taken.
    async fn add_image(&self, image: &Image) -> StoreResult<()>;
    /// Sets an image's status; false if there is no such image.
    async fn set_image_status(&self, id: &str, status: ImageStatus) -> StoreResult<bool>;
    /// Replaces every upgrade path at once.
    async fn replace_paths(&self, paths: &[UpgradePath]) -> StoreResult<()>;

    /// Stores the first-start credentials unless some exist; returns the stored ones.
    async fn init_credentials(&self, creds: &Credentials) -> StoreResult<Credentials>;
    /// An access key by id.
    async fn access_key(&self, access_key: &str) -> StoreResult<Option<AccessKey>>;
    /// A Keystone user by name: (password, project id, project name).
    async fn user(&self, name: &str) -> StoreResult<Option<crate::credentials::User>>;
    /// Whether a token is a valid operator token.
    async fn is_admin_token(&self, token: &str) -> StoreResult<bool>;

    /// Inserts a new cluster and its nodes; `Conflict` if the project has a cluster of that name.
    async fn insert_cluster(&self, cluster: &Cluster) -> StoreResult<()>;
    /// A cluster by id, whatever its project (operator API).
    async fn find_cluster(&self, cluster_id: &str) -> StoreResult<Option<Cluster>>;
    /// A cluster of a project.
    async fn cluster(&self, project_id: &str, cluster_id: &str) -> StoreResult<Option<Cluster>>;
    /// A project's clusters, newest first, optionally of one engine, skipping `skip`.
    async fn list_clusters(
        &self,
        project_id: &str,
        engine: Option<Engine>,
        skip: u32,
        limit: u32,
    ) -> StoreResult<ClusterPage>;
    /// Deletes a cluster with its nodes and plugins; false if there was none.
    async fn delete_cluster(&self, project_id: &str, cluster_id: &str) -> StoreResult<bool>;
    /// Marks every cluster whose provisioning is due by `now` available; returns how many.
    async fn complete_provisioning(&self, now: DateTime<Utc>) -> StoreResult<u64>;
    /// The earliest pending provisioning deadline.
    async fn next_provisioning(&self) -> StoreResult<Option<DateTime<Utc>>>;

    /// Replaces the custom plugins of a cluster.
    async fn set_cluster_plugins(&self, cluster_id: &str, plugins: &[String]) -> StoreResult<()>;
    /// The custom plugins of a cluster.
    async fn cluster_plugins(&self, cluster_id: &str) -> StoreResult<Vec<String>>;
    /// Records an uploaded plugin package (idempotent).
    async fn add_plugin_package(&self, package: &PluginPackage) -> StoreResult<()>;
    /// Every uploaded plugin package.
    async fn plugin_packages(&self) -> StoreResult<Vec<PluginPackage>>;
}
