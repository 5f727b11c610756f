//! A small client of the server's API for loading state and for the engine benchmark: signed CSS
//! requests (as the official SDK signs them) on behalf of a [`Tenant`], and bearer-token
//! operator requests. The load generator does not use it; it has its own lean HTTP/1.1
//! connections (see `load`).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sign::{SecretKey, Signer};

use crate::server::{ACCESS_KEY, ADMIN_TOKEN, PROJECT, SECRET_KEY};

/// An answer: status and raw body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Body bytes.
    pub body: bytes::Bytes,
}

impl Reply {
    /// The body as `T`, when the status is 2xx.
    pub fn json<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        anyhow::ensure!(
            self.status.is_success(),
            "HTTP {}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "unexpected body: {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    /// The CSS `error_code` of an error answer.
    pub fn error_code(&self) -> Option<String> {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()?
            .get("error_code")?
            .as_str()
            .map(str::to_owned)
    }

    /// Whether the server has no such route (404 `APIG.0101`): an endpoint this server
    /// version does not have yet.
    pub fn is_no_such_api(&self) -> bool {
        self.status.as_u16() == wire::ErrorCode::ApigNoSuchApi.status()
            && self.error_code().as_deref() == Some(wire::ErrorCode::ApigNoSuchApi.code())
    }

    /// The body as text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A project and the AK/SK that acts on it.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Project id.
    pub project_id: String,
    /// Signs with the project's AK/SK.
    pub signer: Signer,
}

impl Tenant {
    /// The project the server creates at first start from the bench's environment.
    pub fn first_start() -> Self {
        Tenant {
            project_id: PROJECT.to_owned(),
            signer: Signer::new(ACCESS_KEY, SecretKey::new(SECRET_KEY)),
        }
    }
}

/// Client of one server, signing as one tenant.
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    host: String,
    tenant: Arc<Tenant>,
}

impl Api {
    /// A client of the server at `host` (`ip:port`), signing as the first-start project.
    pub fn new(host: &str) -> anyhow::Result<Self> {
        Ok(Api {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?,
            base: format!("http://{host}"),
            host: host.to_owned(),
            tenant: Arc::new(Tenant::first_start()),
        })
    }

    /// The same client, signing as `tenant`.
    pub fn as_tenant(&self, tenant: Tenant) -> Api {
        Api {
            tenant: Arc::new(tenant),
            ..self.clone()
        }
    }

    /// `/v1.0/{project}{rest}` of this client's tenant.
    pub fn v1(&self, rest: &str) -> String {
        format!("/v1.0/{}{rest}", self.tenant.project_id)
    }

    /// `/v2.0/{project}{rest}` of this client's tenant.
    pub fn v2(&self, rest: &str) -> String {
        format!("/v2.0/{}{rest}", self.tenant.project_id)
    }

    /// A CSS request signed with the bench AK/SK; `path_and_query` as it goes on the wire.
    pub async fn signed<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&B>,
    ) -> anyhow::Result<Reply> {
        let body = match body {
            Some(b) => serde_json::to_vec(b)?,
            None => Vec::new(),
        };
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let headers = [("content-type", "application/json"), ("host", &self.host)];
        let added =
            self.tenant
                .signer
                .sign(method.as_str(), path, query, &headers, &body, Utc::now());
        let mut req = self
            .client
            .request(method, format!("{}{path_and_query}", self.base))
            .header("content-type", "application/json");
        for (k, v) in &added {
            req = req.header(k.as_str(), v.as_str());
        }
        send(req.body(body)).await
    }

    /// An operator request (`Authorization: Bearer <token>`).
    pub async fn admin<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> anyhow::Result<Reply> {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(b) = body {
            req = req.json(b);
        }
        send(req).await
    }

    /// An unauthenticated GET (`/healthz`, `/metrics`).
    pub async fn get_plain(&self, path: &str) -> anyhow::Result<Reply> {
        send(self.client.get(format!("{}{path}", self.base))).await
    }
}

async fn send(req: reqwest::RequestBuilder) -> anyhow::Result<Reply> {
    let resp = req.send().await.context("sending a request")?;
    let status = resp.status();
    let body = resp.bytes().await.context("reading an answer")?;
    Ok(Reply { status, body })
}
