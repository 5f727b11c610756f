//! Several replicas on one PostgreSQL: any replica answers any request, a task runs on exactly
//! one replica at a time, and a replica that dies mid-upgrade has its task finished by another.
//! Runs only when `SEARCHPLANE_TEST_DATABASE_URL` is set.

use std::sync::Arc;
use std::time::Duration;

use domain::Store;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::helpers::{ADMIN, AK, PROJECT, SK, TestApp};

struct Replica {
    app: TestApp,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn replica(url: &str, schema: &str) -> (Replica, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(
        store::PgStore::connect_in_schema(url, schema)
            .await
            .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut config = server::Config::new(dir.path().to_path_buf()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.sim_speed = engine::SimSpeed::new(3_000.0).unwrap();
    config.task_lease = Duration::from_millis(800);
    config.initial_credentials = domain::credentials::Credentials {
        project_id: PROJECT.into(),
        project_name: "eu-de".into(),
        access_key: AK.into(),
        secret_key: SK.into(),
        user_name: "tester".into(),
        password: "Test-Passw0rd".into(),
        admin_token: ADMIN.into(),
    };
    let server = server::build_with_store(config, store.clone())
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server.serve(shutdown.clone()));
    (
        Replica {
            app: TestApp::attach(addr, shutdown, dir),
            task,
        },
        store,
    )
}

#[tokio::test]
async fn two_replicas_run_a_task_exactly_once_and_a_killed_replicas_task_is_finished_by_the_other()
{
    let Ok(url) = std::env::var("SEARCHPLANE_TEST_DATABASE_URL") else {
        eprintln!("SEARCHPLANE_TEST_DATABASE_URL not set: PostgreSQL replica test skipped");
        return;
    };
    let schema = format!("replicas_{}", std::process::id());
    // A previous run's schema must not leak state into this one.
    drop(
        store::PgStore::connect_isolated(&url, &schema)
            .await
            .unwrap(),
    );
    let (a, store) = replica(&url, &schema).await;
    let (b, _) = replica(&url, &schema).await;

    // Created through A, upgraded through B, watched through both.
    let id = a
        .app
        .available_cluster("shared", "elasticsearch", "7.6.2")
        .await;
    assert_eq!(
        a.app.targets(&id, "cross").await.ok()["totalSize"],
        1,
        "cached on A"
    );
    let task_id = b.app.start_upgrade(&id, "cross").await;
    let done = a
        .app
        .wait_task(&id, &["SUCCESS", "FAILED", "PARTIAL_FAILED"])
        .await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let stored = store.task(&id, &task_id).await.unwrap().unwrap();
    // 3 nodes × 13 phases × (start + end): one write each, so no phase ran twice.
    assert_eq!(
        stored.version,
        3 * 13 * 2,
        "every transition committed exactly once"
    );

    // Whichever replica ran it, neither serves the pre-upgrade targets any more.
    for r in [&a, &b] {
        eventually(|| async { r.app.targets(&id, "cross").await.ok()["totalSize"] == 0 }).await;
    }
    // An operator change on one replica reaches the other's catalog.
    assert_eq!(b.app.targets(&id, "same").await.ok()["totalSize"], 0);
    let added = a
        .app
        .admin(
            reqwest::Method::POST,
            "/admin/v1/images",
            Some(&json!({"datastoreType": "elasticsearch", "datastoreVersion": "7.10.2", "build": "27.0.0"})),
        )
        .await;
    assert_eq!(added.status.as_u16(), 201);
    eventually(|| async { b.app.targets(&id, "same").await.ok()["totalSize"] == 1 }).await;

    // With B gone, A alone runs the next task; A dies in the middle of it (no hand-back, its
    // lease stays), and a new replica C finishes it once the lease expires.
    b.task.abort();
    let id2 = a
        .app
        .available_cluster("second", "elasticsearch", "7.6.2")
        .await;
    let task2 = a.app.start_upgrade(&id2, "cross").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mid = a.app.latest_task(&id2).await;
    assert_eq!(mid["status"], "RUNNING", "{mid}");
    assert_ne!(
        mid["completedNodes"],
        "es-762-ess-esn-1-1,es-762-ess-esn-2-1,es-762-ess-esn-3-1"
    );
    a.task.abort();
    let (c, _) = replica(&url, &schema).await;
    let done = c
        .app
        .wait_task(&id2, &["SUCCESS", "FAILED", "PARTIAL_FAILED"])
        .await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(done["id"], task2.as_str());
    let detail = c.app.get(&c.app.v1(&format!("/clusters/{id2}"))).await.ok();
    assert_eq!(detail["datastore"]["version"], "7.10.2");
    assert_eq!(detail["actions"], json!([]));
    let phases = done["currentNodeDetail"].as_array().unwrap();
    assert!(phases.iter().all(|p| p["status"] == "SUCCESS"));
}

/// Polls for up to two seconds: other replicas hear of a change through PostgreSQL NOTIFY,
/// milliseconds after it committed.
async fn eventually<F, Fut>(check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the change never reached the other replica");
}
