//! The operator API (`/admin/v1`, bearer token): the image catalog, upgrade paths, custom
//! plugins of clusters and uploaded plugin packages. Every catalog write reloads this replica's
//! catalog snapshot before answering, so the next ListImages sees it.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::catalog::{self, Image, ImageStatus, UpgradePath};
use domain::credentials::{PluginPackage, ProjectCredentials};
use domain::store::StoreError;
use domain::store::{Fault, FaultAction};
use domain::upgrade::{ClusterData, Health, IndexInfo, Phase};
use domain::{Build, Engine, Version};
use uuid::Uuid;
use wire::ErrorCode;
use wire::admin::{
    AddImageRequest, AddProjectRequest, AdminImage, AdminUpgradePath, ClusterDataBody,
    ClusterPluginsBody, FaultBody, IndexBody, ListAdminImagesResponse, ListFaultsResponse,
    ListPluginPackagesResponse, ListProjectsResponse, MetricsBody, PluginPackageInfo, ProjectInfo,
    UpgradePathsBody,
};

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

fn admin_image(i: &Image) -> AdminImage {
    AdminImage {
        id: i.id.clone(),
        display_name: i.display_name.clone(),
        datastore_type: i.engine.as_str().to_owned(),
        datastore_version: i.version.to_string(),
        build: i.build.to_string(),
        release_date: i.release_date.to_string(),
        image_desc: i.description.clone(),
        priority: i.priority,
        status: i.status.as_str().to_owned(),
    }
}

fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::bad_param(format!("{what} {s:?} is not valid")))
}

/// `GET /admin/v1/images`
pub async fn list_images(State(state): State<Arc<AppState>>) -> Json<ListAdminImagesResponse> {
    Json(ListAdminImagesResponse {
        images: state
            .catalog
            .get()
            .catalog
            .images
            .iter()
            .map(admin_image)
            .collect(),
    })
}

/// `POST /admin/v1/images`
pub async fn add_image(
    State(state): State<Arc<AppState>>,
    ApiJson(req): ApiJson<AddImageRequest>,
) -> ApiResult<(StatusCode, Json<AdminImage>)> {
    let engine: Engine = parse("datastoreType", &req.datastore_type)?;
    let version: Version = parse("datastoreVersion", &req.datastore_version)?;
    let build: Build = parse("build", &req.build)?;
    let release_date = match &req.release_date {
        Some(d) => parse::<NaiveDate>("releaseDate", d)?,
        None => state.clock.now().date_naive(),
    };
    let image = Image {
        id: req.id.unwrap_or_else(|| Uuid::new_v4().to_string()),
        display_name: Image::display_name_for(version, &build, release_date),
        engine,
        version,
        build,
        release_date,
        description: req.image_desc,
        priority: req.priority,
        status: ImageStatus::Available,
    };
    catalog::validate_image(&image).map_err(|e| ApiError::bad_param(e.to_string()))?;
    match state.store.add_image(&image).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(
                ErrorCode::ObjectExists,
                format!(
                    "an image with id {} or display name {} exists",
                    image.id, image.display_name
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    state.catalog_changed().await?;
    tracing::info!(image = %image.id, name = %image.display_name, "image added");
    Ok((StatusCode::CREATED, Json(admin_image(&image))))
}

/// `POST /admin/v1/images/{image_id}/eos`
pub async fn mark_eos(
    State(state): State<Arc<AppState>>,
    Path(image_id): Path<String>,
) -> ApiResult<Json<AdminImage>> {
    if !state
        .store
        .set_image_status(&image_id, ImageStatus::Eos)
        .await?
    {
        return Err(ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("no image {image_id}"),
        ));
    }
    state.catalog_changed().await?;
    let snapshot = state.catalog.get();
    let image = snapshot.catalog.image(&image_id).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("image {image_id} vanished after update"))
    })?;
    Ok(Json(admin_image(image)))
}

fn wire_path(p: &UpgradePath) -> AdminUpgradePath {
    AdminUpgradePath {
        source_type: p.source_engine.as_str().to_owned(),
        source_version: p.source_version.to_string(),
        target_type: p.target_engine.as_str().to_owned(),
        target_version: p.target_version.to_string(),
    }
}

/// `GET /admin/v1/upgrade-paths`
pub async fn list_paths(State(state): State<Arc<AppState>>) -> Json<UpgradePathsBody> {
    Json(UpgradePathsBody {
        upgrade_paths: state
            .catalog
            .get()
            .catalog
            .paths
            .iter()
            .map(wire_path)
            .collect(),
    })
}

