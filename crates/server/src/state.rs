//! Shared server state: the store, the clock, and the in-memory catalog snapshot that the hot
//! path reads. The snapshot carries the store's catalog generation; it is reloaded at once after
//! a local catalog write and polled in the background so that other replicas' writes show up.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use domain::credentials::{AccessKey, PluginPackage};
use domain::{Catalog, Clock, Store};
use engine::SimSpeed;
use tokio::sync::Notify;

use crate::metrics::Metrics;

/// The catalog as of one generation, with the uploaded plugin packages.
#[derive(Debug, Default)]
pub struct CatalogSnapshot {
    /// Store generation this snapshot was read at.
    pub generation: i64,
    /// Images, flavors and paths.
    pub catalog: Catalog,
    /// Uploaded plugin packages.
    pub packages: Vec<PluginPackage>,
}

/// The current catalog snapshot.
#[derive(Default)]
pub struct CatalogCache {
    current: RwLock<Arc<CatalogSnapshot>>,
}

impl CatalogCache {
    /// The current snapshot (cheap: one `Arc` clone).
    pub fn get(&self) -> Arc<CatalogSnapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Reloads the snapshot if the store's generation moved.
    pub async fn refresh(&self, store: &dyn Store) -> Result<(), domain::StoreError> {
        // Read the generation first: a write racing with the load then leaves a newer
        // generation behind, and the next refresh reloads again.
        let generation = store.catalog_generation().await?;
        if generation == self.get().generation && generation != 0 {
            return Ok(());
        }
        let catalog = store.load_catalog().await?;
        let packages = store.plugin_packages().await?;
        let snapshot = Arc::new(CatalogSnapshot {
            generation,
            catalog,
            packages,
        });
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot;
        Ok(())
    }
}

/// An access key as the signature check needs it: the secret ready for HMAC (built once, not
/// per request) and the project it may act on.
pub struct CachedKey {
    /// The only project this key may act on.
    pub project_id: String,
    /// The secret key.
    pub secret: sign::SecretKey,
}

impl From<AccessKey> for CachedKey {
    fn from(k: AccessKey) -> Self {
        CachedKey {
            project_id: k.project_id,
            secret: sign::SecretKey::new(k.secret_key),
        }
    }
}

/// Access keys already verified once (keys are never revoked in this version).
#[derive(Default)]
pub struct KeyCache(RwLock<HashMap<String, Arc<CachedKey>>>);

impl KeyCache {
    /// A key by id, from memory or the store.
    pub async fn get(
        &self,
        store: &dyn Store,
        ak: &str,
    ) -> Result<Option<Arc<CachedKey>>, domain::StoreError> {
        if let Some(k) = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(ak)
        {
            return Ok(Some(k.clone()));
        }
        let Some(key) = store.access_key(ak).await? else {
            return Ok(None);
        };
        let key = Arc::new(CachedKey::from(key));
        self.0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(ak.to_owned(), key.clone());
        Ok(Some(key))
    }
}

/// What ListImages needs of a cluster, kept in memory: its project, the images its nodes run,
/// and its custom plugins.
#[derive(Debug)]
pub struct ClusterView {
    /// Owning project.
    pub project_id: String,
    /// Distinct images the nodes run.
    pub node_images: Vec<String>,
    /// Custom plugins.
    pub plugins: Vec<String>,
}

/// Cluster views by id. Entries are dropped when the store reports a change to the cluster
/// (here or, on PostgreSQL, on another replica). A load that raced with a change is not
/// cached: every invalidation bumps `epoch`, and a loader only inserts what it read if the
/// epoch did not move meanwhile.
#[derive(Default)]
pub struct ClusterCache {
    map: RwLock<HashMap<String, Arc<ClusterView>>>,
    epoch: std::sync::atomic::AtomicU64,
}

impl ClusterCache {
    /// The view of a project's cluster, from memory or the store.
    pub async fn get(
        &self,
        store: &dyn Store,
        project_id: &str,
        cluster_id: &str,
    ) -> Result<Option<Arc<ClusterView>>, domain::StoreError> {
        use std::sync::atomic::Ordering;
        if let Some(v) = self
            .map
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(cluster_id)
        {
            return Ok((v.project_id == project_id).then(|| v.clone()));
        }
        let epoch = self.epoch.load(Ordering::SeqCst);
        let Some(cluster) = store.cluster(project_id, cluster_id).await? else {
            return Ok(None);
        };
        let mut node_images: Vec<String> =
            cluster.nodes.iter().map(|n| n.image_id.clone()).collect();
        node_images.sort();
        node_images.dedup();
        let view = Arc::new(ClusterView {
            project_id: cluster.project_id,
            node_images,
            plugins: store.cluster_plugins(cluster_id).await?,
        });
        let mut map = self
            .map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.epoch.load(Ordering::SeqCst) == epoch {
            map.insert(cluster_id.to_owned(), view.clone());
        }
        Ok(Some(view))
    }

    /// Forgets one cluster.
    pub fn invalidate(&self, cluster_id: &str) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(cluster_id);
    }

    /// Forgets every cluster.
    pub fn clear(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// Turns the store's change events into cache invalidations.
pub struct CacheInvalidator {
    /// The cluster cache to invalidate.
    pub clusters: Arc<ClusterCache>,
    /// Wakes the catalog refresher.
    pub catalog_wake: Arc<Notify>,
}

impl domain::store::ChangeListener for CacheInvalidator {
    fn changed(&self, change: domain::store::Change) {
        use domain::store::Change;
        match change {
            Change::Cluster(id) => self.clusters.invalidate(&id),
            Change::Catalog => self.catalog_wake.notify_one(),
            Change::Everything => {
                self.clusters.clear();
                self.catalog_wake.notify_one();
            }
        }
    }
}

/// Everything a handler can reach.
pub struct AppState {
    /// Durable state.
    pub store: Arc<dyn Store>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Catalog snapshot.
    pub catalog: CatalogCache,
    /// Verified access keys.
    pub keys: KeyCache,
    /// Simulated-fleet speed.
    pub sim_speed: SimSpeed,
    /// Wakes the provisioning loop after a cluster is created.
    pub provision_wake: Arc<Notify>,
    /// Request metrics.
    pub metrics: Metrics,
    /// Wakes the upgrade runner after a task is created or retried.
    pub runner_wake: Arc<Notify>,
    /// Cap on clusters upgrading at once.
    pub max_concurrent_upgrades: u32,
    /// ListImages' view of clusters.
    pub clusters: Arc<ClusterCache>,
    /// Wakes the catalog refresher (a catalog change elsewhere).
    pub catalog_wake: Arc<Notify>,
}

impl AppState {
    /// Reloads the catalog after a local write, so the very next request sees it.
    pub async fn catalog_changed(&self) -> Result<(), domain::StoreError> {
        self.catalog.refresh(self.store.as_ref()).await
    }
}
