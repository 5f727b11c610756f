//! The durable upgrade runner. Each process has an owner id; it claims running tasks whose lease
//! is free or expired, and drives each one phase by phase. Every transition is committed
//! (fenced by the lease's owner and attempt) before the next phase starts, so a process killed
//! at any point loses nothing: after its lease expires, another runner — the same process after
//! a restart, or another replica on the same PostgreSQL — resumes exactly where it stopped, and
//! the killed runner's late writes are refused.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::runtime::{NodeRuntime, PhaseResult};
use domain::store::{Lease, StoreError, StoredTask, TaskGuard, TaskWrite};
use domain::upgrade::{PhaseStatus, StepOutcome, UpgradeTask};
use domain::{Clock, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::SimSpeed;

/// How a runner behaves.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// This runner's identity (unique per process).
    pub owner: String,
    /// How long a claim lasts without renewal (real time).
    pub lease: Duration,
    /// How often to look for claimable tasks when not woken.
    pub poll: Duration,
    /// Simulated seconds per real second.
    pub speed: SimSpeed,
}

impl RunnerConfig {
    /// Defaults: a fresh owner id, 15 s leases, 500 ms polling.
    pub fn new(speed: SimSpeed) -> Self {
        RunnerConfig {
            owner: uuid::Uuid::new_v4().to_string(),
            lease: Duration::from_secs(15),
            poll: Duration::from_millis(500),
            speed,
        }
    }
}

/// The upgrade runner of one process.
pub struct Runner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    runtime: Arc<dyn NodeRuntime>,
    config: RunnerConfig,
    wake: Arc<Notify>,
}

/// Why a task driver stopped.
#[derive(Debug)]
enum Stop {
    /// The task no longer runs (done, failed, terminated).
    Finished,
    /// Another runner holds the task now.
    LeaseLost,
    /// The process is shutting down.
    Shutdown,
}

