//! A throw-away PostgreSQL database per run, so that runs never see each other's state: created
//! as `searchplane_bench_<pid>` next to the database of the given URL, dropped afterwards.

use anyhow::{Context, bail};
use sqlx::{Connection, Executor, PgConnection};

/// A database this run created; call [`BenchDatabase::drop_database`] when done.
pub struct BenchDatabase {
    admin_url: String,
    name: String,
    /// URL of the new database, for the server's `--database-url`.
    pub url: String,
}

impl BenchDatabase {
    /// Creates `searchplane_bench_<pid>` on the server of `admin_url` (whose database is only
    /// used to connect), dropping a leftover of the same name first.
    pub async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let name = format!("searchplane_bench_{}", std::process::id());
        let url = with_database(admin_url, &name)?;
        let mut conn = PgConnection::connect(admin_url)
            .await
            .with_context(|| format!("connecting to {}", redact(admin_url)))?;
        conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
            .await?;
        conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .with_context(|| format!("creating database {name}"))?;
        conn.close().await?;
        Ok(BenchDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        })
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database (terminating any connection still open on it).
    pub async fn drop_database(self) -> anyhow::Result<()> {
        let mut conn = PgConnection::connect(&self.admin_url).await?;
        conn.execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
            .await
            .with_context(|| format!("dropping database {}", self.name))?;
        conn.close().await?;
        Ok(())
    }
}

/// `url` with its database (the path) replaced by `name`, query parameters kept.
pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let Some(scheme_end) = url.find("://") else {
        bail!("not a postgres:// URL: {}", redact(url));
    };
    if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
        bail!("not a postgres:// URL: {}", redact(url));
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = scheme_end + 3;
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    match authority.rfind('@').map(|at| (at, &authority[..at])) {
        Some((at, userinfo)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}{user}:***{}",
                &url[..scheme_end + 3],
                &url[scheme_end + 3 + at..]
            )
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_replaced_and_the_rest_kept() {
        let f = |u| with_database(u, "b").unwrap();
        assert_eq!(
            f("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            f("postgres://u:p@h/test?sslmode=disable"),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert_eq!(f("postgresql://h:5432"), "postgresql://h:5432/b");
        assert_eq!(f("postgres://h?x=1"), "postgres://h/b?x=1");
        assert!(with_database("mysql://h/db", "b").is_err());
        assert!(with_database("nonsense", "b").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
