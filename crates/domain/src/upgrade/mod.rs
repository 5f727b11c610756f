//! The upgrade engine's pure rules: the simulated cluster data the checks look at ([`data`]), the
//! pre-upgrade checks with the user manual's thresholds ([`checks`]), the upgrade task and its
//! per-node phase state machine ([`task`]), and the manual's duration formulas ([`duration`]).
//! Nothing here performs I/O or reads the clock: callers pass `now`, and the runner in the
//! `engine` crate persists every transition before acting on it.

pub mod checks;
pub mod data;
pub mod duration;
pub mod task;

pub use checks::{
    Check, CheckInput, CheckReport, CheckResult, DEFAULT_MAX_CONCURRENT_UPGRADES, FailureKind,
    max_batch_size, run_checks,
};
pub use data::{
    ClusterData, ClusterMetrics, Health, IndexInfo, Snapshot, SnapshotStatus, uncovered_indices,
};
pub use duration::{
    MIGRATION_TIMEOUT, data_vcpus_total, estimated_remaining, phase_duration, upgrade_duration,
};
pub use task::{
    NewTask, Phase, PhaseRecord, PhaseStatus, StepOutcome, TaskFailure, TaskNode, TaskStatus,
    TransitionError, UpgradeTask, upgrade_order,
};
