//! The storage port. Every method is one transaction: either all of its writes land or none do.
//! Implementations (`SqliteStore`, `PgStore`) live in the `store` crate and pass one shared suite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, Image, ImageStatus, UpgradePath};
use crate::cluster::Cluster;
use crate::credentials::{AccessKey, Credentials, PluginPackage};
use crate::upgrade::{ClusterData, Snapshot, UpgradeTask};
use crate::version::Engine;

/// A runner's hold on a task. Every write through it is fenced: it lands only while the lease
/// is still this owner's at this attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The task.
    pub task_id: String,
    /// The runner (one id per process).
    pub owner: String,
    /// Fencing token: incremented by every claim.
    pub attempt: i64,
}

/// Who may write a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskGuard {
    /// The runner that holds the lease.
    Lease(Lease),
    /// An API call that read the task at this version (optimistic concurrency).
    Version(i64),
}

/// A task as stored, with its runner bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTask {
    /// The state machine.
    pub task: UpgradeTask,
    /// Bumped by every write.
    pub version: i64,
    /// When the running phase is due to end (real time).
    pub phase_due: Option<DateTime<Utc>>,
    /// Whether the running phase hangs (an injected fault) and fails when due.
    pub phase_hung: bool,
}

/// One transactional write of a task and what changes with it.
#[derive(Debug, Clone)]
pub struct TaskWrite<'a> {
    /// The new state.
    pub task: &'a UpgradeTask,
    /// When the running phase ends, if one runs.
    pub phase_due: Option<DateTime<Utc>>,
    /// Whether it hangs.
    pub phase_hung: bool,
    /// Nodes (ids) that completed with this write: they now run the target image.
    pub upgraded_nodes: &'a [String],
    /// Whether the cluster is released (`actions` back to `[]`).
    pub release_cluster: bool,
    /// A fault (id) that triggered and is used up by this write.
    pub consume_fault: Option<&'a str>,
    /// Whether the runner gives the task up (it stopped running).
    pub release_lease: bool,
}

/// The outcome of creating a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateTask {
    /// Created; the cluster now shows `UPGRADING`.
    Created,
    /// The cluster already has an active task.
    ClusterBusy,
    /// The deployment-wide cap on concurrent upgrades is reached.
    CapReached,
}

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultAction {
    /// The phase fails.
    Fail,
    /// The phase never finishes and fails at its timeout.
    Hang,
}

impl FaultAction {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultAction::Fail => "fail",
            FaultAction::Hang => "hang",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fail" => Some(FaultAction::Fail),
            "hang" => Some(FaultAction::Hang),
            _ => None,
        }
    }
}

/// A fault injected through the operator API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Fault id.
    pub id: String,
    /// Cluster.
    pub cluster_id: String,
    /// Node name; any node when `None`.
    pub node: Option<String>,
    /// Phase order.
    pub phase: u32,
    /// Fail or hang.
    pub action: FaultAction,
    /// Triggers left.
    pub remaining: u32,
}

/// A manual snapshot of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSnapshot {
    /// Snapshot id.
    pub id: String,
    /// Cluster.
    pub cluster_id: String,
    /// Description.
    pub description: String,
    /// What it covers.
    pub snapshot: Snapshot,
}

/// Something that changed in the store, for in-memory caches: emitted after the change
/// committed, by the writing process and (on PostgreSQL) by every other replica.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Images, paths, flavors or plugin packages.
    Catalog,
    /// One cluster's nodes, plugins or existence.
    Cluster(String),
    /// Anything may have changed (e.g. the change feed reconnected): drop every cache.
    Everything,
}

/// Receives [`Change`]s; must be cheap and must not block.
pub trait ChangeListener: Send + Sync + 'static {
    /// Called once per change.
    fn changed(&self, change: Change);
}

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
    /// Registers the listener that hears about every committed change (one per store; later
    /// calls are ignored).
    fn set_listener(&self, listener: std::sync::Arc<dyn ChangeListener>);

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
    /// Adds a project with its access key and Keystone user (operator API); `Conflict` if the
    /// project id or name, the access key or the user name is taken.
    async fn add_project(
        &self,
        project: &crate::credentials::ProjectCredentials,
    ) -> StoreResult<()>;
    /// Every project: (id, name).
    async fn projects(&self) -> StoreResult<Vec<(String, String)>>;
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

    /// Creates a task for its cluster unless the cluster has an active one or `cap` other
    /// clusters are upgrading; marks the cluster `UPGRADING` in the same transaction.
    async fn create_task(&self, task: &UpgradeTask, cap: u32) -> StoreResult<CreateTask>;
    /// A task of a cluster.
    async fn task(&self, cluster_id: &str, task_id: &str) -> StoreResult<Option<StoredTask>>;
    /// A cluster's tasks, newest first, and their number.
    async fn cluster_tasks(
        &self,
        cluster_id: &str,
        skip: u32,
        limit: u32,
    ) -> StoreResult<(Vec<UpgradeTask>, u64)>;
    /// The cluster's active task, if any.
    async fn active_task(&self, cluster_id: &str) -> StoreResult<Option<StoredTask>>;
    /// Number of active tasks in the deployment.
    async fn active_task_count(&self) -> StoreResult<u64>;
    /// Claims a running task whose lease is free or expired, for `owner` until `until`.
    async fn claim_task(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<(Lease, StoredTask)>>;
    /// Extends a lease; false if it was lost.
    async fn renew_lease(&self, lease: &Lease, until: DateTime<Utc>) -> StoreResult<bool>;
    /// Writes a task and its side effects in one transaction; false (and nothing written) if
    /// the guard no longer holds.
    async fn save_task(&self, guard: &TaskGuard, write: &TaskWrite<'_>) -> StoreResult<bool>;

    /// The simulated fleet's data of a cluster, if set.
    async fn cluster_data(&self, cluster_id: &str) -> StoreResult<Option<ClusterData>>;
    /// Sets the simulated fleet's data of a cluster.
    async fn set_cluster_data(&self, cluster_id: &str, data: &ClusterData) -> StoreResult<()>;
    /// Records a snapshot; `Conflict` if the cluster has one of that name.
    async fn add_snapshot(&self, snapshot: &StoredSnapshot) -> StoreResult<()>;
    /// A cluster's snapshots, newest first.
    async fn snapshots(&self, cluster_id: &str) -> StoreResult<Vec<StoredSnapshot>>;

    /// Records a fault.
    async fn add_fault(&self, fault: &Fault) -> StoreResult<()>;
    /// Every fault with triggers left.
    async fn faults(&self) -> StoreResult<Vec<Fault>>;
    /// The first fault with triggers left matching a cluster, node and phase.
    async fn find_fault(
        &self,
        cluster_id: &str,
        node: &str,
        phase: u32,
    ) -> StoreResult<Option<Fault>>;
    /// Deletes a fault; false if there was none.
    async fn delete_fault(&self, id: &str) -> StoreResult<bool>;

    /// Replaces the custom plugins of a cluster.
    async fn set_cluster_plugins(&self, cluster_id: &str, plugins: &[String]) -> StoreResult<()>;
    /// The custom plugins of a cluster.
    async fn cluster_plugins(&self, cluster_id: &str) -> StoreResult<Vec<String>>;
    /// Records an uploaded plugin package (idempotent).
    async fn add_plugin_package(&self, package: &PluginPackage) -> StoreResult<()>;
    /// Every uploaded plugin package.
    async fn plugin_packages(&self) -> StoreResult<Vec<PluginPackage>>;
}
