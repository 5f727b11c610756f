//! `searchplane clusters …` and `flavors list`.

use crate::helpers::Server;

#[test]
fn a_cluster_is_created_listed_shown_by_name_or_id_and_deleted() {
    let srv = Server::start();
    let out = srv
        .sp(&[
            "clusters",
            "create",
            "logs-prod",
            "--version",
            "7.6.2",
            "--nodes",
            "3",
            "--wait",
        ])
        .success();
    assert!(
        out.stdout.contains("created cluster logs-prod ("),
        "{out:#?}"
    );
    assert!(out.stdout.contains("it is available"), "{out:#?}");

    let list = srv.sp(&["clusters", "list"]).success();
    let header = list.stdout.lines().next().unwrap();
    assert!(header.starts_with("ID") && header.contains("NAME") && header.contains("STATUS"));
    let row = list.stdout.lines().nth(1).unwrap();
    assert!(row.contains("logs-prod") && row.contains("7.6.2") && row.contains("available"));
    // Columns are aligned: every line has NAME at the same offset.
    let at = header.find("NAME").unwrap();
    assert_eq!(&row[at..at + 9], "logs-prod", "{}", list.stdout);

    let json = srv.sp(&["clusters", "list", "-o", "json"]).success().json();
    assert_eq!(json["totalSize"], 1);
    let id = json["clusters"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(json["clusters"][0]["status"], "200");

    let by_name = srv
        .sp(&["clusters", "show", "logs-prod", "-o", "json"])
        .success()
        .json();
    let by_id = srv
        .sp(&["clusters", "show", &id, "--output", "json"])
        .success()
        .json();
    assert_eq!(by_name["id"], id.as_str());
    assert_eq!(by_id["name"], "logs-prod");
    assert_eq!(by_id["instances"].as_array().unwrap().len(), 3);
    assert_eq!(by_id["datastore"]["version"], "7.6.2");

    let show = srv.sp(&["clusters", "show", "logs-prod"]).success();
    assert!(
        show.stdout.contains("status         available (200)"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("logs-prod-ess-esn-1-1"),
        "{}",
        show.stdout
    );

    let filtered = srv
        .sp(&["clusters", "list", "--engine", "opensearch", "-o", "json"])
        .success()
        .json();
    assert_eq!(filtered["totalSize"], 0);
    assert!(
        srv.sp(&["clusters", "list", "--engine", "opensearch"])
            .success()
            .stdout
            .contains("no clusters")
    );

    let del = srv.sp(&["clusters", "delete", "logs-prod"]).success();
    assert!(
        del.stdout
            .contains(&format!("deleted cluster logs-prod ({id})")),
        "{del:#?}"
    );
    srv.sp(&["clusters", "show", &id])
        .fails(1, "no cluster with id or name");
    let empty = srv.sp(&["clusters", "list", "-o", "json"]).success().json();
    assert_eq!(empty["clusters"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_clusters_are_clear_errors_on_every_command_that_takes_one() {
    let srv = Server::start();
    for args in [
        &["clusters", "show", "nope"][..],
        &["clusters", "delete", "nope"],
        &["upgrade", "targets", "nope", "--type", "same"],
        &["upgrade", "start", "nope", "--image", "x"],
        &["upgrade", "status", "nope"],
        &["upgrade", "retry", "nope", "task"],
        &["upgrade", "abort", "nope", "task"],
    ] {
        let out = srv.sp(args).fails(1, "no cluster with id or name \"nope\"");
        assert!(out.stdout.is_empty(), "{out:#?}");
    }
}

#[test]
fn api_errors_print_code_and_message_and_exit_1() {
    let srv = Server::start();
    srv.cluster("dup-name", "7.10.2", 1);
    let out = srv
        .sp(&[
            "clusters",
            "create",
            "dup-name",
            "--version",
            "7.10.2",
            "--nodes",
            "1",
        ])
        .fails(1, "CSS.5050: ");
    assert!(
        out.stderr
            .starts_with("error: creating cluster dup-name: CSS.5050: "),
        "{out:#?}"
    );
    srv.sp(&[
        "clusters",
        "create",
        "flavorless",
        "--version",
        "7.10.2",
        "--flavor",
        "ess.spec-1u1g",
    ])
    .fails(1, "CSS.5007: ");
    srv.sp(&["clusters", "create", "oldie", "--version", "5.5.1"])
        .fails(1, "CSS.5005: ");
    // JSON output does not change how errors are reported: stdout stays empty.
    let out = srv
        .sp(&[
            "clusters",
            "create",
            "dup-name",
            "--version",
            "7.10.2",
            "-o",
            "json",
        ])
        .fails(1, "CSS.5050: ");
    assert!(out.stdout.is_empty());
}

#[test]
fn create_without_wait_returns_while_provisioning_and_json_is_the_api_answer() {
    let srv = Server::start();
    let out = srv
        .sp(&[
            "clusters",
            "create",
            "os-cluster",
            "--engine",
            "opensearch",
            "--version",
            "1.3.6",
            "--nodes",
            "2",
            "--masters",
            "3",
            "--az",
            "eu-de-01",
            "-o",
            "json",
        ])
        .success()
        .json();
    assert_eq!(out["cluster"]["name"], "os-cluster");
    assert!(out["cluster"]["id"].as_str().is_some_and(|s| !s.is_empty()));
    let shown = srv
        .sp(&["clusters", "show", "os-cluster", "-o", "json"])
        .success()
        .json();
    let types: Vec<&str> = shown["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types.iter().filter(|t| **t == "ess-master").count(),
        3,
        "{types:?}"
    );
    assert_eq!(
        types.iter().filter(|t| **t == "ess").count(),
        2,
        "{types:?}"
    );
}

#[test]
fn flavors_are_listed_as_a_table_and_as_json() {
    let srv = Server::start();
    let table = srv.sp(&["flavors", "list"]).success();
    assert!(table.stdout.contains("ess.spec-4u8g"), "{}", table.stdout);
    let json = srv.sp(&["flavors", "list", "-o", "json"]).success().json();
    assert!(!json["versions"].as_array().unwrap().is_empty());
}
