//! The pre-upgrade checks (DESIGN §4.4), with the thresholds of the user manual's "pre-upgrade
//! checklist" (`upgrading_the_version_of_an_elasticsearch_cluster.rst`, Table 3). UpgradeCore
//! refuses to start when any check fails and the dry run shows them all, so [`run_checks`] always
//! runs every check, in the fixed order of [`Check::ALL`], and each result says why it passed or
//! failed. A failure carries a [`FailureKind`] that the server maps to a CSS error code; the codes
//! themselves are wire knowledge and appear here only in documentation.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::catalog::{Catalog, Image};
use crate::cluster::{Cluster, ClusterStatus, NodeType};
use crate::credentials::PluginPackage;
use crate::upgrade::data::{ClusterData, Health, Snapshot, uncovered_indices};

/// How many clusters of one deployment may upgrade at once unless configured otherwise
/// ("A maximum of 20 clusters can be upgraded at the same time").
pub const DEFAULT_MAX_CONCURRENT_UPGRADES: u32 = 20;

/// The manual's disk threshold: data must stay below 80 % of the remaining capacity.
const DISK_LIMIT_PERCENT: u64 = 80;
/// `nodes.thread_pool.search.queue < 1000`.
const SEARCH_QUEUE_LIMIT: u32 = 1000;
/// `nodes.thread_pool.write.queue < 200`.
const WRITE_QUEUE_LIMIT: u32 = 200;
/// `nodes.process.cpu.percent < 90`.
const CPU_LIMIT_PERCENT: f64 = 90.0;
/// `nodes.os.cpu.load_average / Number of vCPUs < 80%`.
const LOAD_PER_VCPU_LIMIT: f64 = 0.8;

/// One pre-upgrade check, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Check {
    /// Status `200`, no ongoing action, health green or yellow, no unassigned primary.
    ClusterStatus,
    /// At least two nodes of each type in each AZ; data nodes ≥ 2 with masters, data + cold ≥ 3
    /// without.
    NodeQuantity,
    /// With the largest data-holding node offline, the rest hold all data below 80 % usage.
    DiskCapacity,
    /// Data + cold nodes > max replicas + 1, and no unassigned replica.
    DataReplicas,
    /// (`indices_backup_check`) every index is in a successful snapshot; data + cold ≥ 3.
    Backup,
    /// A package for the target version exists for every custom plugin.
    CustomPlugins,
    /// (`cluster_load_check`) queues, CPU and load average below the manual's limits.
    ClusterLoad,
    /// `1 ≤ batch_size ≤ max(1, data nodes / 2)`.
    BatchSize,
    /// No task on this cluster, and fewer upgrades under way than the cap.
    Concurrency,
}

impl Check {
    /// Every check in report order.
    pub const ALL: [Check; 9] = [
        Check::ClusterStatus,
        Check::NodeQuantity,
        Check::DiskCapacity,
        Check::DataReplicas,
        Check::Backup,
        Check::CustomPlugins,
        Check::ClusterLoad,
        Check::BatchSize,
        Check::Concurrency,
    ];

    /// The stable name (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Check::ClusterStatus => "CLUSTER_STATUS",
            Check::NodeQuantity => "NODE_QUANTITY",
            Check::DiskCapacity => "DISK_CAPACITY",
            Check::DataReplicas => "DATA_REPLICAS",
            Check::Backup => "BACKUP",
            Check::CustomPlugins => "CUSTOM_PLUGINS",
            Check::ClusterLoad => "CLUSTER_LOAD",
            Check::BatchSize => "BATCH_SIZE",
            Check::Concurrency => "CONCURRENCY",
        }
    }

    /// The manual's name of the check, for people.
    pub fn title(self) -> &'static str {
        match self {
            Check::ClusterStatus => "Cluster status",
            Check::NodeQuantity => "Node quantity",
            Check::DiskCapacity => "Disk capacity",
            Check::DataReplicas => "Data replicas",
            Check::Backup => "Data backup",
            Check::CustomPlugins => "Custom plugins",
            Check::ClusterLoad => "Cluster load",
            Check::BatchSize => "Data migration concurrency",
            Check::Concurrency => "Concurrent upgrades",
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a check failed, for machines. The CSS codes named below are the server's suggested
/// mapping (DESIGN §4.4–§4.5); the domain does not depend on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailureKind {
    /// Status not `200`, a node not available, health red or a primary unassigned
    /// (`CSS.0078`, "status that does not support upgrade").
    ClusterNotReady,
    /// Another action is going on on the cluster (`CSS.0011`).
    ClusterBusy,
    /// Too few nodes of some type in some AZ, or too few data nodes (e.g. `CSS.0078`).
    NotEnoughNodes,
    /// The remaining nodes could not hold the data below 80 % usage (e.g. `CSS.0078`).
    InsufficientDiskCapacity,
    /// Data + cold nodes ≤ max index replicas + 1 (e.g. `CSS.0078`).
    TooManyReplicas,
    /// Some replica shard is unassigned (e.g. `CSS.0078`).
    UnassignedReplicas,
    /// The backup check needs data + cold ≥ 3 (`CSS.0074`).
    BackupNeedsThreeDataNodes,
    /// These indices are in no successful snapshot (`CSS.0083`).
    IndicesNotBackedUp(Vec<String>),
    /// No package for the target version was uploaded for these custom plugins (e.g. `CSS.0078`).
    PluginPackagesMissing(Vec<String>),
    /// Queues, CPU or load average at or over the manual's limits (e.g. `CSS.0078`).
    ClusterOverloaded,
    /// `batch_size` outside `1..=max` (`CSS.0001`, a parameter error).
    InvalidBatchSize {
        /// The largest batch size allowed for this cluster.
        max: u32,
    },
    /// The cluster already has an upgrade task that holds it (`CSS.0011`).
    TaskRunning,
    /// The deployment already runs its maximum number of upgrades (e.g. `CSS.0011`).
    TooManyUpgrades {
        /// The configured cap.
        cap: u32,
    },
}

