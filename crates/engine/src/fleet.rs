//! `SimFleet`, the default `NodeRuntime`: phases take the durations of the user manual at the
//! configured simulated speed, data migration moves the node's share of the cluster's data at
//! vCPUs × 32 MB/s, and faults injected through the operator API make a phase fail or hang.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::TimeDelta;
use domain::runtime::{NodeRuntime, PhasePlan, PhaseResult};
use domain::store::{FaultAction, StoreError};
use domain::upgrade::{
    ClusterData, MIGRATION_TIMEOUT, Phase, UpgradeTask, data_vcpus_total, phase_duration,
};
use domain::{Catalog, Store};

/// Where the fleet reads the catalog (flavors give vCPUs).
pub type CatalogSource = Arc<dyn Fn() -> Arc<Catalog> + Send + Sync>;

/// The simulated fleet.
pub struct SimFleet {
    store: Arc<dyn Store>,
    catalog: CatalogSource,
}

impl SimFleet {
    /// A fleet over a store and a catalog source.
    pub fn new(store: Arc<dyn Store>, catalog: CatalogSource) -> Self {
        SimFleet { store, catalog }
    }

    async fn migration_time(
        &self,
        task: &UpgradeTask,
        node: usize,
    ) -> Result<TimeDelta, StoreError> {
        let Some(cluster) = self.store.find_cluster(&task.cluster_id).await? else {
            return Ok(TimeDelta::zero());
        };
        let data = match self.store.cluster_data(&cluster.id).await? {
            Some(d) => d,
            None => ClusterData::default_for(&cluster),
        };
        let step = task.step_nodes(node, Phase::DataMigration);
        let mb: u64 = step
            .iter()
            .filter_map(|&i| cluster.nodes.iter().find(|n| n.id == task.nodes[i].node_id))
            .map(|n| data.node_data_mb(&cluster, n))
            .sum();
        let vcpus = data_vcpus_total(&cluster, &(self.catalog)());
        let together = u32::try_from(step.len()).unwrap_or(1).max(1);
        Ok(phase_duration(Phase::DataMigration, mb, vcpus, together))
    }
}

#[async_trait]
impl NodeRuntime for SimFleet {
    async fn plan_phase(
        &self,
        task: &UpgradeTask,
        node: usize,
        phase: Phase,
    ) -> Result<PhasePlan, StoreError> {
        let name = &task.nodes[node].name;
        let fault = self
            .store
            .find_fault(&task.cluster_id, name, phase.order())
            .await?;
        if let Some(f) = fault.filter(|f| f.action == FaultAction::Hang) {
            return Ok(PhasePlan {
                duration: MIGRATION_TIMEOUT,
                hang: true,
                fault: Some(f.id),
            });
        }
        let duration = if phase == Phase::DataMigration {
            self.migration_time(task, node).await?
        } else {
            phase_duration(phase, 0, 1, 1)
        };
        if duration > MIGRATION_TIMEOUT {
            // The manual: "Upgrade will fail if this timeout expires."
            return Ok(PhasePlan {
                duration: MIGRATION_TIMEOUT,
                hang: true,
                fault: None,
            });
        }
        Ok(PhasePlan {
            duration,
            hang: false,
            fault: None,
        })
    }

    async fn finish_phase(
        &self,
        task: &UpgradeTask,
        node: usize,
        phase: Phase,
    ) -> Result<PhaseResult, StoreError> {
        let name = &task.nodes[node].name;
        match self
            .store
            .find_fault(&task.cluster_id, name, phase.order())
            .await?
        {
            Some(f) if f.action == FaultAction::Fail => Ok(PhaseResult::Failed {
                reason: format!("{} failed on {name} (injected fault)", phase.name()),
                fault: Some(f.id),
            }),
            _ => Ok(PhaseResult::Done),
        }
    }
}