/// `PUT /admin/v1/upgrade-paths`: replaces every path, all or nothing.
pub async fn replace_paths(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<UpgradePathsBody>,
) -> ApiResult<Json<UpgradePathsBody>> {
    let paths = body
        .upgrade_paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let at = |what: &str, s: &str| format!("upgradePaths[{i}].{what} {s:?} is not valid");
            Ok(UpgradePath {
                source_engine: p
                    .source_type
                    .parse()
                    .map_err(|_| ApiError::bad_param(at("sourceType", &p.source_type)))?,
                source_version: p
                    .source_version
                    .parse()
                    .map_err(|_| ApiError::bad_param(at("sourceVersion", &p.source_version)))?,
                target_engine: p
                    .target_type
                    .parse()
                    .map_err(|_| ApiError::bad_param(at("targetType", &p.target_type)))?,
                target_version: p
                    .target_version
                    .parse()
                    .map_err(|_| ApiError::bad_param(at("targetVersion", &p.target_version)))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    catalog::validate_paths(&paths).map_err(|e| ApiError::bad_param(e.to_string()))?;
    state.store.replace_paths(&paths).await?;
    state.catalog_changed().await?;
    Ok(Json(UpgradePathsBody {
        upgrade_paths: paths.iter().map(wire_path).collect(),
    }))
}

async fn existing_cluster(state: &AppState, cluster_id: &str) -> ApiResult<()> {
    match state.store.find_cluster(cluster_id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::code(ErrorCode::ClusterNotFound)),
    }
}

/// `GET /admin/v1/clusters/{cluster_id}/plugins`
pub async fn cluster_plugins(
    State(state): State<Arc<AppState>>,
    Path(cluster_id): Path<String>,
) -> ApiResult<Json<ClusterPluginsBody>> {
    existing_cluster(&state, &cluster_id).await?;
    Ok(Json(ClusterPluginsBody {
        plugins: state.store.cluster_plugins(&cluster_id).await?,
    }))
}

/// `PUT /admin/v1/clusters/{cluster_id}/plugins`
pub async fn set_cluster_plugins(
    State(state): State<Arc<AppState>>,
    Path(cluster_id): Path<String>,
    ApiJson(body): ApiJson<ClusterPluginsBody>,
) -> ApiResult<Json<ClusterPluginsBody>> {
    existing_cluster(&state, &cluster_id).await?;
    if let Some(bad) = body
        .plugins
        .iter()
        .find(|p| p.trim().is_empty() || p.len() > 128)
    {
        return Err(ApiError::bad_param(format!(
            "plugin name {bad:?} must be 1-128 characters"
        )));
    }
    state
        .store
        .set_cluster_plugins(&cluster_id, &body.plugins)
        .await?;
    state.catalog_changed().await?;
    Ok(Json(ClusterPluginsBody {
        plugins: state.store.cluster_plugins(&cluster_id).await?,
    }))
}

fn package_info(p: &PluginPackage) -> PluginPackageInfo {
    PluginPackageInfo {
        name: p.name.clone(),
        datastore_type: p.engine.as_str().to_owned(),
        datastore_version: p.version.to_string(),
    }
}

/// `GET /admin/v1/plugin-packages`
pub async fn list_plugin_packages(
    State(state): State<Arc<AppState>>,
) -> Json<ListPluginPackagesResponse> {
    Json(ListPluginPackagesResponse {
        packages: state
            .catalog
            .get()
            .packages
            .iter()
            .map(package_info)
            .collect(),
    })
}

/// `POST /admin/v1/plugin-packages`: records an uploaded package (idempotent).
pub async fn add_plugin_package(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<PluginPackageInfo>,
) -> ApiResult<(StatusCode, Json<PluginPackageInfo>)> {
    if body.name.trim().is_empty() || body.name.len() > 128 {
        return Err(ApiError::bad_param("name must be 1-128 characters"));
    }
    let package = PluginPackage {
        name: body.name.clone(),
        engine: parse("datastoreType", &body.datastore_type)?,
        version: parse("datastoreVersion", &body.datastore_version)?,
    };
    state.store.add_plugin_package(&package).await?;
    state.catalog_changed().await?;
    Ok((StatusCode::CREATED, Json(package_info(&package))))
}

fn data_body(d: &ClusterData) -> ClusterDataBody {
    ClusterDataBody {
        indices: Some(
            d.indices
                .iter()
                .map(|i| IndexBody {
                    name: i.name.clone(),
                    size_mb: i.size_mb,
                    primaries: i.primaries,
                    replicas: i.replicas,
                })
                .collect(),
        ),
        metrics: Some(MetricsBody {
            health: Some(d.metrics.health.as_str().to_owned()),
            unassigned_primaries: Some(d.metrics.unassigned_primaries),
            unassigned_replicas: Some(d.metrics.unassigned_replicas),
            search_queue: Some(d.metrics.search_queue),
            write_queue: Some(d.metrics.write_queue),
            cpu_percent: Some(d.metrics.cpu_percent),
            load_average: Some(d.metrics.load_average),
            disk_used_percent: d.metrics.disk_used_percent,
        }),
    }
}

async fn current_data(state: &AppState, cluster_id: &str) -> ApiResult<ClusterData> {
    let cluster = state
        .store
        .find_cluster(cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))?;
    Ok(match state.store.cluster_data(cluster_id).await? {
        Some(d) => d,
        None => ClusterData::default_for(&cluster),
    })
}

