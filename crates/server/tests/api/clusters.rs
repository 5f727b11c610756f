//! Cluster operations over HTTP: create (v1, v2) with every validation rule, the documented
//! detail object, listing and paging, deletion, flavors.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{cluster_body, spawn_app};

#[tokio::test]
async fn a_v2_cluster_goes_from_100_to_200_with_the_documented_detail_object() {
    let app = spawn_app().await;
    let id = app
        .create_cluster("css-test", "elasticsearch", "7.6.2", 3)
        .await;
    let first = app.get(&app.v1(&format!("/clusters/{id}"))).await.ok();
    assert!(
        first["status"] == "100" || first["status"] == "200",
        "{first}"
    );
    let d = app.wait_available(&id).await;
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["name"], "css-test");
    assert_eq!(d["status"], "200");
    assert_eq!(d["datastore"]["type"], "elasticsearch");
    assert_eq!(d["datastore"]["version"], "7.6.2");
    assert!(
        d["datastore"]["subVersion"]
            .as_str()
            .unwrap()
            .starts_with("7.6.2_")
    );
    assert_eq!(d["datastore"]["isEosCluster"], false);
    assert_eq!(d["datastore"]["supportSecuritymode"], true);
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["actionProgress"], json!({}));
    let names: Vec<&str> = d["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "css-test-ess-esn-1-1",
            "css-test-ess-esn-2-1",
            "css-test-ess-esn-3-1"
        ]
    );
    for i in d["instances"].as_array().unwrap() {
        assert_eq!(i["status"], "200");
        assert_eq!(i["type"], "ess");
        assert_eq!(i["specCode"], "ess.spec-4u8g");
        assert_eq!(i["azCode"], "eu-de-01");
        assert_eq!(i["volume"]["size"], 40);
        assert_eq!(i["volume"]["type"], "COMMON");
        assert_eq!(i["subnetId"], "net-1");
    }
    let created = d["created"].as_str().unwrap();
    assert_eq!(
        created.len(),
        19,
        "YYYY-MM-DDThh:mm:ss without zone: {created}"
    );
    assert!(chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S").is_ok());
    assert_eq!(d["vpcId"], "vpc-1");
    assert!(d["endpoint"].as_str().unwrap().ends_with(":9200"));
}

#[tokio::test]
async fn a_v1_cluster_is_created_from_the_instance_template() {
    let app = spawn_app().await;
    let body = json!({"cluster": {
        "name": "ES-Test", "instanceNum": 3,
        "instance": {"flavorRef": "ess.spec-4u16g", "volume": {"volume_type": "HIGH", "size": 100},
                     "nics": {"vpcId": "v", "netId": "n", "securityGroupId": "s"}, "availability_zone": "eu-de-02"},
        "datastore": {"version": "7.10.2", "type": "elasticsearch"},
        "enterprise_project_id": 0, "httpsEnable": false}});
    let r = app
        .signed(Method::POST, &app.v1("/clusters"), Some(&body))
        .await
        .ok();
    let id = r["cluster"]["id"].as_str().unwrap().to_owned();
    let d = app.wait_available(&id).await;
    assert_eq!(d["instances"].as_array().unwrap().len(), 3);
    assert_eq!(d["instances"][0]["specCode"], "ess.spec-4u16g");
    assert_eq!(d["instances"][0]["azCode"], "eu-de-02");
    assert_eq!(d["enterpriseProjectId"], "0");

    let mut dotted = body.clone();
    dotted["cluster"]["name"] = json!("es.test");
    app.signed(Method::POST, &app.v1("/clusters"), Some(&dotted))
        .await
        .assert_error(400, "CSS.5057");
}

