//! Durable storage behind the domain's `Store` port: `SqliteStore` (the embedded default, WAL,
//! one writer connection) and `PgStore` (for shared deployments). Both speak the same portable
//! SQL (`$n` placeholders, `ON CONFLICT`, `RETURNING`), so the operations are written once in
//! [`ops`] and instantiated per backend; connection handling and migrations stay per backend.
//! Times are stored as milliseconds since the Unix epoch.

mod ops;
mod postgres;
mod rows;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use std::sync::Arc;

use domain::Store;
use domain::store::StoreError;

/// Opens the store a URL names: `postgres://…` (or `postgresql://…`) for PostgreSQL, otherwise
/// `sqlite://PATH` / a plain file path for SQLite. Runs migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    }
}

pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Conflict(d.message().to_owned());
    }
    backend(e)
}
