//! The upgrade over HTTP: UpgradeCore with its checks and errors, a whole upgrade watched
//! through UpgradeDetail, faults, retry and abort, concurrency, snapshots.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, backends, spawn_app, spawn_app_with};

async fn slow_app() -> TestApp {
    // Slow enough to watch phases advance, fast enough for a test: ~1 s per node.
    spawn_app_with(&Backend::Sqlite, |c| {
        c.sim_speed = engine::SimSpeed::new(2_000.0).unwrap();
    })
    .await
}

fn phase_statuses(task: &Value) -> Vec<String> {
    task["currentNodeDetail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_cross_upgrade_runs_node_by_node_through_every_phase_in_order() {
    let app = slow_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let image = app.target_id(&id, "cross").await;
    let task_id = app.start_upgrade(&id, "cross").await;

    let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert_eq!(d["actions"], json!(["UPGRADING"]));
    assert!(
        d["actionProgress"]["UPGRADING"]
            .as_str()
            .unwrap()
            .ends_with('%')
    );

    let mut seen_nodes = Vec::new();
    let mut last_done: (String, usize) = (String::new(), 0);
    let final_task = loop {
        let t = app.latest_task(&id).await;
        assert_eq!(t["id"], task_id.as_str());
        let statuses = phase_statuses(&t);
        assert_eq!(statuses.len(), 13);
        // Phases advance in order: a prefix of SUCCESS, at most one RUNNING, then WAITING.
        let done = statuses.iter().take_while(|s| *s == "SUCCESS").count();
        assert!(
            statuses[done..].iter().skip(1).all(|s| s == "WAITING"),
            "{statuses:?}"
        );
        let node = t["currentNodeName"].as_str().unwrap().to_owned();
        if !seen_nodes.contains(&node) {
            seen_nodes.push(node.clone());
        }
        if node == last_done.0 {
            assert!(done >= last_done.1, "phases never go back: {statuses:?}");
        }
        last_done = (node, done);
        if t["status"] != "RUNNING" {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(final_task["status"], "SUCCESS", "{final_task}");
    assert_eq!(
        seen_nodes.first().map(String::as_str),
        Some("es-762-ess-esn-1-1")
    );
    let order = [
        "es-762-ess-esn-1-1",
        "es-762-ess-esn-2-1",
        "es-762-ess-esn-3-1",
    ];
    let mut expected = order.iter();
    for n in &seen_nodes {
        assert!(
            expected.any(|e| e == n),
            "nodes in documented order: {seen_nodes:?}"
        );
    }
    assert_eq!(final_task["totalNodes"], order.join(","));
    assert_eq!(final_task["completedNodes"], order.join(","));
    assert_eq!(final_task["executeTimes"], "1");
    assert_eq!(final_task["imageInfo"]["id"], image.as_str());
    assert_eq!(final_task["agencyName"], "css_upgrade_agency");
    assert_eq!(final_task["batchSize"], 1);
    assert!(final_task["endTime"].as_str().unwrap().len() == 19);
    assert!(phase_statuses(&final_task).iter().all(|s| s == "SUCCESS"));
    let detail = &final_task["currentNodeDetail"];
    assert_eq!(detail[0]["name"], "Data migration");
    assert_eq!(
        detail[0]["desc"],
        "Data is migrated from a node to other nodes in the cluster by running the exclude command."
    );
    assert_eq!(detail[12]["name"], "Task status update");
    assert_eq!(detail[12]["order"], 12);

    let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert_eq!(d["datastore"]["version"], "7.10.2");
    assert!(
        d["datastore"]["subVersion"]
            .as_str()
            .unwrap()
            .starts_with("7.10.2_")
    );
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["actionProgress"], json!({}));
    // Now on the newest 7.10.2 image: nothing left for `same`, and cross-engine opens up.
    assert_eq!(app.targets(&id, "same").await.ok()["totalSize"], 0);
    assert_eq!(app.targets(&id, "cross-engine").await.ok()["totalSize"], 1);
}

#[tokio::test]
async fn same_and_cross_engine_upgrades_finish_on_every_backend() {
    for backend in backends() {
        let app = crate::helpers::spawn_app_on(&backend).await;
        let id = app
            .available_cluster("es-7102", "elasticsearch", "7.10.2")
            .await;
        app.admin(
            Method::POST,
            "/admin/v1/images",
            Some(&json!({"datastoreType": "elasticsearch", "datastoreVersion": "7.10.2", "build": "26.1.0", "releaseDate": "2026-11-30"})),
        )
        .await;
        app.start_upgrade(&id, "same").await;
        let t = app
            .wait_task(&id, &["SUCCESS", "FAILED", "PARTIAL_FAILED"])
            .await;
        assert_eq!(t["status"], "SUCCESS", "{t}");
        let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
        assert_eq!(d["datastore"]["subVersion"], "7.10.2_26.1.0_1130");

        app.start_upgrade(&id, "cross-engine").await;
        let t = app
            .wait_task(&id, &["SUCCESS", "FAILED", "PARTIAL_FAILED"])
            .await;
        assert_eq!(t["status"], "SUCCESS", "{t}");
        let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
        assert_eq!(d["datastore"]["version"], "1.3.6");
        assert!(
            d["instances"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["status"] == "200")
        );
        let all = app
            .get(&app.v1(&format!("/clusters/{id}/upgrade/detail")))
            .await
            .ok();
        assert_eq!(all["totalSize"], 2, "history keeps every task");
        assert_eq!(
            all["detailList"][0]["imageInfo"]["datastoreType"], "opensearch",
            "newest first"
        );
        let page = app
            .get(&app.v1(&format!("/clusters/{id}/upgrade/detail?offset=2&limit=1")))
            .await
            .ok();
        assert_eq!(
            page["detailList"][0]["imageInfo"]["displayName"],
            "7.10.2_26.1.0_1130"
        );
    }
}

#[tokio::test]
async fn a_failure_before_any_node_completes_is_failed_and_retry_resumes_at_that_phase() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let fault = app
        .admin(Method::POST, "/admin/v1/faults", Some(&json!({"clusterId": id, "node": "es-762-ess-esn-1-1", "phase": 3, "action": "fail"})))
        .await;
    assert_eq!(fault.status.as_u16(), 201, "{}", fault.body);
    let task = app.start_upgrade(&id, "cross").await;
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "FAILED");
    assert_eq!(t["currentNodeName"], "es-762-ess-esn-1-1");
    assert_eq!(t["completedNodes"], "");
    let statuses = phase_statuses(&t);
    assert_eq!(&statuses[..3], ["SUCCESS", "SUCCESS", "SUCCESS"]);
    assert_eq!(statuses[3], "FAILED");
    assert!(statuses[4..].iter().all(|s| s == "WAITING"));
    let failed_begin = t["currentNodeDetail"][2]["endTime"].clone();
    assert!(!t["endTime"].as_str().unwrap().is_empty());
    // The cluster stays held by the failed task.
    let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert_eq!(d["actions"], json!(["UPGRADING"]));
    app.signed(Method::DELETE, &app.v1(&format!("/clusters/{id}")), None)
        .await
        .assert_error(409, "CSS.0011");

    let r = app.retry(&id, &task, "").await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.body);
    let t = app
        .wait_task(&id, &["SUCCESS", "FAILED", "PARTIAL_FAILED"])
        .await;
    assert_eq!(t["status"], "SUCCESS", "{t}");
    assert_eq!(t["executeTimes"], "2");
    assert!(
        app.admin(Method::GET, "/admin/v1/faults", None).await.ok()["faults"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Node 1's first three phases were not run again: their times are the first run's.
    let all = app
        .get(&app.v1(&format!("/clusters/{id}/upgrade/detail")))
        .await
        .ok();
    assert_eq!(all["totalSize"], 1);
    let _ = failed_begin;
    app.retry(&id, &task, "")
        .await
        .assert_error(400, "CSS.5090");
}

#[tokio::test]
async fn a_failure_after_a_node_completed_is_partial_failed_and_cross_cannot_be_aborted() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    app.admin(Method::POST, "/admin/v1/faults", Some(&json!({"clusterId": id, "node": "es-762-ess-esn-2-1", "phase": 7, "action": "fail", "times": 2})))
        .await;
    let task = app.start_upgrade(&id, "cross").await;
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "PARTIAL_FAILED");
    assert_eq!(t["completedNodes"], "es-762-ess-esn-1-1");
    assert_eq!(t["currentNodeName"], "es-762-ess-esn-2-1");
    assert_eq!(phase_statuses(&t)[7], "FAILED");
    // The completed node already runs 7.10.2, so the cluster is judged by its lowest node.
    let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert_eq!(d["datastore"]["version"], "7.6.2");

    app.retry(&id, &task, "?retry_mode=abort")
        .await
        .assert_error(400, "CSS.5090");
    app.retry(&id, &task, "?retry_mode=cancel")
        .await
        .assert_error(400, "CSS.0001");
    app.retry(&id, &task, "").await.ok();
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "PARTIAL_FAILED", "the fault triggers twice");
    assert_eq!(t["executeTimes"], "2");
    app.retry(&id, &task, "").await.ok();
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "SUCCESS");
    assert_eq!(t["executeTimes"], "3");
}

