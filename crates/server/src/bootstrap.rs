//! First start: when the store holds no credentials, create a project, an AK/SK pair, a
//! Keystone user and an operator token — from the `SEARCHPLANE_*` environment variables when
//! set, else random — and write them to `<data-dir>/credentials.json` with mode 0600.

use std::path::Path;

use anyhow::Context;
use domain::Store;
use domain::credentials::Credentials;
use rand::Rng;
use rand::distributions::Alphanumeric;

/// Environment variables that fix the first-start credentials.
pub const ENV_ACCESS_KEY: &str = "SEARCHPLANE_ACCESS_KEY";
/// See [`ENV_ACCESS_KEY`].
pub const ENV_SECRET_KEY: &str = "SEARCHPLANE_SECRET_KEY";
/// See [`ENV_ACCESS_KEY`].
pub const ENV_PROJECT_ID: &str = "SEARCHPLANE_PROJECT_ID";
/// See [`ENV_ACCESS_KEY`].
pub const ENV_ADMIN_TOKEN: &str = "SEARCHPLANE_ADMIN_TOKEN";
/// See [`ENV_ACCESS_KEY`].
pub const ENV_USER: &str = "SEARCHPLANE_USER";
/// See [`ENV_ACCESS_KEY`].
pub const ENV_PASSWORD: &str = "SEARCHPLANE_PASSWORD";

/// The file the credentials are written to.
pub const CREDENTIALS_FILE: &str = "credentials.json";

fn random(len: usize, upper: bool) -> String {
    let s: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    if upper { s.to_uppercase() } else { s }
}

fn random_hex(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

fn env_or(name: &str, default: impl FnOnce() -> String) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(default)
}

/// Fresh random credentials (for projects the operator API creates).
pub fn random_credentials() -> Credentials {
    Credentials {
        project_id: random_hex(32),
        project_name: String::new(),
        access_key: random(20, true),
        secret_key: random(40, false),
        user_name: String::new(),
        password: format!("Sp-{}", random(20, false)),
        admin_token: String::new(),
    }
}

/// Credentials for a first start: from the environment, else random.
pub fn candidate() -> Credentials {
    Credentials {
        project_id: env_or(ENV_PROJECT_ID, || random_hex(32)),
        project_name: "eu-de".to_owned(),
        access_key: env_or(ENV_ACCESS_KEY, || random(20, true)),
        secret_key: env_or(ENV_SECRET_KEY, || random(40, false)),
        user_name: env_or(ENV_USER, || "admin".to_owned()),
        password: env_or(ENV_PASSWORD, || format!("Sp-{}", random(20, false))),
        admin_token: env_or(ENV_ADMIN_TOKEN, || random_hex(48)),
    }
}

/// Ensures credentials exist; returns them and whether they were created now. The file is
/// (re)written every start so that it always matches the store.
pub async fn ensure_credentials(
    store: &dyn Store,
    wanted: &Credentials,
    data_dir: &Path,
) -> anyhow::Result<(Credentials, bool)> {
    let stored = store
        .init_credentials(wanted)
        .await
        .context("storing credentials")?;
    let created = stored == *wanted;
    if !created && std::env::var(ENV_ACCESS_KEY).is_ok_and(|ak| ak != stored.access_key) {
        tracing::warn!(
            "{ENV_ACCESS_KEY} differs from the stored credentials; the stored ones stay in force"
        );
    }
    write_file(&data_dir.join(CREDENTIALS_FILE), &stored)?;
    Ok((stored, created))
}

fn write_file(path: &Path, creds: &Credentials) -> anyhow::Result<()> {
    use std::io::Write;
    let json = serde_json::to_string_pretty(creds)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(json.as_bytes())?;
    file.write_all(b"\n")?;
    Ok(())
}
