//! Simulated time: durations of the simulated fleet pass `speed` times faster than real time
//! (`--sim-speed`, simulated seconds per real second).

use chrono::TimeDelta;

/// Simulated seconds per real second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimSpeed(f64);

impl SimSpeed {
    /// A speed; must be positive and finite.
    pub fn new(speed: f64) -> Option<Self> {
        (speed.is_finite() && speed > 0.0).then_some(SimSpeed(speed))
    }

    /// The factor.
    pub fn get(self) -> f64 {
        self.0
    }

    /// How long a simulated duration takes in real time.
    pub fn real(self, simulated: TimeDelta) -> TimeDelta {
        let ms = simulated.num_milliseconds() as f64 / self.0;
        TimeDelta::milliseconds(ms.round() as i64)
    }
}

impl Default for SimSpeed {
    fn default() -> Self {
        SimSpeed(600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_time_is_scaled_down_by_the_speed() {
        let s = SimSpeed::new(600.0).unwrap();
        assert_eq!(s.real(TimeDelta::minutes(10)), TimeDelta::seconds(1));
        assert!(
            SimSpeed::new(0.0).is_none()
                && SimSpeed::new(-1.0).is_none()
                && SimSpeed::new(f64::NAN).is_none()
        );
    }
}
