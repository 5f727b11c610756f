//! The OpenAPI 3 document served at `/openapi.json`: every public operation (CSS, Keystone,
//! operator API, ops) with its parameters, its documented status codes and the error envelope.
//! Request and response schemas are derived (utoipa) from the very `wire` types the handlers
//! serialize, so a renamed field changes the document too; the operations themselves are
//! declared here, next to each other, and `tests/api/openapi.rs` checks that they are exactly
//! the routes the router registers. Schemathesis (`tests/schemathesis/run.sh`) checks that the
//! server answers what the document says.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use wire::ErrorBody;
use wire::admin::{
    AddImageRequest, AddProjectRequest, AdminImage, AdminUpgradePath, ClusterDataBody,
    ClusterPluginsBody, FaultBody, IndexBody, ListAdminImagesResponse, ListFaultsResponse,
    ListPluginPackagesResponse, ListProjectsResponse, MetricsBody, PluginPackageInfo, ProjectInfo,
    UpgradePathsBody,
};
use wire::clusters::{
    ClusterDetail, ClusterRef, CreateClusterBody, CreateClusterRequest, CreateClusterResponse,
    Datastore, DatastoreInfo, FailedReason, FlavorInfo, FlavorVersion, InstanceInfo, InstanceSpec,
    ListClustersResponse, ListFlavorsResponse, Nics, RoleSpec, Tag, VolumeInfo, VolumeSpec,
};
use wire::images::{ImageInfo, ListImagesResponse};
use wire::keystone::{AuthRequest, TokenResponse, VersionResponse};
use wire::snapshots::{CreateSnapshotRequest, CreateSnapshotResponse, ListSnapshotsResponse};
use wire::upgrade::{
    CheckOutcome, CurrentNodeDetail, DryRunResponse, RetryRequest, UpgradeCoreRequest,
    UpgradeCoreResponse, UpgradeDetailInfo, UpgradeDetailResponse,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "searchplane",
        description = "Self-hosted, wire-compatible Cloud Search Service (CSS) cluster-upgrade API \
            of Open Telekom Cloud / Huawei Cloud. CSS operations are signed with AK/SK \
            (`SDK-HMAC-SHA256`, headers `Authorization` and `X-Sdk-Date`) or carry a Keystone \
            token (`X-Auth-Token`, from `POST /v3/auth/tokens`); the operator API takes \
            `Authorization: Bearer <operator token>`. Every error is \
            `{\"error_code\": …, \"error_msg\": …}`; a path or method that does not exist is 404 \
            `APIG.0101`.",
        license(name = "Apache-2.0"),
    ),
    paths(
        doc::list_images,
        doc::upgrade_core,
        doc::upgrade_detail,
        doc::retry_upgrade_task,
        doc::list_clusters,
        doc::create_cluster_v1,
        doc::create_cluster_v2,
        doc::show_cluster_detail,
        doc::delete_cluster,
        doc::list_es_flavors,
        doc::list_flavors,
        doc::create_snapshot,
        doc::list_snapshots,
        doc::keystone_version,
        doc::keystone_version_slash,
        doc::keystone_issue_token,
        doc::healthz,
        doc::metrics,
        doc::openapi_json,
        doc::admin_list_images,
        doc::admin_add_image,
        doc::admin_mark_eos,
        doc::admin_list_paths,
        doc::admin_replace_paths,
        doc::admin_cluster_plugins,
        doc::admin_set_cluster_plugins,
        doc::admin_cluster_data,
        doc::admin_set_cluster_data,
        doc::admin_list_faults,
        doc::admin_add_fault,
        doc::admin_delete_fault,
        doc::admin_list_plugin_packages,
        doc::admin_add_plugin_package,
        doc::admin_list_projects,
        doc::admin_add_project,
    ),
    components(schemas(
        ErrorBody,
        ListImagesResponse, ImageInfo,
        UpgradeCoreRequest, UpgradeCoreResponse, DryRunResponse, CheckOutcome, UpgradeCoreAnswer,
        UpgradeDetailResponse, UpgradeDetailInfo, CurrentNodeDetail, RetryRequest,
        CreateClusterRequest, CreateClusterBody, Datastore, InstanceSpec, RoleSpec, VolumeSpec,
        Nics, Tag, CreateClusterResponse, ClusterRef, ClusterDetail, DatastoreInfo,
        InstanceInfo, VolumeInfo, FailedReason, ListClustersResponse, ListFlavorsResponse,
        FlavorVersion, FlavorInfo,
        CreateSnapshotRequest, CreateSnapshotResponse, ListSnapshotsResponse,
        AuthRequest, TokenResponse, VersionResponse, Health,
        AdminImage, ListAdminImagesResponse, AddImageRequest, AdminUpgradePath,
        UpgradePathsBody, ClusterPluginsBody, PluginPackageInfo, ListPluginPackagesResponse,
        ClusterDataBody, IndexBody, MetricsBody, FaultBody, ListFaultsResponse,
        AddProjectRequest, ProjectInfo, ListProjectsResponse,
    )),
    modifiers(&SecuritySchemes, &OptionalRetryBody),
    tags(
        (name = "upgrade", description = "Cluster upgrade: target images, UpgradeCore, progress, retry and abort"),
        (name = "clusters", description = "Clusters and flavors"),
        (name = "snapshots", description = "Manual index snapshots (read by the upgrade's backup check)"),
        (name = "keystone", description = "Keystone v3 tokens for openstacksdk / otcextensions"),
        (name = "operator", description = "Operator API: catalog, plugins, simulated cluster data, faults"),
        (name = "ops", description = "Liveness, metrics and this document"),
    ),
)]
pub struct ApiDoc;