/// `GET /admin/v1/clusters/{cluster_id}/data`: the simulated cluster's indices and metrics.
pub async fn cluster_data(
    State(state): State<Arc<AppState>>,
    Path(cluster_id): Path<String>,
) -> ApiResult<Json<ClusterDataBody>> {
    Ok(Json(data_body(&current_data(&state, &cluster_id).await?)))
}

/// `PUT /admin/v1/clusters/{cluster_id}/data`: replaces the indices (when given) and merges
/// the metrics field by field.
pub async fn set_cluster_data(
    State(state): State<Arc<AppState>>,
    Path(cluster_id): Path<String>,
    ApiJson(body): ApiJson<ClusterDataBody>,
) -> ApiResult<Json<ClusterDataBody>> {
    let mut data = current_data(&state, &cluster_id).await?;
    if let Some(indices) = body.indices {
        let mut seen = std::collections::HashSet::new();
        for i in &indices {
            if i.name.is_empty() || i.name.len() > 255 || !seen.insert(i.name.as_str()) {
                return Err(ApiError::bad_param(format!(
                    "index name {:?} is empty, too long or listed twice",
                    i.name
                )));
            }
            if i.primaries == 0 {
                return Err(ApiError::bad_param(format!(
                    "index {} must have at least one primary",
                    i.name
                )));
            }
        }
        data.indices = indices
            .into_iter()
            .map(|i| IndexInfo {
                name: i.name,
                size_mb: i.size_mb,
                primaries: i.primaries,
                replicas: i.replicas,
            })
            .collect();
    }
    if let Some(m) = body.metrics {
        let pct = |name: &str, v: Option<f64>| match v {
            Some(x) if !(0.0..=100.0).contains(&x) || x.is_nan() => {
                Err(ApiError::bad_param(format!("{name} must be 0-100")))
            }
            other => Ok(other),
        };
        let metrics = &mut data.metrics;
        if let Some(h) = m.health {
            metrics.health = match h.as_str() {
                "green" => Health::Green,
                "yellow" => Health::Yellow,
                "red" => Health::Red,
                other => {
                    return Err(ApiError::bad_param(format!(
                        "health must be green, yellow or red, not {other:?}"
                    )));
                }
            };
        }
        if let Some(cpu) = pct("cpuPercent", m.cpu_percent)? {
            metrics.cpu_percent = cpu;
        }
        if let Some(disk) = pct("diskUsedPercent", m.disk_used_percent)? {
            metrics.disk_used_percent = Some(disk);
        }
        if let Some(load) = m.load_average {
            if !(0.0..=10_000.0).contains(&load) {
                return Err(ApiError::bad_param("loadAverage must be 0-10000"));
            }
            metrics.load_average = load;
        }
        metrics.unassigned_primaries = m
            .unassigned_primaries
            .unwrap_or(metrics.unassigned_primaries);
        metrics.unassigned_replicas = m.unassigned_replicas.unwrap_or(metrics.unassigned_replicas);
        metrics.search_queue = m.search_queue.unwrap_or(metrics.search_queue);
        metrics.write_queue = m.write_queue.unwrap_or(metrics.write_queue);
    }
    state.store.set_cluster_data(&cluster_id, &data).await?;
    Ok(Json(data_body(&data)))
}

