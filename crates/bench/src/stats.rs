//! Percentiles of latency samples and medians across rounds.

use std::time::Duration;

/// Latency samples of one measurement window, sorted once for the percentiles.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    sorted_nanos: Vec<u64>,
}

impl Latencies {
    /// Takes the samples (nanoseconds, any order).
    pub fn new(mut nanos: Vec<u64>) -> Self {
        nanos.sort_unstable();
        Latencies {
            sorted_nanos: nanos,
        }
    }

    /// The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method; zero without samples.
    pub fn percentile(&self, p: f64) -> Duration {
        let n = self.sorted_nanos.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        Duration::from_nanos(self.sorted_nanos[rank.clamp(1, n) - 1])
    }
}

/// The median of `values` (the mean of the middle two for an even count); `NaN` when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Milliseconds as a float, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let l = Latencies::new((1..=100).rev().collect());
        assert_eq!(l.percentile(50.0), Duration::from_nanos(50));
        assert_eq!(l.percentile(99.0), Duration::from_nanos(99));
        assert_eq!(l.percentile(100.0), Duration::from_nanos(100));
        assert_eq!(
            Latencies::new(vec![7]).percentile(1.0),
            Duration::from_nanos(7)
        );
        assert_eq!(Latencies::default().percentile(99.0), Duration::ZERO);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
