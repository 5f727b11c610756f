//! Keystone v3 tokens over HTTP: `POST /v3/auth/tokens` issues a project-scoped token with a
//! `css` catalog entry, the token opens every CSS endpoint of its project (and only of its
//! project), and wrong passwords, garbled, tampered and expired tokens are 401 `APIG.0301`.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use domain::ManualClock;
use reqwest::Method;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::helpers::{PROJECT, Reply, TestApp, backends, cluster_body, spawn_app, spawn_app_on};

const USER: &str = "tester";
const PASSWORD: &str = "Test-Passw0rd";

fn password_body(user: &str, password: &str, scope: Value) -> Value {
    let mut body = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"name": "OTC-EU-DE-00000000001000000001"}}}}}});
    if !scope.is_null() {
        body["auth"]["scope"] = scope;
    }
    body
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> Reply {
    app.raw(
        Method::POST,
        path,
        &[("content-type".into(), "application/json".into())],
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

async fn issue(app: &TestApp, scope: Value) -> (String, Value) {
    let reply = post_json(
        app,
        "/v3/auth/tokens",
        &password_body(USER, PASSWORD, scope),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201, "body: {}", reply.body);
    let token = reply.headers["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    (token, reply.body)
}

async fn with_token(app: &TestApp, method: Method, path: &str, token: &str) -> Reply {
    with_token_body(app, method, path, token, None).await
}

async fn with_token_body(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Reply {
    let mut headers = vec![("x-auth-token".to_owned(), token.to_owned())];
    if body.is_some() {
        headers.push(("content-type".into(), "application/json".into()));
    }
    let bytes = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    app.raw(method, path, &headers, bytes).await
}

#[tokio::test]
async fn a_password_token_carries_the_project_and_a_css_catalog_entry_for_this_host() {
    for backend in backends() {
        let app = spawn_app_on(&backend).await;
        let before = Utc::now();
        let (token, body) = issue(
            &app,
            json!({"project": {"name": "eu-de", "domain": {"name": "OTC-EU-DE-00000000001000000001"}}}),
        )
        .await;
        assert!(token.len() > 40, "{token}");
        let t = &body["token"];
        assert_eq!(t["methods"], json!(["password"]));
        assert_eq!(t["project"]["id"], PROJECT);
        assert_eq!(t["project"]["name"], "eu-de");
        assert_eq!(t["user"]["name"], USER);
        assert_eq!(
            t["user"]["domain"]["name"],
            "OTC-EU-DE-00000000001000000001"
        );
        let parse = |v: &Value| {
            chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        let (issued, expires) = (parse(&t["issued_at"]), parse(&t["expires_at"]));
        assert_eq!(expires - issued, TimeDelta::hours(24));
        assert!(issued >= before - TimeDelta::seconds(1) && issued <= Utc::now());
        let css: Vec<&Value> = t["catalog"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "css")
            .collect();
        assert_eq!(css.len(), 1, "{}", t["catalog"]);
        let endpoint = &css[0]["endpoints"][0];
        assert_eq!(endpoint["interface"], "public");
        assert_eq!(endpoint["region_id"], "eu-de");
        assert_eq!(
            endpoint["url"],
            format!("http://{}/v1.0/{PROJECT}", app.host)
        );

        // The token opens the CSS API of its project: list, create, show, delete.
        let list = with_token(&app, Method::GET, &app.v1("/clusters"), &token)
            .await
            .ok();
        assert_eq!(list["totalSize"], 0);
        let created = with_token_body(
            &app,
            Method::POST,
            &format!("/v2.0/{PROJECT}/clusters"),
            &token,
            Some(&cluster_body("tok-cluster", "elasticsearch", "7.10.2", 3)),
        )
        .await
        .ok();
        let id = created["cluster"]["id"].as_str().unwrap();
        with_token(
            &app,
            Method::GET,
            &app.v1(&format!("/clusters/{id}")),
            &token,
        )
        .await
        .ok();
        with_token(&app, Method::GET, &app.v1("/es-flavors"), &token)
            .await
            .ok();
        with_token(
            &app,
            Method::DELETE,
            &app.v1(&format!("/clusters/{id}")),
            &token,
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn scope_by_id_by_name_or_none_is_the_users_project_and_anything_else_is_refused() {
    let app = spawn_app().await;
    for scope in [
        Value::Null,
        json!({"project": {"id": PROJECT}}),
        json!({"project": {"name": "eu-de", "domain": {"id": "default"}}}),
    ] {
        let (_, body) = issue(&app, scope).await;
        assert_eq!(body["token"]["project"]["id"], PROJECT);
    }
    for scope in [
        json!({"project": {"id": "ffffffffffffffffffffffffffffffff"}}),
        json!({"project": {"name": "eu-nl", "domain": {"name": "x"}}}),
        json!({"domain": {"name": "Default"}}),
    ] {
        post_json(
            &app,
            "/v3/auth/tokens",
            &password_body(USER, PASSWORD, scope),
        )
        .await
        .assert_error(401, "APIG.0301");
    }
}

#[tokio::test]
async fn wrong_passwords_unknown_users_and_malformed_bodies_are_refused() {
    let app = spawn_app().await;
    for (user, password) in [(USER, "wrong"), (USER, ""), ("nobody", PASSWORD)] {
        post_json(
            &app,
            "/v3/auth/tokens",
            &password_body(user, password, Value::Null),
        )
        .await
        .assert_error(401, "APIG.0301");
    }
    let no_method = json!({"auth": {"identity": {"methods": ["totp"]}}});
    post_json(&app, "/v3/auth/tokens", &no_method)
        .await
        .assert_error(401, "APIG.0301");
    let no_password = json!({"auth": {"identity": {"methods": ["password"]}}});
    post_json(&app, "/v3/auth/tokens", &no_password)
        .await
        .assert_error(400, "CSS.0001");
    app.raw(
        Method::POST,
        "/v3/auth/tokens",
        &[("content-type".into(), "application/json".into())],
        b"{not json".to_vec(),
    )
    .await
    .assert_error(400, "CSS.0001");
}

#[tokio::test]
async fn garbled_tampered_and_foreign_project_tokens_are_refused_on_css_endpoints() {
    let app = spawn_app().await;
    let (token, _) = issue(&app, Value::Null).await;
    let path = app.v1("/clusters");
    for bad in [
        "",
        "garbage",
        "spk1.00.00.00.00.00",
        &format!("{token}0"),
        &token[..token.len() - 2],
    ] {
        with_token(&app, Method::GET, &path, bad)
            .await
            .assert_error(401, "APIG.0301");
    }
    // Changing any claim breaks the signature: a later expiry, another user name.
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 6, "{token}");
    let later = parts[3].parse::<i64>().unwrap() + 3600;
    let mut forged = parts.clone();
    let later = later.to_string();
    forged[3] = &later;
    with_token(&app, Method::GET, &path, &forged.join("."))
        .await
        .assert_error(401, "APIG.0301");
    let admin = hex_encode("admin");
    let mut forged = parts.clone();
    forged[4] = &admin;
    with_token(&app, Method::GET, &path, &forged.join("."))
        .await
        .assert_error(401, "APIG.0301");

    // A valid token of one project does not reach another project's paths.
    with_token(
        &app,
        Method::GET,
        "/v1.0/ffffffffffffffffffffffffffffffff/clusters",
        &token,
    )
    .await
    .assert_error(403, "CSS.0015");
    let mut headers = vec![
        ("x-auth-token".to_owned(), token.clone()),
        (
            "x-project-id".to_owned(),
            "ffffffffffffffffffffffffffffffff".to_owned(),
        ),
    ];
    app.raw(Method::GET, &path, &headers, vec![])
        .await
        .assert_error(403, "CSS.0015");
    headers.pop();
    app.raw(Method::GET, &path, &headers, vec![]).await.ok();
}

#[tokio::test]
async fn the_token_method_reissues_a_token_for_the_same_user() {
    let app = spawn_app().await;
    let (token, _) = issue(&app, Value::Null).await;
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
        "scope": {"project": {"id": PROJECT}}}});
    let reply = post_json(&app, "/v3/auth/tokens", &body).await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
    assert_eq!(reply.body["token"]["methods"], json!(["token"]));
    let again = reply.headers["x-subject-token"].to_str().unwrap();
    with_token(&app, Method::GET, &app.v1("/clusters"), again)
        .await
        .ok();
    let bad = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "garbage"}}}});
    post_json(&app, "/v3/auth/tokens", &bad)
        .await
        .assert_error(401, "APIG.0301");
}

