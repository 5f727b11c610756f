//! Wire ⇄ domain conversion, in one module: create requests into `NewCluster`, domain errors
//! into CSS codes, and clusters, images and flavors into their documented wire objects.

use std::collections::BTreeMap;

use domain::catalog::{Catalog, Flavor, Image};
use domain::cluster::{Cluster, ClusterSettings, ClusterStatus, NodeType};
use domain::create::{ApiVersion, CreateError, NewCluster, RoleSpec};
use domain::{Engine, Version};
use wire::ErrorCode;
use wire::clusters::{
    ClusterDetail, CreateClusterBody, DatastoreInfo, FailedReason, FlavorInfo, FlavorVersion,
    InstanceInfo, Tag, VolumeInfo,
};
use wire::images::ImageInfo;

use crate::error::ApiError;

/// Formats a time as CSS does.
pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format(wire::TIME_FORMAT).to_string()
}

/// The CSS code for a refused create request.
pub fn create_error(e: &CreateError) -> ApiError {
    let code = match e {
        CreateError::InvalidName(_) => ErrorCode::InvalidClusterName,
        CreateError::NameTaken => ErrorCode::ClusterNameExists,
        CreateError::DescTooLong => ErrorCode::ParameterOutOfRange,
        CreateError::UnsupportedDatastore(..) => ErrorCode::UnsupportedDatastore,
        CreateError::InvalidNodeType(_) => ErrorCode::InvalidInstanceType,
        CreateError::NoDataNodes => ErrorCode::NoDataNodes,
        CreateError::InvalidNodeCount(..) => ErrorCode::InvalidNodeQuantity,
        CreateError::EvenMasters => ErrorCode::MastersMustBeOdd,
        CreateError::UnknownFlavor(_) => ErrorCode::FlavorNotFound,
        CreateError::InvalidVolume(..) => ErrorCode::InvalidDiskSize,
        CreateError::VolumeNotMultipleOf20(_) => ErrorCode::DiskSizeMultipleOf20,
        CreateError::InvalidAz(_) => ErrorCode::InvalidAz,
        CreateError::FewerNodesThanAzs(_) => ErrorCode::NodesFewerThanAzs,
        CreateError::HttpsWithoutAuthority => ErrorCode::HttpsNeedsAuthority,
        CreateError::SecurityModeUnsupported(_) => ErrorCode::SecurityModeUnsupported,
        CreateError::InvalidPassword(_) => ErrorCode::InvalidAdminPassword,
    };
    ApiError::new(
        code,
        format!("{} ({e})", code.message().trim_end_matches('.')),
    )
}

fn required<T>(v: Option<T>, name: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::bad_param(format!("cluster.{name} is required")))
}

fn count(n: i64, t: NodeType) -> Result<u32, ApiError> {
    u32::try_from(n).map_err(|_| {
        create_error(&CreateError::InvalidNodeCount(
            t,
            format!("{n} is out of range"),
        ))
    })
}

fn volume(v: Option<wire::clusters::VolumeSpec>) -> Result<Option<(String, u32)>, ApiError> {
    v.map(|v| {
        let size = u32::try_from(v.size).map_err(|_| ApiError::code(ErrorCode::InvalidDiskSize))?;
        Ok((v.volume_type, size))
    })
    .transpose()
}

/// Turns a create body into the domain request, checking what only the wire can get wrong
/// (missing fields, unknown enum strings); the domain checks the rest.
pub fn new_cluster(body: CreateClusterBody, api: ApiVersion) -> Result<NewCluster, ApiError> {
    let name = required(body.name, "name")?;
    let datastore = required(body.datastore, "datastore")?;
    let engine: Engine = datastore.kind.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::UnsupportedDatastore,
            format!("unsupported datastore type {:?}", datastore.kind),
        )
    })?;
    let version: Version = datastore.version.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::UnsupportedDatastore,
            format!("unsupported datastore version {:?}", datastore.version),
        )
    })?;
    let (roles, nics, azs) = match api {
        ApiVersion::V1 => {
            let instance = required(body.instance, "instance")?;
            let num = required(body.instance_num, "instanceNum")?;
            let role = RoleSpec {
                node_type: NodeType::Data,
                flavor: instance.flavor_ref,
                count: count(num, NodeType::Data)?,
                volume: volume(instance.volume)?,
            };
            let azs = instance.availability_zone.or(body.availability_zone);
            (vec![role], instance.nics.or(body.nics), azs)
        }
        ApiVersion::V2 => {
            let roles = required(body.roles, "roles")?
                .into_iter()
                .map(|r| {
                    let t = NodeType::parse(&r.kind).ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::InvalidInstanceType,
                            format!("invalid node type {:?}", r.kind),
                        )
                    })?;
                    Ok(RoleSpec {
                        node_type: t,
                        flavor: r.flavor_ref,
                        count: count(r.instance_num, t)?,
                        volume: volume(r.volume)?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            (roles, body.nics, body.availability_zone)
        }
    };
    let nics = nics.ok_or_else(|| ApiError::code(ErrorCode::NicsBlank))?;
    let azs = required(azs, "availability_zone")?;
    Ok(NewCluster {
        name,
        engine,
        version,
        roles,
        availability_zones: azs.split(',').map(|s| s.trim().to_owned()).collect(),
        admin_pwd: body.admin_pwd,
        settings: ClusterSettings {
            desc: body.desc.unwrap_or_default(),
            vpc_id: nics.vpc_id,
            subnet_id: nics.net_id,
            security_group_id: nics.security_group_id,
            https_enable: body.https_enable.unwrap_or(false),
            authority_enable: body.authority_enable.unwrap_or(false),
            backup_enable: body.backup_strategy.is_some(),
            enterprise_project_id: body.enterprise_project_id,
            tags: body
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.key, t.value))
                .collect(),
        },
    })
}

