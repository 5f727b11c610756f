//! One handler per API operation, grouped by resource. Handlers parse, call the domain and the
//! store, and convert; they never touch SQL and never build error bodies themselves.

pub mod admin;
pub mod clusters;
pub mod images;
pub mod ops;
pub mod snapshots;
pub mod upgrade;