impl Runner {
    /// A runner; `wake` is notified when a task is created or retried.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        runtime: Arc<dyn NodeRuntime>,
        config: RunnerConfig,
        wake: Arc<Notify>,
    ) -> Arc<Self> {
        Arc::new(Runner {
            store,
            clock,
            runtime,
            config,
            wake,
        })
    }

    fn lease_until(&self) -> DateTime<Utc> {
        self.clock.now() + TimeDelta::from_std(self.config.lease).unwrap_or(TimeDelta::seconds(15))
    }

    /// Claims and drives tasks until `shutdown` is cancelled; running tasks are handed back
    /// (their leases released) on the way out.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        let mut drivers = tokio::task::JoinSet::new();
        loop {
            loop {
                match self
                    .store
                    .claim_task(&self.config.owner, self.clock.now(), self.lease_until())
                    .await
                {
                    Ok(Some((lease, stored))) => {
                        tracing::info!(task = %lease.task_id, attempt = lease.attempt, "claimed upgrade task");
                        drivers.spawn(self.clone().drive(lease, stored, shutdown.clone()));
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming tasks failed; will retry");
                        break;
                    }
                }
            }
            while drivers.try_join_next().is_some() {}
            tokio::select! {
                () = tokio::time::sleep(self.config.poll) => {}
                () = self.wake.notified() => {}
                () = shutdown.cancelled() => break,
            }
        }
        while drivers.join_next().await.is_some() {}
    }

    /// Drives one claimed task until it stops running, the lease is lost, or shutdown.
    async fn drive(self: Arc<Self>, lease: Lease, stored: StoredTask, shutdown: CancellationToken) {
        let task_id = lease.task_id.clone();
        let outcome = self.drive_inner(&lease, stored, &shutdown).await;
        match outcome {
            Ok(Stop::Finished) => tracing::info!(task = %task_id, "upgrade task stopped running"),
            Ok(Stop::LeaseLost) => {
                tracing::warn!(task = %task_id, "lease lost; another runner has the task");
            }
            Ok(Stop::Shutdown) => {
                // Hand the task back so the next runner need not wait for the lease to expire.
                let _ = self
                    .store
                    .renew_lease(&lease, DateTime::<Utc>::UNIX_EPOCH)
                    .await;
                tracing::info!(task = %task_id, "upgrade task handed back at shutdown");
            }
            Err(e) => {
                tracing::error!(task = %task_id, error = ?e, "upgrade task driver failed; lease will expire");
            }
        }
    }

    async fn drive_inner(
        &self,
        lease: &Lease,
        stored: StoredTask,
        shutdown: &CancellationToken,
    ) -> Result<Stop, StoreError> {
        let guard = TaskGuard::Lease(lease.clone());
        let StoredTask {
            mut task,
            mut phase_due,
            mut phase_hung,
            ..
        } = stored;
        loop {
            if shutdown.is_cancelled() {
                return Ok(Stop::Shutdown);
            }
            let Some((node, phase)) = task.next_step() else {
                return Ok(Stop::Finished);
            };
            let status = task.nodes[node].phase(phase).status;
            if status == PhaseStatus::Waiting || phase_due.is_none() {
                // Start (or, after a crash before the due time was stored, re-plan) the phase.
                let plan = self.runtime.plan_phase(&task, node, phase).await?;
                let now = self.clock.now();
                transition(task.start_phase(node, phase, now))?;
                let due = now + self.config.speed.real(plan.duration);
                let write = TaskWrite {
                    task: &task,
                    phase_due: Some(due),
                    phase_hung: plan.hang,
                    upgraded_nodes: &[],
                    release_cluster: false,
                    consume_fault: plan.fault.as_deref(),
                    release_lease: false,
                };
                if !self.store.save_task(&guard, &write).await? {
                    return Ok(Stop::LeaseLost);
                }
                phase_due = Some(due);
                phase_hung = plan.hang;
                continue;
            }
            // The phase is running: wait for its due time, renewing the lease meanwhile.
            if let Some(stop) = self
                .wait_until(
                    lease,
                    phase_due.unwrap_or_else(|| self.clock.now()),
                    shutdown,
                )
                .await?
            {
                return Ok(stop);
            }
            let now = self.clock.now();
            let result = if phase_hung {
                PhaseResult::Failed {
                    reason: format!(
                        "{} on {} did not finish within 48 hours",
                        phase.name(),
                        task.nodes[node].name
                    ),
                    fault: None,
                }
            } else {
                self.runtime.finish_phase(&task, node, phase).await?
            };
            let (upgraded, release, fault, stop) = match result {
                PhaseResult::Done => {
                    let outcome = transition(task.complete_phase(node, phase, now))?;
                    let upgraded: Vec<String> = outcome
                        .completed_node()
                        .map(|n| vec![task.nodes[n].node_id.clone()])
                        .unwrap_or_default();
                    let done = matches!(outcome, StepOutcome::TaskDone(_));
                    (upgraded, done, None, done)
                }
                PhaseResult::Failed { reason, fault } => {
                    tracing::warn!(task = %task.id, node = %task.nodes[node].name, phase = phase.name(), %reason, "phase failed");
                    transition(task.fail_phase(node, phase, now, reason))?;
                    (Vec::new(), false, fault, true)
                }
            };
            let write = TaskWrite {
                task: &task,
                phase_due: None,
                phase_hung: false,
                upgraded_nodes: &upgraded,
                release_cluster: release,
                consume_fault: fault.as_deref(),
                release_lease: stop,
            };
            if !self.store.save_task(&guard, &write).await? {
                return Ok(Stop::LeaseLost);
            }
            phase_due = None;
            phase_hung = false;
            if stop {
                return Ok(Stop::Finished);
            }
        }
    }

    /// Sleeps until `due`, renewing the lease every third of its length. `Some(stop)` when
    /// the wait was cut short.
    async fn wait_until(
        &self,
        lease: &Lease,
        due: DateTime<Utc>,
        shutdown: &CancellationToken,
    ) -> Result<Option<Stop>, StoreError> {
        let renew_every = self.config.lease / 3;
        loop {
            let left = (due - self.clock.now()).to_std().unwrap_or(Duration::ZERO);
            if left.is_zero() {
                return Ok(None);
            }
            tokio::select! {
                () = tokio::time::sleep(left.min(renew_every)) => {}
                () = shutdown.cancelled() => return Ok(Some(Stop::Shutdown)),
            }
            if left > renew_every && !self.store.renew_lease(lease, self.lease_until()).await? {
                return Ok(Some(Stop::LeaseLost));
            }
        }
    }
}

/// A refused transition means the stored task and this runner disagree: stop driving it.
fn transition<T>(r: Result<T, domain::upgrade::TransitionError>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Corrupt(format!("refused transition: {e}")))
}

/// The task's progress for `actionProgress`.
pub fn progress(task: &UpgradeTask) -> u32 {
    task.progress_percent()
}
