//! How long an upgrade takes, by the user manual's formulas (DESIGN §4.6):
//!
//! - `Upgrade duration (min) = 15 × nodes + data migration (min)`: fifteen minutes of work per
//!   node besides data migration, which we spread over phases 1–12 (see [`work`]);
//! - `Data migration (min) = data (MB) / [data-node vCPUs × 32 (MB/s) × 60 (s) × concurrency]`,
//!   where with a concurrency above 1 the real throughput is about half the intended one.
//!
//! `SimFleet` lets each phase take these durations (scaled by `--sim-speed`), and UpgradeDetail's
//! `?explain=true` estimate adds up what is left. Data migration (phase 0) of one node fails after
//! [`MIGRATION_TIMEOUT`].

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalog::Catalog;
use crate::cluster::Cluster;
use crate::upgrade::task::{Phase, PhaseStatus, TaskNode, UpgradeTask};

/// Each vCPU of a data node migrates 32 MB/s (the default `indices.recovery.max_bytes_per_sec`
/// is vCPUs × 32 MB).
pub const MB_PER_SECOND_PER_VCPU: u64 = 32;

/// Work per node besides data migration: 15 minutes.
pub const NON_MIGRATION_WORK_PER_NODE: TimeDelta = TimeDelta::minutes(15);

/// Data migration off one node fails after 48 hours ("Upgrade will fail if this timeout
/// expires").
pub const MIGRATION_TIMEOUT: TimeDelta = TimeDelta::hours(48);

/// The fixed work of a phase. Phase 0 has none (it takes as long as its data needs); phases
/// 1–12 share the 15 minutes by what they do: replacing the node from its image takes longest
/// (5 min), starting the engine, waiting for shards to settle (2 min each) and rejoining
/// (1.5 min) next, stopping the engine and installing plugins 1 min each, the checks and syncs
/// 30 s, lifting the exclusion and updating the task 15 s.
pub fn work(phase: Phase) -> TimeDelta {
    TimeDelta::seconds(match phase {
        Phase::DataMigration => 0,
        Phase::PreReplacementCheck => 30,
        Phase::NodeShutdown => 60,
        Phase::NodeReplacement => 300,
        Phase::ConfigurationSync => 30,
        Phase::PluginInstallation => 60,
        Phase::SecurityConfiguration => 30,
        Phase::NodeStartup => 120,
        Phase::NodeRejoin => 90,
        Phase::ExclusionRemoval => 15,
        Phase::ShardRebalance => 120,
        Phase::HealthCheck => 30,
        Phase::TaskStatusUpdate => 15,
    })
}

/// The time after which a running phase fails: [`MIGRATION_TIMEOUT`] for data migration, none
/// for the others.
pub fn phase_timeout(phase: Phase) -> Option<TimeDelta> {
    (phase == Phase::DataMigration).then_some(MIGRATION_TIMEOUT)
}

/// The cluster's migration throughput in MB/s: vCPUs × 32 × concurrency, halved when the
/// concurrency is above 1. Zero vCPUs or concurrency count as 1.
pub fn migration_rate_mb_per_s(data_vcpus_total: u32, batch: u32) -> u64 {
    let vcpus = u64::from(data_vcpus_total.max(1));
    let batch = u64::from(batch.max(1));
    let rate = vcpus * MB_PER_SECOND_PER_VCPU * batch;
    if batch > 1 { rate / 2 } else { rate }
}

/// The manual's data migration time for `data_mb` at concurrency `batch`, rounded up to the
/// millisecond.
pub fn migration_duration(data_mb: u64, data_vcpus_total: u32, batch: u32) -> TimeDelta {
    let rate = u128::from(migration_rate_mb_per_s(data_vcpus_total, batch));
    let ms = (u128::from(data_mb) * 1000).div_ceil(rate);
    TimeDelta::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 1_000_000))
}

/// How long one step takes. For [`Phase::DataMigration`], `data_mb` is the data the step moves
/// and `batch` the number of nodes migrating together in it: one node's data with `batch` 1, or
/// for a batch the sum over `UpgradeTask::step_nodes` with `batch` = their number. Summed over
/// all steps this is exactly the manual's `total data / [vCPUs × 32 × 60 × concurrency]`. The
/// other phases take their share of the 15 minutes ([`work`]) whatever the data.
pub fn phase_duration(phase: Phase, data_mb: u64, data_vcpus_total: u32, batch: u32) -> TimeDelta {
    if phase == Phase::DataMigration {
        migration_duration(data_mb, data_vcpus_total, batch)
    } else {
        work(phase)
    }
}

/// The manual's whole-upgrade estimate: `15 min × nodes + migration of all the data`.
pub fn upgrade_duration(
    nodes: usize,
    total_data_mb: u64,
    data_vcpus_total: u32,
    batch: u32,
) -> TimeDelta {
    NON_MIGRATION_WORK_PER_NODE * i32::try_from(nodes).unwrap_or(i32::MAX)
        + migration_duration(total_data_mb, data_vcpus_total, batch)
}

