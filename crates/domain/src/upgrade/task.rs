//! The upgrade task and its state machine (DESIGN §4.6–§4.7). A task upgrades a cluster node by
//! node — cold nodes, then data nodes, then clients, masters last — and every node passes through
//! the thirteen [`Phase`]s. The transitions are pure functions of the task and `now`; the runner
//! in the `engine` crate asks [`UpgradeTask::next_step`] what to do, persists
//! [`UpgradeTask::start_phase`], does the work, then persists [`UpgradeTask::complete_phase`] or
//! [`UpgradeTask::fail_phase`]. Completing a phase twice is an error, starting a running phase
//! again is not, so a runner that resumes after a crash can neither skip nor double-count a phase.
//!
//! `batch_size` groups consecutive data nodes of one type (cold or data) into batches whose data
//! migration (phase 0) is one step: every node of the batch is excluded and migrates at once, as
//! CSS's "data migration concurrency" does. The later phases still run one node at a time, and the
//! next batch starts when every node of the current one is done.

use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, Node, NodeType};
use crate::targets::UpgradeType;

/// One step of a node's upgrade, in order. Orders 0 and 12 carry the names and descriptions CSS
/// documents; the others follow the user manual's description of the upgrade process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    /// 0: exclude the node from allocation and wait until its shards moved (≤ 48 h).
    DataMigration,
    /// 1: cluster health still green/yellow, no unassigned primary.
    PreReplacementCheck,
    /// 2: stop the engine on the node.
    NodeShutdown,
    /// 3: create the node from the target image, keeping its name, IP and AZ.
    NodeReplacement,
    /// 4: carry custom engine settings over.
    ConfigurationSync,
    /// 5: install the target-version packages of the custom plugins.
    PluginInstallation,
    /// 6: restore certificates and security-plugin metadata.
    SecurityConfiguration,
    /// 7: start the engine.
    NodeStartup,
    /// 8: wait until the node is back in the cluster on the target version.
    NodeRejoin,
    /// 9: lift the allocation exclusion.
    ExclusionRemoval,
    /// 10: wait until shards settle.
    ShardRebalance,
    /// 11: green/yellow, node count as before.
    HealthCheck,
    /// 12: refresh the task; mark it done when no node is left.
    TaskStatusUpdate,
}

impl Phase {
    /// Number of phases per node.
    pub const COUNT: usize = 13;

    /// Every phase, in order.
    pub const ALL: [Phase; Phase::COUNT] = [
        Phase::DataMigration,
        Phase::PreReplacementCheck,
        Phase::NodeShutdown,
        Phase::NodeReplacement,
        Phase::ConfigurationSync,
        Phase::PluginInstallation,
        Phase::SecurityConfiguration,
        Phase::NodeStartup,
        Phase::NodeRejoin,
        Phase::ExclusionRemoval,
        Phase::ShardRebalance,
        Phase::HealthCheck,
        Phase::TaskStatusUpdate,
    ];

    /// The `order` field of `currentNodeDetail` (0–12).
    pub fn order(self) -> u32 {
        self as u32
    }

    /// The phase with this order.
    pub fn from_order(order: u32) -> Option<Phase> {
        Phase::ALL.get(usize::try_from(order).ok()?).copied()
    }

    /// Position in [`Phase::ALL`] and in a node's phase records.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The `name` field of `currentNodeDetail`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::DataMigration => "Data migration",
            Phase::PreReplacementCheck => "Pre-replacement check",
            Phase::NodeShutdown => "Node shutdown",
            Phase::NodeReplacement => "Node replacement",
            Phase::ConfigurationSync => "Configuration sync",
            Phase::PluginInstallation => "Plugin installation",
            Phase::SecurityConfiguration => "Security configuration",
            Phase::NodeStartup => "Node startup",
            Phase::NodeRejoin => "Node rejoin",
            Phase::ExclusionRemoval => "Exclusion removal",
            Phase::ShardRebalance => "Shard rebalance",
            Phase::HealthCheck => "Health check",
            Phase::TaskStatusUpdate => "Task status update",
        }
    }

    /// The `desc` field of `currentNodeDetail`. Orders 0 and 12 are verbatim from the API
    /// reference (upgrade detail example); the others are ours, in the same style.
    pub fn desc(self) -> &'static str {
        match self {
            Phase::DataMigration => {
                "Data is migrated from a node to other nodes in the cluster by running the exclude command."
            }
            Phase::PreReplacementCheck => {
                "The cluster health is checked: it must be green or yellow with no unassigned primary shards before the node is replaced."
            }
            Phase::NodeShutdown => "The search engine process on the node is stopped.",
            Phase::NodeReplacement => {
                "The node is recreated from the target image, keeping its name, IP address and AZ."
            }
            Phase::ConfigurationSync => {
                "The custom settings of the cluster configuration file (elasticsearch.yml or opensearch.yml) are synchronized to the new node."
            }
            Phase::PluginInstallation => {
                "The target-version packages of the cluster's custom plugins are installed on the new node."
            }
            Phase::SecurityConfiguration => {
                "Certificates and security plugin metadata are restored on the new node."
            }
            Phase::NodeStartup => "The search engine process is started on the new node.",
            Phase::NodeRejoin => {
                "The system waits until the node has rejoined the cluster on the target version."
            }
            Phase::ExclusionRemoval => {
                "The allocation exclusion of the node is removed so that shards can be allocated to it again."
            }
            Phase::ShardRebalance => {
                "The system waits until the shards of the cluster have been rebalanced."
            }
            Phase::HealthCheck => {
                "The cluster health is checked: it must be green or yellow with as many nodes as before the upgrade."
            }
            Phase::TaskStatusUpdate => {
                "The cluster task status is refreshed. If there are no nodes to be replaced, the task is marked as completed. Otherwise, another node starts to be replaced."
            }
        }
    }

    /// The phase after this one on the same node.
    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The state of one phase of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PhaseStatus {
    /// Not started.
    Waiting,
    /// Started, not finished (or interrupted by a crash: it is resumed).
    Running,
    /// Finished.
    Success,
    /// Failed; the task failed with it.
    Failed,
}