/// Adds the security schemes the operations refer to.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "aksk",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`: \
                 HMAC-SHA256 with the SK over the canonical request, as the official Huawei \
                 Cloud SDKs sign. Goes with `X-Sdk-Date`.",
            ))),
        );
        components.add_security_scheme(
            "sdkDate",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Sdk-Date",
                "Signing time `YYYYMMDD'T'HHMMSS'Z'` (UTC), within 15 minutes of the server \
                 clock (else 401 `APIG.0303`).",
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Auth-Token",
                "A Keystone token (`X-Subject-Token` of `POST /v3/auth/tokens`), valid 24 h.",
            ))),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator token (`admin_token` of credentials.json).",
                    ))
                    .build(),
            ),
        );
    }
}

/// RetryUpgradeTask takes an optional body: absent or a `RetryRequest` object (utoipa can only
/// say "optional" through `Option`, which would also admit a JSON `null`).
struct OptionalRetryBody;

impl Modify for OptionalRetryBody {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, Required, request_body::RequestBodyBuilder};
        let path = "/v1.0/{project_id}/clusters/{cluster_id}/upgrade/{action_id}/retry";
        if let Some(op) = openapi
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.put.as_mut())
        {
            op.request_body = Some(
                RequestBodyBuilder::new()
                    .description(Some(
                        "Optional; `retry_mode` may come here instead of the query",
                    ))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("RetryRequest")))
                            .build(),
                    )
                    .required(Some(Required::False))
                    .build(),
            );
        }
    }
}

/// UpgradeCore's answer: the task id, or the check report of a dry run.
#[allow(dead_code)] // Documentation only: the handler answers one of the two.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum UpgradeCoreAnswer {
    /// The upgrade started (`actionId` is an extension; the reference documents no body).
    Started(UpgradeCoreResponse),
    /// `?dry_run=true`: the pre-upgrade check report; nothing started.
    DryRun(DryRunResponse),
}

/// `GET /healthz`.
#[allow(dead_code)] // Documentation only: `ops::healthz` answers the same object.
#[derive(Serialize, ToSchema)]
struct Health {
    /// `ok`.
    status: String,
}

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// `GET /openapi.json`
pub async fn openapi_json() -> impl IntoResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| document().to_pretty_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], json.as_str())
}

