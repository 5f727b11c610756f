//! Crash safety: the real binary is killed with SIGKILL in the middle of an upgrade, restarted
//! on the same data directory, and finishes the task — every phase of every node committed
//! exactly once.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use sign::{SecretKey, Signer};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "CRASHTESTAK000000001";
const SK: &str = "crashtestsecret0000000000000000000000001";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_searchplane"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--sim-speed",
            "3000",
            "--data-dir",
        ])
        .arg(dir)
        .env("SEARCHPLANE_ACCESS_KEY", AK)
        .env("SEARCHPLANE_SECRET_KEY", SK)
        .env("SEARCHPLANE_PROJECT_ID", PROJECT)
        .env("SEARCHPLANE_ADMIN_TOKEN", "crash-admin")
        .env("SEARCHPLANE_TASK_LEASE_SECS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

struct Client {
    http: reqwest::Client,
    host: String,
    signer: Signer,
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let (p, q) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let headers = [
            ("content-type", "application/json"),
            ("host", self.host.as_str()),
        ];
        let signed = self
            .signer
            .sign(method.as_str(), p, q, &headers, &bytes, Utc::now());
        let mut req = self
            .http
            .request(method, format!("http://{}{path}", self.host));
        for (k, v) in headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain(signed)
        {
            req = req.header(k, v);
        }
        match req.body(bytes).timeout(Duration::from_secs(5)).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let text = r.text().await.unwrap_or_default();
                (status, serde_json::from_str(&text).unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    async fn wait_up(&self) {
        for _ in 0..200 {
            if self
                .call(
                    reqwest::Method::GET,
                    &format!("/v1.0/{PROJECT}/clusters"),
                    None,
                )
                .await
                .0
                == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not come up");
    }

    async fn latest_task(&self, cluster: &str) -> Value {
        let (_, d) = self
            .call(
                reqwest::Method::GET,
                &format!("/v1.0/{PROJECT}/clusters/{cluster}/upgrade/detail"),
                None,
            )
            .await;
        d["detailList"][0].clone()
    }
}

#[tokio::test]
async fn a_server_killed_mid_upgrade_finishes_the_task_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let client = Client {
        http: reqwest::Client::new(),
        host: format!("127.0.0.1:{port}"),
        signer: Signer::new(AK, SecretKey::new(SK)),
    };
    let mut server = start(dir.path(), port);
    client.wait_up().await;

    let body = json!({"cluster": {"name": "crashy", "datastore": {"type": "elasticsearch", "version": "7.6.2"},
        "roles": [{"flavorRef": "ess.spec-4u8g", "instanceNum": 3, "type": "ess", "volume": {"volume_type": "COMMON", "size": 40}}],
        "nics": {"vpcId": "v", "netId": "n", "securityGroupId": "s"}, "availability_zone": "eu-de-01"}});
    let (status, created) = client
        .call(
            reqwest::Method::POST,
            &format!("/v2.0/{PROJECT}/clusters"),
            Some(&body),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["cluster"]["id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        let (_, d) = client
            .call(
                reqwest::Method::GET,
                &format!("/v1.0/{PROJECT}/clusters/{id}"),
                None,
            )
            .await;
        if d["status"] == "200" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, targets) = client
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/{PROJECT}/clusters/{id}/target/cross/images"),
            None,
        )
        .await;
    let image = targets["imageInfoList"][0]["id"].clone();
    let upgrade = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false, "agency": "a"});
    let (status, started) = client
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/{PROJECT}/clusters/{id}/inst-type/all/image/upgrade"),
            Some(&upgrade),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let task_id = started["actionId"].as_str().unwrap().to_owned();

    // Let it get past the first node, then SIGKILL the process.
    for _ in 0..400 {
        let t = client.latest_task(&id).await;
        if t["completedNodes"].as_str().is_some_and(|s| !s.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = client.latest_task(&id).await;
    assert_eq!(before["status"], "RUNNING", "killed mid-upgrade: {before}");
    server.kill().unwrap();
    server.wait().unwrap();

    let mut server = start(dir.path(), port);
    client.wait_up().await;
    let mut done = Value::Null;
    for _ in 0..600 {
        done = client.latest_task(&id).await;
        if done["status"] != "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(done["id"], task_id.as_str());
    assert_eq!(done["executeTimes"], "1");
    assert_eq!(
        done["completedNodes"],
        "crashy-ess-esn-1-1,crashy-ess-esn-2-1,crashy-ess-esn-3-1"
    );
    let (_, d) = client
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/{PROJECT}/clusters/{id}"),
            None,
        )
        .await;
    assert_eq!(d["datastore"]["version"], "7.10.2");
    assert_eq!(d["actions"], json!([]));
    server.kill().unwrap();
    server.wait().unwrap();

    // Every transition was committed once: 3 nodes × 13 phases × (start + end), nothing repeated
    // by the restarted runner and nothing lost by the killed one.
    let store = store::SqliteStore::open(&dir.path().join("searchplane.db"))
        .await
        .unwrap();
    let stored = domain::Store::task(&store, &id, &task_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 3 * 13 * 2);
    assert!(
        stored
            .task
            .nodes
            .iter()
            .all(domain::upgrade::TaskNode::is_complete)
    );
}