impl PhaseStatus {
    /// The wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseStatus::Waiting => "WAITING",
            PhaseStatus::Running => "RUNNING",
            PhaseStatus::Success => "SUCCESS",
            PhaseStatus::Failed => "FAILED",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            PhaseStatus::Waiting,
            PhaseStatus::Running,
            PhaseStatus::Success,
            PhaseStatus::Failed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for PhaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Under way.
    Running,
    /// Every node upgraded.
    Success,
    /// A phase failed before any node was upgraded.
    Failed,
    /// A phase failed after at least one node was upgraded.
    PartialFailed,
}

impl TaskStatus {
    /// The wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "RUNNING",
            TaskStatus::Success => "SUCCESS",
            TaskStatus::Failed => "FAILED",
            TaskStatus::PartialFailed => "PARTIAL_FAILED",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TaskStatus::Running,
            TaskStatus::Success,
            TaskStatus::Failed,
            TaskStatus::PartialFailed,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// `FAILED` or `PARTIAL_FAILED`.
    pub fn is_failed(self) -> bool {
        matches!(self, TaskStatus::Failed | TaskStatus::PartialFailed)
    }
}

impl std::fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One phase of one node: status and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseRecord {
    /// State.
    pub status: PhaseStatus,
    /// When it (last) started.
    pub begin: Option<DateTime<Utc>>,
    /// When it finished or failed.
    pub end: Option<DateTime<Utc>>,
}

impl PhaseRecord {
    /// A phase not started yet.
    pub const WAITING: PhaseRecord = PhaseRecord {
        status: PhaseStatus::Waiting,
        begin: None,
        end: None,
    };
}

/// One node of a task, with its phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskNode {
    /// The cluster node's id.
    pub node_id: String,
    /// The node's name (listed in `totalNodes`, `completedNodes`, `currentNodeName`).
    pub name: String,
    /// The node's role (decides its batch).
    pub node_type: NodeType,
    /// One record per phase, indexed by [`Phase::index`].
    pub phases: [PhaseRecord; Phase::COUNT],
}

impl TaskNode {
    /// A node with every phase waiting.
    pub fn new(node: &Node) -> Self {
        TaskNode {
            node_id: node.id.clone(),
            name: node.name.clone(),
            node_type: node.node_type,
            phases: [PhaseRecord::WAITING; Phase::COUNT],
        }
    }

    /// The record of one phase.
    pub fn phase(&self, phase: Phase) -> &PhaseRecord {
        &self.phases[phase.index()]
    }

    /// Whether every phase succeeded: the node is upgraded.
    pub fn is_complete(&self) -> bool {
        self.phases.iter().all(|p| p.status == PhaseStatus::Success)
    }

    /// The first phase that has not succeeded.
    pub fn first_pending(&self) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .find(|&p| self.phase(p).status != PhaseStatus::Success)
    }

    /// Number of phases that succeeded.
    pub fn phases_done(&self) -> usize {
        self.phases
            .iter()
            .filter(|p| p.status == PhaseStatus::Success)
            .count()
    }
}

/// Where and why a task failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskFailure {
    /// Index of the node in [`UpgradeTask::nodes`].
    pub node: usize,
    /// The phase that failed.
    pub phase: Phase,
    /// What went wrong.
    pub reason: String,
}

/// What [`UpgradeTask::complete_phase`] finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// A phase; the node still has phases to go.
    PhaseDone,
    /// The node at this index is upgraded (its image is now the target); others remain.
    NodeDone(usize),
    /// The node at this index was the last: the task succeeded.
    TaskDone(usize),
}

impl StepOutcome {
    /// The node that this step completed, if any.
    pub fn completed_node(self) -> Option<usize> {
        match self {
            StepOutcome::PhaseDone => None,
            StepOutcome::NodeDone(n) | StepOutcome::TaskDone(n) => Some(n),
        }
    }
}

/// A transition the task's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Phases only move while the task is `RUNNING`.
    #[error("the task is {status}, not RUNNING")]
    NotRunning {
        /// The task's status.
        status: TaskStatus,
    },
    /// Retry and abort need a `FAILED` or `PARTIAL_FAILED` task.
    #[error("the task is {status}, not FAILED or PARTIAL_FAILED")]
    NotFailed {
        /// The task's status.
        status: TaskStatus,
    },
    /// The task was aborted; nothing moves it any more.
    #[error("the task has been terminated")]
    Terminated,
    /// A cross-version (or cross-engine) task can only be aborted while no node is upgraded.
    #[error("a cross-version upgrade cannot be terminated after {completed} node(s) were upgraded")]
    AbortAfterNodeCompleted {
        /// Number of upgraded nodes.
        completed: usize,
    },
    /// This phase of this node is not the one to run now.
    #[error("phase {phase} of node {node} is not next (next: {expected:?})")]
    WrongPhase {
        /// Node index asked for.
        node: usize,
        /// Phase asked for.
        phase: Phase,
        /// The step that is next, if any.
        expected: Option<(usize, Phase)>,
    },
    /// Only a running phase can complete or fail.
    #[error("phase {phase} of node {node} is {status}, not RUNNING")]
    PhaseNotRunning {
        /// Node index.
        node: usize,
        /// Phase.
        phase: Phase,
        /// Its status.
        status: PhaseStatus,
    },
    /// The task has no node at this index.
    #[error("the task has no node {0}")]
    UnknownNode(usize),
}

