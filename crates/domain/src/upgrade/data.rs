//! The data and metrics of a (simulated) cluster that the pre-upgrade checks and the duration
//! formulas look at (DESIGN §5): its indices with their sizes and replica counts, its health and
//! load, and the snapshots taken of it. `SimFleet` keeps one [`ClusterData`] per cluster in the
//! store and the operator API edits it to provoke check failures; a real `NodeRuntime` would fill
//! it from `_cat/indices`, `_cluster/health` and `_nodes/stats`.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, Node};

/// One index of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexInfo {
    /// Index name.
    pub name: String,
    /// Size of the primary data in MB (replicas come on top).
    pub size_mb: u64,
    /// Number of primary shards.
    #[serde(default = "one")]
    pub primaries: u32,
    /// Number of replicas of each primary shard.
    #[serde(default = "one")]
    pub replicas: u32,
}

fn one() -> u32 {
    1
}

impl IndexInfo {
    /// Size on disk including every replica: `size_mb × (1 + replicas)`.
    pub fn total_mb(&self) -> u64 {
        self.size_mb.saturating_mul(1 + u64::from(self.replicas))
    }
}

/// Cluster health as `_cluster/health` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Every shard is allocated.
    #[default]
    Green,
    /// Every primary is allocated, some replicas are not.
    Yellow,
    /// Some primary is unallocated.
    Red,
}

impl Health {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Green => "green",
            Health::Yellow => "yellow",
            Health::Red => "red",
        }
    }
}

/// Health and load figures of a cluster. Queue lengths and CPU usage are the maxima over its
/// nodes (the manual's load check speaks of "the maximum number of requests" and "the maximum
/// CPU usage"); `load_average` is the highest one-minute load average of any node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterMetrics {
    /// Cluster health.
    pub health: Health,
    /// Primary shards not allocated to any node.
    pub unassigned_primaries: u32,
    /// Replica shards not allocated to any node.
    pub unassigned_replicas: u32,
    /// `nodes.thread_pool.search.queue` (maximum over nodes).
    pub search_queue: u32,
    /// `nodes.thread_pool.write.queue` (maximum over nodes).
    pub write_queue: u32,
    /// `nodes.process.cpu.percent` (maximum over nodes).
    pub cpu_percent: f64,
    /// `nodes.os.cpu.load_average` (maximum over nodes).
    pub load_average: f64,
    /// Measured disk usage of the data-holding nodes in percent; `None` means "derive it from the
    /// index sizes", `Some` overrides that (the operator's way to fill the disks).
    pub disk_used_percent: Option<f64>,
}

impl Default for ClusterMetrics {
    /// A healthy, quiet cluster: green, empty queues, 10 % CPU, load average 0.5.
    fn default() -> Self {
        ClusterMetrics {
            health: Health::Green,
            unassigned_primaries: 0,
            unassigned_replicas: 0,
            search_queue: 0,
            write_queue: 0,
            cpu_percent: 10.0,
            load_average: 0.5,
            disk_used_percent: None,
        }
    }
}

/// Everything the simulated fleet knows about one cluster's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterData {
    /// The indices.
    pub indices: Vec<IndexInfo>,
    /// Health and load.
    pub metrics: ClusterMetrics,
}

impl ClusterData {
    /// The data a freshly created cluster starts with: three small indices (`logs-2026.11`,
    /// `metrics`, `.kibana`) and healthy metrics. Each index has one replica when the cluster has
    /// at least two data-holding nodes to put it on, none otherwise, so a new cluster is green.
    pub fn default_for(cluster: &Cluster) -> ClusterData {
        let holders = cluster.nodes.iter().filter(|n| n.node_type.holds_data());
        let replicas = u32::from(holders.count() >= 2);
        let index = |name: &str, size_mb, primaries| IndexInfo {
            name: name.to_owned(),
            size_mb,
            primaries,
            replicas,
        };
        ClusterData {
            indices: vec![
                index("logs-2026.11", 2048, 3),
                index("metrics", 512, 1),
                index(".kibana", 1, 1),
            ],
            metrics: ClusterMetrics::default(),
        }
    }

    /// Total data on disk in MB: each index's size × (1 + replicas).
    pub fn total_mb(&self) -> u64 {
        self.indices
            .iter()
            .fold(0u64, |sum, i| sum.saturating_add(i.total_mb()))
    }

    /// The largest replica count of any index (0 without indices).
    pub fn max_replicas(&self) -> u32 {
        self.indices.iter().map(|i| i.replicas).max().unwrap_or(0)
    }

