//! The searchplane HTTP server: the CSS API (AK/SK-signed), the operator API (bearer token)
//! and the operational endpoints, on axum. `build` wires the store, catalog, clock and
//! background loops together; `Server::serve` runs until the shutdown token is cancelled.

pub mod auth;
pub mod bootstrap;
pub mod convert;
pub mod error;
pub mod extract;
pub mod keystone;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod strict_json;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use domain::credentials::Credentials;
use domain::{Catalog, Clock, Store, SystemClock};
use engine::SimSpeed;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::routes::{admin, clusters, images, ops, snapshots, upgrade};
use crate::state::AppState;

/// How a server is started.
#[derive(Clone)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Data directory (SQLite file, credentials file).
    pub data_dir: PathBuf,
    /// PostgreSQL URL; SQLite in the data dir when absent.
    pub database_url: Option<String>,
    /// Simulated seconds per real second.
    pub sim_speed: SimSpeed,
    /// Catalog seeded at start-up.
    pub catalog: Catalog,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Credentials stored if the store has none yet (from the environment or random).
    pub initial_credentials: Credentials,
    /// Cap on clusters upgrading at once (the manual: 20).
    pub max_concurrent_upgrades: u32,
    /// How long the runner's claim on a task lasts without renewal.
    pub task_lease: Duration,
}

impl Config {
    /// Defaults: `127.0.0.1:9800`, `./searchplane-data`, SQLite, speed 600, built-in catalog.
    pub fn new(data_dir: PathBuf) -> anyhow::Result<Self> {
        Ok(Config {
            listen: "127.0.0.1:9800".parse()?,
            data_dir,
            database_url: None,
            sim_speed: SimSpeed::default(),
            catalog: Catalog::from_toml(domain::catalog::DEFAULT_CATALOG)?,
            clock: Arc::new(SystemClock),
            initial_credentials: bootstrap::candidate(),
            max_concurrent_upgrades: domain::upgrade::DEFAULT_MAX_CONCURRENT_UPGRADES,
            task_lease: lease_from_env()?,
        })
    }
}

/// `SEARCHPLANE_TASK_LEASE_SECS`: how long a crashed runner's tasks stay claimed before
/// another runner (or the restarted process) takes them over. Default 15 s.
fn lease_from_env() -> anyhow::Result<Duration> {
    match std::env::var("SEARCHPLANE_TASK_LEASE_SECS") {
        Err(_) => Ok(Duration::from_secs(15)),
        Ok(v) => {
            let secs: f64 = v
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s >= 0.1)
                .with_context(|| {
                    format!(
                        "SEARCHPLANE_TASK_LEASE_SECS must be a number of seconds >= 0.1, not {v:?}"
                    )
                })?;
            Ok(Duration::from_secs_f64(secs))
        }
    }
}

/// A bound, not yet serving server.
pub struct Server {
    listener: TcpListener,
    state: Arc<AppState>,
    /// The credentials in force.
    pub credentials: Credentials,
    /// Whether the credentials were created by this start.
    pub credentials_created: bool,
    runner: engine::runner::RunnerConfig,
}

/// Opens the store, seeds the catalog, ensures credentials and binds the listener.
pub async fn build(config: Config) -> anyhow::Result<Server> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let store: Arc<dyn Store> = match &config.database_url {
        Some(url) => store::open(url).await.context("opening PostgreSQL")?,
        None => store::open(&config.data_dir.join("searchplane.db").display().to_string())
            .await
            .context("opening the SQLite database")?,
    };
    build_with_store(config, store).await
}

/// Like [`build`], on a store the caller opened (tests use isolated PostgreSQL schemas).
pub async fn build_with_store(config: Config, store: Arc<dyn Store>) -> anyhow::Result<Server> {
    store
        .seed_catalog(&config.catalog)
        .await
        .context("seeding the catalog")?;
    let (credentials, credentials_created) = bootstrap::ensure_credentials(
        store.as_ref(),
        &config.initial_credentials,
        &config.data_dir,
    )
    .await?;
    let state = Arc::new(AppState {
        store,
        clock: config.clock.clone(),
        catalog: state::CatalogCache::default(),
        keys: state::KeyCache::default(),
        sim_speed: config.sim_speed,
        provision_wake: Arc::new(Notify::new()),
        metrics: metrics::Metrics::default(),
        runner_wake: Arc::new(Notify::new()),
        max_concurrent_upgrades: config.max_concurrent_upgrades,
        clusters: Arc::default(),
        catalog_wake: Arc::new(Notify::new()),
    });
    state.store.set_listener(Arc::new(state::CacheInvalidator {
        clusters: state.clusters.clone(),
        catalog_wake: state.catalog_wake.clone(),
    }));
    state
        .catalog_changed()
        .await
        .context("loading the catalog")?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let mut runner = engine::runner::RunnerConfig::new(config.sim_speed);
    runner.lease = config.task_lease;
    Ok(Server {
        listener,
        state,
        credentials,
        credentials_created,
        runner,
    })
}

