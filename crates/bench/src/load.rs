//! The load generator: closed-loop keep-alive HTTP/1.1 connections on loopback, each sending
//! its next request as soon as the previous answer is read in full.
//!
//! Connections are spread over client threads, each with its own current-thread tokio runtime
//! and, when client CPUs are given, pinned to one of them (so the generator never competes with
//! the server's core). Each connection is one task that drives both hyper's connection and its
//! request loop, so a request costs no wake-up of another task.
//!
//! Every window connects first, then runs a warm-up that is not recorded, then measures for a
//! fixed time: throughput counts the successful answers completed inside the window, and each
//! latency is from the moment the request is handed to the connection until its body is read.
//!
//! ListImages requests are signed as a real client signs them, in one of two ways. By default
//! ([`Signing::EachRequest`]) every request is signed just before it is sent: outside the latency
//! clock, but on the load generator's CPU (~20 µs each). With [`Signing::PerWindow`] every
//! (cluster, upgrade type) is signed once right before each window (so `X-Sdk-Date` is seconds
//! old) and each request picks one of these at random, which leaves the load generator mostly
//! idle — on a VM that can make the server *slower*, since waking an idle core costs the sender.

use std::net::SocketAddr;
use std::sync::{Arc, Barrier, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use chrono::Utc;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sign::Signer;
use tokio::net::TcpStream;

use crate::fixture::Fleet;
use crate::procstat::CpuSample;
use crate::stats::Latencies;

/// When ListImages requests are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// Every path once, right before each window; requests reuse these signatures.
    PerWindow,
    /// Every request, just before it is sent.
    EachRequest,
}

/// What a window requests.
#[derive(Clone)]
pub struct Workload {
    kind: Kind,
    host: HeaderValue,
    host_str: Arc<str>,
}

#[derive(Clone)]
enum Kind {
    /// Signed ListImages over these `(signer index, path)`s, picked uniformly at random.
    ListImages {
        paths: Arc<[(usize, String)]>,
        signers: Arc<[Signer]>,
        signing: Signing,
    },
    /// ListImages requests signed for this window, picked uniformly at random.
    Presigned(Arc<[Presigned]>),
    /// Unsigned `GET /healthz`.
    Healthz,
}

/// A signed ListImages request: path, `X-Sdk-Date`, `Authorization`.
struct Presigned {
    path: String,
    date: HeaderValue,
    authorization: HeaderValue,
}

impl Workload {
    /// ListImages (`GET /v1.0/{pid}/clusters/{id}/target/{type}/images`) for every cluster of
    /// the fleet and every upgrade type, each signed with its project's AK/SK.
    pub fn list_images(host: &str, fleet: &Fleet, signing: Signing) -> anyhow::Result<Self> {
        let paths: Vec<(usize, String)> = fleet
            .clusters
            .iter()
            .flat_map(|(tenant, id)| {
                let project = &fleet.tenants[*tenant].project_id;
                crate::fixture::UPGRADE_TYPES.iter().map(move |t| {
                    (
                        *tenant,
                        format!("/v1.0/{project}/clusters/{id}/target/{t}/images"),
                    )
                })
            })
            .collect();
        anyhow::ensure!(!paths.is_empty(), "no clusters to request");
        Ok(Workload {
            kind: Kind::ListImages {
                paths: paths.into(),
                signers: fleet.tenants.iter().map(|t| t.signer.clone()).collect(),
                signing,
            },
            host: HeaderValue::from_str(host)?,
            host_str: host.into(),
        })
    }

    /// `GET /healthz`, the constant-response route.
    pub fn healthz(host: &str) -> anyhow::Result<Self> {
        Ok(Workload {
            kind: Kind::Healthz,
            host: HeaderValue::from_str(host)?,
            host_str: host.into(),
        })
    }

    /// `(X-Sdk-Date, Authorization)` for a GET of `path`, signed now.
    fn sign(&self, signer: &Signer, path: &str) -> anyhow::Result<(HeaderValue, HeaderValue)> {
        let added = signer.sign(
            "GET",
            path,
            None,
            &[
                ("content-type", "application/json"),
                ("host", &self.host_str),
            ],
            b"",
            Utc::now(),
        );
        let header = |name: &str| -> anyhow::Result<HeaderValue> {
            let (_, v) = added
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .with_context(|| format!("the signer added no {name}"))?;
            Ok(HeaderValue::from_str(v)?)
        };
        Ok((header(sign::DATE_HEADER)?, header("authorization")?))
    }

