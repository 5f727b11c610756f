//! Where the client's settings come from: each value from its flag, else its `SEARCHPLANE_*`
//! variable (both handled by clap), else `<data-dir>/credentials.json` as written by
//! `searchplane serve`. Only the values a command needs are required, so `images list` works
//! with just an admin token and `clusters list` with just the AK/SK and project.

use std::path::{Path, PathBuf};

use reqwest::Url;
use serde::Deserialize;

use super::error::Failure;
use crate::cli::{ClientArgs, Output};

/// The endpoint used when neither `--endpoint` nor `SEARCHPLANE_ENDPOINT` is set.
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:9800";

/// The server's base URL and the `Host` header value that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub base: String,
    /// `host[:port]` as sent (and signed) in the `Host` header.
    pub host: String,
}

impl Endpoint {
    /// Parses `http(s)://host[:port][/path]` or a bare `host:port`. Like the official SDKs,
    /// any path part is dropped: the API paths are absolute (`/v1.0/{project_id}/…`).
    pub fn parse(s: &str) -> Result<Self, Failure> {
        let with_scheme = if s.contains("://") {
            s.to_owned()
        } else {
            format!("http://{s}")
        };
        let bad = |why: &str| Failure::Usage(format!("invalid endpoint {s:?}: {why}"));
        let url = Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(bad("the scheme must be http or https"));
        }
        let host_name = url.host_str().ok_or_else(|| bad("no host"))?;
        let host = match url.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        Ok(Endpoint {
            base: format!("{}://{host}", url.scheme()),
            host,
        })
    }
}

/// `credentials.json`, every field optional so that a partial file still fills gaps.
#[derive(Debug, Default, Deserialize)]
struct CredentialsFile {
    project_id: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
    admin_token: Option<String>,
}

/// Resolved client settings.
#[derive(Debug)]
pub struct Settings {
    /// The server.
    pub endpoint: Endpoint,
    /// How to print.
    pub output: Output,
    access_key: Option<String>,
    secret_key: Option<String>,
    project_id: Option<String>,
    admin_token: Option<String>,
    /// The credentials file consulted, and whether it existed.
    file: (PathBuf, bool),
}

