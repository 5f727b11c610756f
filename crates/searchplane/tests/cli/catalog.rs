//! `searchplane images list|add` and `paths list` (operator API).

use crate::helpers::Server;

#[test]
fn images_are_listed_and_added_with_json_parsed_back() {
    let srv = Server::start();
    let table = srv.sp(&["images", "list"]).success();
    assert!(table.stdout.lines().next().unwrap().starts_with("ID"));
    assert!(
        table.stdout.contains("7.10.2_24.3.4_0109"),
        "{}",
        table.stdout
    );

    let before = srv.sp(&["images", "list", "-o", "json"]).success().json();
    let count = before["images"].as_array().unwrap().len();

    let added = srv
        .sp(&[
            "images",
            "add",
            "--engine",
            "elasticsearch",
            "--version",
            "7.10.2",
            "--build",
            "25.1.0",
            "--release-date",
            "2026-01-15",
            "--priority",
            "40",
            "--desc",
            "January",
            "-o",
            "json",
        ])
        .success()
        .json();
    assert_eq!(added["displayName"], "7.10.2_25.1.0_0115");
    assert_eq!(added["status"], "available");
    let id = added["id"].as_str().unwrap().to_owned();

    let after = srv.sp(&["images", "list", "-o", "json"]).success().json();
    let images = after["images"].as_array().unwrap();
    assert_eq!(images.len(), count + 1);
    assert!(images.iter().any(|i| i["id"] == id.as_str()));

    let human = srv
        .sp(&[
            "images",
            "add",
            "--engine",
            "opensearch",
            "--version",
            "2.19.0",
            "--build",
            "26.1.0",
            "--priority",
            "-3",
        ])
        .success();
    assert!(
        human.stdout.starts_with("added image 2.19.0_26.1.0_"),
        "{human:#?}"
    );

    srv.sp(&[
        "images",
        "add",
        "--engine",
        "elasticsearch",
        "--version",
        "7.10.2",
        "--build",
        "25.1.0",
        "--release-date",
        "2026-01-15",
        "--id",
        &id,
    ])
    .fails(1, "CSS.0031: ");
    srv.sp(&[
        "images",
        "add",
        "--engine",
        "elasticsearch",
        "--version",
        "seven",
        "--build",
        "1.0.0",
    ])
    .fails(1, "CSS.0001: ");
    srv.sp(&[
        "images",
        "add",
        "--engine",
        "lucene",
        "--version",
        "1.0.0",
        "--build",
        "1.0.0",
    ])
    .fails(2, "invalid value 'lucene'");
}

#[test]
fn upgrade_paths_are_listed() {
    let srv = Server::start();
    let table = srv.sp(&["paths", "list"]).success();
    let line = table
        .stdout
        .lines()
        .find(|l| l.contains("elasticsearch 7.6.2"))
        .unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(
        line.contains("elasticsearch 7.10.2") && line.contains("cross"),
        "{line}"
    );
    assert!(table.stdout.contains("opensearch 1.3.6") && table.stdout.contains("cross-engine"));

    let json = srv.sp(&["paths", "list", "-o", "json"]).success().json();
    let paths = json["upgradePaths"].as_array().unwrap();
    assert!(
        paths
            .iter()
            .any(|p| p["sourceVersion"] == "7.6.2" && p["targetVersion"] == "7.10.2")
    );
}