#[tokio::test]
async fn a_failed_same_upgrade_can_be_aborted_and_releases_the_cluster() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-7102", "elasticsearch", "7.10.2")
        .await;
    app.admin(
        Method::POST,
        "/admin/v1/images",
        Some(&json!({"datastoreType": "elasticsearch", "datastoreVersion": "7.10.2", "build": "26.1.0", "releaseDate": "2026-11-30"})),
    )
    .await;
    app.admin(
        Method::POST,
        "/admin/v1/faults",
        Some(
            &json!({"clusterId": id, "node": "es-7102-ess-esn-2-1", "phase": 0, "action": "fail"}),
        ),
    )
    .await;
    let task = app.start_upgrade(&id, "same").await;
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "PARTIAL_FAILED");
    // Abort through the JSON body form.
    let r = app
        .signed(
            Method::PUT,
            &app.v1(&format!("/clusters/{id}/upgrade/{task}/retry")),
            Some(&json!({"retry_mode": "abort"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.body);
    let t = app
        .get(&app.v1(&format!("/clusters/{id}/upgrade/detail?explain=true")))
        .await
        .ok()["detailList"][0]
        .clone();
    assert_eq!(
        t["status"], "PARTIAL_FAILED",
        "an aborted task stays failed"
    );
    assert_eq!(t["terminated"], true);
    let d = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["actionProgress"], json!({}));
    let images: HashSet<&str> = d["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(images.len(), 3);
    // Node 1 keeps the new image; the cluster is judged by the old one, so `same` is offered again.
    assert_eq!(app.targets(&id, "same").await.ok()["totalSize"], 1);
    app.retry(&id, &task, "")
        .await
        .assert_error(400, "CSS.5090");
    app.retry(&id, &task, "?retry_mode=abort")
        .await
        .assert_error(400, "CSS.5090");
    // A new upgrade can start.
    app.start_upgrade(&id, "same").await;
}

#[tokio::test]
async fn a_hanging_migration_fails_after_48_simulated_hours() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    app.admin(
        Method::POST,
        "/admin/v1/faults",
        Some(&json!({"clusterId": id, "phase": 0, "action": "hang"})),
    )
    .await;
    app.start_upgrade(&id, "cross").await;
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "FAILED");
    assert_eq!(phase_statuses(&t)[0], "FAILED");
}