    /// The workload of one window: with [`Signing::PerWindow`], every ListImages path signed
    /// now; otherwise `self`.
    fn for_window(&self) -> anyhow::Result<Workload> {
        match &self.kind {
            Kind::ListImages {
                paths,
                signers,
                signing: Signing::PerWindow,
            } => {
                let signed = paths
                    .iter()
                    .map(|(signer, path)| {
                        let (date, authorization) = self.sign(&signers[*signer], path)?;
                        Ok(Presigned {
                            path: path.clone(),
                            date,
                            authorization,
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                Ok(Workload {
                    kind: Kind::Presigned(signed.into()),
                    ..self.clone()
                })
            }
            _ => Ok(self.clone()),
        }
    }

    /// The next request (for ListImages: a random cluster and type).
    fn build(&self, rng: &mut StdRng) -> anyhow::Result<Request<Empty<Bytes>>> {
        let req = Request::get("/").header(HOST, self.host.clone());
        let (path, date, authorization) = match &self.kind {
            Kind::Healthz => return Ok(req.uri("/healthz").body(Empty::new())?),
            Kind::ListImages { paths, signers, .. } => {
                let (signer, path) = &paths[rng.gen_range(0..paths.len())];
                let (date, authorization) = self.sign(&signers[*signer], path)?;
                (path, date, authorization)
            }
            Kind::Presigned(signed) => {
                let s = &signed[rng.gen_range(0..signed.len())];
                (&s.path, s.date.clone(), s.authorization.clone())
            }
        };
        Ok(req
            .uri(path.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(sign::DATE_HEADER, date)
            .header(AUTHORIZATION, authorization)
            .body(Empty::new())?)
    }
}

/// How one measurement window runs.
#[derive(Debug, Clone)]
pub struct WindowSpec {
    /// Server address.
    pub addr: SocketAddr,
    /// Concurrent connections.
    pub connections: usize,
    /// Client threads (at most one per connection).
    pub threads: usize,
    /// CPUs the client threads are pinned to, round-robin; empty for no pinning.
    pub client_cpus: Vec<usize>,
    /// Unrecorded warm-up after connecting.
    pub warmup: Duration,
    /// Measured time.
    pub duration: Duration,
    /// Server process, for its CPU use.
    pub server_pid: u32,
    /// Seed of the random cluster/type choice.
    pub seed: u64,
}

/// What one window measured.
#[derive(Debug)]
pub struct WindowResult {
    /// Successful answers completed in the window.
    pub requests: u64,
    /// Failed requests (non-2xx or transport errors) over the whole window, warm-up included.
    pub errors: u64,
    /// The first failure, for the message.
    pub first_error: Option<String>,
    /// The measured time.
    pub duration: Duration,
    /// Latencies of the successful answers in the window.
    pub latencies: Latencies,
    /// Server CPU over the window, % of one core.
    pub server_cpu: Option<f64>,
    /// Load generator CPU over the window, % of one core.
    pub client_cpu: Option<f64>,
}

impl WindowResult {
    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.duration.as_secs_f64()
    }
}

/// One connection's tally.
#[derive(Default)]
struct ConnTally {
    latencies: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl ConnTally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(what);
        }
    }
}

type Sender = SendRequest<Empty<Bytes>>;
type Connection = hyper::client::conn::http1::Connection<TokioIo<TcpStream>, Empty<Bytes>>;

/// Opens a keep-alive HTTP/1.1 connection: the handle to send on and the connection itself,
/// which the caller drives in the same task (no cross-task wake-up per request).
async fn connect(addr: SocketAddr) -> anyhow::Result<(Sender, Connection)> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    Ok(hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?)
}

/// Sends one request and reads the whole answer.
async fn exchange(
    sender: &mut Sender,
    req: Request<Empty<Bytes>>,
) -> anyhow::Result<(StatusCode, Bytes)> {
    sender.ready().await?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// Why a connection's request loop stopped.
enum Stop {
    /// The window is over (or requests cannot be built).
    Done,
    /// The connection broke; reconnect and go on.
    Broken,
}

/// Sends requests on one connection until `end`, recording answers completed in `[from, end)`.
async fn request_loop(
    sender: &mut Sender,
    workload: &Workload,
    rng: &mut StdRng,
    (from, end): (Instant, Instant),
    tally: &mut ConnTally,
) -> Stop {
    loop {
        let req = match workload.build(rng) {
            Ok(r) => r,
            Err(e) => {
                tally.error(format!("building a request: {e}"));
                return Stop::Done;
            }
        };
        let t0 = Instant::now();
        if t0 >= end {
            return Stop::Done;
        }
        match exchange(sender, req).await {
            Ok((status, _)) if status.is_success() => {
                let t1 = Instant::now();
                if t1 >= from && t1 < end {
                    let nanos = u64::try_from((t1 - t0).as_nanos()).unwrap_or(u64::MAX);
                    tally.latencies.push(nanos);
                }
            }
            Ok((status, body)) => {
                let snippet = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                tally.error(format!("HTTP {status}: {snippet}"));
            }
            Err(e) => {
                tally.error(format!("transport: {e:#}"));
                return Stop::Broken;
            }
        }
    }
}

/// Drives one connection (reconnecting if it breaks) until `end`.
async fn drive(
    mut conn: (Sender, Connection),
    addr: SocketAddr,
    workload: Workload,
    mut rng: StdRng,
    window: (Instant, Instant),
) -> ConnTally {
    let mut tally = ConnTally {
        latencies: Vec::with_capacity(1 << 16),
        ..ConnTally::default()
    };
    loop {
        let (mut sender, connection) = conn;
        let requests = request_loop(&mut sender, &workload, &mut rng, window, &mut tally);
        // Requests first: it hands the next request over, then the connection writes it.
        let stop = tokio::select! {
            biased;
            stop = requests => stop,
            r = connection => {
                if let Err(e) = r {
                    tally.error(format!("connection: {e}"));
                }
                Stop::Broken
            }
        };
        if matches!(stop, Stop::Done) || Instant::now() >= window.1 {
            return tally;
        }
        conn = match connect(addr).await {
            Ok(c) => c,
            Err(e) => {
                tally.error(format!("reconnecting: {e:#}"));
                return tally;
            }
        };
    }
}

/// One client thread: connects its share of connections, meets the others at the barriers, then
/// drives its connections through the window.
fn client_thread(
    spec: &WindowSpec,
    workload: &Workload,
    index: usize,
    barriers: &(Barrier, Barrier),
    schedule: &OnceLock<(Instant, Instant)>,
) -> anyhow::Result<Vec<ConnTally>> {
    if !spec.client_cpus.is_empty() {
        let cpu = spec.client_cpus[index % spec.client_cpus.len()];
        if !core_affinity::set_for_current(core_affinity::CoreId { id: cpu }) {
            eprintln!("warning: could not pin a client thread to CPU {cpu}");
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let mine: Vec<usize> = (0..spec.connections)
        .filter(|c| c % spec.threads == index)
        .collect();
    let senders = match &rt {
        Ok(rt) => rt.block_on(async {
            let mut v = Vec::with_capacity(mine.len());
            for _ in &mine {
                v.push(connect(spec.addr).await?);
            }
            anyhow::Ok(v)
        }),
        Err(e) => Err(anyhow::anyhow!("building a runtime: {e}")),
    };
    // Always meet the others, even after a failure, so that nobody waits forever.
    barriers.0.wait();
    barriers.1.wait();
    let senders = senders?;
    let rt = rt?;
    let (from, end) = *schedule.get().context("no schedule")?;
    rt.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (conn, index) in senders.into_iter().zip(mine) {
            let rng = StdRng::seed_from_u64(spec.seed ^ (index as u64).wrapping_mul(0x9e37_79b9));
            tasks.spawn(drive(conn, spec.addr, workload.clone(), rng, (from, end)));
        }
        let mut out = Vec::new();
        while let Some(t) = tasks.join_next().await {
            out.push(t?);
        }
        anyhow::Ok(out)
    })
}

/// Runs one window of `workload` against the server.
pub fn run_window(spec: &WindowSpec, workload: &Workload) -> anyhow::Result<WindowResult> {
    let workload = &workload.for_window()?;
    let threads = spec.threads.clamp(1, spec.connections.max(1));
    let spec = WindowSpec {
        threads,
        ..spec.clone()
    };
    let barriers = (Barrier::new(threads + 1), Barrier::new(threads + 1));
    let schedule = OnceLock::new();
    let own_pid = std::process::id();
    let (tallies, server_cpu, client_cpu) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (spec, barriers, schedule) = (&spec, &barriers, &schedule);
                s.spawn(move || client_thread(spec, workload, i, barriers, schedule))
            })
            .collect();
        barriers.0.wait();
        let from = Instant::now() + spec.warmup;
        let end = from + spec.duration;
        let _ = schedule.set((from, end));
        barriers.1.wait();
        std::thread::sleep(from.saturating_duration_since(Instant::now()));
        let (server0, client0) = (CpuSample::take(spec.server_pid), CpuSample::take(own_pid));
        std::thread::sleep(end.saturating_duration_since(Instant::now()));
        let (server1, client1) = (CpuSample::take(spec.server_pid), CpuSample::take(own_pid));
        let mut tallies = Vec::new();
        for h in handles {
            match h.join() {
                Ok(r) => tallies.extend(r?),
                Err(_) => anyhow::bail!("a client thread panicked"),
            }
        }
        anyhow::Ok((
            tallies,
            server0.busy_percent(&server1),
            client0.busy_percent(&client1),
        ))
    })?;
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for t in tallies {
        latencies.extend(t.latencies);
        errors += t.errors;
        first_error = first_error.or(t.first_error);
    }
    Ok(WindowResult {
        requests: latencies.len() as u64,
        errors,
        first_error,
        duration: spec.duration,
        latencies: Latencies::new(latencies),
        server_cpu,
        client_cpu,
    })
}
