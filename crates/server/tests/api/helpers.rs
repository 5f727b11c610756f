//! `spawn_app()` and `TestApp`: a server on `127.0.0.1:0` with a fresh data dir (SQLite) or a
//! fresh PostgreSQL schema, fixed credentials, and typed, signed helpers.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sign::{SecretKey, Signer};
use tokio_util::sync::CancellationToken;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const AK: &str = "TESTACCESSKEY0000001";
pub const SK: &str = "testsecretkey000000000000000000000000001";
pub const ADMIN: &str = "test-admin-token";

pub enum Backend {
    Sqlite,
    Postgres(String),
}

/// The backends a test should run on: SQLite, plus PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("SEARCHPLANE_TEST_DATABASE_URL") {
        v.push(Backend::Postgres(url));
    }
    v
}

pub struct TestApp {
    pub base: String,
    pub host: String,
    pub client: reqwest::Client,
    pub signer: Signer,
    pub project: String,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    #[track_caller]
    pub fn error_code(&self) -> &str {
        self.body["error_code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error_code in {}", self.body))
    }

    /// Asserts an error response in the CSS envelope with exactly these status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.error_code(), code, "body: {}", self.body);
        let obj = self.body.as_object().unwrap();
        assert_eq!(
            obj.len(),
            2,
            "envelope has exactly error_code and error_msg: {}",
            self.body
        );
        assert!(!self.body["error_msg"].as_str().unwrap().is_empty());
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        self.body
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(&Backend::Sqlite).await
}

static SCHEMA_SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

