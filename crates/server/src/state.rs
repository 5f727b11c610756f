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

/// Access keys already verified once (keys are never revoked in this version).
#[derive(Default)]
pub struct KeyCache(RwLock<HashMap<String, Arc<AccessKey>>>);

impl KeyCache {
    /// A key by id, from memory or the store.
    pub async fn get(
        &self,
        store: &dyn Store,
        ak: &str,
    ) -> Result<Option<Arc<AccessKey>>, domain::StoreError> {
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
        let key = Arc::new(key);
        self.0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(ak.to_owned(), key.clone());
        Ok(Some(key))
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
}

impl AppState {
    /// Reloads the catalog after a local write, so the very next request sees it.
    pub async fn catalog_changed(&self) -> Result<(), domain::StoreError> {
        self.catalog.refresh(self.store.as_ref()).await
    }
}
