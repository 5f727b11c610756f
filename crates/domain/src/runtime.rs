//! The node-work port. The durable runner decides *when* a phase runs and records every
//! transition; a `NodeRuntime` decides *what* the phase does to the node: how long it takes and
//! how it ends. `SimFleet` (engine crate) simulates it; a real backend would drive machines.

use async_trait::async_trait;
use chrono::TimeDelta;

use crate::store::StoreError;
use crate::upgrade::{Phase, UpgradeTask};

/// How a phase that is starting will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasePlan {
    /// Simulated duration until the phase ends (or, when it hangs, fails).
    pub duration: TimeDelta,
    /// The phase will not finish by itself: it fails when `duration` has passed (a timeout).
    pub hang: bool,
    /// An injected fault used up by this plan.
    pub fault: Option<String>,
}

/// How a phase ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseResult {
    /// The phase did its work.
    Done,
    /// The phase failed.
    Failed {
        /// Why, for people.
        reason: String,
        /// An injected fault used up by this failure.
        fault: Option<String>,
    },
}

/// Does the work of upgrade phases on nodes.
#[async_trait]
pub trait NodeRuntime: Send + Sync + 'static {
    /// Called when a phase of `task.nodes[node]` starts.
    async fn plan_phase(
        &self,
        task: &UpgradeTask,
        node: usize,
        phase: Phase,
    ) -> Result<PhasePlan, StoreError>;
    /// Called when the planned duration has passed.
    async fn finish_phase(
        &self,
        task: &UpgradeTask,
        node: usize,
        phase: Phase,
    ) -> Result<PhaseResult, StoreError>;
}
