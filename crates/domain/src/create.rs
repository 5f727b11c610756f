//! Cluster creation rules (CreateCluster v1 and v2): what a valid request is, and the cluster it
//! produces. The limits come from the API reference tables: name 4–32 characters starting with a
//! letter, node counts per role, volume sizes a multiple of 20 GB inside the flavor's disk range,
//! nodes spread evenly over at most three availability zones.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::catalog::Catalog;
use crate::cluster::{Cluster, ClusterSettings, ClusterStatus, Node, NodeType, node_name};
use crate::version::{Engine, Version};

/// Which API version the request came through; v1 forbids `.` in names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `POST /v1.0/{project_id}/clusters` (one node type only).
    V1,
    /// `POST /v2.0/{project_id}/clusters`.
    V2,
}

/// One role (node type) of a new cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    /// Node type.
    pub node_type: NodeType,
    /// Flavor name.
    pub flavor: String,
    /// Number of nodes.
    pub count: u32,
    /// Volume type and size (GB).
    pub volume: Option<(String, u32)>,
}

/// A validated-on-demand request to create a cluster.
#[derive(Debug, Clone)]
pub struct NewCluster {
    /// Cluster name.
    pub name: String,
    /// Engine.
    pub engine: Engine,
    /// Engine version.
    pub version: Version,
    /// Node roles.
    pub roles: Vec<RoleSpec>,
    /// Availability zones (comma-separated on the wire).
    pub availability_zones: Vec<String>,
    /// Administrator password, required in security mode.
    pub admin_pwd: Option<String>,
    /// Settings echoed back by the API.
    pub settings: ClusterSettings,
}

