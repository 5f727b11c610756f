//! Clusters and their nodes. A cluster is judged by the lowest version any of its nodes runs
//! (nodes differ while an upgrade is under way), and its status is the CSS numeric code
//! (`100` creating, `200` available, `303` unavailable).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Image};
use crate::version::{Engine, Version};

/// A cluster's status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClusterStatus {
    /// `100`: being created (or another operation is in progress).
    Creating,
    /// `200`: available.
    Available,
    /// `303`: unavailable, e.g. creation failed.
    Unavailable,
}

impl ClusterStatus {
    /// The code CSS puts on the wire (a string there).
    pub fn code(self) -> &'static str {
        match self {
            ClusterStatus::Creating => "100",
            ClusterStatus::Available => "200",
            ClusterStatus::Unavailable => "303",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "100" => Some(ClusterStatus::Creating),
            "200" => Some(ClusterStatus::Available),
            "303" => Some(ClusterStatus::Unavailable),
            _ => None,
        }
    }
}

/// The role of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeType {
    /// `ess`: data node.
    Data,
    /// `ess-cold`: cold data node.
    Cold,
    /// `ess-client`: client node.
    Client,
    /// `ess-master`: dedicated master.
    Master,
}

impl NodeType {
    /// All node types.
    pub const ALL: [NodeType; 4] = [
        NodeType::Data,
        NodeType::Cold,
        NodeType::Client,
        NodeType::Master,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Data => "ess",
            NodeType::Cold => "ess-cold",
            NodeType::Client => "ess-client",
            NodeType::Master => "ess-master",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        NodeType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The middle part of node names: `<cluster>-<infix>-<n>-1`.
    pub fn name_infix(self) -> &'static str {
        match self {
            NodeType::Data => "ess-esn",
            NodeType::Cold => "ess-cold-esn",
            NodeType::Client => "ess-client-esn",
            NodeType::Master => "ess-master-esn",
        }
    }

    /// Whether the node holds data (data or cold).
    pub fn holds_data(self) -> bool {
        matches!(self, NodeType::Data | NodeType::Cold)
    }
}

impl std::fmt::Display for NodeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Node id (UUID text).
    pub id: String,
    /// `<cluster>-ess-esn-<n>-1` and siblings.
    pub name: String,
    /// Role.
    pub node_type: NodeType,
    /// Flavor name (`specCode`).
    pub flavor: String,
    /// Availability zone.
    pub az: String,
    /// Volume type, e.g. `COMMON`, `HIGH`, `ULTRAHIGH`.
    pub volume_type: String,
    /// Volume size in GB.
    pub volume_size: u32,
    /// Private IPv4 address.
    pub ip: String,
    /// Status code, as for clusters.
    pub status: ClusterStatus,
    /// The image the node runs.
    pub image_id: String,
}

/// Settings a cluster was created with that the API echoes back and nothing else uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterSettings {
    /// Description (≤ 128).
    pub desc: String,
    /// VPC id.
    pub vpc_id: String,
    /// Subnet id.
    pub subnet_id: String,
    /// Security group id.
    pub security_group_id: String,
    /// HTTPS enabled.
    pub https_enable: bool,
    /// Security mode enabled.
    pub authority_enable: bool,
    /// Whether automatic snapshots were configured.
    pub backup_enable: bool,
    /// Enterprise project id, if given.
    pub enterprise_project_id: Option<String>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// A search cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Cluster id (UUID text).
    pub id: String,
    /// Project (tenant) the cluster belongs to.
    pub project_id: String,
    /// Cluster name.
    pub name: String,
    /// Engine family.
    pub engine: Engine,
    /// Status code.
    pub status: ClusterStatus,
    /// Nodes, in creation order.
    pub nodes: Vec<Node>,
    /// Echoed settings.
    pub settings: ClusterSettings,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Last change.
    pub updated: DateTime<Utc>,
    /// When a cluster still being created becomes available (simulated provisioning).
    pub ready_at: Option<DateTime<Utc>>,
    /// Current actions (`["UPGRADING"]` during an upgrade, `[]` when idle).
    pub actions: Vec<String>,
}

impl Cluster {
    /// The image the cluster is judged by: the lowest (version, build) any node runs.
    pub fn current_image<'c>(&self, catalog: &'c Catalog) -> Option<&'c Image> {
        lowest_image(catalog, self.nodes.iter().map(|n| n.image_id.as_str()))
    }

    /// The version the cluster is judged by.
    pub fn version(&self, catalog: &Catalog) -> Option<Version> {
        self.current_image(catalog).map(|i| i.version)
    }

    /// Number of nodes of one type.
    pub fn count(&self, t: NodeType) -> usize {
        self.nodes.iter().filter(|n| n.node_type == t).count()
    }
}

/// The lowest (version, build) of the given images: what a cluster whose nodes run them is
/// judged by. Unknown ids are ignored.
pub fn lowest_image<'c, 'i>(
    catalog: &'c Catalog,
    image_ids: impl IntoIterator<Item = &'i str>,
) -> Option<&'c Image> {
    image_ids
        .into_iter()
        .filter_map(|id| catalog.image(id))
        .min_by(|a, b| a.version.cmp(&b.version).then(a.build.cmp(&b.build)))
}

/// The name of the `n`-th (1-based) node of a type in a cluster.
pub fn node_name(cluster: &str, t: NodeType, n: usize) -> String {
    format!("{cluster}-{}-{n}-1", t.name_infix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_follow_the_css_pattern() {
        assert_eq!(
            node_name("css-test", NodeType::Data, 1),
            "css-test-ess-esn-1-1"
        );
        assert_eq!(node_name("c", NodeType::Cold, 2), "c-ess-cold-esn-2-1");
        assert_eq!(node_name("c", NodeType::Master, 3), "c-ess-master-esn-3-1");
        assert_eq!(node_name("c", NodeType::Client, 1), "c-ess-client-esn-1-1");
    }

    #[test]
    fn status_codes_round_trip() {
        for s in [
            ClusterStatus::Creating,
            ClusterStatus::Available,
            ClusterStatus::Unavailable,
        ] {
            assert_eq!(ClusterStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ClusterStatus::from_code("300"), None);
    }
}