#[tokio::test]
async fn create_refuses_each_invalid_field_with_its_code_and_stores_nothing() {
    let app = spawn_app().await;
    let base = cluster_body("valid-name", "elasticsearch", "7.10.2", 3);
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation, u16, &str)> = vec![
        (
            "short name",
            Box::new(|b| b["cluster"]["name"] = json!("abc")),
            400,
            "CSS.5057",
        ),
        (
            "digit first",
            Box::new(|b| b["cluster"]["name"] = json!("1abc")),
            400,
            "CSS.5057",
        ),
        (
            "name not a string",
            Box::new(|b| b["cluster"]["name"] = json!(42)),
            400,
            "CSS.0001",
        ),
        (
            "no name",
            Box::new(|b| {
                b["cluster"].as_object_mut().unwrap().remove("name");
            }),
            400,
            "CSS.0001",
        ),
        (
            "no datastore",
            Box::new(|b| {
                b["cluster"].as_object_mut().unwrap().remove("datastore");
            }),
            400,
            "CSS.0001",
        ),
        (
            "unknown engine",
            Box::new(|b| b["cluster"]["datastore"]["type"] = json!("kibana")),
            400,
            "CSS.5005",
        ),
        (
            "unknown version",
            Box::new(|b| b["cluster"]["datastore"]["version"] = json!("7.1.1")),
            400,
            "CSS.5005",
        ),
        (
            "garbage version",
            Box::new(|b| b["cluster"]["datastore"]["version"] = json!("seven")),
            400,
            "CSS.5005",
        ),
        (
            "unknown flavor",
            Box::new(|b| b["cluster"]["roles"][0]["flavorRef"] = json!("ess.spec-1u1g")),
            400,
            "CSS.5007",
        ),
        (
            "unknown role",
            Box::new(|b| b["cluster"]["roles"][0]["type"] = json!("ess-hot")),
            400,
            "CSS.5106",
        ),
        (
            "zero nodes",
            Box::new(|b| b["cluster"]["roles"][0]["instanceNum"] = json!(0)),
            400,
            "CSS.5069",
        ),
        (
            "33 nodes",
            Box::new(|b| b["cluster"]["roles"][0]["instanceNum"] = json!(33)),
            400,
            "CSS.5069",
        ),
        (
            "negative nodes",
            Box::new(|b| b["cluster"]["roles"][0]["instanceNum"] = json!(-3)),
            400,
            "CSS.5069",
        ),
        (
            "count as string",
            Box::new(|b| b["cluster"]["roles"][0]["instanceNum"] = json!("3")),
            400,
            "CSS.0001",
        ),
        (
            "volume 50",
            Box::new(|b| b["cluster"]["roles"][0]["volume"]["size"] = json!(50)),
            400,
            "CSS.5135",
        ),
        (
            "volume above range",
            Box::new(|b| b["cluster"]["roles"][0]["volume"]["size"] = json!(660)),
            400,
            "CSS.5078",
        ),
        (
            "volume below range",
            Box::new(|b| b["cluster"]["roles"][0]["volume"]["size"] = json!(20)),
            400,
            "CSS.5078",
        ),
        (
            "bad az",
            Box::new(|b| b["cluster"]["availability_zone"] = json!("mars-1")),
            400,
            "CSS.5011",
        ),
        (
            "more azs than nodes",
            Box::new(|b| {
                b["cluster"]["availability_zone"] = json!("eu-de-01,eu-de-02,eu-de-03");
                b["cluster"]["roles"][0]["instanceNum"] = json!(2);
            }),
            400,
            "CSS.5172",
        ),
        (
            "no nics",
            Box::new(|b| {
                b["cluster"].as_object_mut().unwrap().remove("nics");
            }),
            400,
            "CSS.5046",
        ),
        (
            "even masters",
            Box::new(|b| {
                let mut m = b["cluster"]["roles"][0].clone();
                m["type"] = json!("ess-master");
                m["instanceNum"] = json!(4);
                b["cluster"]["roles"].as_array_mut().unwrap().push(m);
            }),
            400,
            "CSS.5134",
        ),
        (
            "only clients",
            Box::new(|b| b["cluster"]["roles"][0]["type"] = json!("ess-client")),
            400,
            "CSS.5167",
        ),
        (
            "https without security",
            Box::new(|b| b["cluster"]["httpsEnable"] = json!(true)),
            400,
            "CSS.5171",
        ),
        (
            "weak admin password",
            Box::new(|b| {
                b["cluster"]["authorityEnable"] = json!(true);
                b["cluster"]["adminPwd"] = json!("password");
            }),
            400,
            "CSS.0050",
        ),
        (
            "desc too long",
            Box::new(|b| b["cluster"]["desc"] = json!("x".repeat(129))),
            400,
            "CSS.5038",
        ),
    ];
    for (what, mutate, status, code) in cases {
        let mut body = base.clone();
        mutate(&mut body);
        let r = app
            .signed(
                Method::POST,
                &format!("/v2.0/{}/clusters", app.project),
                Some(&body),
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{what}: {}", r.body);
        assert_eq!(r.error_code(), code, "{what}: {}", r.body);
    }
    let list = app.get(&app.v1("/clusters")).await.ok();
    assert_eq!(list["totalSize"], 0, "nothing was stored");
}