/// Why a create request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    /// Name length or characters.
    #[error("invalid cluster name: {0}")]
    InvalidName(&'static str),
    /// Another cluster of the project has this name.
    #[error("the cluster name already exists")]
    NameTaken,
    /// Description longer than 128 characters.
    #[error("desc must be at most 128 characters")]
    DescTooLong,
    /// Engine/version not in the catalog.
    #[error("datastore {0} {1} is not supported")]
    UnsupportedDatastore(Engine, Version),
    /// Unknown role type or a combination the API does not allow.
    #[error("invalid node type: {0}")]
    InvalidNodeType(String),
    /// No data nodes.
    #[error("no data nodes (ess) are selected")]
    NoDataNodes,
    /// Node count out of range for the role.
    #[error("invalid node quantity for {0}: {1}")]
    InvalidNodeCount(NodeType, String),
    /// Master count even.
    #[error("the total number of master nodes must be an odd number")]
    EvenMasters,
    /// Flavor unknown.
    #[error("flavor {0} does not exist")]
    UnknownFlavor(String),
    /// Volume missing, wrong type, or size out of range.
    #[error("invalid volume for {0}: {1}")]
    InvalidVolume(NodeType, String),
    /// Size not a multiple of 20.
    #[error("the disk size of {0} must be a multiple of 20")]
    VolumeNotMultipleOf20(NodeType),
    /// AZ unknown for the flavor, or too many.
    #[error("invalid availability zone: {0}")]
    InvalidAz(String),
    /// Fewer nodes of a type than AZs.
    #[error("the number of {0} nodes must be greater than or equal to the number of AZs")]
    FewerNodesThanAzs(NodeType),
    /// HTTPS needs security mode.
    #[error("if httpsEnable is true, authorityEnable cannot be false")]
    HttpsWithoutAuthority,
    /// Security mode needs Elasticsearch ≥ 6.5.4.
    #[error("version {0} does not support the security mode")]
    SecurityModeUnsupported(Version),
    /// Password missing or weak.
    #[error("invalid administrator password: {0}")]
    InvalidPassword(&'static str),
}

/// Volume types the simulated fleet offers.
pub const VOLUME_TYPES: [&str; 4] = ["COMMON", "HIGH", "ULTRAHIGH", "ESSD"];

fn validate_name(name: &str, api: ApiVersion) -> Result<(), CreateError> {
    let len = name.chars().count();
    if !(4..=32).contains(&len) {
        return Err(CreateError::InvalidName(
            "it must be 4 to 32 characters long",
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(CreateError::InvalidName("it must start with a letter"));
    }
    let ok = |c: char| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_' || (c == '.' && api == ApiVersion::V2)
    };
    if !name.chars().all(ok) {
        return Err(CreateError::InvalidName(match api {
            ApiVersion::V1 => "only letters, digits, hyphens and underscores are allowed",
            ApiVersion::V2 => "only letters, digits, dots, hyphens and underscores are allowed",
        }));
    }
    Ok(())
}

fn validate_password(pwd: &str) -> Result<(), CreateError> {
    const SPECIALS: &str = "~!@#$%&*()-_=|[{}];:,<.>/?";
    let len = pwd.chars().count();
    if !(8..=32).contains(&len) {
        return Err(CreateError::InvalidPassword(
            "it must be 8 to 32 characters long",
        ));
    }
    if !pwd
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
    {
        return Err(CreateError::InvalidPassword(
            "it contains a character that is not allowed",
        ));
    }
    let classes = [
        pwd.chars().any(|c| c.is_ascii_uppercase()),
        pwd.chars().any(|c| c.is_ascii_lowercase()),
        pwd.chars().any(|c| c.is_ascii_digit()),
        pwd.chars().any(|c| SPECIALS.contains(c)),
    ];
    if classes.iter().filter(|x| **x).count() < 3 {
        return Err(CreateError::InvalidPassword(
            "it must contain at least three of: uppercase, lowercase, digits, special characters",
        ));
    }
    Ok(())
}

impl NewCluster {
    /// Checks the request against the API's rules and the catalog.
    pub fn validate(&self, api: ApiVersion, catalog: &Catalog) -> Result<(), CreateError> {
        validate_name(&self.name, api)?;
        if self.settings.desc.chars().count() > 128 {
            return Err(CreateError::DescTooLong);
        }
        if catalog
            .latest_available(self.engine, self.version)
            .is_none()
        {
            return Err(CreateError::UnsupportedDatastore(self.engine, self.version));
        }
        if self.engine == Engine::Logstash {
            return Err(CreateError::UnsupportedDatastore(self.engine, self.version));
        }
        let mut seen = HashSet::new();
        for role in &self.roles {
            if !seen.insert(role.node_type) {
                return Err(CreateError::InvalidNodeType(format!(
                    "{} listed twice",
                    role.node_type.as_str()
                )));
            }
        }
        let count = |t: NodeType| {
            self.roles
                .iter()
                .find(|r| r.node_type == t)
                .map(|r| r.count)
        };
        let data = count(NodeType::Data).ok_or(CreateError::NoDataNodes)?;
        let masters = count(NodeType::Master);
        let (clients, cold) = (count(NodeType::Client), count(NodeType::Cold));
        let data_max = if masters.is_some() { 200 } else { 32 };
        if !(1..=data_max).contains(&data) {
            return Err(CreateError::InvalidNodeCount(
                NodeType::Data,
                format!("must be 1-{data_max}"),
            ));
        }
        if let Some(m) = masters {
            if !(3..=10).contains(&m) {
                return Err(CreateError::InvalidNodeCount(
                    NodeType::Master,
                    "must be 3-10".into(),
                ));
            }
            if m % 2 == 0 {
                return Err(CreateError::EvenMasters);
            }
        }
        for (t, n) in [(NodeType::Client, clients), (NodeType::Cold, cold)] {
            if let Some(n) = n
                && !(1..=32).contains(&n)
            {
                return Err(CreateError::InvalidNodeCount(t, "must be 1-32".into()));
            }
        }
        if self.availability_zones.is_empty() || self.availability_zones.len() > 3 {
            return Err(CreateError::InvalidAz(
                "give 1 to 3 availability zones".into(),
            ));
        }
        let mut azs = HashSet::new();
        for az in &self.availability_zones {
            if !azs.insert(az.as_str()) {
                return Err(CreateError::InvalidAz(format!("{az} listed twice")));
            }
        }
        for role in &self.roles {
            let flavor = catalog
                .flavor(&role.flavor)
                .ok_or_else(|| CreateError::UnknownFlavor(role.flavor.clone()))?;
            if let Some(az) = self
                .availability_zones
                .iter()
                .find(|az| !flavor.availability_zones.contains(az))
            {
                return Err(CreateError::InvalidAz(format!(
                    "{az} is not offered for {}",
                    flavor.name
                )));
            }
            if (role.count as usize) < self.availability_zones.len() {
                return Err(CreateError::FewerNodesThanAzs(role.node_type));
            }
            let t = role.node_type;
            let Some((vtype, size)) = &role.volume else {
                return Err(CreateError::InvalidVolume(t, "volume is required".into()));
            };
            if !VOLUME_TYPES.contains(&vtype.as_str()) {
                return Err(CreateError::InvalidVolume(
                    t,
                    format!(
                        "volume_type {vtype:?} is not one of {}",
                        VOLUME_TYPES.join(", ")
                    ),
                ));
            }
            if *size == 0 || size % 20 != 0 {
                return Err(CreateError::VolumeNotMultipleOf20(t));
            }
            if !(flavor.disk_min..=flavor.disk_max).contains(size) {
                return Err(CreateError::InvalidVolume(
                    t,
                    format!(
                        "size must be within {}-{} GB for {}",
                        flavor.disk_min, flavor.disk_max, flavor.name
                    ),
                ));
            }
        }
        if self.settings.https_enable && !self.settings.authority_enable {
            return Err(CreateError::HttpsWithoutAuthority);
        }
        if self.settings.authority_enable {
            if self.engine == Engine::Elasticsearch && self.version < Version::new(6, 5, 4) {
                return Err(CreateError::SecurityModeUnsupported(self.version));
            }
            validate_password(self.admin_pwd.as_deref().unwrap_or(""))?;
        }
        Ok(())
    }

    /// The cluster this request creates, in status `100`, its nodes on the newest image of the
    /// version, spread round-robin over the AZs. `ready_at` is when provisioning completes.
    ///
    /// Panics if called on a request that has not passed [`NewCluster::validate`].
    pub fn build(
        &self,
        project_id: &str,
        catalog: &Catalog,
        now: DateTime<Utc>,
        ready_at: DateTime<Utc>,
    ) -> Cluster {
        let image = catalog
            .latest_available(self.engine, self.version)
            .expect("validated request names an available version");
        let mut nodes = Vec::new();
        let mut roles = self.roles.clone();
        roles.sort_by_key(|r| r.node_type);
        for role in &roles {
            for n in 1..=role.count as usize {
                let ordinal = nodes.len();
                let (vtype, size) = role.volume.clone().unwrap_or_else(|| ("COMMON".into(), 40));
                nodes.push(Node {
                    id: Uuid::new_v4().to_string(),
                    name: node_name(&self.name, role.node_type, n),
                    node_type: role.node_type,
                    flavor: role.flavor.clone(),
                    az: self.availability_zones[(n - 1) % self.availability_zones.len()].clone(),
                    volume_type: vtype,
                    volume_size: size,
                    ip: format!("192.168.{}.{}", ordinal / 250, ordinal % 250 + 2),
                    status: ClusterStatus::Creating,
                    image_id: image.id.clone(),
                });
            }
        }
        Cluster {
            id: Uuid::new_v4().to_string(),
            project_id: project_id.to_owned(),
            name: self.name.clone(),
            engine: self.engine,
            status: ClusterStatus::Creating,
            nodes,
            settings: self.settings.clone(),
            created: now,
            updated: now,
            ready_at: Some(ready_at),
            actions: Vec::new(),
        }
    }
}

/// Simulated time to provision a cluster: five minutes plus one per node.
pub fn provisioning_time(nodes: usize) -> TimeDelta {
    TimeDelta::minutes(5 + nodes as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DEFAULT_CATALOG;

    fn catalog() -> Catalog {
        Catalog::from_toml(DEFAULT_CATALOG).unwrap()
    }

    fn request() -> NewCluster {
        NewCluster {
            name: "es-test".into(),
            engine: Engine::Elasticsearch,
            version: "7.10.2".parse().unwrap(),
            roles: vec![RoleSpec {
                node_type: NodeType::Data,
                flavor: "ess.spec-4u8g".into(),
                count: 3,
                volume: Some(("COMMON".into(), 40)),
            }],
            availability_zones: vec!["eu-de-01".into()],
            admin_pwd: None,
            settings: ClusterSettings::default(),
        }
    }

    fn check(f: impl FnOnce(&mut NewCluster)) -> Result<(), CreateError> {
        let mut r = request();
        f(&mut r);
        r.validate(ApiVersion::V2, &catalog())
    }

    #[test]
    fn a_plain_request_is_valid() {
        check(|_| {}).unwrap();
    }

    #[test]
    fn names_are_checked_per_api_version() {
        assert!(matches!(
            check(|r| r.name = "abc".into()),
            Err(CreateError::InvalidName(_))
        ));
        assert!(matches!(
            check(|r| r.name = "a".repeat(33)),
            Err(CreateError::InvalidName(_))
        ));
        check(|r| r.name = "a".repeat(32)).unwrap();
        assert!(matches!(
            check(|r| r.name = "1abc".into()),
            Err(CreateError::InvalidName(_))
        ));
        assert!(matches!(
            check(|r| r.name = "ab cd".into()),
            Err(CreateError::InvalidName(_))
        ));
        check(|r| r.name = "es.test".into()).unwrap();
        let mut r = request();
        r.name = "es.test".into();
        assert!(matches!(
            r.validate(ApiVersion::V1, &catalog()),
            Err(CreateError::InvalidName(_))
        ));
    }

    #[test]
    fn node_counts_are_bounded_per_role() {
        assert!(matches!(
            check(|r| r.roles[0].count = 0),
            Err(CreateError::InvalidNodeCount(..))
        ));
        assert!(matches!(
            check(|r| r.roles[0].count = 33),
            Err(CreateError::InvalidNodeCount(..))
        ));
        check(|r| r.roles[0].count = 32).unwrap();
        let master = |n| RoleSpec {
            node_type: NodeType::Master,
            flavor: "ess.spec-4u8g".into(),
            count: n,
            volume: Some(("COMMON".into(), 40)),
        };
        check(|r| {
            r.roles[0].count = 200;
            r.roles.push(master(3));
        })
        .unwrap();
        assert_eq!(
            check(|r| r.roles.push(master(4))),
            Err(CreateError::EvenMasters)
        );
        assert!(matches!(
            check(|r| r.roles.push(master(1))),
            Err(CreateError::InvalidNodeCount(..))
        ));
        assert!(matches!(
            check(|r| r.roles.push(master(11))),
            Err(CreateError::InvalidNodeCount(..))
        ));
        assert_eq!(
            check(|r| r.roles[0].node_type = NodeType::Client),
            Err(CreateError::NoDataNodes)
        );
    }

    #[test]
    fn volumes_must_be_multiples_of_20_inside_the_flavor_range() {
        assert!(matches!(
            check(|r| r.roles[0].volume = Some(("COMMON".into(), 50))),
            Err(CreateError::VolumeNotMultipleOf20(_))
        ));
        assert!(matches!(
            check(|r| r.roles[0].volume = Some(("COMMON".into(), 20))),
            Err(CreateError::InvalidVolume(..))
        ));
        let max = catalog().flavor("ess.spec-4u8g").unwrap().disk_max;
        check(|r| r.roles[0].volume = Some(("COMMON".into(), max))).unwrap();
        assert!(matches!(
            check(|r| r.roles[0].volume = Some(("COMMON".into(), max + 20))),
            Err(CreateError::InvalidVolume(..))
        ));
        assert!(matches!(
            check(|r| r.roles[0].volume = Some(("GOLD".into(), 40))),
            Err(CreateError::InvalidVolume(..))
        ));
        assert!(matches!(
            check(|r| r.roles[0].volume = None),
            Err(CreateError::InvalidVolume(..))
        ));
    }

    #[test]
    fn unknown_flavors_versions_and_azs_are_refused() {
        assert!(matches!(
            check(|r| r.roles[0].flavor = "ess.spec-1u1g".into()),
            Err(CreateError::UnknownFlavor(_))
        ));
        assert!(matches!(
            check(|r| r.version = "7.1.1".parse().unwrap()),
            Err(CreateError::UnsupportedDatastore(..))
        ));
        assert!(matches!(
            check(|r| r.availability_zones = vec!["mars-1".into()]),
            Err(CreateError::InvalidAz(_))
        ));
        assert!(matches!(
            check(|r| {
                r.roles[0].count = 2;
                r.availability_zones =
                    vec!["eu-de-01".into(), "eu-de-02".into(), "eu-de-03".into()];
            }),
            Err(CreateError::FewerNodesThanAzs(NodeType::Data))
        ));
    }

    #[test]
    fn security_settings_are_consistent() {
        assert_eq!(
            check(|r| r.settings.https_enable = true),
            Err(CreateError::HttpsWithoutAuthority)
        );
        assert!(matches!(
            check(|r| r.settings.authority_enable = true),
            Err(CreateError::InvalidPassword(_))
        ));
        check(|r| {
            r.settings.authority_enable = true;
            r.admin_pwd = Some("Secret#2024".into());
        })
        .unwrap();
        assert!(matches!(
            check(|r| {
                r.settings.authority_enable = true;
                r.admin_pwd = Some("alllowercase".into());
            }),
            Err(CreateError::InvalidPassword(_))
        ));
    }

    #[test]
    fn building_spreads_nodes_over_azs_on_the_newest_image() {
        let c = catalog();
        let mut r = request();
        r.availability_zones = vec!["eu-de-01".into(), "eu-de-02".into()];
        let now = Utc::now();
        let cluster = r.build("p", &c, now, now + provisioning_time(3));
        let latest = c
            .latest_available(Engine::Elasticsearch, r.version)
            .unwrap();
        assert_eq!(cluster.status, ClusterStatus::Creating);
        assert_eq!(cluster.nodes.len(), 3);
        assert!(cluster.nodes.iter().all(|n| n.image_id == latest.id));
        let azs: Vec<_> = cluster.nodes.iter().map(|n| n.az.as_str()).collect();
        assert_eq!(azs, ["eu-de-01", "eu-de-02", "eu-de-01"]);
        assert_eq!(cluster.nodes[2].name, "es-test-ess-esn-3-1");
    }
}
