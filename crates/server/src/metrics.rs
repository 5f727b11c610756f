//! `/metrics` in the Prometheus text format: requests by operation (the matched route) and
//! status, and a latency histogram per operation.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;

const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters and latencies of one operation (route and method).
#[derive(Default)]
struct OpStats {
    by_status: BTreeMap<u16, u64>,
    latency: Histogram,
}

/// Request counters and latency histograms. Keyed by route, then method, so that recording a
/// request allocates nothing once its operation has been seen.
#[derive(Default)]
pub struct Metrics {
    ops: Mutex<HashMap<String, HashMap<Method, OpStats>>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut ops = self
            .ops
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let by_method = match ops.get_mut(route) {
            Some(m) => m,
            None => ops.entry(route.to_owned()).or_default(),
        };
        let op = by_method.entry(method.clone()).or_default();
        *op.by_status.entry(status).or_default() += 1;
        let h = &mut op.latency;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Renders every metric, sorted by operation.
    pub fn render(&self) -> String {
        let ops = self
            .ops
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut sorted: Vec<(String, &OpStats)> = ops
            .iter()
            .flat_map(|(route, by_method)| {
                by_method
                    .iter()
                    .map(move |(m, s)| (format!("{m} {route}"), s))
            })
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        out.push_str(
            "# HELP searchplane_requests_total Requests answered, by operation and status.\n",
        );
        out.push_str("# TYPE searchplane_requests_total counter\n");
        for (op, stats) in &sorted {
            for (status, n) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "searchplane_requests_total{{operation=\"{op}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP searchplane_request_duration_seconds Request latency, by operation.\n",
        );
        out.push_str("# TYPE searchplane_request_duration_seconds histogram\n");
        for (op, stats) in &sorted {
            let h = &stats.latency;
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "searchplane_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "searchplane_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "searchplane_request_duration_seconds_sum{{operation=\"{op}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "searchplane_request_duration_seconds_count{{operation=\"{op}\"}} {}",
                h.count
            );
        }
        out
    }
}