#[tokio::test]
async fn upgrade_core_refuses_bad_requests_with_documented_codes() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let image = app.target_id(&id, "cross").await;
    let good = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false, "agency": "a"});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = good.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };
    for (what, body) in [
        ("no image", without("target_image_id")),
        ("no type", without("upgrade_type")),
        ("no backup flag", without("indices_backup_check")),
        ("no agency", without("agency")),
        ("unknown type", with("upgrade_type", json!("sideways"))),
        ("type as number", with("upgrade_type", json!(1))),
        ("flag as string", with("indices_backup_check", json!("yes"))),
        ("batch as string", with("batch_size", json!("2"))),
        ("batch zero", with("batch_size", json!(0))),
        ("image of another type", with("upgrade_type", json!("same"))),
        (
            "unknown image",
            with("target_image_id", json!("no-such-image")),
        ),
        ("empty agency", with("agency", json!(""))),
    ] {
        let r = app.upgrade_raw(&id, "", &body).await;
        assert_eq!(
            (r.status.as_u16(), r.error_code()),
            (400, "CSS.0001"),
            "{what}: {}",
            r.body
        );
    }
    let r = app
        .signed(
            Method::POST,
            &app.v1(&format!("/clusters/{id}/inst-type/ess/image/upgrade")),
            Some(&good),
        )
        .await;
    r.assert_error(400, "CSS.0001");
    let now = chrono::Utc::now();
    let path = app.v1(&format!("/clusters/{id}/inst-type/all/image/upgrade"));
    app.signed_raw(
        Method::POST,
        &path,
        b"{\"target_image_id\":",
        &[],
        now,
        &app.signer,
    )
    .await
    .assert_error(400, "CSS.0001");
    app.signed_raw(Method::POST, &path, b"", &[], now, &app.signer)
        .await
        .assert_error(400, "CSS.0006");
    app.upgrade_raw("no-such-cluster", "", &good)
        .await
        .assert_error(400, "CSS.0047");
    app.upgrade_raw(&id, "?dry_run=perhaps", &good)
        .await
        .assert_error(400, "CSS.0001");
    // Nothing was started by any of these.
    assert_eq!(
        app.get(&app.v1(&format!("/clusters/{id}/upgrade/detail")))
            .await
            .ok()["totalSize"],
        0
    );
}