    /// The data one node holds: [`ClusterData::total_mb`] spread evenly over the cluster's data
    /// and cold nodes, the remainder going one MB each to the first nodes in creation order (so
    /// the shares add up to the total). Masters, clients and nodes not in the cluster hold 0.
    pub fn node_data_mb(&self, cluster: &Cluster, node: &Node) -> u64 {
        if !node.node_type.holds_data() {
            return 0;
        }
        let holders: Vec<&Node> = cluster
            .nodes
            .iter()
            .filter(|n| n.node_type.holds_data())
            .collect();
        let Some(pos) = holders.iter().position(|n| n.id == node.id) else {
            return 0;
        };
        let n = holders.len() as u64;
        let total = self.total_mb();
        total / n + u64::from((pos as u64) < total % n)
    }
}

/// State of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotStatus {
    /// Completed; its indices count as backed up.
    Success,
    /// Failed; covers nothing.
    Failed,
    /// Still running; covers nothing yet.
    InProgress,
}

impl SnapshotStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotStatus::Success => "success",
            SnapshotStatus::Failed => "failed",
            SnapshotStatus::InProgress => "in_progress",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(SnapshotStatus::Success),
            "failed" => Some(SnapshotStatus::Failed),
            "in_progress" => Some(SnapshotStatus::InProgress),
            _ => None,
        }
    }
}

/// A snapshot of some indices of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Snapshot name.
    pub name: String,
    /// The indices it holds: names, or patterns with `*` as CSS accepts them in the `indices`
    /// field of a snapshot request (`2018-06*`, `*`). Store the resolved names when they are
    /// known: a pattern also matches indices created after the snapshot was taken.
    pub indices: Vec<String>,
    /// State.
    pub status: SnapshotStatus,
    /// When it was taken.
    pub created: DateTime<Utc>,
}

impl Snapshot {
    /// Whether this snapshot backs up an index: it succeeded and one of its entries names the
    /// index or is a `*` pattern matching it.
    pub fn covers(&self, index: &str) -> bool {
        self.status == SnapshotStatus::Success
            && self.indices.iter().any(|p| matches_pattern(p, index))
    }
}

/// Whether `name` matches `pattern`, where `*` in the pattern stands for any run of characters
/// and every other character stands for itself (the only wildcard CSS snapshots accept).
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else {
        // No `*` at all: an exact match is required.
        return rest.is_empty();
    };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The indices (by name, in the order given, without duplicates) that no successful snapshot