pub async fn spawn_app_on(backend: &Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// A server whose configuration the test adjusts (sim speed, upgrade cap, lease).
pub async fn spawn_app_with(backend: &Backend, tweak: impl FnOnce(&mut server::Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = server::Config::new(dir.path().to_path_buf()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.sim_speed = engine::SimSpeed::new(100_000.0).unwrap();
    config.initial_credentials = domain::credentials::Credentials {
        project_id: PROJECT.into(),
        project_name: "eu-de".into(),
        access_key: AK.into(),
        secret_key: SK.into(),
        user_name: "tester".into(),
        password: "Test-Passw0rd".into(),
        admin_token: ADMIN.into(),
    };
    tweak(&mut config);
    let server = match backend {
        Backend::Sqlite => server::build(config).await.unwrap(),
        Backend::Postgres(url) => {
            let n = SCHEMA_SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let schema = format!("api_{}_{n}", std::process::id());
            let store = store::PgStore::connect_isolated(url, &schema)
                .await
                .unwrap();
            server::build_with_store(config, Arc::new(store))
                .await
                .unwrap()
        }
    };
    assert_eq!(server.credentials.access_key, AK);
    let addr = server.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    tokio::spawn(server.serve(shutdown.clone()));
    TestApp {
        base: format!("http://{addr}"),
        host: addr.to_string(),
        client: reqwest::Client::new(),
        signer: Signer::new(AK, SecretKey::new(SK)),
        project: PROJECT.to_owned(),
        shutdown,
        _dir: dir,
    }
}

impl TestApp {
    /// A client for a server the test started itself.
    pub fn attach(
        addr: std::net::SocketAddr,
        shutdown: CancellationToken,
        dir: tempfile::TempDir,
    ) -> TestApp {
        TestApp {
            base: format!("http://{addr}"),
            host: addr.to_string(),
            client: reqwest::Client::new(),
            signer: Signer::new(AK, SecretKey::new(SK)),
            project: PROJECT.to_owned(),
            shutdown,
            _dir: dir,
        }
    }

    pub fn v1(&self, rest: &str) -> String {
        format!("/v1.0/{}{rest}", self.project)
    }

    /// A signed request, as the official SDK would send it.
    pub async fn signed(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Reply {
        self.signed_at(method, path_and_query, body, Utc::now())
            .await
    }

    pub async fn signed_at(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
        at: DateTime<Utc>,
    ) -> Reply {
        let body = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        self.signed_raw(method, path_and_query, &body, &[], at, &self.signer)
            .await
    }

    /// A signed request with full control: raw body bytes, extra signed headers, any date and signer.
    pub async fn signed_raw(
        &self,
        method: Method,
        path_and_query: &str,
        body: &[u8],
        extra: &[(&str, &str)],
        at: DateTime<Utc>,
        signer: &Signer,
    ) -> Reply {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let mut headers: Vec<(&str, &str)> =
            vec![("content-type", "application/json"), ("host", &self.host)];
        headers.extend_from_slice(extra);
        let added = signer.sign(method.as_str(), path, query, &headers, body, at);
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        all.extend(added);
        self.raw(method, path_and_query, &all, body.to_vec()).await
    }

    /// A request sent exactly as given.
    pub async fn raw(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{path_and_query}", self.base));
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req
            .body(body)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.signed(Method::GET, path, None).await
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut headers = vec![("authorization".to_owned(), format!("Bearer {ADMIN}"))];
        if body.is_some() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        self.raw(method, path, &headers, bytes).await
    }

    /// Creates a cluster through the v2 API and returns its id.
    pub async fn create_cluster(
        &self,
        name: &str,
        engine: &str,
        version: &str,
        nodes: u32,
    ) -> String {
        let reply = self
            .signed(
                Method::POST,
                &format!("/v2.0/{}/clusters", self.project),
                Some(&cluster_body(name, engine, version, nodes)),
            )
            .await;
        let body = reply.ok();
        assert_eq!(body["cluster"]["name"], name);
        body["cluster"]["id"].as_str().unwrap().to_owned()
    }

    /// Polls ShowClusterDetail until status "200".
    pub async fn wait_available(&self, id: &str) -> Value {
        for _ in 0..400 {
            let detail = self.get(&self.v1(&format!("/clusters/{id}"))).await.ok();
            if detail["status"] == "200" {
                return detail;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("cluster {id} never became available");
    }

    pub async fn available_cluster(&self, name: &str, engine: &str, version: &str) -> String {
        let id = self.create_cluster(name, engine, version, 3).await;
        self.wait_available(&id).await;
        id
    }

    /// The id of the only target image of a kind.
    pub async fn target_id(&self, cluster: &str, kind: &str) -> String {
        let body = self.targets(cluster, kind).await.ok();
        assert_eq!(body["totalSize"], 1, "{body}");
        body["imageInfoList"][0]["id"].as_str().unwrap().to_owned()
    }

    /// UpgradeCore with the given body.
    pub async fn upgrade_raw(&self, cluster: &str, query: &str, body: &Value) -> Reply {
        self.signed(
            Method::POST,
            &self.v1(&format!(
                "/clusters/{cluster}/inst-type/all/image/upgrade{query}"
            )),
            Some(body),
        )
        .await
    }

    /// Starts an upgrade to the only target of `kind` (backup check off); returns the task id.
    pub async fn start_upgrade(&self, cluster: &str, kind: &str) -> String {
        let image = self.target_id(cluster, kind).await;
        let body = json!({"target_image_id": image, "upgrade_type": kind,
                          "indices_backup_check": false, "agency": "css_upgrade_agency"});
        let r = self.upgrade_raw(cluster, "", &body).await.ok();
        r["actionId"].as_str().unwrap().to_owned()
    }

    /// The newest task of UpgradeDetail.
    pub async fn latest_task(&self, cluster: &str) -> Value {
        let d = self
            .get(&self.v1(&format!("/clusters/{cluster}/upgrade/detail")))
            .await
            .ok();
        d["detailList"][0].clone()
    }

    /// Polls UpgradeDetail until the newest task's status is one of `statuses`.
    pub async fn wait_task(&self, cluster: &str, statuses: &[&str]) -> Value {
        for _ in 0..1200 {
            let t = self.latest_task(cluster).await;
            if statuses.iter().any(|s| t["status"] == *s) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "task of {cluster} never reached {statuses:?}: {}",
            self.latest_task(cluster).await
        );
    }

    pub async fn retry(&self, cluster: &str, task: &str, query: &str) -> Reply {
        self.signed(
            Method::PUT,
            &self.v1(&format!("/clusters/{cluster}/upgrade/{task}/retry{query}")),
            None,
        )
        .await
    }

    pub async fn targets(&self, cluster: &str, kind: &str) -> Reply {
        self.get(&self.v1(&format!("/clusters/{cluster}/target/{kind}/images")))
            .await
    }
}

pub fn cluster_body(name: &str, engine: &str, version: &str, nodes: u32) -> Value {
    json!({"cluster": {
        "name": name,
        "datastore": {"type": engine, "version": version},
        "roles": [{"flavorRef": "ess.spec-4u8g", "instanceNum": nodes, "type": "ess",
                   "volume": {"volume_type": "COMMON", "size": 40}}],
        "nics": {"vpcId": "vpc-1", "netId": "net-1", "securityGroupId": "sg-1"},
        "availability_zone": "eu-de-01"
    }})
}
