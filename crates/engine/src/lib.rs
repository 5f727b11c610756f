//! The engine: work that outlives a request. The durable upgrade [`runner`], the simulated
//! fleet ([`fleet::SimFleet`], the default `NodeRuntime`) and its provisioning loop — clusters
//! created in status `100` become `200` once their simulated build time has passed. Deadlines
//! and transitions are stored, so a restart picks up where the last process stopped.

pub mod fleet;
pub mod provision;
pub mod runner;
pub mod sim;

pub use sim::SimSpeed;
