//! Cluster operations: CreateCluster (v1 and v2 bodies), ShowClusterDetail, ListClusters and
//! ListFlavors. Request bodies keep the documented mixed naming (`flavorRef`, `instanceNum`,
//! `availability_zone`); responses are camelCase. Unknown request fields are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `{"cluster": {...}}`, the body of both create versions.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateClusterRequest {
    /// The cluster to create.
    pub cluster: CreateClusterBody,
}

/// Fields of a create request; v1 uses `instance` + `instanceNum`, v2 uses `roles`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateClusterBody {
    /// Cluster name.
    pub name: Option<String>,
    /// Description.
    pub desc: Option<String>,
    /// Engine type and version.
    pub datastore: Option<Datastore>,
    /// v1: the node template.
    pub instance: Option<InstanceSpec>,
    /// v1: number of nodes.
    #[serde(rename = "instanceNum")]
    pub instance_num: Option<i64>,
    /// v2: node roles.
    pub roles: Option<Vec<RoleSpec>>,
    /// v2: network.
    pub nics: Option<Nics>,
    /// v2: comma-separated AZs.
    pub availability_zone: Option<String>,
    /// HTTPS access.
    #[serde(rename = "httpsEnable")]
    pub https_enable: Option<bool>,
    /// Security mode.
    #[serde(rename = "authorityEnable")]
    pub authority_enable: Option<bool>,
    /// Administrator password (security mode).
    #[serde(rename = "adminPwd")]
    pub admin_pwd: Option<String>,
    /// Enterprise project (documented String, sent as a number in examples).
    #[serde(default, deserialize_with = "crate::lenient::string_or_number")]
    pub enterprise_project_id: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Automatic snapshot policy; its presence enables backups.
    #[serde(rename = "backupStrategy")]
    pub backup_strategy: Option<serde_json::Value>,
}

/// `datastore` of a create request.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Datastore {
    /// Engine version.
    pub version: String,
    /// Engine type.
    #[serde(rename = "type")]
    pub kind: String,
}

/// v1 `instance`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct InstanceSpec {
    /// Flavor name.
    #[serde(rename = "flavorRef")]
    pub flavor_ref: String,
    /// Volume.
    pub volume: Option<VolumeSpec>,
    /// Network.
    pub nics: Option<Nics>,
    /// AZ (comma-separated).
    pub availability_zone: Option<String>,
}

/// v2 `roles[]`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RoleSpec {
    /// Flavor name.
    #[serde(rename = "flavorRef")]
    pub flavor_ref: String,
    /// Volume.
    pub volume: Option<VolumeSpec>,
    /// Node type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Node count.
    #[serde(rename = "instanceNum")]
    pub instance_num: i64,
}

/// A volume request.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VolumeSpec {
    /// Volume type.
    pub volume_type: String,
    /// Size in GB.
    pub size: i64,
}

/// Network settings.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Nics {
    /// VPC id.
    #[serde(rename = "vpcId")]
    pub vpc_id: String,
    /// Subnet id.
    #[serde(rename = "netId")]
    pub net_id: String,
    /// Security group id.
    #[serde(rename = "securityGroupId")]
    pub security_group_id: String,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// Create answer: `{"cluster": {"id", "name"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateClusterResponse {
    /// The new cluster.
    pub cluster: ClusterRef,
}

/// Id and name of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ClusterRef {
    /// Cluster id.
    pub id: String,
    /// Cluster name.
    pub name: String,
}

/// The cluster object of ShowClusterDetail and of each ListClusters entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterDetail {
    /// Cluster id.
    pub id: String,
    /// Cluster name.
    pub name: String,
    /// `"100"`, `"200"` or `"303"`.
    pub status: String,
    /// Engine and image.
    pub datastore: DatastoreInfo,
    /// Nodes.
    pub instances: Vec<InstanceInfo>,
    /// Private endpoint `ip:port` (comma-separated for several nodes).
    pub endpoint: String,
    /// Creation time.
    pub created: String,
    /// Last update.
    pub updated: String,
    /// Current behaviours, `[]` when idle.
    pub actions: Vec<String>,
    /// Progress per action in percent, `{}` when idle.
    pub action_progress: BTreeMap<String, String>,
    /// VPC.
    pub vpc_id: String,
    /// Subnet.
    pub subnet_id: String,
    /// Security group.
    pub security_group_id: String,
    /// HTTPS enabled.
    pub https_enable: bool,
    /// Security mode enabled.
    pub authority_enable: bool,
    /// Disk encryption.
    pub disk_encrypted: bool,
    /// Snapshots enabled.
    pub backup_available: bool,
    /// Enterprise project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Description.
    pub desc: String,
    /// Failure reason, present only when the cluster is not available.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<FailedReason>,
}