impl FailureKind {
    /// The stable name (the serialized `kind`).
    pub fn name(&self) -> &'static str {
        match self {
            FailureKind::ClusterNotReady => "CLUSTER_NOT_READY",
            FailureKind::ClusterBusy => "CLUSTER_BUSY",
            FailureKind::NotEnoughNodes => "NOT_ENOUGH_NODES",
            FailureKind::InsufficientDiskCapacity => "INSUFFICIENT_DISK_CAPACITY",
            FailureKind::TooManyReplicas => "TOO_MANY_REPLICAS",
            FailureKind::UnassignedReplicas => "UNASSIGNED_REPLICAS",
            FailureKind::BackupNeedsThreeDataNodes => "BACKUP_NEEDS_THREE_DATA_NODES",
            FailureKind::IndicesNotBackedUp(_) => "INDICES_NOT_BACKED_UP",
            FailureKind::PluginPackagesMissing(_) => "PLUGIN_PACKAGES_MISSING",
            FailureKind::ClusterOverloaded => "CLUSTER_OVERLOADED",
            FailureKind::InvalidBatchSize { .. } => "INVALID_BATCH_SIZE",
            FailureKind::TaskRunning => "TASK_RUNNING",
            FailureKind::TooManyUpgrades { .. } => "TOO_MANY_UPGRADES",
        }
    }
}

/// Everything the checks look at. Borrowed: the caller loads it, the checks only read it.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// The cluster to upgrade.
    pub cluster: &'a Cluster,
    /// The catalog, for the vCPUs of the nodes' flavors.
    pub catalog: &'a Catalog,
    /// The cluster's indices and metrics.
    pub data: &'a ClusterData,
    /// The cluster's snapshots.
    pub snapshots: &'a [Snapshot],
    /// Names of the cluster's custom plugins.
    pub custom_plugins: &'a [String],
    /// Every uploaded plugin package.
    pub plugin_packages: &'a [PluginPackage],
    /// The image to upgrade to.
    pub target: &'a Image,
    /// `indices_backup_check` of the request.
    pub indices_backup_check: bool,
    /// `cluster_load_check` of the request (default true).
    pub cluster_load_check: bool,
    /// `batch_size` of the request (default 1).
    pub batch_size: u32,
    /// Whether an active task (see `UpgradeTask::is_active`) already holds this cluster.
    pub task_running: bool,
    /// How many *other* clusters of the deployment have an active upgrade task.
    pub clusters_upgrading: u32,
    /// The cap on concurrent upgrades ([`DEFAULT_MAX_CONCURRENT_UPGRADES`] unless configured).
    pub max_concurrent_upgrades: u32,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// Which check.
    pub check: Check,
    /// Whether it passed (a skipped check passes).
    pub passed: bool,
    /// Whether the request switched the check off (`indices_backup_check` /
    /// `cluster_load_check` false).
    pub skipped: bool,
    /// What was found, for people.
    pub reason: String,
    /// Why it failed, for machines; `Some` exactly when `passed` is false.
    pub failure: Option<FailureKind>,
}

impl CheckResult {
    fn pass(check: Check, reason: String) -> Self {
        CheckResult {
            check,
            passed: true,
            skipped: false,
            reason,
            failure: None,
        }
    }

    fn skip(check: Check, flag: &str) -> Self {
        CheckResult {
            check,
            passed: true,
            skipped: true,
            reason: format!("skipped: {flag} is false"),
            failure: None,
        }
    }

    fn fail(check: Check, kind: FailureKind, reason: String) -> Self {
        CheckResult {
            check,
            passed: false,
            skipped: false,
            reason,
            failure: Some(kind),
        }
    }
}

/// Every check's outcome, in [`Check::ALL`] order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// One result per check.
    pub results: Vec<CheckResult>,
}

impl CheckReport {
    /// The failed checks, in order.
    pub fn failures(&self) -> Vec<&CheckResult> {
        self.results.iter().filter(|r| !r.passed).collect()
    }

