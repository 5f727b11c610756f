//! ListImages over HTTP: every documented path, paging, plugins, eos, and each bad input.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, backends, spawn_app, spawn_app_on};

fn versions(body: &serde_json::Value) -> Vec<String> {
    body["imageInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                i["datastoreType"].as_str().unwrap(),
                i["datastoreVersion"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn cross_targets_of_a_7_6_2_cluster_are_the_latest_7_10_2_image_on_every_backend() {
    for backend in backends() {
        let app = spawn_app_on(&backend).await;
        let id = app
            .available_cluster("es-762", "elasticsearch", "7.6.2")
            .await;
        let body = app.targets(&id, "cross").await.ok();
        assert_eq!(versions(&body), ["elasticsearch 7.10.2"]);
        assert_eq!(body["totalSize"], 1);
        assert_eq!(body["needUploadUpgradePlugin"], false);
        let image = &body["imageInfoList"][0];
        let keys: Vec<_> = image.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 6, "exactly the documented fields: {image}");
        assert!(
            image["displayName"]
                .as_str()
                .unwrap()
                .starts_with("7.10.2_")
        );
        assert!(image["priority"].is_i64());
        assert!(
            body.get("unavailableReasons").is_none(),
            "extensions only with explain"
        );
        // The newest 7.10.2 build in the catalog, per the operator API.
        let all = app.admin(Method::GET, "/admin/v1/images", None).await.ok();
        let newest = all["images"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["datastoreVersion"] == "7.10.2" && i["status"] == "available")
            .max_by(|a, b| {
                let parse = |v: &serde_json::Value| -> Vec<u32> {
                    v["build"]
                        .as_str()
                        .unwrap()
                        .split('.')
                        .map(|p| p.parse().unwrap())
                        .collect()
                };
                parse(a).cmp(&parse(b))
            })
            .unwrap()
            .clone();
        assert_eq!(image["id"], newest["id"]);
        if matches!(backend, Backend::Postgres(_)) {
            eprintln!("ran on PostgreSQL too");
        }
    }
}

#[tokio::test]
async fn same_is_empty_for_a_new_cluster_and_offers_a_newly_added_build_at_once() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-7102", "elasticsearch", "7.10.2")
        .await;
    let body = app.targets(&id, "same").await.ok();
    assert_eq!(body["totalSize"], 0);
    assert_eq!(body["imageInfoList"], json!([]));

    let explained = app
        .get(&app.v1(&format!("/clusters/{id}/target/same/images?explain=true")))
        .await
        .ok();
    assert_eq!(explained["unavailableReasons"], json!(["ALREADY_LATEST"]));

    let added = app
        .admin(
            Method::POST,
            "/admin/v1/images",
            Some(&json!({"datastoreType": "elasticsearch", "datastoreVersion": "7.10.2", "build": "26.1.0",
                         "releaseDate": "2026-11-30", "imageDesc": "hotfix", "priority": 30})),
        )
        .await;
    assert_eq!(added.status.as_u16(), 201, "{}", added.body);
    assert_eq!(added.body["displayName"], "7.10.2_26.1.0_1130");
    let body = app.targets(&id, "same").await.ok();
    assert_eq!(body["totalSize"], 1);
    assert_eq!(body["imageInfoList"][0]["id"], added.body["id"]);
    assert_eq!(body["imageInfoList"][0]["imageDesc"], "hotfix");

    // End of service takes it away again, at once.
    let eos = app
        .admin(
            Method::POST,
            &format!(
                "/admin/v1/images/{}/eos",
                added.body["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .ok();
    assert_eq!(eos["status"], "eos");
    let body = app.targets(&id, "same").await.ok();
    assert_eq!(body["totalSize"], 0);
}

#[tokio::test]
async fn cross_engine_goes_from_7_10_2_to_opensearch_1_3_6_and_opensearch_follows_its_paths() {
    let app = spawn_app().await;
    let es = app
        .available_cluster("es-7102", "elasticsearch", "7.10.2")
        .await;
    let body = app.targets(&es, "cross-engine").await.ok();
    assert_eq!(versions(&body), ["opensearch 1.3.6"]);
    assert_eq!(app.targets(&es, "cross").await.ok()["totalSize"], 0);

    let es762 = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    assert_eq!(
        app.targets(&es762, "cross-engine").await.ok()["totalSize"],
        0
    );

    let os = app.available_cluster("os-136", "opensearch", "1.3.6").await;
    assert_eq!(
        versions(&app.targets(&os, "cross").await.ok()),
        ["opensearch 2.19.0"]
    );
    let explained = app
        .get(&app.v1(&format!(
            "/clusters/{os}/target/cross-engine/images?explain=true"
        )))
        .await
        .ok();
    assert_eq!(
        explained["unavailableReasons"],
        json!(["CROSS_ENGINE_NOT_ALLOWED"])
    );
}

#[tokio::test]
async fn elasticsearch_6_2_3_offers_both_documented_targets_with_paging() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-623", "elasticsearch", "6.2.3")
        .await;
    let all = app.targets(&id, "cross").await.ok();
    assert_eq!(all["totalSize"], 2);
    let mut v = versions(&all);
    v.sort();
    assert_eq!(v, ["elasticsearch 6.5.4", "elasticsearch 6.8.23"]);
    // Priority descending.
    let p: Vec<i64> = all["imageInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["priority"].as_i64().unwrap())
        .collect();
    assert!(p[0] >= p[1]);
    let first = app
        .get(&app.v1(&format!("/clusters/{id}/target/cross/images?limit=1")))
        .await
        .ok();
    let second = app
        .get(&app.v1(&format!(
            "/clusters/{id}/target/cross/images?offset=1&limit=1"
        )))
        .await
        .ok();
    let past = app
        .get(&app.v1(&format!("/clusters/{id}/target/cross/images?offset=2")))
        .await
        .ok();
    assert_eq!(
        (
            first["totalSize"].as_i64(),
            second["totalSize"].as_i64(),
            past["totalSize"].as_i64()
        ),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!(first["imageInfoList"][0], all["imageInfoList"][0]);
    assert_eq!(second["imageInfoList"][0], all["imageInfoList"][1]);
    assert_eq!(past["imageInfoList"], json!([]));
}

#[tokio::test]
async fn custom_plugins_without_target_packages_need_an_upload() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    // Seen once (and so cached) before the plugins change.
    assert_eq!(
        app.targets(&id, "cross").await.ok()["needUploadUpgradePlugin"],
        false
    );
    let set = app
        .admin(
            Method::PUT,
            &format!("/admin/v1/clusters/{id}/plugins"),
            Some(&json!({"plugins": ["analysis-ik"]})),
        )
        .await
        .ok();
    assert_eq!(set["plugins"], json!(["analysis-ik"]));
    assert_eq!(
        app.targets(&id, "cross").await.ok()["needUploadUpgradePlugin"],
        true
    );
    let pkg = app
        .admin(
            Method::POST,
            "/admin/v1/plugin-packages",
            Some(&json!({"name": "analysis-ik", "datastoreType": "elasticsearch", "datastoreVersion": "7.10.2"})),
        )
        .await;
    assert_eq!(pkg.status.as_u16(), 201);
    assert_eq!(
        app.targets(&id, "cross").await.ok()["needUploadUpgradePlugin"],
        false
    );
}

#[tokio::test]
async fn replacing_upgrade_paths_changes_targets_and_bad_paths_are_refused_whole() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let before = app
        .admin(Method::GET, "/admin/v1/upgrade-paths", None)
        .await
        .ok();
    let bad = json!({"upgradePaths": [
        {"sourceType": "elasticsearch", "sourceVersion": "7.6.2", "targetType": "elasticsearch", "targetVersion": "7.9.3"},
        {"sourceType": "elasticsearch", "sourceVersion": "7.10.2", "targetType": "elasticsearch", "targetVersion": "7.6.2"}]});
    let r = app
        .admin(Method::PUT, "/admin/v1/upgrade-paths", Some(&bad))
        .await;
    r.assert_error(400, "CSS.0001");
    assert!(
        r.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("elasticsearch 7.10.2 -> elasticsearch 7.6.2"),
        "{}",
        r.body
    );
    assert_eq!(
        app.admin(Method::GET, "/admin/v1/upgrade-paths", None)
            .await
            .ok(),
        before,
        "nothing half-written"
    );

    let good = json!({"upgradePaths": [
        {"sourceType": "elasticsearch", "sourceVersion": "7.6.2", "targetType": "elasticsearch", "targetVersion": "7.9.3"}]});
    app.admin(Method::PUT, "/admin/v1/upgrade-paths", Some(&good))
        .await
        .ok();
    assert_eq!(
        versions(&app.targets(&id, "cross").await.ok()),
        ["elasticsearch 7.9.3"]
    );
}

#[tokio::test]
async fn bad_inputs_get_css_0001_and_unknown_clusters_css_0047() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("es-762", "elasticsearch", "7.6.2")
        .await;
    let path = |q: &str| app.v1(&format!("/clusters/{id}/target/cross/images{q}"));
    for q in [
        "?offset=-1",
        "?offset=1001",
        "?offset=abc",
        "?limit=0",
        "?limit=1001",
        "?limit=1.5",
        "?limit=",
        "?explain=maybe",
    ] {
        app.get(&path(q)).await.assert_error(400, "CSS.0001");
    }
    app.get(&path("?offset=1000&limit=1000")).await.ok();
    for kind in ["sideways", "SAME", "cross_engine", "%20"] {
        app.targets(&id, kind).await.assert_error(400, "CSS.0001");
    }
    app.targets("4f3deec3-efa6-4f5e-9f41-0a1d6c7e0001", "cross")
        .await
        .assert_error(400, "CSS.0047");
}