/// `datastore` of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatastoreInfo {
    /// Engine type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Engine version.
    pub version: String,
    /// Image display name, e.g. `7.10.2_24.3.0_0827`.
    pub sub_version: String,
    /// Whether the image reached end of service.
    pub is_eos_cluster: bool,
    /// Whether the version supports the security mode.
    pub support_securitymode: bool,
}

/// One node (`instances[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    /// Node id.
    pub id: String,
    /// Node name.
    pub name: String,
    /// Node type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Status code string.
    pub status: String,
    /// Flavor name.
    pub spec_code: String,
    /// AZ.
    pub az_code: String,
    /// IP address.
    pub ip: String,
    /// Resource id.
    pub resource_id: String,
    /// Subnet the node is in.
    pub subnet_id: String,
    /// Volume.
    pub volume: VolumeInfo,
}

/// A node's volume.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeInfo {
    /// Volume type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Size in GB.
    pub size: u32,
    /// Volume resource ids.
    pub resource_ids: Vec<String>,
}

/// Why a cluster is unavailable.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailedReason {
    /// Error code.
    pub error_code: String,
    /// Error message.
    pub error_msg: String,
}

/// ListClusters answer.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListClustersResponse {
    /// Number of clusters (of the requested type) before paging.
    pub total_size: u64,
    /// The page, newest first.
    pub clusters: Vec<ClusterDetail>,
}

/// ListFlavors answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ListFlavorsResponse {
    /// One entry per engine version and node type.
    pub versions: Vec<FlavorVersion>,
}

/// Flavors for one engine version and node type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FlavorVersion {
    /// Engine version.
    pub version: String,
    /// Node type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The flavors.
    pub flavors: Vec<FlavorInfo>,
}

/// One flavor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FlavorInfo {
    /// vCPUs.
    pub cpu: u32,
    /// Memory, GB.
    pub ram: u32,
    /// Flavor name.
    pub name: String,
    /// Region.
    pub region: String,
    /// `"min,max"` in GB.
    pub diskrange: String,
    /// Comma-separated AZs.
    #[serde(rename = "availableAZ")]
    pub available_az: String,
    /// Flavor id.
    pub flavor_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_v2_example_body_parses_including_a_numeric_enterprise_project() {
        let body = r#"{"cluster":{"name":"ES-Test","roles":[{"flavorRef":"ess.spec-4u8g","instanceNum":1,"type":"ess","volume":{"volume_type":"COMMON","size":40}}],
            "nics":{"vpcId":"v","netId":"n","securityGroupId":"s"},"availability_zone":"az1","datastore":{"version":"7.10.2","type":"elasticsearch"},
            "enterprise_project_id":0,"unknownField":{"x":1}}}"#;
        let r: CreateClusterRequest = serde_json::from_str(body).unwrap();
        assert_eq!(r.cluster.enterprise_project_id.as_deref(), Some("0"));
        assert_eq!(r.cluster.roles.unwrap()[0].instance_num, 1);
    }

    #[test]
    fn flavor_fields_keep_their_documented_names() {
        let f = FlavorInfo {
            cpu: 4,
            ram: 32,
            name: "ess.spec-4u32g".into(),
            region: "eu-de".into(),
            diskrange: "40,2560".into(),
            available_az: "eu-de-01".into(),
            flavor_id: "id".into(),
        };
        let v = serde_json::to_value(&f).unwrap();
        assert!(
            v.get("availableAZ").is_some()
                && v.get("flavor_id").is_some()
                && v.get("diskrange").is_some()
        );
    }
}