    /// The first failed check, whose kind decides the error code.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.results.iter().find(|r| !r.passed)
    }

    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.passed)
    }

    /// The result of one check.
    pub fn result(&self, check: Check) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.check == check)
    }

    /// Every failure as `"<title>: <reason>"`, joined by `"; "` (the text UpgradeCore puts in
    /// `error_msg`). Empty when everything passed.
    pub fn failure_message(&self) -> String {
        self.failures()
            .iter()
            .map(|r| format!("{}: {}", r.check.title(), r.reason))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Runs every check, in [`Check::ALL`] order.
pub fn run_checks(input: &CheckInput<'_>) -> CheckReport {
    let results = Check::ALL
        .into_iter()
        .map(|check| match check {
            Check::ClusterStatus => cluster_status(input),
            Check::NodeQuantity => node_quantity(input),
            Check::DiskCapacity => disk_capacity(input),
            Check::DataReplicas => data_replicas(input),
            Check::Backup => backup(input),
            Check::CustomPlugins => custom_plugins(input),
            Check::ClusterLoad => cluster_load(input),
            Check::BatchSize => batch_size(input),
            Check::Concurrency => concurrency(input),
        })
        .collect();
    CheckReport { results }
}

/// Number of data plus cold nodes.
fn data_holders(cluster: &Cluster) -> usize {
    cluster.count(NodeType::Data) + cluster.count(NodeType::Cold)
}

fn cluster_status(input: &CheckInput<'_>) -> CheckResult {
    let c = input.cluster;
    let m = &input.data.metrics;
    let mut problems = Vec::new();
    if c.status != ClusterStatus::Available {
        problems.push(format!("cluster status is {}, not 200", c.status.code()));
    }
    let down: Vec<&str> = c
        .nodes
        .iter()
        .filter(|n| n.status != ClusterStatus::Available)
        .map(|n| n.name.as_str())
        .collect();
    if !down.is_empty() {
        problems.push(format!("nodes not available: {}", down.join(",")));
    }
    if m.health == Health::Red {
        problems.push("cluster health is red".to_owned());
    }
    if m.unassigned_primaries > 0 {
        problems.push(format!(
            "{} primary shards are unassigned",
            m.unassigned_primaries
        ));
    }
    let busy = !c.actions.is_empty();
    if busy {
        problems.push(format!("ongoing actions: {}", c.actions.join(",")));
    }
    if problems.is_empty() {
        return CheckResult::pass(
            Check::ClusterStatus,
            format!(
                "status 200, no ongoing action, health {}, no unassigned primary shard",
                m.health.as_str()
            ),
        );
    }
    // Only an ongoing action is "busy" (try again later); anything else is the wrong status.
    let kind = if busy && problems.len() == 1 {
        FailureKind::ClusterBusy
    } else {
        FailureKind::ClusterNotReady
    };
    CheckResult::fail(Check::ClusterStatus, kind, problems.join("; "))
}

fn node_quantity(input: &CheckInput<'_>) -> CheckResult {
    let c = input.cluster;
    let mut problems = Vec::new();
    // "Number of nodes of each type in each AZ >= 2": every (type, AZ) pair that has a node must
    // have at least two, so that one of them can go offline while the other serves. Types and AZs
    // the cluster does not use need no nodes.
    let mut per_az: BTreeMap<(NodeType, &str), usize> = BTreeMap::new();
    for n in &c.nodes {
        *per_az.entry((n.node_type, n.az.as_str())).or_default() += 1;
    }
    for (&(t, az), &count) in &per_az {
        if count < 2 {
            problems.push(format!("{count} {t} node in AZ {az}, at least 2 needed"));
        }
    }
    let data = c.count(NodeType::Data);
    let cold = c.count(NodeType::Cold);
    if c.count(NodeType::Master) > 0 {
        if data < 2 {
            problems.push(format!(
                "{data} data nodes, a cluster with masters needs at least 2"
            ));
        }
    } else if data + cold < 3 {
        problems.push(format!(
            "{data} data + {cold} cold nodes, a cluster without masters needs at least 3"
        ));
    }
    if problems.is_empty() {
        CheckResult::pass(
            Check::NodeQuantity,
            format!("at least 2 nodes of each type in each AZ; {data} data and {cold} cold nodes"),
        )
    } else {
        CheckResult::fail(
            Check::NodeQuantity,
            FailureKind::NotEnoughNodes,
            problems.join("; "),
        )
    }
}

fn disk_capacity(input: &CheckInput<'_>) -> CheckResult {
    let holders: Vec<u64> = input
        .cluster
        .nodes
        .iter()
        .filter(|n| n.node_type.holds_data())
        .map(|n| u64::from(n.volume_size) * 1024)
        .collect();
    let capacity: u64 = holders.iter().sum();
    // "After a single node is brought offline": the worst case is the largest volume.
    let largest = holders.iter().copied().max().unwrap_or(0);
    let remaining = capacity - largest;
    let used_mb = match input.data.metrics.disk_used_percent {
        // A measured usage wins over the index sizes (it includes what the indices don't show).
        Some(p) => (p.max(0.0) / 100.0 * capacity as f64).ceil() as u64,
        None => input.data.total_mb(),
    };
    // used / remaining < 80 %, in integers: used × 100 < 80 × remaining.
    let ok = u128::from(used_mb) * 100 < u128::from(DISK_LIMIT_PERCENT) * u128::from(remaining);
    let percent = if remaining == 0 {
        "∞".to_owned()
    } else {
        format!("{:.1}", used_mb as f64 * 100.0 / remaining as f64)
    };
    let reason = format!(
        "{used_mb} MB of data on {remaining} MB left with the largest data node offline: \
         {percent} % used, limit {DISK_LIMIT_PERCENT} %"
    );
    if ok {
        CheckResult::pass(Check::DiskCapacity, reason)
    } else {
        CheckResult::fail(
            Check::DiskCapacity,
            FailureKind::InsufficientDiskCapacity,
            reason,
        )
    }
}

fn data_replicas(input: &CheckInput<'_>) -> CheckResult {
    let holders = data_holders(input.cluster) as u64;
    let max = input.data.max_replicas();
    let unassigned = input.data.metrics.unassigned_replicas;
    if holders <= u64::from(max) + 1 {
        return CheckResult::fail(
            Check::DataReplicas,
            FailureKind::TooManyReplicas,
            format!(
                "{holders} data + cold nodes, more than {} needed for indices with {max} replicas",
                u64::from(max) + 1
            ),
        );
    }
    if unassigned > 0 {
        return CheckResult::fail(
            Check::DataReplicas,
            FailureKind::UnassignedReplicas,
            format!("{unassigned} replica shards are unassigned"),
        );
    }
    CheckResult::pass(
        Check::DataReplicas,
        format!("{holders} data + cold nodes for at most {max} replicas; every replica assigned"),
    )
}

fn backup(input: &CheckInput<'_>) -> CheckResult {
    if !input.indices_backup_check {
        return CheckResult::skip(Check::Backup, "indices_backup_check");
    }
    let holders = data_holders(input.cluster);
    let uncovered = uncovered_indices(&input.data.indices, input.snapshots);
    let too_few = holders < 3;
    let mut problems = Vec::new();
    if too_few {
        problems.push(format!(
            "{holders} data + cold nodes, the backup check needs at least 3 \
             (add nodes or turn the backup check off)"
        ));
    }
    if !uncovered.is_empty() {
        problems.push(format!(
            "indices not in any successful snapshot: {}",
            uncovered.join(",")
        ));
    }
    if problems.is_empty() {
        return CheckResult::pass(
            Check::Backup,
            format!(
                "all {} indices are in a successful snapshot",
                input.data.indices.len()
            ),
        );
    }
    let kind = if too_few {
        FailureKind::BackupNeedsThreeDataNodes
    } else {
        FailureKind::IndicesNotBackedUp(uncovered)
    };
    CheckResult::fail(Check::Backup, kind, problems.join("; "))
}

fn custom_plugins(input: &CheckInput<'_>) -> CheckResult {
    let t = input.target;
    let mut seen = HashSet::new();
    let missing: Vec<String> = input
        .custom_plugins
        .iter()
        .filter(|p| seen.insert(p.as_str()))
        .filter(|p| {
            !input
                .plugin_packages
                .iter()
                .any(|pkg| &pkg.name == *p && pkg.engine == t.engine && pkg.version == t.version)
        })
        .cloned()
        .collect();
    if input.custom_plugins.is_empty() {
        CheckResult::pass(Check::CustomPlugins, "no custom plugins".to_owned())
    } else if missing.is_empty() {
        CheckResult::pass(
            Check::CustomPlugins,
            format!(
                "packages for {} {} uploaded for every custom plugin",
                t.engine, t.version
            ),
        )
    } else {
        let reason = format!(
            "no {} {} package uploaded for: {}",
            t.engine,
            t.version,
            missing.join(",")
        );
        CheckResult::fail(
            Check::CustomPlugins,
            FailureKind::PluginPackagesMissing(missing),
            reason,
        )
    }
}

/// The "Number of vCPUs" the load average is divided by. `load_average` is the highest load of
/// any node, and the manual compares each node's load with that node's own vCPUs; not knowing
/// which node it came from, we take the worst case: the fewest vCPUs of any node whose flavor
/// the catalog knows (1 when it knows none).
fn load_vcpus(input: &CheckInput<'_>) -> u32 {
    input
        .cluster
        .nodes
        .iter()
        .filter_map(|n| input.catalog.flavor(&n.flavor))
        .map(|f| f.cpu.max(1))
        .min()
        .unwrap_or(1)
}

fn cluster_load(input: &CheckInput<'_>) -> CheckResult {
    if !input.cluster_load_check {
        return CheckResult::skip(Check::ClusterLoad, "cluster_load_check");
    }
    let m = &input.data.metrics;
    let vcpus = load_vcpus(input);
    let mut problems = Vec::new();
    if m.search_queue >= SEARCH_QUEUE_LIMIT {
        problems.push(format!(
            "search queue {} (limit < {SEARCH_QUEUE_LIMIT})",
            m.search_queue
        ));
    }
    if m.write_queue >= WRITE_QUEUE_LIMIT {
        problems.push(format!(
            "write queue {} (limit < {WRITE_QUEUE_LIMIT})",
            m.write_queue
        ));
    }
    if m.cpu_percent.is_nan() || m.cpu_percent >= CPU_LIMIT_PERCENT {
        problems.push(format!(
            "CPU {} % (limit < {CPU_LIMIT_PERCENT} %)",
            m.cpu_percent
        ));
    }
    // load / vCPUs < 0.8, compared as load < 0.8 × vCPUs (exact for the boundary cases).
    let load_limit = LOAD_PER_VCPU_LIMIT * f64::from(vcpus);
    if m.load_average.is_nan() || m.load_average >= load_limit {
        problems.push(format!(
            "load average {} on {vcpus} vCPUs (limit < 80 %)",
            m.load_average
        ));
    }
    if problems.is_empty() {
        CheckResult::pass(
            Check::ClusterLoad,
            format!(
                "search queue {}, write queue {}, CPU {} %, load average {} on {vcpus} vCPUs",
                m.search_queue, m.write_queue, m.cpu_percent, m.load_average
            ),
        )
    } else {
        CheckResult::fail(
            Check::ClusterLoad,
            FailureKind::ClusterOverloaded,
            problems.join("; "),
        )
    }
}

/// The largest `batch_size` a cluster allows: half its data nodes (`ess` only, as the manual
/// says "data nodes"), at least 1.
pub fn max_batch_size(cluster: &Cluster) -> u32 {
    u32::try_from(cluster.count(NodeType::Data) / 2)
        .unwrap_or(u32::MAX)
        .max(1)
}

fn batch_size(input: &CheckInput<'_>) -> CheckResult {
    let max = max_batch_size(input.cluster);
    let b = input.batch_size;
    if (1..=max).contains(&b) {
        CheckResult::pass(Check::BatchSize, format!("batch size {b} within 1..={max}"))
    } else {
        CheckResult::fail(
            Check::BatchSize,
            FailureKind::InvalidBatchSize { max },
            format!("batch size {b} outside 1..={max} (at most half the data nodes)"),
        )
    }
}

fn concurrency(input: &CheckInput<'_>) -> CheckResult {
    let cap = input.max_concurrent_upgrades;
    if input.task_running {
        return CheckResult::fail(
            Check::Concurrency,
            FailureKind::TaskRunning,
            "the cluster already has an upgrade task in progress".to_owned(),
        );
    }
    if input.clusters_upgrading >= cap {
        return CheckResult::fail(
            Check::Concurrency,
            FailureKind::TooManyUpgrades { cap },
            format!(
                "{} clusters are upgrading, at most {cap} may upgrade at once",
                input.clusters_upgrading
            ),
        );
    }
    CheckResult::pass(
        Check::Concurrency,
        format!(
            "no task on this cluster; {} of at most {cap} upgrades running",
            input.clusters_upgrading
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DEFAULT_CATALOG;
    use crate::upgrade::data::tests::{cluster_with, index};
    use crate::upgrade::data::{ClusterMetrics, SnapshotStatus};
    use crate::version::{Engine, Version};
    use chrono::DateTime;

    use NodeType::{Client, Cold, Data, Master};

    /// Owns everything a `CheckInput` borrows; starts from a healthy 3-data-node cluster in
    /// one AZ whose checks all pass.
    struct Fixture {
        cluster: Cluster,
        catalog: Catalog,
        data: ClusterData,
        snapshots: Vec<Snapshot>,
        plugins: Vec<String>,
        packages: Vec<PluginPackage>,
        target: Image,
        indices_backup_check: bool,
        cluster_load_check: bool,
        batch_size: u32,
        task_running: bool,
        clusters_upgrading: u32,
    }

    impl Fixture {
        fn new() -> Self {
            let catalog = Catalog::from_toml(DEFAULT_CATALOG).unwrap();
            let target = catalog
                .latest_available(Engine::Elasticsearch, Version::new(7, 10, 2))
                .unwrap()
                .clone();
            Fixture {
                cluster: cluster_with(&[(Data, "az1"); 3]),
                catalog,
                data: ClusterData {
                    indices: vec![index("logs", 1000, 1), index("metrics", 10, 1)],
                    metrics: ClusterMetrics::default(),
                },
                snapshots: vec![Snapshot {
                    name: "s1".into(),
                    indices: vec!["logs".into(), "metrics".into()],
                    status: SnapshotStatus::Success,
                    created: DateTime::UNIX_EPOCH,
                }],
                plugins: Vec::new(),
                packages: Vec::new(),
                target,
                indices_backup_check: true,
                cluster_load_check: true,
                batch_size: 1,
                task_running: false,
                clusters_upgrading: 0,
            }
        }

        fn with_nodes(mut self, nodes: &[(NodeType, &str)]) -> Self {
            self.cluster = cluster_with(nodes);
            self
        }

        fn report(&self) -> CheckReport {
            run_checks(&CheckInput {
                cluster: &self.cluster,
                catalog: &self.catalog,
                data: &self.data,
                snapshots: &self.snapshots,
                custom_plugins: &self.plugins,
                plugin_packages: &self.packages,
                target: &self.target,
                indices_backup_check: self.indices_backup_check,
                cluster_load_check: self.cluster_load_check,
                batch_size: self.batch_size,
                task_running: self.task_running,
                clusters_upgrading: self.clusters_upgrading,
                max_concurrent_upgrades: DEFAULT_MAX_CONCURRENT_UPGRADES,
            })
        }

        fn result(&self, check: Check) -> CheckResult {
            self.report().result(check).unwrap().clone()
        }

        fn passes(&self, check: Check) -> bool {
            self.result(check).passed
        }

        fn failure(&self, check: Check) -> Option<FailureKind> {
            self.result(check).failure
        }
    }

    #[test]
    fn a_healthy_cluster_passes_every_check_in_the_fixed_order() {
        let report = Fixture::new().report();
        let order: Vec<Check> = report.results.iter().map(|r| r.check).collect();
        assert_eq!(order, Check::ALL);
        assert!(report.passed(), "{report:#?}");
        assert!(report.first_failure().is_none());
        assert_eq!(report.failure_message(), "");
    }

    #[test]
    fn every_check_runs_even_when_an_early_one_fails_and_the_first_failure_decides() {
        let mut f = Fixture::new();
        f.cluster.status = ClusterStatus::Unavailable;
        f.batch_size = 0;
        f.data.metrics.search_queue = 5000;
        let report = f.report();
        assert_eq!(report.results.len(), Check::ALL.len());
        let failed: Vec<Check> = report.failures().iter().map(|r| r.check).collect();
        assert_eq!(
            failed,
            [Check::ClusterStatus, Check::ClusterLoad, Check::BatchSize]
        );
        let first = report.first_failure().unwrap();
        assert_eq!(first.failure, Some(FailureKind::ClusterNotReady));
        let msg = report.failure_message();
        assert!(
            msg.starts_with("Cluster status: cluster status is 303"),
            "{msg}"
        );
        assert!(msg.contains("Cluster load: search queue 5000"), "{msg}");
        assert!(
            msg.contains("Data migration concurrency: batch size 0"),
            "{msg}"
        );
    }

    #[test]
    fn cluster_status_must_be_200_with_every_node_available() {
        let mut f = Fixture::new();
        f.cluster.status = ClusterStatus::Creating;
        assert_eq!(
            f.failure(Check::ClusterStatus),
            Some(FailureKind::ClusterNotReady)
        );
        let mut f = Fixture::new();
        f.cluster.nodes[1].status = ClusterStatus::Unavailable;
        let r = f.result(Check::ClusterStatus);
        assert!(!r.passed);
        assert!(r.reason.contains("c-ess-esn-2-1"), "{}", r.reason);
    }

    #[test]
    fn cluster_status_accepts_green_and_yellow_but_not_red() {
        let mut f = Fixture::new();
        f.data.metrics.health = Health::Yellow;
        assert!(f.passes(Check::ClusterStatus));
        f.data.metrics.health = Health::Red;
        assert_eq!(
            f.failure(Check::ClusterStatus),
            Some(FailureKind::ClusterNotReady)
        );
    }

    #[test]
    fn cluster_status_refuses_a_single_unassigned_primary() {
        let mut f = Fixture::new();
        f.data.metrics.health = Health::Yellow;
        f.data.metrics.unassigned_primaries = 1;
        assert_eq!(
            f.failure(Check::ClusterStatus),
            Some(FailureKind::ClusterNotReady)
        );
        f.data.metrics.unassigned_primaries = 0;
        assert!(f.passes(Check::ClusterStatus));
    }

    #[test]
    fn an_ongoing_action_makes_the_cluster_busy() {
        let mut f = Fixture::new();
        f.cluster.actions = vec!["UPGRADING".into()];
        let r = f.result(Check::ClusterStatus);
        assert_eq!(r.failure, Some(FailureKind::ClusterBusy));
        assert!(r.reason.contains("UPGRADING"));
        f.cluster.status = ClusterStatus::Unavailable;
        assert_eq!(
            f.failure(Check::ClusterStatus),
            Some(FailureKind::ClusterNotReady)
        );
    }

    #[test]
    fn without_masters_three_data_plus_cold_nodes_are_enough_and_two_are_not() {
        let f = Fixture::new().with_nodes(&[(Data, "az1"), (Data, "az1")]);
        assert_eq!(
            f.failure(Check::NodeQuantity),
            Some(FailureKind::NotEnoughNodes)
        );
        let f = Fixture::new().with_nodes(&[(Data, "az1"); 3]);
        assert!(f.passes(Check::NodeQuantity));
        let f = Fixture::new().with_nodes(&[
            (Data, "az1"),
            (Data, "az1"),
            (Cold, "az1"),
            (Cold, "az1"),
        ]);
        assert!(f.passes(Check::NodeQuantity));
    }

    #[test]
    fn with_masters_two_data_nodes_are_enough() {
        let f = Fixture::new().with_nodes(&[
            (Data, "az1"),
            (Data, "az1"),
            (Master, "az1"),
            (Master, "az1"),
            (Master, "az1"),
        ]);
        assert!(f.passes(Check::NodeQuantity));
    }

    #[test]
    fn every_node_type_needs_two_nodes_in_each_of_its_azs() {
        // Three data nodes over three AZs: one per AZ is too few.
        let f = Fixture::new().with_nodes(&[(Data, "az1"), (Data, "az2"), (Data, "az3")]);
        let r = f.result(Check::NodeQuantity);
        assert!(!r.passed);
        assert!(r.reason.contains("1 ess node in AZ az1"), "{}", r.reason);
        // Two per AZ is enough.
        let f = Fixture::new().with_nodes(&[
            (Data, "az1"),
            (Data, "az2"),
            (Data, "az1"),
            (Data, "az2"),
        ]);
        assert!(f.passes(Check::NodeQuantity));
        // A single client node fails even though data nodes are plenty.
        let f = Fixture::new().with_nodes(&[
            (Data, "az1"),
            (Data, "az1"),
            (Data, "az1"),
            (Client, "az1"),
        ]);
        let r = f.result(Check::NodeQuantity);
        assert!(
            r.reason.contains("1 ess-client node in AZ az1"),
            "{}",
            r.reason
        );
    }

    #[test]
    fn disk_usage_just_under_80_percent_of_the_remaining_nodes_passes_and_80_fails() {
        // Three 100 GB data nodes; with one offline 200 GB = 204800 MB remain; 80 % = 163840 MB.
        let mut f = Fixture::new();
        f.data.indices = vec![index("big", 163_839, 0)];
        assert!(f.passes(Check::DiskCapacity));
        f.data.indices = vec![index("big", 163_635, 0)]; // 79.9 %
        assert!(f.passes(Check::DiskCapacity));
        f.data.indices = vec![index("big", 163_840, 0)]; // exactly 80 %
        assert_eq!(
            f.failure(Check::DiskCapacity),
            Some(FailureKind::InsufficientDiskCapacity)
        );
    }

    #[test]
    fn disk_check_takes_the_largest_node_offline_and_counts_replicas() {
        let mut f = Fixture::new();
        f.cluster.nodes[2].volume_size = 400; // 100 + 100 remain = 204800 MB
        f.data.indices = vec![index("big", 81_920, 1)]; // 163840 MB on disk: exactly 80 %
        assert!(!f.passes(Check::DiskCapacity));
        f.data.indices = vec![index("big", 81_919, 1)];
        assert!(f.passes(Check::DiskCapacity));
    }

    #[test]
    fn a_measured_disk_usage_overrides_the_index_sizes() {
        // 300 GB in all, 200 GB remain: 53.3 % measured → 80 % of the remaining.
        let mut f = Fixture::new();
        f.data.metrics.disk_used_percent = Some(53.3);
        assert!(f.passes(Check::DiskCapacity));
        f.data.metrics.disk_used_percent = Some(53.4);
        assert!(!f.passes(Check::DiskCapacity));
    }

    #[test]
    fn data_holders_must_exceed_max_replicas_plus_one() {
        // 3 data nodes: replicas 1 → 3 > 2 passes; replicas 2 → 3 > 3 fails.
        let mut f = Fixture::new();
        f.data.indices = vec![index("a", 1, 1)];
        assert!(f.passes(Check::DataReplicas));
        f.data.indices = vec![index("a", 1, 2)];
        assert_eq!(
            f.failure(Check::DataReplicas),
            Some(FailureKind::TooManyReplicas)
        );
        // Cold nodes count: 3 data + 1 cold > 2 + 1.
        f.cluster = cluster_with(&[(Data, "az1"), (Data, "az1"), (Data, "az1"), (Cold, "az1")]);
        assert!(f.passes(Check::DataReplicas));
    }

    #[test]
    fn an_unassigned_replica_fails_the_replica_check() {
        let mut f = Fixture::new();
        f.data.metrics.unassigned_replicas = 1;
        assert_eq!(
            f.failure(Check::DataReplicas),
            Some(FailureKind::UnassignedReplicas)
        );
    }

    #[test]
    fn backup_check_needs_three_data_nodes_and_two_are_not_enough() {
        let mut f = Fixture::new().with_nodes(&[
            (Data, "az1"),
            (Data, "az1"),
            (Master, "az1"),
            (Master, "az1"),
            (Master, "az1"),
        ]);
        assert_eq!(
            f.failure(Check::Backup),
            Some(FailureKind::BackupNeedsThreeDataNodes)
        );
        f.cluster = cluster_with(&[(Data, "az1"), (Data, "az1"), (Cold, "az1")]);
        assert!(f.passes(Check::Backup));
    }

    #[test]
    fn backup_check_names_the_indices_without_a_snapshot() {
        let mut f = Fixture::new();
        f.data.indices.push(index("orders", 5, 1));
        let r = f.result(Check::Backup);
        assert_eq!(
            r.failure,
            Some(FailureKind::IndicesNotBackedUp(vec!["orders".into()]))
        );
        assert!(r.reason.contains("orders"));
        f.snapshots[0].status = SnapshotStatus::Failed;
        assert_eq!(
            f.failure(Check::Backup),
            Some(FailureKind::IndicesNotBackedUp(vec![
                "logs".into(),
                "metrics".into(),
                "orders".into()
            ]))
        );
    }

    #[test]
    fn switched_off_checks_pass_as_skipped() {
        let mut f = Fixture::new();
        f.snapshots.clear();
        f.data.metrics.cpu_percent = 99.0;
        f.indices_backup_check = false;
        f.cluster_load_check = false;
        let report = f.report();
        for check in [Check::Backup, Check::ClusterLoad] {
            let r = report.result(check).unwrap();
            assert!(r.passed && r.skipped, "{r:?}");
        }
        assert!(report.passed());
    }

    #[test]
    fn every_custom_plugin_needs_a_package_for_the_target_version() {
        let mut f = Fixture::new();
        f.plugins = vec!["analysis-x".into(), "ingest-y".into()];
        let pkg = |name: &str, version| PluginPackage {
            name: name.into(),
            engine: Engine::Elasticsearch,
            version,
        };
        f.packages = vec![
            pkg("analysis-x", Version::new(7, 10, 2)),
            pkg("ingest-y", Version::new(7, 6, 2)),
        ];
        let r = f.result(Check::CustomPlugins);
        assert_eq!(
            r.failure,
            Some(FailureKind::PluginPackagesMissing(vec!["ingest-y".into()]))
        );
        f.packages.push(pkg("ingest-y", Version::new(7, 10, 2)));
        assert!(f.passes(Check::CustomPlugins));
    }

    #[test]
    fn a_plugin_package_for_another_engine_does_not_count() {
        let mut f = Fixture::new();
        f.plugins = vec!["p".into()];
        f.packages = vec![PluginPackage {
            name: "p".into(),
            engine: Engine::Opensearch,
            version: Version::new(7, 10, 2),
        }];
        assert!(!f.passes(Check::CustomPlugins));
    }

    #[test]
    fn search_queue_999_passes_and_1000_fails() {
        let mut f = Fixture::new();
        f.data.metrics.search_queue = 999;
        assert!(f.passes(Check::ClusterLoad));
        f.data.metrics.search_queue = 1000;
        assert_eq!(
            f.failure(Check::ClusterLoad),
            Some(FailureKind::ClusterOverloaded)
        );
    }

    #[test]
    fn write_queue_199_passes_and_200_fails() {
        let mut f = Fixture::new();
        f.data.metrics.write_queue = 199;
        assert!(f.passes(Check::ClusterLoad));
        f.data.metrics.write_queue = 200;
        assert!(!f.passes(Check::ClusterLoad));
    }

    #[test]
    fn cpu_89_9_passes_and_90_fails() {
        let mut f = Fixture::new();
        f.data.metrics.cpu_percent = 89.9;
        assert!(f.passes(Check::ClusterLoad));
        f.data.metrics.cpu_percent = 90.0;
        assert!(!f.passes(Check::ClusterLoad));
    }

    #[test]
    fn load_just_under_80_percent_of_the_vcpus_passes_and_80_percent_fails() {
        // ess.spec-4u8g has 4 vCPUs: the limit is a load average of 3.2.
        let mut f = Fixture::new();
        f.data.metrics.load_average = 3.19;
        assert!(f.passes(Check::ClusterLoad));
        f.data.metrics.load_average = 3.2;
        let r = f.result(Check::ClusterLoad);
        assert!(!r.passed);
        assert!(r.reason.contains("4 vCPUs"), "{}", r.reason);
    }

    #[test]
    fn load_is_judged_against_the_node_with_the_fewest_vcpus() {
        let mut f = Fixture::new();
        let big = f
            .catalog
            .flavors
            .iter()
            .find(|fl| fl.cpu > 4)
            .expect("catalog has a flavor with more than 4 vCPUs")
            .name
            .clone();
        f.data.metrics.load_average = 3.5;
        assert!(!f.passes(Check::ClusterLoad));
        for n in &mut f.cluster.nodes {
            n.flavor.clone_from(&big);
        }
        assert!(f.passes(Check::ClusterLoad));
    }

    #[test]
    fn batch_size_must_be_between_1_and_half_the_data_nodes() {
        let mut f = Fixture::new().with_nodes(&[(Data, "az1"); 6]);
        for (b, ok) in [(0, false), (1, true), (3, true), (4, false)] {
            f.batch_size = b;
            assert_eq!(f.passes(Check::BatchSize), ok, "batch {b}");
        }
        f.batch_size = 4;
        assert_eq!(
            f.failure(Check::BatchSize),
            Some(FailureKind::InvalidBatchSize { max: 3 })
        );
    }

    #[test]
    fn small_clusters_allow_a_batch_of_one() {
        let mut f = Fixture::new().with_nodes(&[(Data, "az1")]);
        f.batch_size = 1;
        assert!(f.passes(Check::BatchSize));
        f.batch_size = 2;
        assert!(!f.passes(Check::BatchSize));
        f.cluster = cluster_with(&[(Data, "az1"); 3]);
        assert!(!f.passes(Check::BatchSize), "3 / 2 = 1");
    }

    #[test]
    fn a_running_task_on_the_cluster_refuses_another() {
        let mut f = Fixture::new();
        f.task_running = true;
        assert_eq!(
            f.failure(Check::Concurrency),
            Some(FailureKind::TaskRunning)
        );
    }

    #[test]
    fn nineteen_other_upgrades_leave_room_and_twenty_do_not() {
        let mut f = Fixture::new();
        f.clusters_upgrading = 19;
        assert!(f.passes(Check::Concurrency));
        f.clusters_upgrading = 20;
        assert_eq!(
            f.failure(Check::Concurrency),
            Some(FailureKind::TooManyUpgrades { cap: 20 })
        );
    }

    #[test]
    fn reports_serialize_with_stable_names() {
        let mut f = Fixture::new();
        f.data.indices.push(index("orders", 5, 1));
        let json = serde_json::to_value(f.report()).unwrap();
        let backup = &json["results"][4];
        assert_eq!(backup["check"], "BACKUP");
        assert_eq!(backup["passed"], false);
        assert_eq!(backup["failure"]["kind"], "INDICES_NOT_BACKED_UP");
        assert_eq!(backup["failure"]["detail"][0], "orders");
        assert_eq!(json["results"][0]["check"], "CLUSTER_STATUS");
        assert_eq!(json["results"][0]["failure"], serde_json::Value::Null);
        for check in Check::ALL {
            assert_eq!(serde_json::to_value(check).unwrap(), check.as_str());
        }
        let k = FailureKind::InvalidBatchSize { max: 2 };
        assert_eq!(serde_json::to_value(&k).unwrap()["kind"], k.name());
    }
}
