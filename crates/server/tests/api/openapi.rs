//! `/openapi.json` against the router: every route the server registers is documented, every
//! documented operation is routed (probed over HTTP: a route that does not exist answers 404
//! `APIG.0101`), and every operation documents its error envelope and security.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn document() -> Value {
    serde_json::to_value(server::openapi::document()).unwrap()
}

/// `(METHOD, path)` of every documented operation.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                ops.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// `(METHOD, path)` of every `.route("path", get(..).post(..))` in the server's sources.
fn registered() -> BTreeSet<(String, String)> {
    let mut sources = Vec::new();
    collect_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    let mut routes = BTreeSet::new();
    for text in sources {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let call = balanced(rest);
            let Some(open) = call.find('"') else { continue };
            let Some(len) = call[open + 1..].find('"') else {
                continue;
            };
            let path = &call[open + 1..open + 1 + len];
            let handlers = &call[open + 1 + len..];
            let methods = route_methods(handlers);
            assert!(
                !methods.is_empty(),
                "no method found for route {path}: {handlers}"
            );
            for m in methods {
                routes.insert((m, path.to_owned()));
            }
        }
    }
    routes
}

fn collect_sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The text up to the parenthesis that closes the call whose arguments start `s`.
fn balanced(s: &str) -> &str {
    let mut depth = 1;
    let mut in_str = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return &s[..i];
                }
            }
            _ => {}
        }
    }
    s
}

/// Methods of an axum method router expression: `get(h)`, `post(h).get(h2)`, `routing::put(h)`.
fn route_methods(expr: &str) -> Vec<String> {
    let mut found = Vec::new();
    for m in METHODS {
        let pat = format!("{m}(");
        let mut from = 0;
        while let Some(i) = expr[from..].find(&pat) {
            let at = from + i;
            let before = expr[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                found.push(m.to_uppercase());
            }
            from = at + pat.len();
        }
    }
    found
}

#[test]
fn the_route_scanner_reads_method_routers() {
    assert_eq!(
        route_methods(r#", get(a::b).delete(a::delete_c)"#),
        ["GET", "DELETE"]
    );
    assert_eq!(route_methods(r#", routing::put(x)"#), ["PUT"]);
    assert!(route_methods(r#", handler_get(x)"#).is_empty());
    assert_eq!(
        balanced(r#""/p", get(f(1)).post(g)) .route("#),
        r#""/p", get(f(1)).post(g)"#
    );
}

#[test]
fn every_registered_route_is_documented_and_every_documented_route_is_registered() {
    let doc = documented(&document());
    let routes = registered();
    assert!(
        routes.len() >= 20,
        "the scanner found too few routes: {routes:?}"
    );
    let undocumented: Vec<_> = routes.difference(&doc).collect();
    let unrouted: Vec<_> = doc.difference(&routes).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from crates/server/src/openapi.rs: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented operations the router does not register: {unrouted:?}"
    );
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler() {
    let app = spawn_app().await;
    let doc = document();
    for (method, path) in documented(&doc) {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "x" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let reply = app.raw(method.clone(), &concrete, &[], vec![]).await;
        assert_ne!(
            reply.body.get("error_code").and_then(Value::as_str),
            Some("APIG.0101"),
            "{method} {concrete} is documented but not routed"
        );
    }
    app.raw(Method::GET, "/v1.0/x/no-such-api", &[], vec![])
        .await
        .assert_error(404, "APIG.0101");
    app.raw(Method::PATCH, "/v3/auth/tokens", &[], vec![])
        .await
        .assert_error(404, "APIG.0101");
}

#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let app = spawn_app().await;
    let reply = app.raw(Method::GET, "/openapi.json", &[], vec![]).await;
    assert_eq!(
        reply.headers["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(reply.ok(), document());
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let doc = document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["aksk"]["name"], "Authorization");
    assert_eq!(schemes["sdkDate"]["name"], "X-Sdk-Date");
    assert_eq!(schemes["token"]["name"], "X-Auth-Token");
    assert_eq!(schemes["operator"]["scheme"], "bearer");
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(
        error["required"],
        serde_json::json!(["error_code", "error_msg"])
    );

    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let what = format!("{} {path}", m.to_uppercase());
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: no id"));
            assert!(ids.insert(id.to_owned()), "{what}: operationId {id} twice");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{what}: no success response"
            );
            for (status, r) in responses {
                if !status.starts_with('2') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{what} {status}: not the error envelope"
                    );
                }
            }
            let css = path.starts_with("/v1.0/") || path.starts_with("/v2.0/");
            let admin = path.starts_with("/admin/");
            if css || admin {
                assert!(responses.contains_key("401"), "{what}: no 401");
                let security = op["security"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{what}: no security"));
                let names: Vec<Vec<&String>> = security
                    .iter()
                    .map(|s| s.as_object().unwrap().keys().collect())
                    .collect();
                if css {
                    assert!(responses.contains_key("403"), "{what}: no 403");
                    assert_eq!(names, [vec!["aksk", "sdkDate"], vec!["token"]], "{what}");
                } else {
                    assert_eq!(names, [vec!["operator"]], "{what}");
                }
            }
        }
    }
}

/// Schemathesis finding: a malformed `start` next to a valid `offset`, or a parameter given
/// twice, was answered 200 although the document declares one integer.
#[tokio::test]
async fn malformed_aliases_and_repeated_query_parameters_are_refused() {
    let app = spawn_app().await;
    for query in [
        "?offset=1&start=x",
        "?start=0&offset=1",
        "?limit=1&limit=2",
        "?datastoreType=opensearch&datastoreType=x",
    ] {
        app.get(&app.v1(&format!("/clusters{query}")))
            .await
            .assert_error(400, "CSS.0001");
    }
    app.get(&app.v1("/clusters?offset=1&start=1&limit=5"))
        .await
        .ok();
}

/// Schemathesis finding: `[null, null]` was accepted as an `AddProjectRequest` (serde reads a
/// struct from an array of its fields); every body of the API is a JSON object.
#[tokio::test]
async fn bodies_that_are_not_json_objects_are_refused() {
    let app = spawn_app().await;
    for body in [json!([null, null]), json!([]), json!("x"), json!(1)] {
        app.admin(Method::POST, "/admin/v1/projects", Some(&body))
            .await
            .assert_error(400, "CSS.0001");
        app.signed(
            Method::POST,
            &format!("/v2.0/{}/clusters", app.project),
            Some(&body),
        )
        .await
        .assert_error(400, "CSS.0001");
    }
}

/// The nested form of the same: `{"metrics": []}` was an empty `MetricsBody`.
#[tokio::test]
async fn nested_objects_given_as_arrays_are_refused() {
    let app = spawn_app().await;
    let id = app
        .create_cluster("strict-json", "elasticsearch", "7.10.2", 3)
        .await;
    for body in [
        json!({"metrics": []}),
        json!({"metrics": [null]}),
        json!({"indices": [["x", 5]]}),
    ] {
        app.admin(
            Method::PUT,
            &format!("/admin/v1/clusters/{id}/data"),
            Some(&body),
        )
        .await
        .assert_error(400, "CSS.0001");
    }
    let mut bad = crate::helpers::cluster_body("strict-json-2", "elasticsearch", "7.10.2", 3);
    bad["cluster"]["datastore"] = json!(["elasticsearch", "7.10.2"]);
    app.signed(
        Method::POST,
        &format!("/v2.0/{}/clusters", app.project),
        Some(&bad),
    )
    .await
    .assert_error(400, "CSS.0001");
}
