-- Upgrade tasks, the simulated fleet's data, snapshots and injected faults.
CREATE TABLE upgrade_tasks (
    id            TEXT PRIMARY KEY,
    cluster_id    TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    project_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    -- 1 while the task holds its cluster (running, or failed and not terminated).
    active        BIGINT NOT NULL,
    -- The whole task state machine as JSON (domain::upgrade::UpgradeTask).
    body          TEXT NOT NULL,
    created       BIGINT NOT NULL,
    -- Optimistic concurrency: bumped by every write.
    version       BIGINT NOT NULL DEFAULT 0,
    -- When the running phase is due to end (real time), and whether it hangs.
    phase_due     BIGINT,
    phase_hung    BIGINT NOT NULL DEFAULT 0,
    -- The runner that owns the task, until when, and the fencing attempt number.
    lease_owner   TEXT,
    lease_expires BIGINT,
    attempt       BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX one_active_task_per_cluster ON upgrade_tasks (cluster_id) WHERE active = 1;
CREATE INDEX tasks_by_cluster ON upgrade_tasks (cluster_id, created);
CREATE INDEX runnable_tasks ON upgrade_tasks (status, lease_expires) WHERE active = 1;

CREATE TABLE cluster_data (
    cluster_id TEXT PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
    body       TEXT NOT NULL
);

CREATE TABLE snapshots (
    id          TEXT PRIMARY KEY,
    cluster_id  TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    indices     TEXT NOT NULL,
    status      TEXT NOT NULL,
    created     BIGINT NOT NULL,
    UNIQUE (cluster_id, name)
);

CREATE TABLE faults (
    id         TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    node       TEXT,
    phase      BIGINT NOT NULL,
    action     TEXT NOT NULL,
    remaining  BIGINT NOT NULL,
    created    BIGINT NOT NULL
);
CREATE INDEX faults_by_cluster ON faults (cluster_id, phase);
