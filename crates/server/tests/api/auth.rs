//! Authentication and tenancy over HTTP: tampered, stale and foreign requests are refused with
//! the gateway codes, and a credential never reaches another project's clusters.

use chrono::{TimeDelta, Utc};
use reqwest::Method;
use sign::{SecretKey, Signer};

use crate::helpers::{AK, spawn_app};

#[tokio::test]
async fn unsigned_tampered_and_unknown_key_requests_are_401_apig_0301() {
    let app = spawn_app().await;
    let path = app.v1("/clusters");
    app.raw(Method::GET, &path, &[], vec![])
        .await
        .assert_error(401, "APIG.0301");

    let now = Utc::now();
    let wrong_secret = Signer::new(AK, SecretKey::new("not-the-secret"));
    app.signed_raw(Method::GET, &path, b"", &[], now, &wrong_secret)
        .await
        .assert_error(401, "APIG.0301");
    let unknown_key = Signer::new("NOSUCHKEY00000000000", SecretKey::new("x"));
    app.signed_raw(Method::GET, &path, b"", &[], now, &unknown_key)
        .await
        .assert_error(401, "APIG.0301");

    // Sign one request, then change one part of it before sending.
    let headers = [
        ("content-type", "application/json"),
        ("host", app.host.as_str()),
    ];
    let signed = app
        .signer
        .sign("GET", &path, Some("limit=10"), &headers, b"", now);
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    all.extend(signed.clone());
    app.raw(Method::GET, &format!("{path}?limit=10"), &all, vec![])
        .await
        .ok();
    app.raw(Method::GET, &format!("{path}?limit=11"), &all, vec![])
        .await
        .assert_error(401, "APIG.0301");
    app.raw(Method::POST, &format!("{path}?limit=10"), &all, vec![])
        .await
        .assert_error(401, "APIG.0301");
    app.raw(
        Method::GET,
        &format!("{}?limit=10", app.v1("/flavors")),
        &all,
        vec![],
    )
    .await
    .assert_error(401, "APIG.0301");
    let mut tampered = all.clone();
    tampered[0].1 = "text/plain".into();
    app.raw(Method::GET, &format!("{path}?limit=10"), &tampered, vec![])
        .await
        .assert_error(401, "APIG.0301");
    let mut tampered = all.clone();
    let date = tampered
        .iter_mut()
        .find(|(k, _)| k == "X-Sdk-Date")
        .unwrap();
    date.1 = sign::format_sdk_date(now - TimeDelta::seconds(1));
    app.raw(Method::GET, &format!("{path}?limit=10"), &tampered, vec![])
        .await
        .assert_error(401, "APIG.0301");
    let mut tampered = all.clone();
    let auth = tampered
        .iter_mut()
        .find(|(k, _)| k == "Authorization")
        .unwrap();
    auth.1 = auth.1.replace("Signature=", "Signature=0");
    app.raw(Method::GET, &format!("{path}?limit=10"), &tampered, vec![])
        .await
        .assert_error(401, "APIG.0301");
    let mut tampered = all.clone();
    tampered.retain(|(k, _)| k != "X-Sdk-Date");
    app.raw(Method::GET, &format!("{path}?limit=10"), &tampered, vec![])
        .await
        .assert_error(401, "APIG.0301");
    let mut tampered = all;
    let auth = tampered
        .iter_mut()
        .find(|(k, _)| k == "Authorization")
        .unwrap();
    auth.1 = "SDK-HMAC-SHA256 garbage".into();
    app.raw(Method::GET, &format!("{path}?limit=10"), &tampered, vec![])
        .await
        .assert_error(401, "APIG.0301");
}

#[tokio::test]
async fn a_tampered_body_is_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    let path = format!("/v2.0/{}/clusters", app.project);
    let body = serde_json::to_vec(&crate::helpers::cluster_body(
        "signed-one",
        "elasticsearch",
        "7.10.2",
        1,
    ))
    .unwrap();
    let headers = [
        ("content-type", "application/json"),
        ("host", app.host.as_str()),
    ];
    let signed = app
        .signer
        .sign("POST", &path, None, &headers, &body, Utc::now());
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    all.extend(signed);
    let other = serde_json::to_vec(&crate::helpers::cluster_body(
        "evil-twin",
        "elasticsearch",
        "7.10.2",
        1,
    ))
    .unwrap();
    app.raw(Method::POST, &path, &all, other)
        .await
        .assert_error(401, "APIG.0301");
    assert_eq!(app.get(&app.v1("/clusters")).await.ok()["totalSize"], 0);
}

#[tokio::test]
async fn dates_outside_fifteen_minutes_are_401_apig_0303() {
    let app = spawn_app().await;
    let path = app.v1("/clusters");
    let now = Utc::now();
    for skew in [
        TimeDelta::minutes(16),
        TimeDelta::minutes(-16),
        TimeDelta::hours(24),
    ] {
        app.signed_at(Method::GET, &path, None, now + skew)
            .await
            .assert_error(401, "APIG.0303");
    }
    app.signed_at(Method::GET, &path, None, now - TimeDelta::minutes(14))
        .await
        .ok();
    app.signed_at(Method::GET, &path, None, now + TimeDelta::minutes(14))
        .await
        .ok();
}

#[tokio::test]
async fn another_projects_path_is_403_css_0015_and_its_clusters_are_invisible() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("mine", "elasticsearch", "7.6.2")
        .await;
    let other = "ffffffffffffffffffffffffffffffff";
    app.get(&format!("/v1.0/{other}/clusters"))
        .await
        .assert_error(403, "CSS.0015");
    app.get(&format!("/v1.0/{other}/clusters/{id}/target/cross/images"))
        .await
        .assert_error(403, "CSS.0015");
    let now = Utc::now();
    app.signed_raw(
        Method::GET,
        &app.v1("/clusters"),
        b"",
        &[("x-project-id", other)],
        now,
        &app.signer,
    )
    .await
    .assert_error(403, "CSS.0015");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_echoes_the_clients() {
    let app = spawn_app().await;
    let r = app.get(&app.v1("/clusters")).await;
    let id = r.headers.get("x-request-id").unwrap().to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    let r = app
        .raw(
            Method::GET,
            "/healthz",
            &[("x-request-id".into(), "trace-me-42".into())],
            vec![],
        )
        .await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "trace-me-42");
    let err = app
        .raw(Method::GET, "/v1.0/x/nothing/here", &[], vec![])
        .await;
    err.assert_error(404, "APIG.0101");
    assert!(err.headers.get("x-request-id").is_some());
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_status() {
    let app = spawn_app().await;
    app.get(&app.v1("/clusters")).await.ok();
    app.get(&app.v1("/clusters?limit=0"))
        .await
        .assert_error(400, "CSS.0001");
    let r = app.raw(Method::GET, "/metrics", &[], vec![]).await;
    assert_eq!(r.status.as_u16(), 200);
    let text = r.body.as_str().unwrap();
    assert!(text.contains(r#"searchplane_requests_total{operation="GET /v1.0/{project_id}/clusters",status="200"} 1"#), "{text}");
    assert!(text.contains(r#"searchplane_requests_total{operation="GET /v1.0/{project_id}/clusters",status="400"} 1"#), "{text}");
    assert!(text.contains("searchplane_request_duration_seconds_count{operation=\"GET /v1.0/{project_id}/clusters\"} 2"), "{text}");
}