impl Server {
    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` is cancelled, then drains connections and stops the loops.
    pub async fn serve(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let state = self.state;
        let loops = tokio::spawn(background(state.clone(), self.runner, shutdown.clone()));
        let app = router(state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .await
            .context("serving")?;
        shutdown.cancel();
        let _ = loops.await;
        Ok(())
    }
}

async fn background(
    state: Arc<AppState>,
    runner: engine::runner::RunnerConfig,
    shutdown: CancellationToken,
) {
    let catalog_state = state.clone();
    let fleet = engine::fleet::SimFleet::new(
        state.store.clone(),
        Arc::new(move || Arc::new(catalog_state.catalog.get().catalog.clone())),
    );
    let runner = engine::runner::Runner::new(
        state.store.clone(),
        state.clock.clone(),
        Arc::new(fleet),
        runner,
        state.runner_wake.clone(),
    )
    .run(shutdown.clone());
    let provisioning = engine::provision::run(
        state.store.clone(),
        state.clock.clone(),
        state.provision_wake.clone(),
        shutdown.clone(),
    );
    let catalog = async {
        // Other replicas' catalog writes arrive as change events (PostgreSQL NOTIFY); the
        // generation counter, polled as a backstop, catches anything missed.
        loop {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
                () = state.catalog_wake.notified() => {}
                () = shutdown.cancelled() => return,
            }
            if let Err(e) = state.catalog.refresh(state.store.as_ref()).await {
                tracing::warn!(error = %e, "refreshing the catalog failed");
            }
        }
    };
    tokio::join!(provisioning, catalog, runner);
}

/// The whole HTTP surface.
pub fn router(state: Arc<AppState>) -> Router {
    let css = Router::new()
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/target/{upgrade_type}/images",
            get(images::list_images),
        )
        .route(
            "/v1.0/{project_id}/clusters",
            post(clusters::create_cluster_v1).get(clusters::list_clusters),
        )
        .route(
            "/v2.0/{project_id}/clusters",
            post(clusters::create_cluster_v2),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}",
            get(clusters::show_cluster_detail).delete(clusters::delete_cluster),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/inst-type/{inst_type}/image/upgrade",
            post(upgrade::upgrade_core),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/upgrade/detail",
            get(upgrade::upgrade_detail),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/upgrade/{action_id}/retry",
            put(upgrade::retry_upgrade_task),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot",
            post(snapshots::create_snapshot),
        )
        .route(
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshots",
            get(snapshots::list_snapshots),
        )
        .route("/v1.0/{project_id}/es-flavors", get(clusters::list_flavors))
        .route("/v1.0/{project_id}/flavors", get(clusters::list_flavors))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_signature,
        ));
    let admin = Router::new()
        .route(
            "/admin/v1/images",
            get(admin::list_images).post(admin::add_image),
        )
        .route("/admin/v1/images/{image_id}/eos", post(admin::mark_eos))
        .route(
            "/admin/v1/upgrade-paths",
            get(admin::list_paths).put(admin::replace_paths),
        )
        .route(
            "/admin/v1/clusters/{cluster_id}/plugins",
            get(admin::cluster_plugins).put(admin::set_cluster_plugins),
        )
        .route(
            "/admin/v1/clusters/{cluster_id}/data",
            get(admin::cluster_data).put(admin::set_cluster_data),
        )
        .route(
            "/admin/v1/faults",
            get(admin::list_faults).post(admin::add_fault),
        )
        .route("/admin/v1/faults/{fault_id}", delete(admin::delete_fault))
        .route(
            "/admin/v1/projects",
            get(admin::list_projects).post(admin::add_project),
        )
        .route(
            "/admin/v1/plugin-packages",
            get(admin::list_plugin_packages).post(admin::add_plugin_package),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_admin,
        ));
    Router::new()
        .merge(css)
        .merge(admin)
        .route("/v3", get(keystone::version))
        .route("/v3/", get(keystone::version))
        .route("/v3/auth/tokens", post(keystone::issue_token))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Request id, metrics and a log line for every request.
async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let operation = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let status = response.status();
    let elapsed = started.elapsed();
    let operation = operation.as_ref().map_or("unmatched", MatchedPath::as_str);
    state
        .metrics
        .record(&method, operation, status.as_u16(), elapsed);
    if status.is_server_error() {
        tracing::warn!(%method, %operation, status = status.as_u16(), %request_id, ?elapsed, "request failed");
    } else {
        tracing::debug!(%method, %operation, status = status.as_u16(), %request_id, ?elapsed, "request");
    }
    response
}