/// Path and query parameters, and one item per operation. Nothing here runs: the functions
/// carry the operations' documentation for [`ApiDoc`].
#[allow(dead_code)]
mod doc {
    use super::*;

    /// `{project_id}`.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ProjectPath {
        /// Project id; must be the credential's project (else 403 `CSS.0015`).
        #[param(min_length = 1)]
        project_id: String,
    }

    /// `{project_id}/clusters/{cluster_id}`.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ClusterPath {
        /// Project id; must be the credential's project (else 403 `CSS.0015`).
        #[param(min_length = 1)]
        project_id: String,
        /// Cluster id.
        #[param(min_length = 1)]
        cluster_id: String,
    }

    /// ListImages path.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ImagesPath {
        /// Project id; must be the credential's project (else 403 `CSS.0015`).
        #[param(min_length = 1)]
        project_id: String,
        /// Cluster id.
        #[param(min_length = 1)]
        cluster_id: String,
        /// `same`, `cross` or `cross-engine` (anything else is 400 `CSS.0001`).
        #[param(pattern = "^(same|cross|cross-engine)$")]
        upgrade_type: String,
    }

    /// UpgradeCore path.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct UpgradeCorePath {
        /// Project id; must be the credential's project (else 403 `CSS.0015`).
        #[param(min_length = 1)]
        project_id: String,
        /// Cluster id.
        #[param(min_length = 1)]
        cluster_id: String,
        /// Only `all` ("Currently, only all is supported"); anything else is 400 `CSS.0001`.
        #[param(pattern = "^all$")]
        inst_type: String,
    }

    /// RetryUpgradeTask path.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct RetryPath {
        /// Project id; must be the credential's project (else 403 `CSS.0015`).
        #[param(min_length = 1)]
        project_id: String,
        /// Cluster id.
        #[param(min_length = 1)]
        cluster_id: String,
        /// Task id (`detailList[].id` of UpgradeDetail).
        #[param(min_length = 1)]
        action_id: String,
    }

    /// ListImages query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct ListImagesQuery {
        /// Skip this many images (0-1000, default 0).
        #[param(minimum = 0, maximum = 1000)]
        offset: Option<i64>,
        /// Page size (1-1000, default 10).
        #[param(minimum = 1, maximum = 1000)]
        limit: Option<i64>,
        /// Extension: add `unavailableReasons`.
        explain: Option<bool>,
    }

    /// ListClusters query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct ListClustersQuery {
        /// First cluster, 1-based (1-1000, default 1).
        #[param(minimum = 1, maximum = 1000)]
        offset: Option<i64>,
        /// Older name of `offset` (the reference's examples use it).
        #[param(minimum = 1, maximum = 1000)]
        start: Option<i64>,
        /// Page size (1-1000, default 10).
        #[param(minimum = 1, maximum = 1000)]
        limit: Option<i64>,
        /// `elasticsearch`, `opensearch` or `logstash`; all when absent or empty.
        #[param(
            rename = "datastoreType",
            pattern = "^(|elasticsearch|opensearch|logstash)$"
        )]
        datastore_type: Option<String>,
    }

    /// UpgradeCore query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct UpgradeCoreQuery {
        /// Extension: run the pre-upgrade checks only and answer their report.
        dry_run: Option<bool>,
    }

    /// UpgradeDetail query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct UpgradeDetailQuery {
        /// First task, 1-based (1-1000, default 1).
        #[param(minimum = 1, maximum = 1000)]
        offset: Option<i64>,
        /// Older name of `offset`.
        #[param(minimum = 1, maximum = 1000)]
        start: Option<i64>,
        /// Page size (1-1000, default 10).
        #[param(minimum = 1, maximum = 1000)]
        limit: Option<i64>,
        /// `UPGRADING` (default) or `AZ_MIGRATION`.
        #[param(pattern = "^(UPGRADING|AZ_MIGRATION)$")]
        action_mode: Option<String>,
        /// Sent by `otcextensions`; accepted and ignored.
        action_node: Option<String>,
        /// Id of the last task already seen: answer the tasks after it (`offset` is then
        /// ignored; an unknown id gives an empty page). openstacksdk pages this way.
        marker: Option<String>,
        /// Extension: add the estimated remaining time and whether a task was terminated.
        explain: Option<bool>,
    }

    /// RetryUpgradeTask query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct RetryQuery {
        /// `abort` terminates the failed task instead of retrying it.
        #[param(pattern = "^(|abort)$")]
        retry_mode: Option<String>,
    }

    /// `{image_id}` of the operator API.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ImageIdPath {
        /// Image id.
        #[param(min_length = 1)]
        image_id: String,
    }

    /// `{cluster_id}` of the operator API.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct AdminClusterPath {
        /// Cluster id.
        #[param(min_length = 1)]
        cluster_id: String,
    }

    /// `{fault_id}` of the operator API.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct FaultIdPath {
        /// Fault id.
        #[param(min_length = 1)]
        fault_id: String,
    }

    // ---- CSS: upgrade ----

    /// ListImages: the images a cluster can be upgraded to.
    #[utoipa::path(get, operation_id = "ListImages", tag = "upgrade",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/target/{upgrade_type}/images",
        params(ImagesPath, ListImagesQuery),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Target images, priority descending", body = ListImagesResponse),
            (status = 400, description = "`CSS.0001` bad parameter, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad signature or token, `APIG.0303` date out of range", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn list_images() {}

    /// UpgradeCore: start an upgrade (or, with `dry_run=true`, only run the checks).
    #[utoipa::path(post, operation_id = "UpgradeCore", tag = "upgrade",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/inst-type/{inst_type}/image/upgrade",
        params(UpgradeCorePath, UpgradeCoreQuery),
        request_body(content = UpgradeCoreRequest, content_type = "application/json"),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Started (or the dry-run report)", body = UpgradeCoreAnswer),
            (status = 400, description = "`CSS.0001` bad parameter or target, `CSS.0006` no body, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 409, description = "`CSS.0011` the cluster already has a task", body = ErrorBody),
            (status = 412, description = "A pre-upgrade check failed (`CSS.0078`, `CSS.0074`, `CSS.0083`, `CSS.0011`, `CSS.0001`); every failing check is listed", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn upgrade_core() {}

    /// UpgradeDetail: the cluster's upgrade tasks, newest first, with the current node's phases.
    #[utoipa::path(get, operation_id = "UpgradeDetail", tag = "upgrade",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/upgrade/detail",
        params(ClusterPath, UpgradeDetailQuery),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Tasks", body = UpgradeDetailResponse),
            (status = 400, description = "`CSS.0001` bad parameter, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn upgrade_detail() {}

    /// RetryUpgradeTask: retry a failed task, or terminate it with `retry_mode=abort`.
    #[utoipa::path(put, operation_id = "RetryUpgradeTask", tag = "upgrade",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/upgrade/{action_id}/retry",
        params(RetryPath, RetryQuery),
        request_body(content = RetryRequest, content_type = "application/json"),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Retried or terminated (no body)"),
            (status = 400, description = "`CSS.0001` bad `retry_mode`, `CSS.0047` unknown cluster, `CSS.0082` unknown task, `CSS.5090` not allowed in this status", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 409, description = "`CSS.0011` the task changed meanwhile", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn retry_upgrade_task() {}

    // ---- CSS: clusters ----

    /// ListClusters, newest first.
    #[utoipa::path(get, operation_id = "ListClusters", tag = "clusters",
        path = "/v1.0/{project_id}/clusters",
        params(ProjectPath, ListClustersQuery),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "A page of clusters", body = ListClustersResponse),
            (status = 400, description = "`CSS.0001` bad parameter", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn list_clusters() {}

    /// CreateCluster (v1, discarded: one node type, `instance` + `instanceNum`).
    #[utoipa::path(post, operation_id = "CreateClusterV1", tag = "clusters",
        path = "/v1.0/{project_id}/clusters",
        params(ProjectPath),
        request_body(content = CreateClusterRequest, content_type = "application/json"),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Created; status `100` until provisioned", body = CreateClusterResponse),
            (status = 400, description = "Invalid request (`CSS.0001`, `CSS.0006`, `CSS.5xxx` per field)", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn create_cluster_v1() {}

    /// CreateCluster (v2: `roles`).
    #[utoipa::path(post, operation_id = "CreateClusterV2", tag = "clusters",
        path = "/v2.0/{project_id}/clusters",
        params(ProjectPath),
        request_body(content = CreateClusterRequest, content_type = "application/json"),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Created; status `100` until provisioned", body = CreateClusterResponse),
            (status = 400, description = "Invalid request (`CSS.0001`, `CSS.0006`, `CSS.5xxx` per field)", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn create_cluster_v2() {}

    /// ShowClusterDetail.
    #[utoipa::path(get, operation_id = "ShowClusterDetail", tag = "clusters",
        path = "/v1.0/{project_id}/clusters/{cluster_id}",
        params(ClusterPath),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "The cluster", body = ClusterDetail),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 404, description = "`CSS.0002` unknown cluster", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn show_cluster_detail() {}

    /// DeleteCluster (refused while an upgrade task holds the cluster).
    #[utoipa::path(delete, operation_id = "DeleteCluster", tag = "clusters",
        path = "/v1.0/{project_id}/clusters/{cluster_id}",
        params(ClusterPath),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Deleted (no body)"),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 404, description = "`CSS.0002` unknown cluster", body = ErrorBody),
            (status = 409, description = "`CSS.0011` an upgrade task holds the cluster", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn delete_cluster() {}

    /// ListFlavors.
    #[utoipa::path(get, operation_id = "ListFlavors", tag = "clusters",
        path = "/v1.0/{project_id}/es-flavors",
        params(ProjectPath),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Flavors per engine version and node type", body = ListFlavorsResponse),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn list_es_flavors() {}

    /// ListFlavors under the path `otcextensions` uses.
    #[utoipa::path(get, operation_id = "ListFlavorsOtc", tag = "clusters",
        path = "/v1.0/{project_id}/flavors",
        params(ProjectPath),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Flavors per engine version and node type", body = ListFlavorsResponse),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn list_flavors() {}

    // ---- CSS: snapshots ----

    /// CreateSnapshot: a manual snapshot of the named indices (all when absent).
    #[utoipa::path(post, operation_id = "CreateSnapshot", tag = "snapshots",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot",
        params(ClusterPath),
        request_body(content = CreateSnapshotRequest, content_type = "application/json"),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 201, description = "Created", body = CreateSnapshotResponse),
            (status = 400, description = "`CSS.0001` bad name or description, `CSS.0006` no body, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 409, description = "`CSS.0043` the name exists", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn create_snapshot() {}

    /// ListSnapshots, newest first.
    #[utoipa::path(get, operation_id = "ListSnapshots", tag = "snapshots",
        path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshots",
        params(ClusterPath),
        security(("aksk" = [], "sdkDate" = []), ("token" = [])),
        responses(
            (status = 200, description = "Snapshots", body = ListSnapshotsResponse),
            (status = 400, description = "`CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` / `APIG.0303`", body = ErrorBody),
            (status = 403, description = "`CSS.0015` another project", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn list_snapshots() {}

    // ---- Keystone ----

    /// Keystone version discovery.
    #[utoipa::path(get, operation_id = "KeystoneVersion", tag = "keystone", path = "/v3",
        responses((status = 200, description = "Identity API v3", body = VersionResponse)))]
    pub fn keystone_version() {}

    /// Keystone version discovery (`auth_url` written with a trailing slash).
    #[utoipa::path(get, operation_id = "KeystoneVersionSlash", tag = "keystone", path = "/v3/",
        responses((status = 200, description = "Identity API v3", body = VersionResponse)))]
    pub fn keystone_version_slash() {}

    /// Issue a project-scoped token (password or token method).
    #[utoipa::path(post, operation_id = "KeystoneIssueToken", tag = "keystone",
        path = "/v3/auth/tokens",
        request_body(content = AuthRequest, content_type = "application/json"),
        responses(
            (status = 201, description = "Issued; the token is the `X-Subject-Token` header", body = TokenResponse,
                headers(("X-Subject-Token" = String, description = "The token, for `X-Auth-Token`"))),
            (status = 400, description = "`CSS.0001` malformed body, `CSS.0006` no body", body = ErrorBody),
            (status = 401, description = "`APIG.0301` wrong user, password, token or scope", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn keystone_issue_token() {}

    // ---- Ops ----

    /// Liveness.
    #[utoipa::path(get, operation_id = "Healthz", tag = "ops", path = "/healthz",
        responses((status = 200, description = "Alive", body = Health)))]
    pub fn healthz() {}

    /// Prometheus metrics.
    #[utoipa::path(get, operation_id = "Metrics", tag = "ops", path = "/metrics",
        responses((status = 200, description = "Prometheus text format", body = String,
            content_type = "text/plain")))]
    pub fn metrics() {}

    /// This document.
    #[utoipa::path(get, operation_id = "OpenApi", tag = "ops", path = "/openapi.json",
        responses((status = 200, description = "OpenAPI document", body = Object)))]
    pub fn openapi_json() {}

    // ---- Operator API ----

    /// List every image.
    #[utoipa::path(get, operation_id = "AdminListImages", tag = "operator", path = "/admin/v1/images",
        security(("operator" = [])),
        responses(
            (status = 200, description = "Images", body = ListAdminImagesResponse),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_list_images() {}

    /// Add an image.
    #[utoipa::path(post, operation_id = "AdminAddImage", tag = "operator", path = "/admin/v1/images",
        request_body(content = AddImageRequest, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 201, description = "Added", body = AdminImage),
            (status = 400, description = "`CSS.0001` invalid field", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 409, description = "`CSS.0031` the image exists", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_add_image() {}

    /// Mark an image end-of-service.
    #[utoipa::path(post, operation_id = "AdminMarkEos", tag = "operator",
        path = "/admin/v1/images/{image_id}/eos", params(ImageIdPath),
        security(("operator" = [])),
        responses(
            (status = 200, description = "The image, now `eos`", body = AdminImage),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 404, description = "`CSS.0016` unknown image", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_mark_eos() {}

    /// List the upgrade paths.
    #[utoipa::path(get, operation_id = "AdminListUpgradePaths", tag = "operator",
        path = "/admin/v1/upgrade-paths",
        security(("operator" = [])),
        responses(
            (status = 200, description = "Paths", body = UpgradePathsBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_list_paths() {}

    /// Replace every upgrade path (validated as the catalog is).
    #[utoipa::path(put, operation_id = "AdminReplaceUpgradePaths", tag = "operator",
        path = "/admin/v1/upgrade-paths",
        request_body(content = UpgradePathsBody, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 200, description = "The new paths", body = UpgradePathsBody),
            (status = 400, description = "`CSS.0001` invalid path", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_replace_paths() {}

    /// A cluster's custom plugins.
    #[utoipa::path(get, operation_id = "AdminClusterPlugins", tag = "operator",
        path = "/admin/v1/clusters/{cluster_id}/plugins", params(AdminClusterPath),
        security(("operator" = [])),
        responses(
            (status = 200, description = "Plugins", body = ClusterPluginsBody),
            (status = 400, description = "`CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_cluster_plugins() {}

    /// Set a cluster's custom plugins.
    #[utoipa::path(put, operation_id = "AdminSetClusterPlugins", tag = "operator",
        path = "/admin/v1/clusters/{cluster_id}/plugins", params(AdminClusterPath),
        request_body(content = ClusterPluginsBody, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 200, description = "Plugins", body = ClusterPluginsBody),
            (status = 400, description = "`CSS.0001` invalid body, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_set_cluster_plugins() {}

    /// A simulated cluster's indices and metrics.
    #[utoipa::path(get, operation_id = "AdminClusterData", tag = "operator",
        path = "/admin/v1/clusters/{cluster_id}/data", params(AdminClusterPath),
        security(("operator" = [])),
        responses(
            (status = 200, description = "Data", body = ClusterDataBody),
            (status = 400, description = "`CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_cluster_data() {}

    /// Replace a simulated cluster's indices and merge its metrics.
    #[utoipa::path(put, operation_id = "AdminSetClusterData", tag = "operator",
        path = "/admin/v1/clusters/{cluster_id}/data", params(AdminClusterPath),
        request_body(content = ClusterDataBody, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 200, description = "Data", body = ClusterDataBody),
            (status = 400, description = "`CSS.0001` invalid body, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_set_cluster_data() {}

    /// Faults with triggers left.
    #[utoipa::path(get, operation_id = "AdminListFaults", tag = "operator", path = "/admin/v1/faults",
        security(("operator" = [])),
        responses(
            (status = 200, description = "Faults", body = ListFaultsResponse),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_list_faults() {}

    /// Inject a fault: fail or hang a phase on a node, K times.
    #[utoipa::path(post, operation_id = "AdminAddFault", tag = "operator", path = "/admin/v1/faults",
        request_body(content = FaultBody, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 201, description = "Added", body = FaultBody),
            (status = 400, description = "`CSS.0001` invalid body, `CSS.0047` unknown cluster", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_add_fault() {}

    /// Remove a fault.
    #[utoipa::path(delete, operation_id = "AdminDeleteFault", tag = "operator",
        path = "/admin/v1/faults/{fault_id}", params(FaultIdPath),
        security(("operator" = [])),
        responses(
            (status = 200, description = "Removed (no body)"),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 404, description = "`CSS.0016` unknown fault", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_delete_fault() {}

    /// Uploaded plugin packages.
    #[utoipa::path(get, operation_id = "AdminListPluginPackages", tag = "operator",
        path = "/admin/v1/plugin-packages",
        security(("operator" = [])),
        responses(
            (status = 200, description = "Packages", body = ListPluginPackagesResponse),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_list_plugin_packages() {}

    /// Record an uploaded plugin package.
    #[utoipa::path(post, operation_id = "AdminAddPluginPackage", tag = "operator",
        path = "/admin/v1/plugin-packages",
        request_body(content = PluginPackageInfo, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 201, description = "Recorded", body = PluginPackageInfo),
            (status = 400, description = "`CSS.0001` invalid field", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_add_plugin_package() {}

    /// Every project (without secrets).
    #[utoipa::path(get, operation_id = "AdminListProjects", tag = "operator",
        path = "/admin/v1/projects",
        security(("operator" = [])),
        responses(
            (status = 200, description = "Projects", body = ListProjectsResponse),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_list_projects() {}

    /// A new tenant with its own AK/SK and Keystone user (the secrets are only in this answer).
    #[utoipa::path(post, operation_id = "AdminAddProject", tag = "operator",
        path = "/admin/v1/projects",
        request_body(content = AddProjectRequest, content_type = "application/json"),
        security(("operator" = [])),
        responses(
            (status = 201, description = "Created, with its credentials", body = ProjectInfo),
            (status = 400, description = "`CSS.0001` invalid field", body = ErrorBody),
            (status = 401, description = "`APIG.0301` bad operator token", body = ErrorBody),
            (status = 409, description = "`CSS.0031` the project, its name or its user exists", body = ErrorBody),
            (status = 500, description = "`CSS.0036` internal error", body = ErrorBody),
        ))]
    pub fn admin_add_project() {}
}
