//! Table rows as plain structs (decoded the same way by both backends) and their conversion to
//! and from the domain model. A row that cannot be read back is reported as `Corrupt`, naming it.

use chrono::{DateTime, NaiveDate, Utc};
use domain::catalog::{Flavor, Image, ImageStatus, UpgradePath};
use domain::cluster::{Cluster, ClusterSettings, ClusterStatus, Node, NodeType};
use domain::credentials::PluginPackage;
use domain::store::StoreError;

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms}")))
}

fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} {s:?}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct ImageRow {
    pub id: String,
    pub engine: String,
    pub version: String,
    pub build: String,
    pub release_date: String,
    pub display_name: String,
    pub description: String,
    pub priority: i64,
    pub status: String,
}

impl ImageRow {
    pub fn into_domain(self) -> Result<Image, StoreError> {
        Ok(Image {
            engine: parse("engine", &self.engine)?,
            version: parse("version", &self.version)?,
            build: parse("build", &self.build)?,
            release_date: parse::<NaiveDate>("release date", &self.release_date)?,
            priority: i32::try_from(self.priority)
                .map_err(|_| StoreError::Corrupt(format!("priority {}", self.priority)))?,
            status: ImageStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Corrupt(format!("image status {:?}", self.status)))?,
            id: self.id,
            display_name: self.display_name,
            description: self.description,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FlavorRow {
    pub id: String,
    pub name: String,
    pub cpu: i64,
    pub ram: i64,
    pub disk_min: i64,
    pub disk_max: i64,
    pub region: String,
    pub azs: String,
}

fn u32_of(what: &str, v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v}")))
}

impl FlavorRow {
    pub fn into_domain(self) -> Result<Flavor, StoreError> {
        Ok(Flavor {
            cpu: u32_of("cpu", self.cpu)?,
            ram: u32_of("ram", self.ram)?,
            disk_min: u32_of("disk_min", self.disk_min)?,
            disk_max: u32_of("disk_max", self.disk_max)?,
            availability_zones: self
                .azs
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            id: self.id,
            name: self.name,
            region: self.region,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PathRow {
    pub source_engine: String,
    pub source_version: String,
    pub target_engine: String,
    pub target_version: String,
}

impl PathRow {
    pub fn into_domain(self) -> Result<UpgradePath, StoreError> {
        Ok(UpgradePath {
            source_engine: parse("engine", &self.source_engine)?,
            source_version: parse("version", &self.source_version)?,
            target_engine: parse("engine", &self.target_engine)?,
            target_version: parse("version", &self.target_version)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PackageRow {
    pub name: String,
    pub engine: String,
    pub version: String,
}

impl PackageRow {
    pub fn into_domain(self) -> Result<PluginPackage, StoreError> {
        Ok(PluginPackage {
            engine: parse("engine", &self.engine)?,
            version: parse("version", &self.version)?,
            name: self.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClusterRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub engine: String,
    pub status: String,
    pub settings: String,
    pub actions: String,
    pub created: i64,
    pub updated: i64,
    pub ready_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct NodeRow {
    pub id: String,
    pub cluster_id: String,
    pub name: String,
    pub node_type: String,
    pub flavor: String,
    pub az: String,
    pub volume_type: String,
    pub volume_size: i64,
    pub ip: String,
    pub status: String,
    pub image_id: String,
}

fn status(s: &str) -> Result<ClusterStatus, StoreError> {
    ClusterStatus::from_code(s).ok_or_else(|| StoreError::Corrupt(format!("status {s:?}")))
}

impl NodeRow {
    pub fn into_domain(self) -> Result<Node, StoreError> {
        Ok(Node {
            node_type: NodeType::parse(&self.node_type)
                .ok_or_else(|| StoreError::Corrupt(format!("node type {:?}", self.node_type)))?,
            status: status(&self.status)?,
            volume_size: u32_of("volume size", self.volume_size)?,
            id: self.id,
            name: self.name,
            flavor: self.flavor,
            az: self.az,
            volume_type: self.volume_type,
            ip: self.ip,
            image_id: self.image_id,
        })
    }
}

impl ClusterRow {
    pub fn into_domain(self, nodes: Vec<Node>) -> Result<Cluster, StoreError> {
        let settings: ClusterSettings = serde_json::from_str(&self.settings)
            .map_err(|e| StoreError::Corrupt(format!("cluster settings: {e}")))?;
        let actions: Vec<String> = serde_json::from_str(&self.actions)
            .map_err(|e| StoreError::Corrupt(format!("cluster actions: {e}")))?;
        Ok(Cluster {
            engine: parse("engine", &self.engine)?,
            status: status(&self.status)?,
            created: from_millis(self.created)?,
            updated: from_millis(self.updated)?,
            ready_at: self.ready_at.map(from_millis).transpose()?,
            id: self.id,
            project_id: self.project_id,
            name: self.name,
            nodes,
            settings,
            actions,
        })
    }
}

/// Groups node rows (ordered by cluster, ordinal) under their clusters, preserving cluster order.
pub(crate) fn assemble(
    clusters: Vec<ClusterRow>,
    nodes: Vec<NodeRow>,
) -> Result<Vec<Cluster>, StoreError> {
    let mut by_cluster: std::collections::HashMap<String, Vec<Node>> =
        std::collections::HashMap::new();
    for n in nodes {
        by_cluster
            .entry(n.cluster_id.clone())
            .or_default()
            .push(n.into_domain()?);
    }
    clusters
        .into_iter()
        .map(|c| {
            let nodes = by_cluster.remove(&c.id).unwrap_or_default();
            c.into_domain(nodes)
        })
        .collect()
}

/// Adds an image; a clash of id or display name is a unique violation.
pub(crate) const INSERT_IMAGE: &str = "INSERT INTO images
     (id, engine, version, build, release_date, display_name, description, priority, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Adds an image unless one with its id or display name exists (seeding).
pub(crate) const INSERT_IMAGE_IF_NEW: &str = "INSERT INTO images
     (id, engine, version, build, release_date, display_name, description, priority, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";

/// Writes a task while its runner holds the lease (`$8` owner, `$9` attempt).
pub(crate) const SAVE_TASK_BY_LEASE: &str =
    "UPDATE upgrade_tasks SET status = $1, active = $2, body = $3,
     version = version + 1, phase_due = $4, phase_hung = $5,
     lease_owner = CASE WHEN $6 = 1 THEN NULL ELSE lease_owner END,
     lease_expires = CASE WHEN $6 = 1 THEN NULL ELSE lease_expires END
     WHERE id = $7 AND lease_owner = $8 AND attempt = $9";

/// Writes a task read at version `$8` (API calls: retry, abort).
pub(crate) const SAVE_TASK_BY_VERSION: &str =
    "UPDATE upgrade_tasks SET status = $1, active = $2, body = $3,
     version = version + 1, phase_due = $4, phase_hung = $5,
     lease_owner = CASE WHEN $6 = 1 THEN NULL ELSE lease_owner END,
     lease_expires = CASE WHEN $6 = 1 THEN NULL ELSE lease_expires END
     WHERE id = $7 AND version = $8";

pub(crate) fn task_json(task: &domain::upgrade::UpgradeTask) -> Result<String, StoreError> {
    serde_json::to_string(task).map_err(|e| StoreError::Corrupt(format!("task {}: {e}", task.id)))
}

#[derive(sqlx::FromRow)]
pub(crate) struct TaskRow {
    pub body: String,
    pub version: i64,
    pub phase_due: Option<i64>,
    pub phase_hung: i64,
}

impl TaskRow {
    pub fn into_domain(self) -> Result<domain::store::StoredTask, StoreError> {
        Ok(domain::store::StoredTask {
            task: serde_json::from_str(&self.body)
                .map_err(|e| StoreError::Corrupt(format!("task body: {e}")))?,
            version: self.version,
            phase_due: self.phase_due.map(from_millis).transpose()?,
            phase_hung: self.phase_hung != 0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SnapshotRow {
    pub id: String,
    pub cluster_id: String,
    pub name: String,
    pub description: String,
    pub indices: String,
    pub status: String,
    pub created: i64,
}

impl SnapshotRow {
    pub fn into_domain(self) -> Result<domain::store::StoredSnapshot, StoreError> {
        use domain::upgrade::{Snapshot, SnapshotStatus};
        Ok(domain::store::StoredSnapshot {
            snapshot: Snapshot {
                name: self.name,
                indices: serde_json::from_str(&self.indices)
                    .map_err(|e| StoreError::Corrupt(format!("snapshot indices: {e}")))?,
                status: SnapshotStatus::parse(&self.status).ok_or_else(|| {
                    StoreError::Corrupt(format!("snapshot status {:?}", self.status))
                })?,
                created: from_millis(self.created)?,
            },
            id: self.id,
            cluster_id: self.cluster_id,
            description: self.description,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FaultRow {
    pub id: String,
    pub cluster_id: String,
    pub node: Option<String>,
    pub phase: i64,
    pub action: String,
    pub remaining: i64,
}

impl FaultRow {
    pub fn into_domain(self) -> Result<domain::store::Fault, StoreError> {
        Ok(domain::store::Fault {
            phase: u32_of("fault phase", self.phase)?,
            action: domain::store::FaultAction::parse(&self.action)
                .ok_or_else(|| StoreError::Corrupt(format!("fault action {:?}", self.action)))?,
            remaining: u32_of("fault remaining", self.remaining)?,
            id: self.id,
            cluster_id: self.cluster_id,
            node: self.node,
        })
    }
}
