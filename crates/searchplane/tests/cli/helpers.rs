//! A real `searchplane serve` process per test (free port, own data dir, fixed credentials,
//! sim speed 100000) and a runner for the CLI binary against it, with a clean environment and
//! an empty working directory so no stray `./searchplane-data` or `SEARCHPLANE_*` leaks in.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const AK: &str = "CLITESTACCESSKEY0001";
pub const SK: &str = "clitestsecretkey00000000000000000000001";
pub const ADMIN: &str = "cli-test-admin-token";

const BIN: &str = env!("CARGO_BIN_EXE_searchplane");

/// Every variable the binary reads; removed from each child's environment.
const ENV_VARS: &[&str] = &[
    "SEARCHPLANE_ENDPOINT",
    "SEARCHPLANE_ACCESS_KEY",
    "SEARCHPLANE_SECRET_KEY",
    "SEARCHPLANE_PROJECT_ID",
    "SEARCHPLANE_ADMIN_TOKEN",
    "SEARCHPLANE_DATA_DIR",
    "SEARCHPLANE_OUTPUT",
    "SEARCHPLANE_LISTEN",
    "SEARCHPLANE_DATABASE_URL",
    "SEARCHPLANE_SIM_SPEED",
    "SEARCHPLANE_USER",
    "SEARCHPLANE_PASSWORD",
];

/// A port nothing listens on (right now).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server; killed on drop.
pub struct Server {
    pub addr: String,
    pub endpoint: String,
    pub data_dir: PathBuf,
    /// An empty directory the CLI runs in.
    pub cwd: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let cwd = dir.path().join("cwd");
        std::fs::create_dir_all(&cwd).unwrap();
        // The port is free when picked but another process may take it before the server
        // binds; then the server exits and we try another.
        for _ in 0..5 {
            let port = free_port();
            let addr = format!("127.0.0.1:{port}");
            let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
            let mut cmd = Command::new(BIN);
            for v in ENV_VARS {
                cmd.env_remove(v);
            }
            let mut child = cmd
                .args(["serve", "--listen", &addr, "--sim-speed", "100000"])
                .arg("--data-dir")
                .arg(&data_dir)
                .env("SEARCHPLANE_ACCESS_KEY", AK)
                .env("SEARCHPLANE_SECRET_KEY", SK)
                .env("SEARCHPLANE_PROJECT_ID", PROJECT)
                .env("SEARCHPLANE_ADMIN_TOKEN", ADMIN)
                .env("RUST_LOG", "warn")
                .current_dir(&cwd)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if matches!(http(&addr, "GET", "/healthz", &[], None), Some((200, _))) {
                    return Server {
                        endpoint: format!("http://{addr}"),
                        addr,
                        data_dir,
                        cwd,
                        child,
                        _dir: dir,
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
        panic!("the server did not start; its log:\n{log}");
    }

    /// The CLI with the endpoint in the environment and the credentials from the data dir.
    pub fn sp(&self, args: &[&str]) -> Out {
        run_cli(
            &self.cwd,
            args,
            &[
                ("SEARCHPLANE_ENDPOINT", self.endpoint.as_str()),
                ("SEARCHPLANE_DATA_DIR", self.data_dir.to_str().unwrap()),
            ],
        )
    }

    /// An operator call, for what the CLI has no command for (faults, cluster data).
    pub fn admin(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let auth = format!("Bearer {ADMIN}");
        http(
            &self.addr,
            method,
            path,
            &[("Authorization", &auth)],
            Some(body),
        )
        .expect("operator call failed")
    }

    /// Creates an available cluster through the CLI and returns its id.
    pub fn cluster(&self, name: &str, version: &str, nodes: u32) -> String {
        let out = self
            .sp(&[
                "clusters",
                "create",
                name,
                "--version",
                version,
                "--nodes",
                &nodes.to_string(),
                "--wait",
                "-o",
                "json",
            ])
            .success();
        out.json()["cluster"]["id"].as_str().unwrap().to_owned()
    }

    /// The id of the latest `cross` target image of a cluster.
    pub fn cross_target(&self, cluster: &str) -> (String, String) {
        let v = self
            .sp(&[
                "upgrade", "targets", cluster, "--type", "cross", "-o", "json",
            ])
            .success()
            .json();
        let img = &v["imageInfoList"][0];
        (
            img["id"].as_str().unwrap().to_owned(),
            img["displayName"].as_str().unwrap().to_owned(),
        )
    }
}

/// Runs the CLI in `cwd` with only `env` of the `SEARCHPLANE_*` variables set.
pub fn run_cli(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(BIN);
    for v in ENV_VARS {
        cmd.env_remove(v);
    }
    let out = cmd
        .args(args)
        .envs(env.iter().copied())
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Out {
        args: args.join(" "),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A finished CLI run.
#[derive(Debug)]
pub struct Out {
    pub args: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    #[track_caller]
    pub fn success(self) -> Out {
        assert_eq!(
            self.code, 0,
            "`searchplane {}` failed: {self:#?}",
            self.args
        );
        self
    }

    /// Asserts the exit code and that stderr contains `needle`.
    #[track_caller]
    pub fn fails(self, code: i32, needle: &str) -> Out {
        assert_eq!(self.code, code, "`searchplane {}`: {self:#?}", self.args);
        assert!(
            self.stderr.contains(needle),
            "`searchplane {}`: stderr lacks {needle:?}: {self:#?}",
            self.args
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of `searchplane {}` is not JSON ({e}): {self:#?}",
                self.args
            )
        })
    }

    /// stdout and stderr together.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A plain HTTP/1.1 request (`Connection: close`); `None` when the server can't be reached.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    stream.read_to_string(&mut resp).ok()?;
    let status: u16 = resp.split_whitespace().nth(1)?.parse().ok()?;
    let text = resp.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let value = serde_json::from_str(text).unwrap_or(Value::String(text.to_owned()));
    Some((status, value))
}
