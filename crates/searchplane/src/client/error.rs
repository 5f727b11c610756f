//! What can go wrong in a client command, typed so that `main` can pick the documented exit
//! code: the server's error envelope ([`RemoteError`]), an unreachable server
//! ([`ConnectError`]), and the CLI's own refusals ([`Failure`]). Everything else is `anyhow`
//! context around these.

use std::process::ExitCode;

/// An error answer from the server, decoded from `{"error_code": …, "error_msg": …}`.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RemoteError {
    /// HTTP status.
    pub status: u16,
    /// `error_code`, or `HTTP <status>` when the body was not the CSS envelope.
    pub code: String,
    /// `error_msg`, or the start of the body.
    pub message: String,
}

impl RemoteError {
    /// Decodes an error answer; a body that is not the envelope keeps its first 200 characters.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        match serde_json::from_slice::<wire::ErrorBody>(body) {
            Ok(b) => RemoteError {
                status,
                code: b.error_code,
                message: b.error_msg,
            },
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                let text: String = text.trim().chars().take(200).collect();
                RemoteError {
                    status,
                    code: format!("HTTP {status}"),
                    message: if text.is_empty() {
                        "(empty body)".to_owned()
                    } else {
                        text
                    },
                }
            }
        }
    }
}

/// The server could not be reached, or did not answer in time.
#[derive(Debug, thiserror::Error)]
#[error("cannot reach searchplane at {endpoint}: {reason}")]
pub struct ConnectError {
    /// The endpoint tried.
    pub endpoint: String,
    /// The innermost cause, e.g. `Connection refused (os error 111)`.
    pub reason: String,
}

/// The CLI's own refusals.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad or missing configuration or arguments (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The named cluster, task or image does not exist (exit 1).
    #[error("{0}")]
    NotFound(String),
    /// The watched upgrade ended in failure (exit 4).
    #[error("{0}")]
    UpgradeFailed(String),
    /// A dry run found failing checks (exit 1, as UpgradeCore would refuse).
    #[error("{0}")]
    ChecksFailed(String),
}

/// Exit codes, documented in `searchplane --help`.
pub mod exit {
    /// The API refused the request, or the named object does not exist.
    pub const API: u8 = 1;
    /// Usage or configuration error (also clap's own code for bad flags).
    pub const USAGE: u8 = 2;
    /// The server could not be reached.
    pub const CONNECTION: u8 = 3;
    /// The watched upgrade failed.
    pub const UPGRADE_FAILED: u8 = 4;
}

/// The exit code for an error, from the first typed error in its chain.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if cause.downcast_ref::<RemoteError>().is_some() {
            return ExitCode::from(exit::API);
        }
        if cause.downcast_ref::<ConnectError>().is_some() {
            return ExitCode::from(exit::CONNECTION);
        }
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return ExitCode::from(match f {
                Failure::Usage(_) => exit::USAGE,
                Failure::NotFound(_) | Failure::ChecksFailed(_) => exit::API,
                Failure::UpgradeFailed(_) => exit::UPGRADE_FAILED,
            });
        }
    }
    ExitCode::from(exit::API)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_decoded_and_anything_else_is_kept_readable() {
        let e = RemoteError::from_body(
            400,
            br#"{"error_code":"CSS.0001","error_msg":"Incorrect parameters."}"#,
        );
        assert_eq!(e.to_string(), "CSS.0001: Incorrect parameters.");
        let e = RemoteError::from_body(502, b"<html>Bad Gateway</html>");
        assert_eq!(e.to_string(), "HTTP 502: <html>Bad Gateway</html>");
        assert_eq!(
            RemoteError::from_body(500, b"").to_string(),
            "HTTP 500: (empty body)"
        );
    }

    #[test]
    fn exit_codes_follow_the_first_typed_error_under_any_context() {
        let remote = anyhow::Error::new(RemoteError::from_body(404, b"")).context("showing x");
        assert_eq!(exit_code(&remote), ExitCode::from(1));
        let conn = anyhow::Error::new(ConnectError {
            endpoint: "http://x".into(),
            reason: "refused".into(),
        });
        assert_eq!(exit_code(&conn), ExitCode::from(3));
        let usage = anyhow::Error::new(Failure::Usage("no credentials".into()));
        assert_eq!(exit_code(&usage), ExitCode::from(2));
        let failed = anyhow::Error::new(Failure::UpgradeFailed("x".into())).context("watching");
        assert_eq!(exit_code(&failed), ExitCode::from(4));
        assert_eq!(exit_code(&anyhow::anyhow!("other")), ExitCode::from(1));
    }
}