fn fault_body(f: &Fault) -> FaultBody {
    FaultBody {
        id: Some(f.id.clone()),
        cluster_id: f.cluster_id.clone(),
        node: f.node.clone(),
        phase: f.phase,
        action: f.action.as_str().to_owned(),
        times: None,
        remaining: Some(f.remaining),
    }
}

/// `GET /admin/v1/faults`
pub async fn list_faults(
    State(state): State<Arc<AppState>>,
) -> ApiResult<Json<ListFaultsResponse>> {
    Ok(Json(ListFaultsResponse {
        faults: state.store.faults().await?.iter().map(fault_body).collect(),
    }))
}

/// `POST /admin/v1/faults`: phase `phase` fails (or hangs) on `node` (any node when absent)
/// of `clusterId`, the next `times` times it runs.
pub async fn add_fault(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<FaultBody>,
) -> ApiResult<(StatusCode, Json<FaultBody>)> {
    let action = FaultAction::parse(&body.action).ok_or_else(|| {
        ApiError::bad_param(format!(
            "action must be fail or hang, not {:?}",
            body.action
        ))
    })?;
    if Phase::from_order(body.phase).is_none() {
        return Err(ApiError::bad_param(format!(
            "phase must be 0-12, not {}",
            body.phase
        )));
    }
    let times = body.times.unwrap_or(1);
    if !(1..=1000).contains(&times) {
        return Err(ApiError::bad_param("times must be 1-1000"));
    }
    let cluster = state
        .store
        .find_cluster(&body.cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))?;
    if let Some(node) = &body.node
        && !cluster.nodes.iter().any(|n| &n.name == node)
    {
        return Err(ApiError::bad_param(format!(
            "cluster {} has no node {node}",
            cluster.id
        )));
    }
    let fault = Fault {
        id: Uuid::new_v4().to_string(),
        cluster_id: cluster.id,
        node: body.node,
        phase: body.phase,
        action,
        remaining: times,
    };
    state.store.add_fault(&fault).await?;
    Ok((StatusCode::CREATED, Json(fault_body(&fault))))
}

/// `DELETE /admin/v1/faults/{fault_id}`
pub async fn delete_fault(
    State(state): State<Arc<AppState>>,
    Path(fault_id): Path<String>,
) -> ApiResult<()> {
    if !state.store.delete_fault(&fault_id).await? {
        return Err(ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("no fault {fault_id}"),
        ));
    }
    Ok(())
}

fn valid_project_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn valid_label(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// `POST /admin/v1/projects`: a new tenant with its own AK/SK and Keystone user.
pub async fn add_project(
    State(state): State<Arc<AppState>>,
    ApiJson(req): ApiJson<AddProjectRequest>,
) -> ApiResult<(StatusCode, Json<ProjectInfo>)> {
    let fresh = crate::bootstrap::random_credentials();
    let project_id = req.project_id.unwrap_or(fresh.project_id);
    if !valid_project_id(&project_id) {
        return Err(ApiError::bad_param(
            "projectId must be 32 lowercase hex characters",
        ));
    }
    let project_name = req
        .project_name
        .unwrap_or_else(|| format!("project-{}", &project_id[..8]));
    let user_name = req
        .user_name
        .unwrap_or_else(|| format!("user-{}", &project_id[..8]));
    for (what, v) in [("projectName", &project_name), ("userName", &user_name)] {
        if !valid_label(v) {
            return Err(ApiError::bad_param(format!(
                "{what} must be 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
    }
    let p = ProjectCredentials {
        project_id,
        project_name,
        access_key: fresh.access_key,
        secret_key: fresh.secret_key,
        user_name,
        password: fresh.password,
    };
    match state.store.add_project(&p).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(
                ErrorCode::ObjectExists,
                "a project with that id or name, or that user, exists",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(project = %p.project_id, "project created");
    Ok((
        StatusCode::CREATED,
        Json(ProjectInfo {
            project_id: p.project_id,
            project_name: p.project_name,
            access_key: Some(p.access_key),
            secret_key: Some(p.secret_key),
            user_name: Some(p.user_name),
            password: Some(p.password),
        }),
    ))
}

/// `GET /admin/v1/projects`
pub async fn list_projects(
    State(state): State<Arc<AppState>>,
) -> ApiResult<Json<ListProjectsResponse>> {
    Ok(Json(ListProjectsResponse {
        projects: state
            .store
            .projects()
            .await?
            .into_iter()
            .map(|(project_id, project_name)| ProjectInfo {
                project_id,
                project_name,
                access_key: None,
                secret_key: None,
                user_name: None,
                password: None,
            })
            .collect(),
    }))
}
