//! The PostgreSQL backend: one pool for reads and writes; PostgreSQL's MVCC serialises the
//! writers, and unique constraints turn races into `Conflict`s.

use domain::store::StoreError;
use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::db_err;

/// PostgreSQL-backed store.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) read: PgPool,
    pub(crate) write: PgPool,
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
        Ok(PgStore {
            read: pool.clone(),
            write: pool,
        })
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
        Ok(PgStore {
            read: pool.clone(),
            write: pool,
        })
    }
}

crate::ops::impl_store!(
    PgStore,
    sqlx::Postgres,
    "SELECT pg_advisory_xact_lock(7342001)"
);
