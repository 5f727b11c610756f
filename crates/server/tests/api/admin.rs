//! The operator API over HTTP: bearer auth, image validation and conflicts.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_operator_api_needs_the_operator_token() {
    let app = spawn_app().await;
    app.raw(Method::GET, "/admin/v1/images", &[], vec![])
        .await
        .assert_error(401, "APIG.0301");
    let wrong = [("authorization".to_owned(), "Bearer nope".to_owned())];
    app.raw(Method::GET, "/admin/v1/images", &wrong, vec![])
        .await
        .assert_error(401, "APIG.0301");
    let images = app.admin(Method::GET, "/admin/v1/images", None).await.ok();
    assert!(images["images"].as_array().unwrap().len() >= 18);
}

#[tokio::test]
async fn adding_images_validates_every_field_and_refuses_duplicates() {
    let app = spawn_app().await;
    let good = json!({"datastoreType": "opensearch", "datastoreVersion": "2.19.0", "build": "26.2.0", "releaseDate": "2026-12-01"});
    let created = app
        .admin(Method::POST, "/admin/v1/images", Some(&good))
        .await;
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(created.body["displayName"], "2.19.0_26.2.0_1201");
    assert_eq!(created.body["status"], "available");
    app.admin(Method::POST, "/admin/v1/images", Some(&good))
        .await
        .assert_error(409, "CSS.0031");
    for (field, value) in [
        ("datastoreType", json!("solr")),
        ("datastoreVersion", json!("2.19")),
        ("build", json!("x.y")),
        ("releaseDate", json!("2026-13-01")),
        ("priority", json!("high")),
        ("colour", json!("red")),
    ] {
        let mut body = good.clone();
        body[field] = value;
        body["build"] = if field == "build" {
            body["build"].clone()
        } else {
            json!("26.3.0")
        };
        app.admin(Method::POST, "/admin/v1/images", Some(&body))
            .await
            .assert_error(400, "CSS.0001");
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("build");
    app.admin(Method::POST, "/admin/v1/images", Some(&missing))
        .await
        .assert_error(400, "CSS.0001");
    app.admin(Method::POST, "/admin/v1/images/no-such-image/eos", None)
        .await
        .assert_error(404, "CSS.0016");
    let r = app
        .raw(
            Method::POST,
            "/admin/v1/images",
            &[
                (
                    "authorization".into(),
                    format!("Bearer {}", crate::helpers::ADMIN),
                ),
                ("content-type".into(), "application/json".into()),
            ],
            b"{not json".to_vec(),
        )
        .await;
    r.assert_error(400, "CSS.0001");
}

#[tokio::test]
async fn plugins_of_unknown_clusters_are_refused() {
    let app = spawn_app().await;
    app.admin(Method::GET, "/admin/v1/clusters/nope/plugins", None)
        .await
        .assert_error(400, "CSS.0047");
    app.admin(
        Method::PUT,
        "/admin/v1/clusters/nope/plugins",
        Some(&json!({"plugins": ["x"]})),
    )
    .await
    .assert_error(400, "CSS.0047");
    let id = app
        .create_cluster("with-plugins", "elasticsearch", "7.6.2", 1)
        .await;
    app.admin(
        Method::PUT,
        &format!("/admin/v1/clusters/{id}/plugins"),
        Some(&json!({"plugins": [""]})),
    )
    .await
    .assert_error(400, "CSS.0001");
    app.admin(
        Method::PUT,
        &format!("/admin/v1/clusters/{id}/plugins"),
        Some(&json!({"plugins": "x"})),
    )
    .await
    .assert_error(400, "CSS.0001");
    app.admin(
        Method::POST,
        "/admin/v1/plugin-packages",
        Some(&json!({"name": "p", "datastoreType": "es", "datastoreVersion": "7.10.2"})),
    )
    .await
    .assert_error(400, "CSS.0001");
}

#[tokio::test]
async fn operator_created_projects_get_their_own_credentials_and_see_only_their_clusters() {
    let app = spawn_app().await;
    let mine = app
        .create_cluster("first-tenant", "elasticsearch", "7.10.2", 1)
        .await;
    let created = app
        .admin(
            Method::POST,
            "/admin/v1/projects",
            Some(&json!({"projectName": "tenant-b"})),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let p = &created.body;
    let project = p["projectId"].as_str().unwrap().to_owned();
    assert_eq!(project.len(), 32);
    let signer = sign::Signer::new(
        p["accessKey"].as_str().unwrap(),
        sign::SecretKey::new(p["secretKey"].as_str().unwrap()),
    );
    let now = chrono::Utc::now();
    let path = format!("/v1.0/{project}/clusters");
    let list = app
        .signed_raw(Method::GET, &path, b"", &[], now, &signer)
        .await
        .ok();
    assert_eq!(list["totalSize"], 0, "a new tenant sees no clusters");
    app.signed_raw(
        Method::GET,
        &format!("/v1.0/{project}/clusters/{mine}"),
        b"",
        &[],
        now,
        &signer,
    )
    .await
    .assert_error(404, "CSS.0002");
    app.signed_raw(Method::GET, &app.v1("/clusters"), b"", &[], now, &signer)
        .await
        .assert_error(403, "CSS.0015");

    let listed = app
        .admin(Method::GET, "/admin/v1/projects", None)
        .await
        .ok();
    let projects = listed["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 2);
    assert!(
        projects.iter().all(|p| p.get("secretKey").is_none()),
        "no secrets in listings"
    );
    app.admin(
        Method::POST,
        "/admin/v1/projects",
        Some(&json!({"projectName": "tenant-b"})),
    )
    .await
    .assert_error(409, "CSS.0031");
    for bad in [
        json!({"projectId": "XYZ"}),
        json!({"projectName": "has space"}),
        json!({"colour": "red"}),
        json!({"userName": 5}),
    ] {
        app.admin(Method::POST, "/admin/v1/projects", Some(&bad))
            .await
            .assert_error(400, "CSS.0001");
    }
}