/// What a signed API call needs.
pub struct SigningCredentials {
    /// AK.
    pub access_key: String,
    /// SK.
    pub secret_key: String,
    /// Project id.
    pub project_id: String,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl Settings {
    /// Merges flags/environment with the credentials file (read only when something is unset).
    pub fn resolve(args: &ClientArgs) -> Result<Self, Failure> {
        let endpoint = Endpoint::parse(
            non_empty(args.endpoint.clone())
                .as_deref()
                .unwrap_or(DEFAULT_ENDPOINT),
        )?;
        let mut s = Settings {
            endpoint,
            output: args.output,
            access_key: non_empty(args.access_key.clone()),
            secret_key: non_empty(args.secret_key.clone()),
            project_id: non_empty(args.project_id.clone()),
            admin_token: non_empty(args.admin_token.clone()),
            file: (
                args.data_dir.join(server::bootstrap::CREDENTIALS_FILE),
                false,
            ),
        };
        let complete = s.access_key.is_some()
            && s.secret_key.is_some()
            && s.project_id.is_some()
            && s.admin_token.is_some();
        if !complete && let Some(file) = read_file(&s.file.0)? {
            s.file.1 = true;
            s.access_key = s.access_key.or(non_empty(file.access_key));
            s.secret_key = s.secret_key.or(non_empty(file.secret_key));
            s.project_id = s.project_id.or(non_empty(file.project_id));
            s.admin_token = s.admin_token.or(non_empty(file.admin_token));
        }
        Ok(s)
    }

    /// AK, SK and project id, or a message naming what is missing and where it was looked for.
    pub fn signing(&self) -> Result<SigningCredentials, Failure> {
        match (&self.access_key, &self.secret_key, &self.project_id) {
            (Some(ak), Some(sk), Some(pid)) => Ok(SigningCredentials {
                access_key: ak.clone(),
                secret_key: sk.clone(),
                project_id: pid.clone(),
            }),
            _ => {
                let mut missing = Vec::new();
                if self.access_key.is_none() {
                    missing.push("access key (--access-key / SEARCHPLANE_ACCESS_KEY)");
                }
                if self.secret_key.is_none() {
                    missing.push("secret key (--secret-key / SEARCHPLANE_SECRET_KEY)");
                }
                if self.project_id.is_none() {
                    missing.push("project id (--project-id / SEARCHPLANE_PROJECT_ID)");
                }
                Err(self.missing(&missing))
            }
        }
    }

    /// The operator token, or a message saying where it was looked for.
    pub fn admin_token(&self) -> Result<&str, Failure> {
        self.admin_token
            .as_deref()
            .ok_or_else(|| self.missing(&["admin token (--admin-token / SEARCHPLANE_ADMIN_TOKEN)"]))
    }

    fn missing(&self, what: &[&str]) -> Failure {
        let (path, existed) = &self.file;
        let file_note = if *existed {
            format!("{} does not hold it either", path.display())
        } else {
            format!(
                "{} does not exist; pass --data-dir with the server's data directory",
                path.display()
            )
        };
        Failure::Usage(format!(
            "no credentials found: missing {}; {file_note}",
            what.join(", ")
        ))
    }
}

fn read_file(path: &Path) -> Result<Option<CredentialsFile>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Failure::Usage(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Failure::Usage(format!("{} is not a credentials file: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &Path) -> ClientArgs {
        ClientArgs {
            endpoint: None,
            access_key: None,
            secret_key: None,
            project_id: None,
            admin_token: None,
            data_dir: dir.to_path_buf(),
            output: Output::Table,
        }
    }

    #[test]
    fn endpoints_lose_their_path_and_keep_a_non_default_port() {
        let e = Endpoint::parse("http://127.0.0.1:9800/v1.0/abc").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:9800");
        assert_eq!(e.host, "127.0.0.1:9800");
        let e = Endpoint::parse("localhost:18080").unwrap();
        assert_eq!(e.base, "http://localhost:18080");
        let e = Endpoint::parse("https://css.example.com/").unwrap();
        assert_eq!(
            (e.base.as_str(), e.host.as_str()),
            ("https://css.example.com", "css.example.com")
        );
        let e = Endpoint::parse("http://[::1]:9800").unwrap();
        assert_eq!(e.host, "[::1]:9800");
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://").is_err());
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_fills_the_gaps() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("credentials.json"),
            r#"{"project_id":"p-file","project_name":"eu-de","access_key":"AK-FILE","secret_key":"sk-file","user_name":"u","password":"x","admin_token":"t-file"}"#,
        )
        .unwrap();
        let mut a = args(dir.path());
        a.access_key = Some("AK-FLAG".into());
        a.admin_token = Some(String::new());
        let s = Settings::resolve(&a).unwrap();
        let c = s.signing().unwrap();
        assert_eq!(
            (
                c.access_key.as_str(),
                c.secret_key.as_str(),
                c.project_id.as_str()
            ),
            ("AK-FLAG", "sk-file", "p-file")
        );
        assert_eq!(s.admin_token().unwrap(), "t-file");
        assert_eq!(s.endpoint.base, DEFAULT_ENDPOINT);
    }

    #[test]
    fn a_missing_file_is_named_in_the_message() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = args(&dir.path().join("nowhere"));
        a.project_id = Some("p".into());
        let s = Settings::resolve(&a).unwrap();
        let msg = s.signing().err().unwrap().to_string();
        assert!(msg.starts_with("no credentials found"), "{msg}");
        assert!(msg.contains("SEARCHPLANE_ACCESS_KEY") && msg.contains("SEARCHPLANE_SECRET_KEY"));
        assert!(!msg.contains("SEARCHPLANE_PROJECT_ID"), "{msg}");
        assert!(
            msg.contains("nowhere/credentials.json does not exist"),
            "{msg}"
        );
        assert!(s.admin_token().is_err());
    }

    #[test]
    fn a_corrupt_file_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("credentials.json"), "not json").unwrap();
        let err = Settings::resolve(&args(dir.path())).unwrap_err();
        assert!(err.to_string().contains("is not a credentials file"));
    }
}