/// The nodes of a cluster in upgrade order: cold nodes, data nodes, clients, masters; creation
/// order within each type.
///
/// Cold before data follows Elastic's rolling-upgrade guidance (upgrade data tiers from the
/// coldest to the hottest, master-eligible nodes last): shards may move from an old-version node
/// to a new-version one but not back, so the hot tier, upgraded last, never has to take shards
/// from the already-upgraded cold tier. Masters go last so the elected master is always the
/// oldest version in the cluster, which every node can join.
pub fn upgrade_order(cluster: &Cluster) -> Vec<&Node> {
    let rank = |t: NodeType| match t {
        NodeType::Cold => 0,
        NodeType::Data => 1,
        NodeType::Client => 2,
        NodeType::Master => 3,
    };
    let mut nodes: Vec<&Node> = cluster.nodes.iter().collect();
    nodes.sort_by_key(|n| rank(n.node_type)); // stable: creation order within a type
    nodes
}

/// What UpgradeCore asks for, besides the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// Task id (the `action_id` of retry; UUID text).
    pub id: String,
    /// `same`, `cross` or `cross-engine`.
    pub upgrade_type: UpgradeType,
    /// The target image.
    pub target_image_id: String,
    /// IAM agency name.
    pub agency: String,
    /// Data migration concurrency (values below 1 count as 1).
    pub batch_size: u32,
}

/// An upgrade of one cluster to one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeTask {
    /// Task id.
    pub id: String,
    /// The cluster upgraded.
    pub cluster_id: String,
    /// The cluster's project.
    pub project_id: String,
    /// Kind of upgrade.
    #[serde(with = "upgrade_type_serde")]
    pub upgrade_type: UpgradeType,
    /// Image every node ends up on.
    pub target_image_id: String,
    /// IAM agency name (`agencyName`).
    pub agency: String,
    /// Data migration concurrency, ≥ 1.
    pub batch_size: u32,
    /// State.
    pub status: TaskStatus,
    /// 1, plus one per retry (`executeTimes`).
    pub execute_times: u32,
    /// Set by abort; a terminated task never moves again.
    pub terminated: bool,
    /// When the task was created.
    pub created: DateTime<Utc>,
    /// When it started (`startTime`; the creation time, as checks run synchronously).
    pub started: DateTime<Utc>,
    /// When it last finished, succeeded or failed (`endTime`); cleared by retry.
    pub ended: Option<DateTime<Utc>>,
    /// Last transition.
    pub updated: DateTime<Utc>,
    /// The nodes, in upgrade order.
    pub nodes: Vec<TaskNode>,
    /// Where the task failed, while it is failed.
    pub failure: Option<TaskFailure>,
}

impl UpgradeTask {
    /// A `RUNNING` task over every node of the cluster in [`upgrade_order`], every phase waiting.
    pub fn new(spec: NewTask, cluster: &Cluster, now: DateTime<Utc>) -> Self {
        UpgradeTask {
            id: spec.id,
            cluster_id: cluster.id.clone(),
            project_id: cluster.project_id.clone(),
            upgrade_type: spec.upgrade_type,
            target_image_id: spec.target_image_id,
            agency: spec.agency,
            batch_size: spec.batch_size.max(1),
            status: TaskStatus::Running,
            execute_times: 1,
            terminated: false,
            created: now,
            started: now,
            ended: None,
            updated: now,
            nodes: upgrade_order(cluster)
                .into_iter()
                .map(TaskNode::new)
                .collect(),
            failure: None,
        }
    }

    /// Whether the task holds its cluster: `RUNNING`, or failed and not terminated (it can still
    /// be retried, so the cluster stays `UPGRADING`, counts towards the concurrent-upgrade cap
    /// and accepts no other upgrade). Abort releases it; success releases it.
    pub fn is_active(&self) -> bool {
        !self.terminated && (self.status == TaskStatus::Running || self.status.is_failed())
    }

    /// The batches, as index ranges into [`UpgradeTask::nodes`]: consecutive data-holding nodes
    /// of one type, up to `batch_size` each; every other node is a batch of its own.
    pub fn batches(&self) -> Vec<Range<usize>> {
        let batch = self.batch_size.max(1) as usize;
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.nodes.len() {
            let t = self.nodes[i].node_type;
            let mut j = i + 1;
            if t.holds_data() {
                while j < self.nodes.len() && j - i < batch && self.nodes[j].node_type == t {
                    j += 1;
                }
            }
            out.push(i..j);
            i = j;
        }
        out
    }

    /// The batch the node at this index belongs to (empty for an unknown index).
    pub fn batch_of(&self, node: usize) -> Range<usize> {
        self.batches()
            .into_iter()
            .find(|b| b.contains(&node))
            .unwrap_or(node..node)
    }

    /// The next step ignoring the task status: the data migration of the current batch (named by
    /// its first node still migrating) until it succeeded, then the first pending phase of the
    /// batch's first incomplete node.
    fn pending_step(&self) -> Option<(usize, Phase)> {
        for batch in self.batches() {
            if let Some(i) = batch
                .clone()
                .find(|&i| self.nodes[i].phase(Phase::DataMigration).status != PhaseStatus::Success)
            {
                return Some((i, Phase::DataMigration));
            }
            for i in batch {
                if let Some(p) = self.nodes[i].first_pending() {
                    return Some((i, p));
                }
            }
        }
        None
    }

    /// The step to run (or resume, when its phase is `RUNNING`) next, as (node index, phase);
    /// `None` unless the task is `RUNNING` and not terminated.
    pub fn next_step(&self) -> Option<(usize, Phase)> {
        if self.terminated || self.status != TaskStatus::Running {
            return None;
        }
        self.pending_step()
    }

    /// The nodes a step moves together: for data migration, every node of the batch whose
    /// migration has not succeeded; otherwise the node alone.
    pub fn step_nodes(&self, node: usize, phase: Phase) -> Vec<usize> {
        if phase != Phase::DataMigration {
            return vec![node];
        }
        self.batch_of(node)
            .filter(|&i| self.nodes[i].phase(phase).status != PhaseStatus::Success)
            .collect()
    }