#[tokio::test]
async fn malformed_and_empty_bodies_are_refused() {
    let app = spawn_app().await;
    let path = format!("/v2.0/{}/clusters", app.project);
    let now = chrono::Utc::now();
    for (body, code) in [
        (&b"{\"cluster\": {"[..], "CSS.0001"),
        (b"[]", "CSS.0001"),
        (b"", "CSS.0006"),
        (b"{\"cluster\": 5}", "CSS.0001"),
    ] {
        let r = app
            .signed_raw(Method::POST, &path, body, &[], now, &app.signer)
            .await;
        r.assert_error(400, code);
    }
}

#[tokio::test]
async fn duplicate_names_are_refused_within_a_project() {
    let app = spawn_app().await;
    app.create_cluster("twin", "elasticsearch", "7.10.2", 1)
        .await;
    let r = app
        .signed(
            Method::POST,
            &format!("/v2.0/{}/clusters", app.project),
            Some(&cluster_body("twin", "elasticsearch", "7.10.2", 1)),
        )
        .await;
    r.assert_error(400, "CSS.5050");
}

#[tokio::test]
async fn list_is_newest_first_pages_by_offset_or_start_and_filters_by_type() {
    let app = spawn_app().await;
    for name in ["first", "second", "third"] {
        app.create_cluster(&format!("{name}-es"), "elasticsearch", "7.10.2", 1)
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    app.create_cluster("fourth-os", "opensearch", "2.19.0", 1)
        .await;
    let all = app.get(&app.v1("/clusters")).await.ok();
    assert_eq!(all["totalSize"], 4);
    let names: Vec<&str> = all["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fourth-os", "third-es", "second-es", "first-es"]);
    let page = app.get(&app.v1("/clusters?offset=2&limit=2")).await.ok();
    assert_eq!(page["clusters"][0]["name"], "third-es");
    assert_eq!(page["clusters"].as_array().unwrap().len(), 2);
    let page = app.get(&app.v1("/clusters?start=4&limit=2")).await.ok();
    assert_eq!(page["clusters"][0]["name"], "first-es");
    let es = app
        .get(&app.v1("/clusters?datastoreType=elasticsearch"))
        .await
        .ok();
    assert_eq!(es["totalSize"], 3);
    for q in [
        "?offset=0",
        "?limit=0",
        "?limit=x",
        "?start=1001",
        "?datastoreType=solr",
    ] {
        app.get(&app.v1(&format!("/clusters{q}")))
            .await
            .assert_error(400, "CSS.0001");
    }
}

#[tokio::test]
async fn delete_removes_the_cluster_and_unknown_ids_are_404() {
    let app = spawn_app().await;
    let id = app
        .available_cluster("doomed", "elasticsearch", "7.10.2")
        .await;
    let r = app
        .signed(Method::DELETE, &app.v1(&format!("/clusters/{id}")), None)
        .await;
    assert_eq!(r.status.as_u16(), 200);
    app.get(&app.v1(&format!("/clusters/{id}")))
        .await
        .assert_error(404, "CSS.0002");
    app.signed(Method::DELETE, &app.v1(&format!("/clusters/{id}")), None)
        .await
        .assert_error(404, "CSS.0002");
    app.targets(&id, "same").await.assert_error(400, "CSS.0047");
}

#[tokio::test]
async fn flavors_are_listed_per_version_and_type_under_both_paths() {
    let app = spawn_app().await;
    for path in ["/es-flavors", "/flavors"] {
        let body = app.get(&app.v1(path)).await.ok();
        let versions = body["versions"].as_array().unwrap();
        let entry = versions
            .iter()
            .find(|v| v["version"] == "7.10.2" && v["type"] == "ess")
            .unwrap();
        let f = entry["flavors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "ess.spec-4u32g")
            .unwrap();
        assert_eq!((f["cpu"].as_i64(), f["ram"].as_i64()), (Some(4), Some(32)));
        assert_eq!(f["diskrange"], "40,2560");
        assert!(f["availableAZ"].as_str().unwrap().contains("eu-de-01"));
        assert!(f["flavor_id"].is_string());
    }
}