/// covers. The backup check cannot look into a snapshot; like CSS, it matches by index name only.
pub fn uncovered_indices(indices: &[IndexInfo], snapshots: &[Snapshot]) -> Vec<String> {
    let mut seen = HashSet::new();
    indices
        .iter()
        .map(|i| i.name.as_str())
        .filter(|name| seen.insert(*name))
        .filter(|name| !snapshots.iter().any(|s| s.covers(name)))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cluster::{ClusterSettings, ClusterStatus, NodeType, node_name};
    use crate::version::Engine;

    /// A cluster with the given (type, AZ) nodes in this creation order, 100 GB volumes on
    /// `ess.spec-4u8g`.
    pub(crate) fn cluster_with(nodes: &[(NodeType, &str)]) -> Cluster {
        let mut counts = std::collections::HashMap::new();
        let nodes = nodes
            .iter()
            .enumerate()
            .map(|(i, &(t, az))| {
                let n = counts.entry(t).or_insert(0usize);
                *n += 1;
                Node {
                    id: format!("node-{i}"),
                    name: node_name("c", t, *n),
                    node_type: t,
                    flavor: "ess.spec-4u8g".into(),
                    az: az.into(),
                    volume_type: "COMMON".into(),
                    volume_size: 100,
                    ip: format!("192.168.0.{}", i + 2),
                    status: ClusterStatus::Available,
                    image_id: "img".into(),
                }
            })
            .collect();
        Cluster {
            id: "cluster-1".into(),
            project_id: "project-1".into(),
            name: "c".into(),
            engine: Engine::Elasticsearch,
            status: ClusterStatus::Available,
            nodes,
            settings: ClusterSettings::default(),
            created: DateTime::UNIX_EPOCH,
            updated: DateTime::UNIX_EPOCH,
            ready_at: None,
            actions: Vec::new(),
        }
    }

    pub(crate) fn index(name: &str, size_mb: u64, replicas: u32) -> IndexInfo {
        IndexInfo {
            name: name.into(),
            size_mb,
            primaries: 1,
            replicas,
        }
    }

    fn snapshot(indices: &[&str], status: SnapshotStatus) -> Snapshot {
        Snapshot {
            name: "snap".into(),
            indices: indices.iter().map(|s| (*s).to_owned()).collect(),
            status,
            created: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_new_cluster_gets_three_small_replicated_indices_and_healthy_metrics() {
        let c = cluster_with(&[(NodeType::Data, "az1"); 3]);
        let d = ClusterData::default_for(&c);
        let names: Vec<_> = d.indices.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["logs-2026.11", "metrics", ".kibana"]);
        assert!(d.indices.iter().all(|i| i.replicas == 1));
        assert_eq!(d.metrics.health, Health::Green);
        assert_eq!(d.metrics.cpu_percent, 10.0);
        assert_eq!(d.metrics.load_average, 0.5);
    }

    #[test]
    fn a_single_node_cluster_starts_without_replicas() {
        let c = cluster_with(&[(NodeType::Data, "az1"), (NodeType::Master, "az1")]);
        assert_eq!(ClusterData::default_for(&c).max_replicas(), 0);
    }

    #[test]
    fn total_counts_every_replica_and_max_replicas_is_the_largest() {
        let d = ClusterData {
            indices: vec![index("a", 100, 0), index("b", 10, 2)],
            metrics: ClusterMetrics::default(),
        };
        assert_eq!(d.total_mb(), 100 + 30);
        assert_eq!(d.max_replicas(), 2);
        assert_eq!(ClusterData::default().max_replicas(), 0);
    }

    #[test]
    fn node_data_is_spread_over_data_and_cold_nodes_only() {
        let c = cluster_with(&[
            (NodeType::Data, "az1"),
            (NodeType::Data, "az1"),
            (NodeType::Cold, "az1"),
            (NodeType::Client, "az1"),
            (NodeType::Master, "az1"),
        ]);
        let d = ClusterData {
            indices: vec![index("a", 50, 1)], // 100 MB on disk over 3 holders
            metrics: ClusterMetrics::default(),
        };
        let shares: Vec<u64> = c.nodes.iter().map(|n| d.node_data_mb(&c, n)).collect();
        assert_eq!(shares, [34, 33, 33, 0, 0]);
        let mut stranger = c.nodes[0].clone();
        stranger.id = "elsewhere".into();
        assert_eq!(d.node_data_mb(&c, &stranger), 0);
    }

    #[test]
    fn a_missing_snapshot_names_the_uncovered_index() {
        let idx = [index("logs", 1, 1), index("metrics", 1, 1)];
        let snaps = [snapshot(&["logs"], SnapshotStatus::Success)];
        assert_eq!(uncovered_indices(&idx, &snaps), ["metrics"]);
    }

    #[test]
    fn only_successful_snapshots_cover_indices() {
        let idx = [index("logs", 1, 1)];
        for status in [SnapshotStatus::Failed, SnapshotStatus::InProgress] {
            assert_eq!(
                uncovered_indices(&idx, &[snapshot(&["logs"], status)]),
                ["logs"]
            );
        }
        assert!(
            uncovered_indices(&idx, &[snapshot(&["logs"], SnapshotStatus::Success)]).is_empty()
        );
    }

    #[test]
    fn indices_are_matched_by_whole_name_or_star_pattern() {
        let idx = [
            index("logs-2026.11", 1, 1),
            index("logs", 1, 1),
            index(".kibana", 1, 1),
        ];
        let snaps = [snapshot(&["logs-*"], SnapshotStatus::Success)];
        assert_eq!(uncovered_indices(&idx, &snaps), ["logs", ".kibana"]);
        let all = [snapshot(&["*"], SnapshotStatus::Success)];
        assert!(uncovered_indices(&idx, &all).is_empty());
        let partial = [snapshot(&["log"], SnapshotStatus::Success)];
        assert_eq!(uncovered_indices(&idx, &partial).len(), 3);
    }

    #[test]
    fn star_patterns_match_like_globs() {
        assert!(matches_pattern("a*c", "abc"));
        assert!(matches_pattern("a*c", "ac"));
        assert!(!matches_pattern("a*c", "abcd"));
        assert!(matches_pattern("*b*", "abc"));
        assert!(!matches_pattern("ab*ba", "aba"));
        assert!(matches_pattern("ab*ba", "abba"));
        assert!(!matches_pattern("abc", "abcd"));
    }

    #[test]
    fn data_and_metrics_use_camel_case_and_fill_defaults() {
        let d: ClusterData = serde_json::from_str(
            r#"{"indices":[{"name":"x","sizeMb":5}],"metrics":{"health":"yellow","searchQueue":3}}"#,
        )
        .unwrap();
        assert_eq!(d.indices[0].replicas, 1);
        assert_eq!(d.metrics.health, Health::Yellow);
        assert_eq!(d.metrics.search_queue, 3);
        assert_eq!(d.metrics.load_average, 0.5);
        let json = serde_json::to_value(&d.metrics).unwrap();
        assert_eq!(json["unassignedPrimaries"], 0);
        assert_eq!(json["diskUsedPercent"], serde_json::Value::Null);
        let s = serde_json::to_value(snapshot(&["a"], SnapshotStatus::InProgress)).unwrap();
        assert_eq!(s["status"], "in_progress");
        assert_eq!(
            SnapshotStatus::parse("in_progress"),
            Some(SnapshotStatus::InProgress)
        );
    }
}
