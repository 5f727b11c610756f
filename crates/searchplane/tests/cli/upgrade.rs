//! `searchplane upgrade …`: targets, dry runs, starting, following (`--watch`), retry and
//! abort, on 3-node clusters of the simulated fleet at speed 100000.

use serde_json::json;

use crate::helpers::Server;

#[test]
fn targets_are_listed_per_type_with_reasons_for_an_empty_list() {
    let srv = Server::start();
    srv.cluster("es762", "7.6.2", 3);
    let cross = srv
        .sp(&["upgrade", "targets", "es762", "--type", "cross"])
        .success();
    assert!(cross.stdout.lines().next().unwrap().starts_with("ID"));
    assert!(
        cross.stdout.contains("7.10.2_24.3.4_0109"),
        "{}",
        cross.stdout
    );

    let json = srv
        .sp(&[
            "upgrade", "targets", "es762", "--type", "cross", "-o", "json",
        ])
        .success()
        .json();
    assert_eq!(json["totalSize"], 1);
    assert_eq!(json["imageInfoList"][0]["datastoreVersion"], "7.10.2");
    assert_eq!(json["needUploadUpgradePlugin"], false);
    // Scripts get the documented answer, without the explain extension.
    assert!(json.get("unavailableReasons").is_none(), "{json}");

    let none = srv
        .sp(&["upgrade", "targets", "es762", "--type", "cross-engine"])
        .success();
    assert!(
        none.stdout
            .starts_with("no cross-engine upgrade targets for cluster es762"),
        "{none:#?}"
    );
    srv.sp(&["upgrade", "targets", "es762", "--type", "diagonal"])
        .fails(2, "invalid value 'diagonal'");
}

