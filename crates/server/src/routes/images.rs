//! ListImages: the upgrade targets of a cluster (DESIGN §4.3).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use domain::cluster::lowest_image;
use domain::targets::{self, Current, UnavailableReason, UpgradeType};
use wire::ErrorCode;
use wire::images::ListImagesResponse;

use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::state::AppState;

/// The targets of a cluster by the rules of DESIGN §4.3, judged by `current`, its lowest node
/// image (`None`: its nodes run images the catalog does not know).
pub fn target_selection<'c>(
    catalog: &'c domain::Catalog,
    current: Option<&domain::Image>,
    kind: UpgradeType,
) -> targets::TargetSelection<'c> {
    match current {
        Some(image) => targets::select(
            catalog,
            Current {
                engine: image.engine,
                version: image.version,
                build: &image.build,
            },
            kind,
        ),
        None => targets::TargetSelection {
            images: Vec::new(),
            reasons: vec![UnavailableReason::UnknownCurrentImage],
        },
    }
}

/// `GET /v1.0/{project_id}/clusters/{cluster_id}/target/{upgrade_type}/images`
pub async fn list_images(
    State(state): State<Arc<AppState>>,
    Path((project_id, cluster_id, upgrade_type)): Path<(String, String, String)>,
    query: QueryParams,
) -> ApiResult<Json<ListImagesResponse>> {
    let kind: UpgradeType = upgrade_type
        .parse()
        .map_err(|e: domain::version::ParseError| ApiError::bad_param(e.0))?;
    let offset = query.int("offset", 0..=1000, 0)? as usize;
    let limit = query.int("limit", 1..=1000, 10)? as usize;
    let explain = query.flag("explain")?;
    // The hot path: the cluster comes from memory (invalidated on every change), the catalog
    // from its snapshot; no database round trip once the cluster was seen.
    let cluster = state
        .clusters
        .get(state.store.as_ref(), &project_id, &cluster_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::ClusterNotFound))?;
    let snapshot = state.catalog.get();
    let current = lowest_image(
        &snapshot.catalog,
        cluster.node_images.iter().map(String::as_str),
    );
    let selection = target_selection(&snapshot.catalog, current, kind);
    let need_upload = selection.images.iter().any(|image| {
        cluster.plugins.iter().any(|name| {
            !snapshot
                .packages
                .iter()
                .any(|p| p.name == *name && p.engine == image.engine && p.version == image.version)
        })
    });
    let total = selection.images.len() as u64;
    let page = selection
        .images
        .iter()
        .skip(offset)
        .take(limit)
        .map(|i| convert::image_info(i))
        .collect();
    Ok(Json(ListImagesResponse {
        need_upload_upgrade_plugin: need_upload,
        image_info_list: page,
        total_size: total,
        unavailable_reasons: explain.then(|| {
            selection
                .reasons
                .iter()
                .map(|r| {
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect()
        }),
    }))
}