    fn ensure_running(&self) -> Result<(), TransitionError> {
        if self.terminated {
            return Err(TransitionError::Terminated);
        }
        if self.status != TaskStatus::Running {
            return Err(TransitionError::NotRunning {
                status: self.status,
            });
        }
        Ok(())
    }

    fn ensure_node(&self, node: usize) -> Result<(), TransitionError> {
        if node < self.nodes.len() {
            Ok(())
        } else {
            Err(TransitionError::UnknownNode(node))
        }
    }

    fn ensure_phase_running(&self, node: usize, phase: Phase) -> Result<(), TransitionError> {
        let status = self.nodes[node].phase(phase).status;
        if status == PhaseStatus::Running {
            Ok(())
        } else {
            Err(TransitionError::PhaseNotRunning {
                node,
                phase,
                status,
            })
        }
    }

    /// Marks a step `RUNNING` (for data migration: every node of the batch still migrating).
    /// It must be the [`UpgradeTask::next_step`] (for data migration, any node of that batch).
    /// Starting a phase that is already `RUNNING` changes nothing, so a resumed runner can call it
    /// again; its begin time stays the first one.
    pub fn start_phase(
        &mut self,
        node: usize,
        phase: Phase,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        self.ensure_running()?;
        self.ensure_node(node)?;
        let expected = self.pending_step();
        let allowed = match expected {
            Some((n, p)) if p == phase => {
                n == node
                    || (phase == Phase::DataMigration
                        && self.batch_of(n).contains(&node)
                        && self.nodes[node].phase(phase).status != PhaseStatus::Success)
            }
            _ => false,
        };
        if !allowed {
            return Err(TransitionError::WrongPhase {
                node,
                phase,
                expected,
            });
        }
        for i in self.step_nodes(node, phase) {
            let record = &mut self.nodes[i].phases[phase.index()];
            if record.status != PhaseStatus::Running {
                *record = PhaseRecord {
                    status: PhaseStatus::Running,
                    begin: Some(now),
                    end: None,
                };
            }
        }
        self.updated = now;
        Ok(())
    }

    /// Marks a running step `SUCCESS` (for data migration: every running migration of the
    /// batch). When the node's last phase completes the node is upgraded; when that was the last
    /// node, the task is `SUCCESS` and ends now. Completing a phase that is not `RUNNING` —
    /// including one already `SUCCESS` — is an error.
    pub fn complete_phase(
        &mut self,
        node: usize,
        phase: Phase,
        now: DateTime<Utc>,
    ) -> Result<StepOutcome, TransitionError> {
        self.ensure_running()?;
        self.ensure_node(node)?;
        self.ensure_phase_running(node, phase)?;
        let step: Vec<usize> = self
            .step_nodes(node, phase)
            .into_iter()
            .filter(|&i| self.nodes[i].phase(phase).status == PhaseStatus::Running)
            .collect();
        for i in step {
            let record = &mut self.nodes[i].phases[phase.index()];
            record.status = PhaseStatus::Success;
            record.end = Some(now);
        }
        self.updated = now;
        if !self.nodes[node].is_complete() {
            return Ok(StepOutcome::PhaseDone);
        }
        if self.nodes.iter().all(TaskNode::is_complete) {
            self.status = TaskStatus::Success;
            self.ended = Some(now);
            Ok(StepOutcome::TaskDone(node))
        } else {
            Ok(StepOutcome::NodeDone(node))
        }
    }

    /// Marks a running phase `FAILED`: the task becomes `FAILED` if no node was upgraded yet,
    /// else `PARTIAL_FAILED`, and ends now. Other phases still running (the batch's other
    /// migrations) go back to `WAITING`; the runner abandons them and a retry restarts them.
    pub fn fail_phase(
        &mut self,
        node: usize,
        phase: Phase,
        now: DateTime<Utc>,
        reason: impl Into<String>,
    ) -> Result<(), TransitionError> {
        self.ensure_running()?;
        self.ensure_node(node)?;
        self.ensure_phase_running(node, phase)?;
        let begin = self.nodes[node].phase(phase).begin;
        for record in self.nodes.iter_mut().flat_map(|n| n.phases.iter_mut()) {
            if record.status == PhaseStatus::Running {
                *record = PhaseRecord::WAITING;
            }
        }
        self.nodes[node].phases[phase.index()] = PhaseRecord {
            status: PhaseStatus::Failed,
            begin,
            end: Some(now),
        };
        self.status = if self.completed_count() > 0 {
            TaskStatus::PartialFailed
        } else {
            TaskStatus::Failed
        };
        self.failure = Some(TaskFailure {
            node,
            phase,
            reason: reason.into(),
        });
        self.ended = Some(now);
        self.updated = now;
        Ok(())
    }

    /// Retries a failed task: the failed phase goes back to `WAITING`, so the task resumes at
    /// the failed phase of the failed node; status `RUNNING`, `executeTimes` + 1, no end time.
    /// Refused for a task that is running, succeeded or was terminated.
    pub fn retry(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_retryable()?;
        for record in self.nodes.iter_mut().flat_map(|n| n.phases.iter_mut()) {
            if record.status == PhaseStatus::Failed {
                *record = PhaseRecord::WAITING;
            }
        }
        self.failure = None;
        self.status = TaskStatus::Running;
        self.execute_times += 1;
        self.ended = None;
        self.updated = now;
        Ok(())
    }

    /// Terminates a failed task (`retry_mode=abort`): it stays failed, is marked terminated and
    /// releases its cluster; nodes keep the image they have. A `cross` or `cross-engine` task
    /// can only be terminated while no node has been upgraded (no mixed major versions).
    pub fn abort(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_retryable()?;
        let completed = self.completed_count();
        if self.upgrade_type != UpgradeType::Same && completed > 0 {
            return Err(TransitionError::AbortAfterNodeCompleted { completed });
        }
        self.terminated = true;
        self.updated = now;
        Ok(())
    }

