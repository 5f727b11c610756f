//! The PostgreSQL backend: one pool for reads and writes; PostgreSQL's MVCC serialises the
//! writers, and unique constraints turn races into `Conflict`s.

use std::sync::{Arc, OnceLock};

use domain::store::{Change, ChangeListener, StoreError};
use sqlx::postgres::PgListener;
use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::db_err;

/// PostgreSQL-backed store.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) read: PgPool,
    pub(crate) write: PgPool,
    pub(crate) listener: Arc<OnceLock<Arc<dyn ChangeListener>>>,
}

/// The channel every replica's writes notify on.
const CHANNEL: &str = "searchplane_changes";

fn parse_change(payload: &str) -> Change {
    match payload.strip_prefix("cluster:") {
        Some(id) => Change::Cluster(id.to_owned()),
        None if payload == "catalog" => Change::Catalog,
        None => Change::Everything,
    }
}

impl PgStore {
    fn with_pool(pool: PgPool) -> Self {
        let listener: Arc<OnceLock<Arc<dyn ChangeListener>>> = Arc::default();
        tokio::spawn(forward_notifications(pool.clone(), listener.clone()));
        PgStore {
            read: pool.clone(),
            write: pool,
            listener,
        }
    }
}

/// Hears other replicas' changes (`LISTEN`) and hands them to the listener. When the
/// connection drops, notifications may have been missed, so every cache is flushed.
async fn forward_notifications(pool: PgPool, listener: Arc<OnceLock<Arc<dyn ChangeListener>>>) {
    let emit = |c: Change| {
        if let Some(l) = listener.get() {
            l.changed(c);
        }
    };
    loop {
        let mut pg = match PgListener::connect_with(&pool).await {
            Ok(pg) => pg,
            Err(e) => {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "cannot listen for changes; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = pg.listen(CHANNEL).await {
            tracing::warn!(error = %e, "LISTEN failed; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        emit(Change::Everything);
        loop {
            match pg.try_recv().await {
                Ok(Some(n)) => emit(parse_change(n.payload())),
                Ok(None) => {
                    emit(Change::Everything);
                }
                Err(e) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(error = %e, "change feed interrupted; reconnecting");
                    emit(Change::Everything);
                    break;
                }
            }
        }
    }
}

impl PgStore {
    /// Connects and migrates.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(crate::backend)?;
        Ok(PgStore::with_pool(pool))
    }

    /// A store on its own schema, for tests that share one database: the schema is created
    /// (dropping any previous one of that name) and every connection uses it.
    pub async fn connect_isolated(url: &str, schema: &str) -> Result<Self, StoreError> {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .map_err(db_err)?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&admin)
            .await
            .map_err(db_err)?;
        admin.close().await;
        Self::connect_in_schema(url, schema).await
    }

    /// A store on a named schema (created if missing), shared by every store opened on it —
    /// several replicas of one deployment in tests.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .map_err(db_err)?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&admin)
            .await
            .map_err(db_err)?;
        admin.close().await;
        let schema = schema.to_owned();
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                let sql = format!("SET search_path TO \"{schema}\"");
                Box::pin(async move {
                    sqlx::Executor::execute(conn, sql.as_str()).await?;
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(crate::backend)?;
        Ok(PgStore::with_pool(pool))
    }
}

crate::ops::impl_store!(
    PgStore,
    sqlx::Postgres,
    "SELECT pg_advisory_xact_lock(7342001)",
    "SELECT pg_notify('searchplane_changes', $1)",
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
);
