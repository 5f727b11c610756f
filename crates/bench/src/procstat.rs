//! CPU time of a process from `/proc/<pid>/stat`, to tell whether a measurement window kept the
//! server busy: a throughput figure only counts when the server's core was (nearly) saturated,
//! otherwise it measures the load generator or the loopback wake-up latency instead.

use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// Clock ticks per second of `/proc/*/stat` times (`getconf CLK_TCK`, 100 on Linux when unknown).
fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// User + system CPU time of a whole process (all threads), in ticks; `None` when it cannot be
/// read (no `/proc`, process gone).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis
    // start with field 3 (state), so utime (14) and stime (15) are the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// A point-in-time reading of a process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    ticks: Option<u64>,
    at: Instant,
}

impl CpuSample {
    /// Reads process `pid` now.
    pub fn take(pid: u32) -> Self {
        CpuSample {
            ticks: cpu_ticks(pid),
            at: Instant::now(),
        }
    }

    /// CPU used between `self` and the later sample `end`, in percent of one core (a process
    /// using two cores fully reads 200); `None` if either reading failed.
    pub fn busy_percent(&self, end: &CpuSample) -> Option<f64> {
        let wall = end.at.duration_since(self.at).as_secs_f64();
        let used = end.ticks?.checked_sub(self.ticks?)? as f64 / clock_ticks() as f64;
        (wall > 0.0).then(|| 100.0 * used / wall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_loop_reads_as_busy() {
        let pid = std::process::id();
        let start = CpuSample::take(pid);
        let until = Instant::now() + std::time::Duration::from_millis(300);
        let mut x = 0u64;
        while Instant::now() < until {
            x = x.wrapping_mul(31).wrapping_add(7);
        }
        std::hint::black_box(x);
        let busy = start.busy_percent(&CpuSample::take(pid)).unwrap();
        // Tick granularity (10 ms) and a loaded test machine make this coarse.
        assert!(busy > 40.0, "busy {busy}");
    }
}