#[tokio::test]
async fn version_discovery_names_v3_at_this_host() {
    let app = spawn_app().await;
    let reply = app.raw(Method::GET, "/v3", &[], vec![]).await;
    let body = reply.ok();
    assert_eq!(body["version"]["id"], "v3.14");
    assert_eq!(body["version"]["status"], "stable");
    assert_eq!(
        body["version"]["links"][0]["href"],
        format!("http://{}/v3/", app.host)
    );
    // keystoneauth discovers at `auth_url` as written, trailing slash or not.
    let slash = app.raw(Method::GET, "/v3/", &[], vec![]).await.ok();
    assert_eq!(slash, body);
}

/// A server on a manual clock, for expiry.
struct ClockedApp {
    base: String,
    clock: Arc<ManualClock>,
    client: reqwest::Client,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
}

impl Drop for ClockedApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn spawn_clocked() -> ClockedApp {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let mut config = server::Config::new(dir.path().to_path_buf()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.clock = clock.clone();
    config.initial_credentials.user_name = USER.into();
    config.initial_credentials.password = PASSWORD.into();
    config.initial_credentials.project_id = PROJECT.into();
    let server = server::build(config).await.unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    tokio::spawn(server.serve(shutdown.clone()));
    ClockedApp {
        base,
        clock,
        client: reqwest::Client::new(),
        shutdown,
        _dir: dir,
    }
}

#[tokio::test]
async fn tokens_expire_after_24_hours() {
    let app = spawn_clocked().await;
    let reply = app
        .client
        .post(format!("{}/v3/auth/tokens", app.base))
        .json(&password_body(USER, PASSWORD, Value::Null))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 201);
    let token = reply.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let list = |token: String| {
        let req = app
            .client
            .get(format!("{}/v1.0/{PROJECT}/clusters", app.base))
            .header("x-auth-token", token);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    app.clock
        .advance(TimeDelta::hours(24) - TimeDelta::seconds(1));
    assert_eq!(list(token.clone()).await.0, 200);
    app.clock.advance(TimeDelta::seconds(1));
    let (status, body) = list(token).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error_code"], "APIG.0301");
    assert!(
        body["error_msg"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

fn hex_encode(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_project_added_by_the_operator_gets_tokens_for_its_own_project_only() {
    let app = spawn_app().await;
    let created = app
        .admin(
            Method::POST,
            "/admin/v1/projects",
            Some(&json!({"projectName": "eu-de_team2", "userName": "team2"})),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let project = created.body["projectId"].as_str().unwrap().to_owned();
    let password = created.body["password"].as_str().unwrap().to_owned();
    let reply = post_json(
        &app,
        "/v3/auth/tokens",
        &password_body(
            "team2",
            &password,
            json!({"project": {"name": "eu-de_team2"}}),
        ),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
    let t = &reply.body["token"];
    assert_eq!(t["project"]["id"], project.as_str());
    // `<region>_<sub-project>`: the region is the part before the underscore.
    assert_eq!(t["catalog"][0]["endpoints"][0]["region_id"], "eu-de");
    let token = reply.headers["x-subject-token"].to_str().unwrap();
    with_token(
        &app,
        Method::GET,
        &format!("/v1.0/{project}/clusters"),
        token,
    )
    .await
    .ok();
    with_token(&app, Method::GET, &app.v1("/clusters"), token)
        .await
        .assert_error(403, "CSS.0015");
    // The first project's user cannot scope to the new project.
    post_json(
        &app,
        "/v3/auth/tokens",
        &password_body(USER, PASSWORD, json!({"project": {"id": project}})),
    )
    .await
    .assert_error(401, "APIG.0301");
}