#[tokio::test]
async fn failing_checks_answer_412_with_the_first_failures_code_and_list_them_all() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let image = app.target_id(&id, "cross").await;
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": true, "agency": "a"});

    // No snapshot yet: the backup check names the indices.
    let r = app.upgrade_raw(&id, "", &body).await;
    r.assert_error(412, "CSS.0083");
    assert!(
        r.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("logs-2026.11"),
        "{}",
        r.body
    );

    // The dry run lists every check.
    let report = app.upgrade_raw(&id, "?dry_run=true", &body).await.ok();
    assert_eq!(report["passed"], false);
    let checks: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks.len(), 9, "{checks:?}");
    let backup = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "BACKUP")
        .unwrap();
    assert_eq!(
        (backup["passed"].as_bool(), backup["errorCode"].as_str()),
        (Some(false), Some("CSS.0083"))
    );

    // A snapshot of everything makes it pass; nothing was started by the dry run.
    let snap = app
        .signed(
            Method::POST,
            &app.v1(&format!("/clusters/{id}/index_snapshot")),
            Some(&json!({"name": "snapshot_001"})),
        )
        .await;
    assert_eq!(snap.status.as_u16(), 201, "{}", snap.body);
    assert_eq!(snap.body["backup"]["name"], "snapshot_001");
    let list = app
        .get(&app.v1(&format!("/clusters/{id}/index_snapshots")))
        .await
        .ok();
    assert_eq!(list["backups"][0]["status"], "COMPLETED");
    assert!(
        list["backups"][0]["indices"]
            .as_str()
            .unwrap()
            .contains("metrics")
    );
    app.signed(
        Method::POST,
        &app.v1(&format!("/clusters/{id}/index_snapshot")),
        Some(&json!({"name": "snapshot_001"})),
    )
    .await
    .assert_error(409, "CSS.0043");
    let report = app.upgrade_raw(&id, "?dry_run=true", &body).await.ok();
    assert_eq!(report["passed"], true, "{report}");
    assert_eq!(
        app.get(&app.v1(&format!("/clusters/{id}/upgrade/detail")))
            .await
            .ok()["totalSize"],
        0
    );

    // A busy search queue fails the load check (999 passes, 1000 does not).
    app.admin(
        Method::PUT,
        &format!("/admin/v1/clusters/{id}/data"),
        Some(&json!({"metrics": {"searchQueue": 1000}})),
    )
    .await
    .ok();
    let r = app.upgrade_raw(&id, "", &body).await;
    r.assert_error(412, "CSS.0078");
    assert!(
        r.body["error_msg"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("queue"),
        "{}",
        r.body
    );
    app.admin(
        Method::PUT,
        &format!("/admin/v1/clusters/{id}/data"),
        Some(&json!({"metrics": {"searchQueue": 999}})),
    )
    .await
    .ok();
    let mut no_load = body.clone();
    no_load["batch_size"] = json!(2);
    app.upgrade_raw(&id, "", &no_load)
        .await
        .assert_error(412, "CSS.0001");
    app.upgrade_raw(&id, "", &body).await.ok();
    // One task per cluster.
    app.upgrade_raw(&id, "", &body)
        .await
        .assert_error(409, "CSS.0011");
}

#[tokio::test]
async fn the_backup_check_needs_three_data_nodes_and_a_creating_cluster_cannot_upgrade() {
    let app = spawn_app_with(&Backend::Sqlite, |c| {
        c.sim_speed = engine::SimSpeed::new(1.0).unwrap();
    })
    .await;
    let id = app
        .create_cluster("slowpoke", "elasticsearch", "7.6.2", 3)
        .await;
    let images = app.targets(&id, "cross").await.ok();
    let image = images["imageInfoList"][0]["id"].clone();
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false, "agency": "a"});
    app.upgrade_raw(&id, "", &body)
        .await
        .assert_error(412, "CSS.0078");

    let app = spawn_app().await;
    let id = app
        .create_cluster("pair", "elasticsearch", "7.6.2", 2)
        .await;
    app.wait_available(&id).await;
    let image = app.target_id(&id, "cross").await;
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": true, "agency": "a"});
    let r = app.upgrade_raw(&id, "", &body).await;
    assert_eq!(r.status.as_u16(), 412, "{}", r.body);
    let report = app.upgrade_raw(&id, "?dry_run=true", &body).await.ok();
    let backup = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "BACKUP")
        .unwrap();
    assert_eq!(backup["errorCode"], "CSS.0074");
}