/// "Total vCPUs of the data nodes": the vCPUs of the cluster's data and cold nodes (both take
/// part in shard recovery), by flavor; nodes with a flavor the catalog does not know count 0.
pub fn data_vcpus_total(cluster: &Cluster, catalog: &Catalog) -> u32 {
    cluster
        .nodes
        .iter()
        .filter(|n| n.node_type.holds_data())
        .filter_map(|n| catalog.flavor(&n.flavor))
        .map(|f| f.cpu)
        .sum()
}

/// What is left of a step that may be running: its duration minus the time since it began.
fn left(duration: TimeDelta, begin: Option<DateTime<Utc>>, now: DateTime<Utc>) -> TimeDelta {
    let elapsed = begin.map_or(TimeDelta::zero(), |b| (now - b).max(TimeDelta::zero()));
    (duration - elapsed).max(TimeDelta::zero())
}

/// The estimated time until the task is done: every step not yet succeeded at its
/// [`phase_duration`], less what running steps have already spent. Zero for a finished or
/// terminated task. `node_data_mb` gives the data a task node holds (e.g.
/// `ClusterData::node_data_mb` of its cluster node).
pub fn estimated_remaining(
    task: &UpgradeTask,
    now: DateTime<Utc>,
    data_vcpus_total: u32,
    node_data_mb: impl Fn(&TaskNode) -> u64,
) -> TimeDelta {
    if task.terminated || task.status == crate::upgrade::task::TaskStatus::Success {
        return TimeDelta::zero();
    }
    let mut total = TimeDelta::zero();
    for batch in task.batches() {
        let migrating: Vec<&TaskNode> = task.nodes[batch.clone()]
            .iter()
            .filter(|n| n.phase(Phase::DataMigration).status != PhaseStatus::Success)
            .collect();
        if !migrating.is_empty() {
            let mb = migrating.iter().map(|n| node_data_mb(n)).sum();
            let together = u32::try_from(migrating.len()).unwrap_or(u32::MAX);
            let begin = migrating
                .iter()
                .map(|n| n.phase(Phase::DataMigration))
                .filter(|r| r.status == PhaseStatus::Running)
                .filter_map(|r| r.begin)
                .min();
            let d = phase_duration(Phase::DataMigration, mb, data_vcpus_total, together);
            total += left(d, begin, now);
        }
        for node in &task.nodes[batch] {
            for phase in &Phase::ALL[1..] {
                let r = node.phase(*phase);
                match r.status {
                    PhaseStatus::Success => {}
                    PhaseStatus::Running => total += left(work(*phase), r.begin, now),
                    PhaseStatus::Waiting | PhaseStatus::Failed => total += work(*phase),
                }
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DEFAULT_CATALOG;
    use crate::cluster::NodeType;
    use crate::targets::UpgradeType;
    use crate::upgrade::data::tests::cluster_with;
    use crate::upgrade::task::NewTask;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(seconds)
    }

    fn task(data_nodes: usize, batch: u32) -> UpgradeTask {
        let cluster = cluster_with(&vec![(NodeType::Data, "az1"); data_nodes]);
        UpgradeTask::new(
            NewTask {
                id: "t".into(),
                upgrade_type: UpgradeType::Same,
                target_image_id: "img".into(),
                agency: "a".into(),
                batch_size: batch,
            },
            &cluster,
            t(0),
        )
    }

    #[test]
    fn the_non_migration_phases_share_exactly_fifteen_minutes() {
        let sum = Phase::ALL
            .into_iter()
            .map(work)
            .fold(TimeDelta::zero(), |a, b| a + b);
        assert_eq!(sum, TimeDelta::minutes(15));
        assert_eq!(work(Phase::DataMigration), TimeDelta::zero());
        assert!(Phase::ALL[1..].iter().all(|&p| work(p) > TimeDelta::zero()));
    }

    #[test]
    fn ten_gb_on_three_four_vcpu_data_nodes_migrate_in_under_half_a_minute() {
        // 10240 MB / (12 vCPUs × 32 MB/s × 60 s) = 10240 / 23040 min = 0.444 min = 26.667 s.
        assert_eq!(
            phase_duration(Phase::DataMigration, 10_240, 12, 1),
            TimeDelta::milliseconds(26_667)
        );
    }

    #[test]
    fn concurrency_multiplies_the_rate_but_halves_the_throughput() {
        assert_eq!(migration_rate_mb_per_s(12, 1), 384);
        assert_eq!(migration_rate_mb_per_s(12, 2), 384);
        assert_eq!(migration_rate_mb_per_s(12, 4), 768);
        // Two 10 GB nodes together: 20480 / (12 × 32 × 60 × 2 × 0.5) min = 53.333 s.
        assert_eq!(
            phase_duration(Phase::DataMigration, 20_480, 12, 2),
            TimeDelta::milliseconds(53_334)
        );
        // Four 500 GB nodes together on 24 vCPUs: 2048000 / (24 × 32 × 60 × 4 / 2) = 22.2 min.
        assert_eq!(
            phase_duration(Phase::DataMigration, 2_048_000, 24, 4),
            TimeDelta::milliseconds(1_333_334)
        );
    }

    #[test]
    fn zero_vcpus_or_batch_do_not_divide_by_zero() {
        assert_eq!(migration_rate_mb_per_s(0, 0), 32);
        assert_eq!(migration_duration(32, 0, 0), TimeDelta::seconds(1));
    }

    #[test]
    fn other_phases_take_their_fixed_share_whatever_the_data() {
        assert_eq!(
            phase_duration(Phase::NodeReplacement, 1_000_000, 4, 1),
            TimeDelta::minutes(5)
        );
    }

    #[test]
    fn migration_times_out_after_48_hours_and_nothing_else_does() {
        assert_eq!(MIGRATION_TIMEOUT, TimeDelta::hours(48));
        assert_eq!(
            phase_timeout(Phase::DataMigration),
            Some(TimeDelta::hours(48))
        );
        assert!(Phase::ALL[1..].iter().all(|&p| phase_timeout(p).is_none()));
        // 4 vCPUs move 128 MB/s: 22118400 MB take exactly 48 h; one MB more is over.
        assert_eq!(migration_duration(22_118_400, 4, 1), MIGRATION_TIMEOUT);
        assert!(migration_duration(22_118_401, 4, 1) > MIGRATION_TIMEOUT);
    }

    #[test]
    fn the_whole_upgrade_follows_the_manual() {
        // 3 nodes, 30 GB, 12 vCPUs: 45 min + 30720 / 23040 min (80 s).
        assert_eq!(
            upgrade_duration(3, 30_720, 12, 1),
            TimeDelta::minutes(45) + TimeDelta::seconds(80)
        );
    }

    #[test]
    fn data_vcpus_count_data_and_cold_nodes_by_flavor() {
        let catalog = Catalog::from_toml(DEFAULT_CATALOG).unwrap();
        let cluster = cluster_with(&[
            (NodeType::Data, "az1"),
            (NodeType::Data, "az1"),
            (NodeType::Cold, "az1"),
            (NodeType::Master, "az1"),
        ]);
        assert_eq!(data_vcpus_total(&cluster, &catalog), 12); // 3 × ess.spec-4u8g
    }

    #[test]
    fn a_fresh_task_is_estimated_like_the_manual_formula() {
        // 11520 MB per node migrates in whole seconds (30 s on 12 vCPUs, 22.5 s on 16 at batch
        // 2), so rounding each step up to the millisecond changes nothing.
        for (nodes, batch) in [(3, 1), (4, 2)] {
            let task = task(nodes, batch);
            let vcpus = 4 * nodes as u32;
            let remaining = estimated_remaining(&task, t(0), vcpus, |_| 11_520);
            assert_eq!(
                remaining,
                upgrade_duration(nodes, 11_520 * nodes as u64, vcpus, batch),
                "{nodes} nodes, batch {batch}"
            );
        }
    }

    #[test]
    fn running_steps_count_only_what_is_left_of_them() {
        let mut task = task(3, 1);
        let fresh = estimated_remaining(&task, t(0), 12, |_| 10_240);
        task.start_phase(0, Phase::DataMigration, t(0)).unwrap();
        assert_eq!(
            estimated_remaining(&task, t(10), 12, |_| 10_240),
            fresh - TimeDelta::seconds(10)
        );
        // Overrunning a step never makes the estimate grow or go negative for that step.
        assert_eq!(
            estimated_remaining(&task, t(100), 12, |_| 10_240),
            fresh - TimeDelta::milliseconds(26_667)
        );
        task.complete_phase(0, Phase::DataMigration, t(27)).unwrap();
        task.start_phase(0, Phase::PreReplacementCheck, t(27))
            .unwrap();
        assert_eq!(
            estimated_remaining(&task, t(37), 12, |_| 10_240),
            fresh - TimeDelta::milliseconds(26_667) - TimeDelta::seconds(10)
        );
    }

    #[test]
    fn finished_and_terminated_tasks_have_nothing_left() {
        let mut task = task(3, 1);
        while let Some((n, p)) = task.next_step() {
            task.start_phase(n, p, t(0)).unwrap();
            task.complete_phase(n, p, t(0)).unwrap();
        }
        assert_eq!(
            estimated_remaining(&task, t(0), 12, |_| 1),
            TimeDelta::zero()
        );
    }
}
