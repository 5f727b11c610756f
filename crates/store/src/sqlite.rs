//! The SQLite backend: WAL journal, a pool of readers and a single writer connection, so write
//! transactions queue in-process instead of failing with `SQLITE_BUSY`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use domain::store::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::db_err;

/// SQLite-backed store.
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    pub(crate) listener:
        std::sync::Arc<std::sync::OnceLock<std::sync::Arc<dyn domain::store::ChangeListener>>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and migrates it.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(db_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&write)
            .await
            .map_err(crate::backend)?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await
            .map_err(db_err)?;
        Ok(SqliteStore {
            read,
            write,
            listener: Default::default(),
        })
    }
}

// One process owns a SQLite file, so its own change events are all there is: no notify.
// A read transaction on a WAL database reads one snapshot already.
crate::ops::impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    "SELECT 1",
    "SELECT $1",
    "SELECT 1"
);
