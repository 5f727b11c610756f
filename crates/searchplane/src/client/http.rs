//! The HTTP side of the client: CSS calls signed like the official SDK (`SDK-HMAC-SHA256` over
//! exactly the headers sent: `content-type`, `host`, `x-sdk-date`), operator calls with the
//! bearer token, and the decoding of answers into JSON or a typed [`RemoteError`].

use std::error::Error as _;
use std::time::Duration;

use anyhow::Context;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sign::{SecretKey, Signer};

use super::config::{Endpoint, Settings};
use super::error::{ConnectError, RemoteError};
use crate::cli::Output;

/// RFC 3986 unreserved characters stay as they are; everything else in a path segment is
/// percent-encoded (the signer signs the path exactly as sent).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment (a cluster or task id typed by the user).
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// A successful answer: the body exactly as sent (what `--output json` prints, in the
/// server's field order) and parsed (`null` for an empty body).
#[derive(Debug)]
pub struct Answer {
    /// The body text.
    pub text: String,
    /// The parsed body.
    pub value: Value,
}

impl std::ops::Deref for Answer {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.value
    }
}

/// A client of one searchplane server.
pub struct Api {
    http: reqwest::Client,
    settings: Settings,
}

impl Api {
    /// A client with the resolved settings; credentials are checked when first needed.
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .context("building the HTTP client")?;
        Ok(Api { http, settings })
    }

    /// How results are printed.
    pub fn output(&self) -> Output {
        self.settings.output
    }

    /// The server.
    pub fn endpoint(&self) -> &Endpoint {
        &self.settings.endpoint
    }

    /// A signed CSS call. `path` is relative to `/v1.0/{project_id}` (or `/v2.0/…` with
    /// `v2`), `query` is already encoded (`""` for none).
    pub async fn css(
        &self,
        method: Method,
        version: ApiVersion,
        path: &str,
        query: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Answer> {
        let creds = self.settings.signing()?;
        let path = format!("/{}/{}{path}", version.as_str(), seg(&creds.project_id));
        let body = match body {
            Some(b) => serde_json::to_vec(b).context("encoding the request body")?,
            None => Vec::new(),
        };
        let endpoint = self.endpoint();
        let headers = [
            ("content-type", "application/json"),
            ("host", endpoint.host.as_str()),
        ];
        let signer = Signer::new(creds.access_key, SecretKey::new(creds.secret_key));
        let raw_query = (!query.is_empty()).then_some(query);
        let added = signer
            .try_sign(
                method.as_str(),
                &path,
                raw_query,
                &headers,
                &body,
                chrono::Utc::now(),
            )
            .with_context(|| format!("signing {method} {path}"))?;
        let url = match raw_query {
            Some(q) => format!("{}{path}?{q}", endpoint.base),
            None => format!("{}{path}", endpoint.base),
        };
        let mut req = self.http.request(method, url);
        for (k, v) in headers.iter().copied() {
            req = req.header(k, v);
        }
        for (k, v) in &added {
            req = req.header(k.as_str(), v.as_str());
        }
        self.send(req.body(body)).await
    }

    /// An operator call (`/admin/v1/…`) with the bearer token.
    pub async fn admin(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Answer> {
        let token = self.settings.admin_token()?;
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.endpoint().base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> anyhow::Result<Answer> {
        let resp = req.send().await.map_err(|e| self.connect_error(&e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.connect_error(&e))?;
        if !status.is_success() {
            return Err(RemoteError::from_body(status.as_u16(), &bytes).into());
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if text.trim().is_empty() {
            return Ok(Answer {
                text,
                value: Value::Null,
            });
        }
        let value: Value = serde_json::from_str(&text).with_context(|| {
            format!(
                "the server at {} answered HTTP {status} with a body that is not JSON",
                self.endpoint().base
            )
        })?;
        // The error-code appendix lists CSS.0011 ("another operation is being performed")
        // under HTTP 202, so an error envelope is an error whatever the status says.
        if value.get("error_code").is_some_and(Value::is_string)
            && value.get("error_msg").is_some_and(Value::is_string)
        {
            return Err(RemoteError::from_body(status.as_u16(), text.as_bytes()).into());
        }
        Ok(Answer { text, value })
    }

    fn connect_error(&self, e: &reqwest::Error) -> anyhow::Error {
        // reqwest's own message is "error sending request for url (…)"; the innermost cause
        // ("Connection refused", "dns error: …", "operation timed out") is the useful part.
        let mut reason = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            reason = s.to_string();
            source = s.source();
        }
        if e.is_timeout() {
            reason = format!("timed out ({reason})");
        }
        ConnectError {
            endpoint: self.endpoint().base.clone(),
            reason,
        }
        .into()
    }
}

/// The API version prefix of a CSS path.
#[derive(Clone, Copy, Debug)]
pub enum ApiVersion {
    /// `/v1.0`.
    V1,
    /// `/v2.0`.
    V2,
}

impl ApiVersion {
    fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::V2 => "v2.0",
        }
    }
}

/// Decodes an answer into its wire type; a mismatch names the operation.
pub fn decode<T: DeserializeOwned>(answer: &Answer, what: &str) -> anyhow::Result<T> {
    T::deserialize(&answer.value)
        .with_context(|| format!("unexpected {what} answer from the server"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_ids_and_encode_the_rest() {
        assert_eq!(
            seg("4f3deec3-efa6-4f5e-9f41-0a1d6c7e0001"),
            "4f3deec3-efa6-4f5e-9f41-0a1d6c7e0001"
        );
        assert_eq!(seg("a b/c?"), "a%20b%2Fc%3F");
        assert_eq!(seg("中"), "%E4%B8%AD");
    }
}
