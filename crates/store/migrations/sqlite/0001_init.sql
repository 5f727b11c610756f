-- searchplane schema v1 (SQLite). Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('catalog_generation', 0);

CREATE TABLE images (
    id           TEXT PRIMARY KEY,
    engine       TEXT NOT NULL,
    version      TEXT NOT NULL,
    build        TEXT NOT NULL,
    release_date TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description  TEXT NOT NULL,
    priority     BIGINT NOT NULL,
    status       TEXT NOT NULL,
    UNIQUE (engine, display_name)
);

CREATE TABLE flavors (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    cpu      BIGINT NOT NULL,
    ram      BIGINT NOT NULL,
    disk_min BIGINT NOT NULL,
    disk_max BIGINT NOT NULL,
    region   TEXT NOT NULL,
    azs      TEXT NOT NULL
);

CREATE TABLE upgrade_paths (
    source_engine  TEXT NOT NULL,
    source_version TEXT NOT NULL,
    target_engine  TEXT NOT NULL,
    target_version TEXT NOT NULL,
    PRIMARY KEY (source_engine, source_version, target_engine, target_version)
);

CREATE TABLE projects (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE access_keys (
    access_key TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id)
);

CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    password   TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id)
);

CREATE TABLE admin_tokens (
    token TEXT PRIMARY KEY
);

CREATE TABLE clusters (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    engine     TEXT NOT NULL,
    status     TEXT NOT NULL,
    settings   TEXT NOT NULL,
    actions    TEXT NOT NULL,
    created    BIGINT NOT NULL,
    updated    BIGINT NOT NULL,
    ready_at   BIGINT,
    UNIQUE (project_id, name)
);
CREATE INDEX clusters_by_project ON clusters (project_id, created);
CREATE INDEX clusters_provisioning ON clusters (ready_at) WHERE ready_at IS NOT NULL;

CREATE TABLE nodes (
    id          TEXT PRIMARY KEY,
    cluster_id  TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    ordinal     BIGINT NOT NULL,
    name        TEXT NOT NULL,
    node_type   TEXT NOT NULL,
    flavor      TEXT NOT NULL,
    az          TEXT NOT NULL,
    volume_type TEXT NOT NULL,
    volume_size BIGINT NOT NULL,
    ip          TEXT NOT NULL,
    status      TEXT NOT NULL,
    image_id    TEXT NOT NULL
);
CREATE INDEX nodes_by_cluster ON nodes (cluster_id, ordinal);

CREATE TABLE cluster_plugins (
    cluster_id TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    PRIMARY KEY (cluster_id, name)
);

CREATE TABLE plugin_packages (
    name    TEXT NOT NULL,
    engine  TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (name, engine, version)
);