    fn ensure_retryable(&self) -> Result<(), TransitionError> {
        if self.terminated {
            return Err(TransitionError::Terminated);
        }
        if !self.status.is_failed() {
            return Err(TransitionError::NotFailed {
                status: self.status,
            });
        }
        Ok(())
    }

    /// The upgraded nodes, in upgrade order (`completedNodes`).
    pub fn completed_nodes(&self) -> Vec<&TaskNode> {
        self.nodes.iter().filter(|n| n.is_complete()).collect()
    }

    /// Number of upgraded nodes.
    pub fn completed_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_complete()).count()
    }

    /// The node the task is at (`currentNodeName` / `currentNodeDetail`): the failed node while
    /// failed, else the first node not upgraded, else (all done) the last node.
    pub fn current_node(&self) -> Option<usize> {
        if let Some(f) = &self.failure {
            return Some(f.node);
        }
        self.nodes
            .iter()
            .position(|n| !n.is_complete())
            .or(self.nodes.len().checked_sub(1))
    }

    /// The batch of the current node (`currentBatchNodes`), as node indices.
    pub fn current_batch(&self) -> Vec<usize> {
        self.current_node()
            .map(|n| self.batch_of(n).collect())
            .unwrap_or_default()
    }

    /// Succeeded phases / all phases × 100, rounded down.
    pub fn progress_percent(&self) -> u32 {
        let total = self.nodes.len() * Phase::COUNT;
        if total == 0 {
            return if self.status == TaskStatus::Success {
                100
            } else {
                0
            };
        }
        let done: usize = self.nodes.iter().map(TaskNode::phases_done).sum();
        u32::try_from(done * 100 / total).unwrap_or(100)
    }

    /// The index of a node by its id.
    pub fn node_index(&self, node_id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.node_id == node_id)
    }
}