/// A target image on the wire.
pub fn image_info(i: &Image) -> ImageInfo {
    ImageInfo {
        id: i.id.clone(),
        display_name: i.display_name.clone(),
        image_desc: i.description.clone(),
        datastore_type: i.engine.as_str().to_owned(),
        datastore_version: i.version.to_string(),
        priority: i.priority,
    }
}

/// Whether a version supports the security mode (Elasticsearch from 6.5.4, every OpenSearch).
fn supports_security_mode(engine: Engine, version: Option<Version>) -> bool {
    match engine {
        Engine::Elasticsearch => version.is_some_and(|v| v >= Version::new(6, 5, 4)),
        Engine::Opensearch => true,
        Engine::Logstash => false,
    }
}

/// The cluster object of ShowClusterDetail and ListClusters.
pub fn cluster_detail(
    c: &Cluster,
    catalog: &Catalog,
    action_progress: BTreeMap<String, String>,
) -> ClusterDetail {
    let image = c.current_image(catalog);
    let version = image.map(|i| i.version);
    let endpoint = c
        .nodes
        .iter()
        .filter(|n| n.node_type == NodeType::Data)
        .map(|n| format!("{}:9200", n.ip))
        .collect::<Vec<_>>()
        .join(",");
    ClusterDetail {
        id: c.id.clone(),
        name: c.name.clone(),
        status: c.status.code().to_owned(),
        datastore: DatastoreInfo {
            kind: c.engine.as_str().to_owned(),
            version: version.map(|v| v.to_string()).unwrap_or_default(),
            sub_version: image.map(|i| i.display_name.clone()).unwrap_or_default(),
            is_eos_cluster: image.is_some_and(|i| !i.is_available()),
            support_securitymode: supports_security_mode(c.engine, version),
        },
        instances: c
            .nodes
            .iter()
            .map(|n| InstanceInfo {
                id: n.id.clone(),
                name: n.name.clone(),
                kind: n.node_type.as_str().to_owned(),
                status: n.status.code().to_owned(),
                spec_code: n.flavor.clone(),
                az_code: n.az.clone(),
                ip: n.ip.clone(),
                resource_id: n.id.clone(),
                subnet_id: c.settings.subnet_id.clone(),
                volume: VolumeInfo {
                    kind: n.volume_type.clone(),
                    size: n.volume_size,
                    resource_ids: vec![format!("vol-{}", n.id)],
                },
            })
            .collect(),
        endpoint,
        created: time(c.created),
        updated: time(c.updated),
        actions: c.actions.clone(),
        action_progress,
        vpc_id: c.settings.vpc_id.clone(),
        subnet_id: c.settings.subnet_id.clone(),
        security_group_id: c.settings.security_group_id.clone(),
        https_enable: c.settings.https_enable,
        authority_enable: c.settings.authority_enable,
        disk_encrypted: false,
        backup_available: c.settings.backup_enable,
        enterprise_project_id: c.settings.enterprise_project_id.clone(),
        tags: c
            .settings
            .tags
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        desc: c.settings.desc.clone(),
        failed_reason: (c.status == ClusterStatus::Unavailable).then(|| FailedReason {
            error_code: ErrorCode::InternalError.code().to_owned(),
            error_msg: "The cluster is unavailable.".to_owned(),
        }),
    }
}

/// The flavor list: every flavor, for every creatable version and node type.
pub fn flavor_versions(catalog: &Catalog) -> Vec<FlavorVersion> {
    let flavors: Vec<FlavorInfo> = catalog.flavors.iter().map(flavor_info).collect();
    let mut versions: Vec<String> = catalog
        .creatable_versions()
        .into_iter()
        .map(|(_, v)| v.to_string())
        .collect();
    versions.dedup();
    versions
        .into_iter()
        .flat_map(|version| {
            let flavors = flavors.clone();
            NodeType::ALL.into_iter().map(move |t| FlavorVersion {
                version: version.clone(),
                kind: t.as_str().to_owned(),
                flavors: flavors.clone(),
            })
        })
        .collect()
}

fn flavor_info(f: &Flavor) -> FlavorInfo {
    FlavorInfo {
        cpu: f.cpu,
        ram: f.ram,
        name: f.name.clone(),
        region: f.region.clone(),
        diskrange: format!("{},{}", f.disk_min, f.disk_max),
        available_az: f.availability_zones.join(","),
        flavor_id: f.id.clone(),
    }
}
