//! Where credentials and the endpoint come from, and what happens when they are missing,
//! wrong or unreachable; usage errors and help.

use crate::helpers::{ADMIN, AK, PROJECT, SK, Server, free_port, run_cli};

#[test]
fn without_any_credentials_the_message_says_what_is_missing_and_where_it_looked() {
    let cwd = tempfile::tempdir().unwrap();
    let out = run_cli(cwd.path(), &["clusters", "list"], &[]).fails(2, "no credentials found");
    assert!(out.stderr.contains("SEARCHPLANE_ACCESS_KEY"), "{out:#?}");
    assert!(
        out.stderr
            .contains("searchplane-data/credentials.json does not exist"),
        "{out:#?}"
    );
    assert!(out.stdout.is_empty());

    run_cli(
        cwd.path(),
        &["images", "list", "--access-key", AK, "--secret-key", SK],
        &[],
    )
    .fails(2, "admin token (--admin-token / SEARCHPLANE_ADMIN_TOKEN)");
}

#[test]
fn a_refused_connection_names_the_endpoint_tried() {
    let cwd = tempfile::tempdir().unwrap();
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let env = [
        ("SEARCHPLANE_ENDPOINT", endpoint.as_str()),
        ("SEARCHPLANE_ACCESS_KEY", AK),
        ("SEARCHPLANE_SECRET_KEY", SK),
        ("SEARCHPLANE_PROJECT_ID", PROJECT),
        ("SEARCHPLANE_ADMIN_TOKEN", ADMIN),
    ];
    let out = run_cli(cwd.path(), &["clusters", "list"], &env)
        .fails(3, &format!("cannot reach searchplane at {endpoint}"));
    assert!(out.stderr.to_lowercase().contains("refused"), "{out:#?}");
    run_cli(cwd.path(), &["images", "list"], &env).fails(3, &endpoint);
    // The default endpoint is used when none is given.
    run_cli(
        cwd.path(),
        &[
            "paths",
            "list",
            "--admin-token",
            "x",
            "--endpoint",
            &format!("127.0.0.1:{port}/v1.0/x"),
        ],
        &[],
    )
    .fails(
        3,
        &format!("cannot reach searchplane at http://127.0.0.1:{port}:"),
    );
}

#[test]
fn credentials_come_from_flags_then_environment_then_the_data_dir() {
    let srv = Server::start();
    let cwd = srv.cwd.to_str().unwrap();
    let ep = srv.endpoint.as_str();
    // Flags only.
    run_cli(
        srv.cwd.as_path(),
        &[
            "clusters",
            "list",
            "--endpoint",
            ep,
            "--access-key",
            AK,
            "--secret-key",
            SK,
            "--project-id",
            PROJECT,
        ],
        &[],
    )
    .success();
    // Environment only.
    run_cli(
        srv.cwd.as_path(),
        &["clusters", "list"],
        &[
            ("SEARCHPLANE_ENDPOINT", ep),
            ("SEARCHPLANE_ACCESS_KEY", AK),
            ("SEARCHPLANE_SECRET_KEY", SK),
            ("SEARCHPLANE_PROJECT_ID", PROJECT),
        ],
    )
    .success();
    // The data dir's credentials.json, given as a flag after the verb.
    run_cli(
        srv.cwd.as_path(),
        &[
            "clusters",
            "list",
            "--endpoint",
            ep,
            "--data-dir",
            srv.data_dir.to_str().unwrap(),
        ],
        &[],
    )
    .success();
    // A flag wins over the file: a wrong secret is used, and the server says so.
    let out = run_cli(
        srv.cwd.as_path(),
        &[
            "clusters",
            "list",
            "--endpoint",
            ep,
            "--secret-key",
            "wrong",
        ],
        &[("SEARCHPLANE_DATA_DIR", srv.data_dir.to_str().unwrap())],
    )
    .fails(1, "APIG.0301: ");
    assert!(out.stdout.is_empty(), "{out:#?}");
    // Likewise the environment over the file, for the operator token.
    run_cli(
        srv.cwd.as_path(),
        &[
            "images",
            "list",
            "--endpoint",
            ep,
            "--data-dir",
            srv.data_dir.to_str().unwrap(),
        ],
        &[("SEARCHPLANE_ADMIN_TOKEN", "not-the-token")],
    )
    .fails(1, "APIG.0301: ");
    let _ = cwd;
}

#[test]
fn bad_flag_values_are_usage_errors_with_exit_code_2() {
    let cwd = tempfile::tempdir().unwrap();
    let out = run_cli(
        cwd.path(),
        &["upgrade", "targets", "c", "--type", "sideways"],
        &[],
    )
    .fails(2, "invalid value 'sideways'");
    assert!(out.stderr.contains("same, cross, cross-engine"), "{out:#?}");
    run_cli(cwd.path(), &["clusters", "list", "--output", "yaml"], &[]).fails(2, "yaml");
    run_cli(cwd.path(), &["upgrade", "start", "c"], &[]).fails(2, "--image");
    run_cli(cwd.path(), &["clusters", "frobnicate"], &[]).fails(2, "frobnicate");
    run_cli(
        cwd.path(),
        &[
            "clusters",
            "list",
            "--endpoint",
            "ftp://x",
            "--admin-token",
            "t",
        ],
        &[],
    )
    .fails(2, "invalid endpoint");
}

#[test]
fn every_command_has_help_with_an_example_and_the_top_level_documents_exit_codes() {
    let cwd = tempfile::tempdir().unwrap();
    let top = run_cli(cwd.path(), &["--help"], &[]).success();
    for needle in [
        "Exit codes:",
        "3  the server could not be reached",
        "4  the watched upgrade",
    ] {
        assert!(top.stdout.contains(needle), "{needle}: {}", top.stdout);
    }
    for cmd in [
        &["serve"][..],
        &["clusters"],
        &["clusters", "list"],
        &["clusters", "show"],
        &["clusters", "create"],
        &["clusters", "delete"],
        &["upgrade"],
        &["upgrade", "targets"],
        &["upgrade", "start"],
        &["upgrade", "status"],
        &["upgrade", "retry"],
        &["upgrade", "abort"],
        &["images", "list"],
        &["images", "add"],
        &["paths", "list"],
        &["flavors", "list"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = run_cli(cwd.path(), &args, &[]).success();
        assert!(
            out.stdout.contains("Example") && out.stdout.contains("searchplane "),
            "{args:?}: {}",
            out.stdout
        );
    }
}
