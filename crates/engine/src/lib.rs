//! The engine: work that outlives a request. For now the simulated fleet's provisioning —
//! clusters created in status `100` become `200` once their simulated build time has passed.
//! Deadlines are stored, so a restart simply picks up where the last process stopped.

pub mod provision;
pub mod sim;

pub use sim::SimSpeed;