#[test]
fn a_dry_run_reports_every_check_and_starts_nothing() {
    let srv = Server::start();
    srv.cluster("dry-run-c", "7.6.2", 3);
    let (_, name) = srv.cross_target("dry-run-c");
    let out = srv
        .sp(&[
            "upgrade",
            "start",
            "dry-run-c",
            "--image",
            &name,
            "--no-backup-check",
            "--dry-run",
        ])
        .success();
    assert!(
        out.stdout.contains("CHECK") && out.stdout.contains("pass"),
        "{out:#?}"
    );
    assert!(out.stdout.contains("can start"), "{out:#?}");
    let report = srv
        .sp(&[
            "upgrade",
            "start",
            "dry-run-c",
            "--image",
            &name,
            "--no-backup-check",
            "--dry-run",
            "-o",
            "json",
        ])
        .success()
        .json();
    assert_eq!(report["passed"], true);
    assert!(report["checks"].as_array().unwrap().len() >= 5);
    let status = srv
        .sp(&["upgrade", "status", "dry-run-c", "-o", "json"])
        .success()
        .json();
    assert_eq!(status["totalSize"], 0, "{status}");
    assert!(
        srv.sp(&["upgrade", "status", "dry-run-c"])
            .success()
            .stdout
            .contains("no upgrade tasks")
    );

    // A batch larger than half the data nodes fails its check: exit 1, the check named.
    let out = srv.sp(&[
        "upgrade",
        "start",
        "dry-run-c",
        "--image",
        &name,
        "--no-backup-check",
        "--dry-run",
        "--batch-size",
        "3",
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("FAIL"), "{out:#?}");
    assert!(out.stderr.contains("pre-upgrade checks failed"), "{out:#?}");
}

#[test]
fn an_image_that_is_no_target_is_refused_before_or_by_the_server() {
    let srv = Server::start();
    srv.cluster("es762", "7.6.2", 3);
    srv.sp(&[
        "upgrade",
        "start",
        "es762",
        "--image",
        "7.9.3_nope",
        "--no-backup-check",
    ])
    .fails(1, "is not an upgrade target of cluster es762");
    // With an explicit type the server judges, and its error is printed as is.
    srv.sp(&[
        "upgrade",
        "start",
        "es762",
        "--image",
        "no-such-image",
        "--type",
        "same",
        "--no-backup-check",
    ])
    .fails(1, "CSS.");
    // The backup check needs snapshots the fresh cluster does not have.
    let (id, _) = srv.cross_target("es762");
    srv.sp(&["upgrade", "start", "es762", "--image", &id])
        .fails(1, "CSS.0083: ");
}

#[test]
fn start_watch_follows_the_upgrade_to_success_and_status_shows_it() {
    let srv = Server::start();
    srv.cluster("watched", "7.6.2", 3);
    let (image, name) = srv.cross_target("watched");
    let out = srv
        .sp(&[
            "upgrade",
            "start",
            "watched",
            "--image",
            &image,
            "--no-backup-check",
            "--watch",
        ])
        .success();
    assert!(
        out.stdout
            .contains("upgrade SUCCESS: cluster watched now runs"),
        "{out:#?}"
    );
    assert!(out.stdout.contains(&name), "{out:#?}");

    let status = srv
        .sp(&["upgrade", "status", "watched", "-o", "json"])
        .success()
        .json();
    let task = &status["detailList"][0];
    assert_eq!(task["status"], "SUCCESS", "{status}");
    assert_eq!(task["imageInfo"]["id"], image.as_str());
    assert_eq!(
        task["completedNodes"].as_str().unwrap().split(',').count(),
        3
    );

    let table = srv.sp(&["upgrade", "status", "watched"]).success();
    assert!(
        table.stdout.contains("status        SUCCESS"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("nodes done    3/3"),
        "{}",
        table.stdout
    );

    // Watching a finished task returns at once with its outcome.
    srv.sp(&["upgrade", "status", "watched", "--watch"])
        .success();
    let shown = srv
        .sp(&["clusters", "show", "watched", "-o", "json"])
        .success()
        .json();
    assert_eq!(shown["datastore"]["version"], "7.10.2");
}

#[test]
fn status_watch_on_an_injected_failure_exits_4_naming_the_phase_then_retry_succeeds() {
    let srv = Server::start();
    let id = srv.cluster("faulty", "7.6.2", 3);
    let (status, body) = srv.admin(
        "POST",
        "/admin/v1/faults",
        &json!({"clusterId": id, "phase": 3, "action": "fail", "times": 1}),
    );
    assert!((200..300).contains(&status), "{status} {body}");
    let (image, _) = srv.cross_target("faulty");
    let started = srv
        .sp(&[
            "upgrade",
            "start",
            "faulty",
            "--image",
            &image,
            "--no-backup-check",
            "-o",
            "json",
        ])
        .success()
        .json();
    let task = started["actionId"].as_str().unwrap().to_owned();

    let out = srv.sp(&["upgrade", "status", "faulty", "--watch"]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert!(out.stderr.contains("upgrade FAILED"), "{out:#?}");
    assert!(out.stderr.contains("phase 3 Node replacement"), "{out:#?}");
    assert!(
        out.stderr
            .contains(&format!("searchplane upgrade retry faulty {task}")),
        "{out:#?}"
    );

    let json = srv
        .sp(&["upgrade", "status", "faulty", "-o", "json"])
        .success()
        .json();
    assert_eq!(json["detailList"][0]["status"], "FAILED");

    let retried = srv
        .sp(&["upgrade", "retry", "faulty", &task, "--watch"])
        .success();
    assert!(retried.stdout.contains("upgrade SUCCESS"), "{retried:#?}");
    let json = srv
        .sp(&["upgrade", "status", "faulty", "-o", "json"])
        .success()
        .json();
    assert_eq!(json["detailList"][0]["executeTimes"], "2");

    // A finished task cannot be retried: the server's refusal, exit 1.
    srv.sp(&["upgrade", "retry", "faulty", &task])
        .fails(1, "CSS.");
}

#[test]
fn a_failed_upgrade_is_aborted_and_the_cluster_released() {
    let srv = Server::start();
    let id = srv.cluster("aborted", "7.6.2", 3);
    srv.admin(
        "POST",
        "/admin/v1/faults",
        &json!({"clusterId": id, "phase": 3, "action": "fail", "times": 1}),
    );
    let (image, _) = srv.cross_target("aborted");
    let out = srv.sp(&[
        "upgrade",
        "start",
        "aborted",
        "--image",
        &image,
        "--no-backup-check",
        "--watch",
    ]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert!(out.all().contains("Node replacement"), "{out:#?}");
    let status = srv
        .sp(&["upgrade", "status", "aborted", "-o", "json"])
        .success()
        .json();
    let task = status["detailList"][0]["id"].as_str().unwrap().to_owned();

    let out = srv.sp(&["upgrade", "abort", "aborted", &task]).success();
    assert!(
        out.stdout.contains(&format!("aborted task {task}")),
        "{out:#?}"
    );
    let shown = srv
        .sp(&["clusters", "show", "aborted", "-o", "json"])
        .success()
        .json();
    assert_eq!(shown["actions"], json!([]), "{shown}");
    // Aborting again is refused by the server.
    srv.sp(&["upgrade", "abort", "aborted", &task])
        .fails(1, "CSS.");
    srv.sp(&["upgrade", "retry", "aborted", "no-such-task"])
        .fails(1, "CSS.");
}

#[test]
fn a_running_upgrade_blocks_a_second_start_and_deletion() {
    let srv = Server::start();
    let id = srv.cluster("busy", "7.6.2", 3);
    srv.admin(
        "POST",
        "/admin/v1/faults",
        &json!({"clusterId": id, "phase": 2, "action": "hang", "times": 1}),
    );
    let (image, _) = srv.cross_target("busy");
    let out = srv
        .sp(&[
            "upgrade",
            "start",
            "busy",
            "--image",
            &image,
            "--no-backup-check",
        ])
        .success();
    assert!(
        out.stdout.contains("upgrade of cluster busy to"),
        "{out:#?}"
    );
    assert!(
        out.stdout
            .contains("searchplane upgrade status busy --watch"),
        "{out:#?}"
    );
    srv.sp(&[
        "upgrade",
        "start",
        "busy",
        "--image",
        &image,
        "--type",
        "cross",
        "--no-backup-check",
    ])
    .fails(1, "CSS.0011: ");
    srv.sp(&["clusters", "delete", "busy"]).fails(1, "CSS.");
    let table = srv.sp(&["upgrade", "status", "busy"]).success();
    assert!(table.stdout.contains("RUNNING"), "{}", table.stdout);
    assert!(table.stdout.contains("Node shutdown"), "{}", table.stdout);
}