#[tokio::test]
async fn twenty_parallel_upgrade_calls_on_one_cluster_create_exactly_one_task() {
    let app = std::sync::Arc::new(slow_app().await);
    let id = app
        .available_cluster("racer", "elasticsearch", "7.6.2")
        .await;
    let image = app.target_id(&id, "cross").await;
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false, "agency": "a"});
    let calls = (0..20).map(|_| {
        let (app, id, body) = (app.clone(), id.clone(), body.clone());
        tokio::spawn(async move { app.upgrade_raw(&id, "", &body).await })
    });
    let mut ok = 0;
    for c in calls {
        let r = c.await.unwrap();
        if r.status.as_u16() == 200 {
            ok += 1;
        } else {
            r.assert_error(409, "CSS.0011");
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(
        app.get(&app.v1(&format!("/clusters/{id}/upgrade/detail")))
            .await
            .ok()["totalSize"],
        1
    );
}

#[tokio::test]
async fn the_concurrent_upgrade_cap_refuses_one_cluster_too_many() {
    let app = spawn_app_with(&Backend::Sqlite, |c| {
        c.max_concurrent_upgrades = 2;
        c.sim_speed = engine::SimSpeed::new(50.0).unwrap();
    })
    .await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = app
            .create_cluster(&format!("cap-{n}"), "elasticsearch", "7.6.2", 3)
            .await;
        ids.push(id);
    }
    for id in &ids {
        app.wait_available(id).await;
    }
    app.start_upgrade(&ids[0], "cross").await;
    app.start_upgrade(&ids[1], "cross").await;
    let image = app.target_id(&ids[2], "cross").await;
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false, "agency": "a"});
    app.upgrade_raw(&ids[2], "", &body)
        .await
        .assert_error(412, "CSS.0011");
}

#[tokio::test]
async fn upgrade_detail_and_retry_refuse_bad_parameters() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let path = |q: &str| app.v1(&format!("/clusters/{id}/upgrade/detail{q}"));
    for q in [
        "?offset=0",
        "?offset=1001",
        "?limit=0",
        "?limit=abc",
        "?action_mode=UPGRADE",
        "?explain=1",
    ] {
        app.get(&path(q)).await.assert_error(400, "CSS.0001");
    }
    let az = app.get(&path("?action_mode=AZ_MIGRATION")).await.ok();
    assert_eq!(az, json!({"totalSize": 0, "detailList": []}));
    // otcextensions sends these; they are accepted and ignored.
    app.get(&path("?start=1&limit=10&action_node=x&marker=y"))
        .await
        .ok();
    app.get(&app.v1("/clusters/nope/upgrade/detail"))
        .await
        .assert_error(400, "CSS.0047");
    app.retry(&id, "no-such-task", "")
        .await
        .assert_error(400, "CSS.0082");
    app.retry("nope", "no-such-task", "")
        .await
        .assert_error(400, "CSS.0047");
    let task = app.start_upgrade(&id, "cross").await;
    app.retry(&id, &task, "?retry_mode=abort")
        .await
        .assert_error(400, "CSS.5090");
    let now = chrono::Utc::now();
    let retry_path = app.v1(&format!("/clusters/{id}/upgrade/{task}/retry"));
    app.signed_raw(
        Method::PUT,
        &retry_path,
        b"{\"retry_mode\": 5}",
        &[],
        now,
        &app.signer,
    )
    .await
    .assert_error(400, "CSS.0001");
    app.signed_raw(Method::PUT, &retry_path, b"not json", &[], now, &app.signer)
        .await
        .assert_error(400, "CSS.0001");
}