/// `UpgradeType` as its wire name, so tasks can be stored as JSON.
mod upgrade_type_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::targets::UpgradeType;

    pub(super) fn serialize<S: Serializer>(t: &UpgradeType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<UpgradeType, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e: crate::version::ParseError| serde::de::Error::custom(e.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upgrade::data::tests::cluster_with;
    use chrono::TimeDelta;

    use NodeType::{Client, Cold, Data, Master};

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes)
    }

    fn task_for(nodes: &[(NodeType, &str)], kind: UpgradeType, batch: u32) -> UpgradeTask {
        let cluster = cluster_with(nodes);
        UpgradeTask::new(
            NewTask {
                id: "task-1".into(),
                upgrade_type: kind,
                target_image_id: "target".into(),
                agency: "css-agency".into(),
                batch_size: batch,
            },
            &cluster,
            t(0),
        )
    }

    fn three_data_nodes(kind: UpgradeType) -> UpgradeTask {
        task_for(&[(Data, "az1"); 3], kind, 1)
    }

    /// Runs steps until `stop` says so or the task has nothing left; returns how many ran.
    fn run_until(task: &mut UpgradeTask, mut stop: impl FnMut(usize, Phase) -> bool) -> usize {
        let mut steps = 0;
        let mut clock = 1;
        while let Some((n, p)) = task.next_step() {
            if stop(n, p) {
                break;
            }
            task.start_phase(n, p, t(clock)).unwrap();
            task.complete_phase(n, p, t(clock + 1)).unwrap();
            clock += 2;
            steps += 1;
        }
        steps
    }

    /// Runs up to and including the start of `phase` on `node`.
    fn start_at(task: &mut UpgradeTask, node: usize, phase: Phase) {
        run_until(task, |n, p| n == node && p == phase);
        task.start_phase(node, phase, t(1000)).unwrap();
    }

    #[test]
    fn phases_have_the_documented_orders_names_and_descriptions() {
        let names: Vec<_> = Phase::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "Data migration",
                "Pre-replacement check",
                "Node shutdown",
                "Node replacement",
                "Configuration sync",
                "Plugin installation",
                "Security configuration",
                "Node startup",
                "Node rejoin",
                "Exclusion removal",
                "Shard rebalance",
                "Health check",
                "Task status update",
            ]
        );
        for (i, p) in Phase::ALL.into_iter().enumerate() {
            assert_eq!(p.order() as usize, i);
            assert_eq!(Phase::from_order(p.order()), Some(p));
            assert!(p.desc().ends_with('.'), "{p:?}");
        }
        assert_eq!(Phase::from_order(13), None);
        assert_eq!(
            Phase::DataMigration.desc(),
            "Data is migrated from a node to other nodes in the cluster by running the exclude command."
        );
        assert_eq!(
            Phase::TaskStatusUpdate.desc(),
            "The cluster task status is refreshed. If there are no nodes to be replaced, the task is marked as completed. Otherwise, another node starts to be replaced."
        );
    }

    #[test]
    fn next_walks_the_phases_in_order_and_stops_after_the_last() {
        let mut p = Phase::DataMigration;
        let mut seen = vec![p];
        while let Some(n) = p.next() {
            seen.push(n);
            p = n;
        }
        assert_eq!(seen, Phase::ALL);
    }

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for s in [
            TaskStatus::Running,
            TaskStatus::Success,
            TaskStatus::Failed,
            TaskStatus::PartialFailed,
        ] {
            assert_eq!(TaskStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in [
            PhaseStatus::Waiting,
            PhaseStatus::Running,
            PhaseStatus::Success,
            PhaseStatus::Failed,
        ] {
            assert_eq!(PhaseStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(TaskStatus::parse("running"), None);
        assert_eq!(
            serde_json::to_value(TaskStatus::PartialFailed).unwrap(),
            "PARTIAL_FAILED"
        );
    }

    #[test]
    fn nodes_upgrade_cold_then_data_then_clients_with_masters_last() {
        let cluster = cluster_with(&[
            (Master, "az1"),
            (Data, "az1"),
            (Client, "az1"),
            (Cold, "az1"),
            (Data, "az1"),
            (Master, "az1"),
            (Cold, "az1"),
        ]);
        let order: Vec<&str> = upgrade_order(&cluster)
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "c-ess-cold-esn-1-1",
                "c-ess-cold-esn-2-1",
                "c-ess-esn-1-1",
                "c-ess-esn-2-1",
                "c-ess-client-esn-1-1",
                "c-ess-master-esn-1-1",
                "c-ess-master-esn-2-1",
            ]
        );
    }

    #[test]
    fn a_new_task_runs_with_every_phase_of_every_node_waiting() {
        let task = task_for(
            &[(Master, "az1"), (Data, "az1"), (Data, "az1")],
            UpgradeType::Same,
            0,
        );
        assert_eq!(task.status, TaskStatus::Running);
        assert_eq!(task.execute_times, 1);
        assert_eq!(task.batch_size, 1, "a batch size of 0 counts as 1");
        assert!(!task.terminated);
        assert_eq!(task.ended, None);
        assert_eq!(task.cluster_id, "cluster-1");
        assert_eq!(task.project_id, "project-1");
        let names: Vec<_> = task.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(
            names,
            ["c-ess-esn-1-1", "c-ess-esn-2-1", "c-ess-master-esn-1-1"]
        );
        assert!(
            task.nodes
                .iter()
                .all(|n| n.phases.iter().all(|p| *p == PhaseRecord::WAITING))
        );
        assert_eq!(task.next_step(), Some((0, Phase::DataMigration)));
        assert_eq!(task.current_node(), Some(0));
        assert_eq!(task.progress_percent(), 0);
        assert!(task.is_active());
    }

    #[test]
    fn a_full_run_succeeds_with_every_phase_done_exactly_once() {
        let mut task = three_data_nodes(UpgradeType::Cross);
        let mut done = std::collections::HashMap::new();
        let mut outcomes = Vec::new();
        let mut clock = 1;
        while let Some((n, p)) = task.next_step() {
            task.start_phase(n, p, t(clock)).unwrap();
            let outcome = task.complete_phase(n, p, t(clock + 1)).unwrap();
            *done.entry((n, p)).or_insert(0) += 1;
            if outcome != StepOutcome::PhaseDone {
                outcomes.push(outcome);
            }
            clock += 2;
        }
        assert_eq!(done.len(), 3 * Phase::COUNT);
        assert!(done.values().all(|&c| c == 1));
        assert_eq!(
            outcomes,
            [
                StepOutcome::NodeDone(0),
                StepOutcome::NodeDone(1),
                StepOutcome::TaskDone(2)
            ]
        );
        assert_eq!(task.status, TaskStatus::Success);
        assert_eq!(task.ended, Some(t(clock - 1)));
        for node in &task.nodes {
            for r in &node.phases {
                assert_eq!(r.status, PhaseStatus::Success);
                assert!(r.begin.unwrap() < r.end.unwrap());
            }
        }
        assert_eq!(task.completed_count(), 3);
        assert_eq!(task.current_node(), Some(2));
        assert_eq!(task.progress_percent(), 100);
        assert!(!task.is_active());
        assert_eq!(task.next_step(), None);
    }

    #[test]
    fn phases_run_in_order_within_a_node_and_nodes_one_after_another() {
        let mut task = three_data_nodes(UpgradeType::Same);
        let mut seen = Vec::new();
        run_until(&mut task, |n, p| {
            seen.push((n, p));
            false
        });
        let expected: Vec<(usize, Phase)> = (0..3)
            .flat_map(|n| Phase::ALL.into_iter().map(move |p| (n, p)))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn completing_a_phase_twice_is_refused() {
        let mut task = three_data_nodes(UpgradeType::Same);
        task.start_phase(0, Phase::DataMigration, t(1)).unwrap();
        task.complete_phase(0, Phase::DataMigration, t(2)).unwrap();
        assert_eq!(
            task.complete_phase(0, Phase::DataMigration, t(3)),
            Err(TransitionError::PhaseNotRunning {
                node: 0,
                phase: Phase::DataMigration,
                status: PhaseStatus::Success
            })
        );
        assert_eq!(task.nodes[0].phase(Phase::DataMigration).end, Some(t(2)));
    }

    #[test]
    fn completing_a_phase_that_never_started_is_refused() {
        let mut task = three_data_nodes(UpgradeType::Same);
        assert!(matches!(
            task.complete_phase(0, Phase::DataMigration, t(1)),
            Err(TransitionError::PhaseNotRunning {
                status: PhaseStatus::Waiting,
                ..
            })
        ));
    }

    #[test]
    fn starting_a_running_phase_again_resumes_it_without_change() {
        let mut task = three_data_nodes(UpgradeType::Same);
        task.start_phase(0, Phase::DataMigration, t(1)).unwrap();
        assert_eq!(task.next_step(), Some((0, Phase::DataMigration)));
        task.start_phase(0, Phase::DataMigration, t(5)).unwrap();
        let r = task.nodes[0].phase(Phase::DataMigration);
        assert_eq!((r.status, r.begin), (PhaseStatus::Running, Some(t(1))));
    }

    #[test]
    fn only_the_next_step_can_start() {
        let mut task = three_data_nodes(UpgradeType::Same);
        assert_eq!(
            task.start_phase(0, Phase::NodeShutdown, t(1)),
            Err(TransitionError::WrongPhase {
                node: 0,
                phase: Phase::NodeShutdown,
                expected: Some((0, Phase::DataMigration))
            })
        );
        assert!(matches!(
            task.start_phase(1, Phase::DataMigration, t(1)),
            Err(TransitionError::WrongPhase { .. })
        ));
        assert_eq!(
            task.start_phase(7, Phase::DataMigration, t(1)),
            Err(TransitionError::UnknownNode(7))
        );
    }

    #[test]
    fn a_failure_before_any_node_completed_fails_the_task() {
        let mut task = three_data_nodes(UpgradeType::Same);
        start_at(&mut task, 0, Phase::NodeReplacement);
        task.fail_phase(0, Phase::NodeReplacement, t(2000), "boom")
            .unwrap();
        assert_eq!(task.status, TaskStatus::Failed);
        assert_eq!(task.ended, Some(t(2000)));
        assert_eq!(
            task.failure,
            Some(TaskFailure {
                node: 0,
                phase: Phase::NodeReplacement,
                reason: "boom".into()
            })
        );
        let r = task.nodes[0].phase(Phase::NodeReplacement);
        assert_eq!(
            (r.status, r.begin, r.end),
            (PhaseStatus::Failed, Some(t(1000)), Some(t(2000)))
        );
        assert_eq!(task.next_step(), None);
        assert!(task.is_active(), "a failed task still holds the cluster");
        assert_eq!(
            task.start_phase(0, Phase::NodeReplacement, t(2001)),
            Err(TransitionError::NotRunning {
                status: TaskStatus::Failed
            })
        );
    }

    #[test]
    fn a_failure_after_a_node_completed_partially_fails_the_task() {
        let mut task = three_data_nodes(UpgradeType::Same);
        start_at(&mut task, 1, Phase::DataMigration);
        task.fail_phase(1, Phase::DataMigration, t(2000), "timeout")
            .unwrap();
        assert_eq!(task.status, TaskStatus::PartialFailed);
        assert_eq!(task.completed_count(), 1);
        assert_eq!(task.current_node(), Some(1));
    }

    #[test]
    fn only_a_running_phase_can_fail() {
        let mut task = three_data_nodes(UpgradeType::Same);
        assert!(matches!(
            task.fail_phase(0, Phase::DataMigration, t(1), "x"),
            Err(TransitionError::PhaseNotRunning { .. })
        ));
        assert_eq!(task.status, TaskStatus::Running);
    }

    #[test]
    fn retry_resumes_at_the_failed_phase_of_the_failed_node() {
        let mut task = three_data_nodes(UpgradeType::Same);
        start_at(&mut task, 1, Phase::PluginInstallation);
        task.fail_phase(1, Phase::PluginInstallation, t(2000), "bad package")
            .unwrap();
        task.retry(t(3000)).unwrap();
        assert_eq!(task.status, TaskStatus::Running);
        assert_eq!(task.execute_times, 2);
        assert_eq!(task.ended, None);
        assert_eq!(task.failure, None);
        assert_eq!(task.updated, t(3000));
        assert_eq!(
            *task.nodes[1].phase(Phase::PluginInstallation),
            PhaseRecord::WAITING
        );
        assert_eq!(task.next_step(), Some((1, Phase::PluginInstallation)));
        // Earlier phases of that node stay done.
        assert_eq!(
            task.nodes[1].phase(Phase::ConfigurationSync).status,
            PhaseStatus::Success
        );
        // A second failure and retry count again; then the task finishes.
        task.start_phase(1, Phase::PluginInstallation, t(3001))
            .unwrap();
        task.fail_phase(1, Phase::PluginInstallation, t(3002), "again")
            .unwrap();
        task.retry(t(3003)).unwrap();
        assert_eq!(task.execute_times, 3);
        run_until(&mut task, |_, _| false);
        assert_eq!(task.status, TaskStatus::Success);
    }

    #[test]
    fn retry_is_refused_for_running_successful_and_terminated_tasks() {
        let mut running = three_data_nodes(UpgradeType::Same);
        assert_eq!(
            running.retry(t(1)),
            Err(TransitionError::NotFailed {
                status: TaskStatus::Running
            })
        );
        let mut done = three_data_nodes(UpgradeType::Same);
        run_until(&mut done, |_, _| false);
        assert_eq!(
            done.retry(t(1)),
            Err(TransitionError::NotFailed {
                status: TaskStatus::Success
            })
        );
        let mut aborted = three_data_nodes(UpgradeType::Same);
        start_at(&mut aborted, 0, Phase::DataMigration);
        aborted
            .fail_phase(0, Phase::DataMigration, t(2000), "x")
            .unwrap();
        aborted.abort(t(2001)).unwrap();
        assert_eq!(aborted.retry(t(2002)), Err(TransitionError::Terminated));
        assert_eq!(aborted.execute_times, 1);
    }

    #[test]
    fn a_same_version_task_can_be_aborted_after_a_node_completed() {
        let mut task = three_data_nodes(UpgradeType::Same);
        start_at(&mut task, 1, Phase::NodeStartup);
        task.fail_phase(1, Phase::NodeStartup, t(2000), "x")
            .unwrap();
        task.abort(t(2001)).unwrap();
        assert!(task.terminated);
        assert_eq!(task.status, TaskStatus::PartialFailed, "status is kept");
        assert!(!task.is_active(), "abort releases the cluster");
        assert_eq!(task.abort(t(2002)), Err(TransitionError::Terminated));
        assert_eq!(task.next_step(), None);
    }

    #[test]
    fn a_cross_version_task_cannot_be_aborted_once_a_node_completed() {
        for kind in [UpgradeType::Cross, UpgradeType::CrossEngine] {
            let mut task = three_data_nodes(kind);
            start_at(&mut task, 1, Phase::NodeStartup);
            task.fail_phase(1, Phase::NodeStartup, t(2000), "x")
                .unwrap();
            assert_eq!(
                task.abort(t(2001)),
                Err(TransitionError::AbortAfterNodeCompleted { completed: 1 })
            );
            assert!(!task.terminated);
            assert!(task.is_active());
        }
    }

    #[test]
    fn a_cross_version_task_can_be_aborted_before_any_node_completed() {
        let mut task = three_data_nodes(UpgradeType::Cross);
        start_at(&mut task, 0, Phase::HealthCheck);
        task.fail_phase(0, Phase::HealthCheck, t(2000), "x")
            .unwrap();
        task.abort(t(2001)).unwrap();
        assert!(task.terminated);
        assert_eq!(task.status, TaskStatus::Failed);
    }

    #[test]
    fn only_failed_tasks_can_be_aborted() {
        let mut task = three_data_nodes(UpgradeType::Same);
        assert_eq!(
            task.abort(t(1)),
            Err(TransitionError::NotFailed {
                status: TaskStatus::Running
            })
        );
        run_until(&mut task, |_, _| false);
        assert_eq!(
            task.abort(t(1)),
            Err(TransitionError::NotFailed {
                status: TaskStatus::Success
            })
        );
    }

    #[test]
    fn progress_counts_succeeded_phases() {
        let mut task = three_data_nodes(UpgradeType::Same);
        let mut n = 0;
        run_until(&mut task, |_, _| {
            n += 1;
            n > Phase::COUNT
        });
        assert_eq!(task.progress_percent(), 33); // 13 of 39
        assert_eq!(task.completed_nodes().len(), 1);
        assert_eq!(task.current_node(), Some(1));
    }

    #[test]
    fn batches_group_consecutive_data_nodes_of_one_type() {
        let task = task_for(
            &[
                (Cold, "az1"),
                (Data, "az1"),
                (Data, "az1"),
                (Data, "az1"),
                (Master, "az1"),
                (Master, "az1"),
            ],
            UpgradeType::Same,
            2,
        );
        assert_eq!(task.batches(), [0..1, 1..3, 3..4, 4..5, 5..6]);
        assert_eq!(task.batch_of(2), 1..3);
    }

    #[test]
    fn a_batch_migrates_together_then_its_nodes_are_replaced_one_by_one() {
        let mut task = task_for(&[(Data, "az1"); 4], UpgradeType::Same, 2);
        assert_eq!(task.next_step(), Some((0, Phase::DataMigration)));
        assert_eq!(task.current_batch(), [0, 1]);
        task.start_phase(0, Phase::DataMigration, t(1)).unwrap();
        for i in [0, 1] {
            assert_eq!(
                task.nodes[i].phase(Phase::DataMigration).status,
                PhaseStatus::Running
            );
        }
        assert_eq!(
            task.nodes[2].phase(Phase::DataMigration).status,
            PhaseStatus::Waiting
        );
        // Any node of the batch may name the running step; it stays one step.
        task.start_phase(1, Phase::DataMigration, t(2)).unwrap();
        task.complete_phase(1, Phase::DataMigration, t(3)).unwrap();
        for i in [0, 1] {
            let r = task.nodes[i].phase(Phase::DataMigration);
            assert_eq!(
                (r.status, r.begin, r.end),
                (PhaseStatus::Success, Some(t(1)), Some(t(3)))
            );
        }
        assert_eq!(task.next_step(), Some((0, Phase::PreReplacementCheck)));
        let mut seen = Vec::new();
        run_until(&mut task, |n, p| {
            seen.push((n, p));
            n == 2
        });
        assert_eq!(seen.len(), 2 * 12 + 1);
        assert_eq!(seen[12], (1, Phase::PreReplacementCheck));
        assert_eq!(*seen.last().unwrap(), (2, Phase::DataMigration));
        assert_eq!(task.current_batch(), [2, 3]);
        run_until(&mut task, |_, _| false);
        assert_eq!(task.status, TaskStatus::Success);
    }

    #[test]
    fn a_failed_migration_in_a_batch_puts_the_others_back_to_waiting() {
        let mut task = task_for(&[(Data, "az1"); 4], UpgradeType::Same, 2);
        task.start_phase(0, Phase::DataMigration, t(1)).unwrap();
        task.fail_phase(1, Phase::DataMigration, t(2), "timeout")
            .unwrap();
        assert_eq!(task.status, TaskStatus::Failed);
        assert_eq!(
            *task.nodes[0].phase(Phase::DataMigration),
            PhaseRecord::WAITING
        );
        assert_eq!(
            task.nodes[1].phase(Phase::DataMigration).status,
            PhaseStatus::Failed
        );
        assert_eq!(task.current_node(), Some(1));
        // A late completion of the abandoned migration is refused.
        assert!(task.complete_phase(0, Phase::DataMigration, t(3)).is_err());
        task.retry(t(4)).unwrap();
        assert_eq!(task.next_step(), Some((0, Phase::DataMigration)));
        assert_eq!(task.step_nodes(0, Phase::DataMigration), [0, 1]);
    }

    #[test]
    fn terminated_tasks_accept_no_transition() {
        let mut task = three_data_nodes(UpgradeType::Same);
        start_at(&mut task, 0, Phase::DataMigration);
        task.fail_phase(0, Phase::DataMigration, t(2), "x").unwrap();
        task.abort(t(3)).unwrap();
        assert_eq!(
            task.start_phase(0, Phase::DataMigration, t(4)),
            Err(TransitionError::Terminated)
        );
    }

    #[test]
    fn tasks_round_trip_through_json() {
        let mut task = three_data_nodes(UpgradeType::CrossEngine);
        start_at(&mut task, 0, Phase::NodeShutdown);
        task.fail_phase(0, Phase::NodeShutdown, t(2000), "x")
            .unwrap();
        let json = serde_json::to_value(&task).unwrap();
        assert_eq!(json["upgradeType"], "cross-engine");
        assert_eq!(json["status"], "FAILED");
        assert_eq!(json["failure"]["phase"], "NODE_SHUTDOWN");
        assert_eq!(json["nodes"][0]["phases"].as_array().unwrap().len(), 13);
        let back: UpgradeTask = serde_json::from_value(json).unwrap();
        assert_eq!(back, task);
    }

    #[test]
    fn transition_errors_read_well() {
        let e = TransitionError::AbortAfterNodeCompleted { completed: 2 };
        assert_eq!(
            e.to_string(),
            "a cross-version upgrade cannot be terminated after 2 node(s) were upgraded"
        );
        assert_eq!(
            TransitionError::NotFailed {
                status: TaskStatus::Running
            }
            .to_string(),
            "the task is RUNNING, not FAILED or PARTIAL_FAILED"
        );
    }
}