#[tokio::test]
async fn operator_data_and_fault_endpoints_validate_their_input() {
    let app = spawn_app().await;
    let id = app
        .create_cluster("faulty", "elasticsearch", "7.6.2", 3)
        .await;
    for body in [
        json!({"clusterId": id, "phase": 13, "action": "fail"}),
        json!({"clusterId": id, "phase": 1, "action": "explode"}),
        json!({"clusterId": id, "phase": 1, "action": "fail", "times": 0}),
        json!({"clusterId": id, "phase": 1, "action": "fail", "node": "no-such-node"}),
        json!({"clusterId": id, "phase": "one", "action": "fail"}),
        json!({"phase": 1, "action": "fail"}),
    ] {
        app.admin(Method::POST, "/admin/v1/faults", Some(&body))
            .await
            .assert_error(400, "CSS.0001");
    }
    app.admin(
        Method::POST,
        "/admin/v1/faults",
        Some(&json!({"clusterId": "nope", "phase": 1, "action": "fail"})),
    )
    .await
    .assert_error(400, "CSS.0047");
    let f = app
        .admin(
            Method::POST,
            "/admin/v1/faults",
            Some(&json!({"clusterId": id, "phase": 1, "action": "fail"})),
        )
        .await;
    let fid = f.body["id"].as_str().unwrap().to_owned();
    assert_eq!(f.body["remaining"], 1);
    assert_eq!(
        app.admin(Method::GET, "/admin/v1/faults", None).await.ok()["faults"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.admin(Method::DELETE, &format!("/admin/v1/faults/{fid}"), None)
            .await
            .status
            .as_u16(),
        200
    );
    app.admin(Method::DELETE, &format!("/admin/v1/faults/{fid}"), None)
        .await
        .assert_error(404, "CSS.0016");

    let data = format!("/admin/v1/clusters/{id}/data");
    for body in [
        json!({"metrics": {"health": "purple"}}),
        json!({"metrics": {"cpuPercent": 101}}),
        json!({"metrics": {"searchQueue": -1}}),
        json!({"indices": [{"name": "a", "sizeMb": 1}, {"name": "a", "sizeMb": 2}]}),
        json!({"indices": [{"name": "a"}]}),
        json!({"colour": 1}),
    ] {
        app.admin(Method::PUT, &data, Some(&body))
            .await
            .assert_error(400, "CSS.0001");
    }
    let set = app
        .admin(Method::PUT, &data, Some(&json!({"indices": [{"name": "big", "sizeMb": 1000, "replicas": 2}], "metrics": {"health": "yellow"}})))
        .await
        .ok();
    assert_eq!(set["indices"][0]["replicas"], 2);
    assert_eq!(set["metrics"]["health"], "yellow");
    assert_eq!(app.admin(Method::GET, &data, None).await.ok(), set);
}

#[tokio::test]
async fn data_that_cannot_migrate_within_48_hours_fails_the_migration() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    // 600 TB with replicas is 200 TB per node; at 3 × 4 vCPUs × 32 MB/s = 384 MB/s that is
    // about 145 hours of migration, past the 48-hour limit.
    app.admin(
        Method::PUT,
        &format!("/admin/v1/clusters/{id}/data"),
        Some(&json!({"indices": [{"name": "huge", "sizeMb": 300_000_000u64, "replicas": 1}], "metrics": {"diskUsedPercent": 10}})),
    )
    .await
    .ok();
    app.start_upgrade(&id, "cross").await;
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "FAILED", "{t}");
    assert_eq!(phase_statuses(&t)[0], "FAILED");
}

#[tokio::test]
async fn batch_size_migrates_several_data_nodes_at_once() {
    let app = slow_app().await;
    let id = app
        .create_cluster("wide", "elasticsearch", "7.6.2", 4)
        .await;
    app.wait_available(&id).await;
    let image = app.target_id(&id, "cross").await;
    let body = json!({"target_image_id": image, "upgrade_type": "cross", "indices_backup_check": false,
                      "agency": "a", "batch_size": 2});
    app.upgrade_raw(&id, "", &body).await.ok();
    let t = app.latest_task(&id).await;
    assert_eq!(t["batchSize"], 2);
    assert_eq!(t["currentBatchNodes"], "wide-ess-esn-1-1,wide-ess-esn-2-1");
    let explained = app
        .get(&app.v1(&format!("/clusters/{id}/upgrade/detail?explain=true")))
        .await
        .ok();
    assert!(
        explained["detailList"][0]["estimatedRemainingSeconds"]
            .as_i64()
            .unwrap()
            > 0
    );
    let t = app
        .wait_task(&id, &["FAILED", "PARTIAL_FAILED", "SUCCESS"])
        .await;
    assert_eq!(t["status"], "SUCCESS", "{t}");
    let explained = app
        .get(&app.v1(&format!("/clusters/{id}/upgrade/detail?explain=true")))
        .await
        .ok();
    assert_eq!(explained["detailList"][0]["estimatedRemainingSeconds"], 0);
}
