//! The searchplane domain: engine versions and images, the catalog and its upgrade-path rules,
//! clusters and nodes, target-image selection, and the ports (`Store`, `Clock`) the outer layers
//! implement. Pure: no HTTP, no SQL. Everything here is deterministic given its inputs, which is
//! what lets the server, the store and the tests agree on one set of rules.

#![warn(missing_docs)]

pub mod catalog;
pub mod clock;
pub mod cluster;
pub mod create;
pub mod credentials;
pub mod runtime;
pub mod store;
pub mod targets;
pub mod upgrade;
pub mod version;

pub use catalog::{Catalog, CatalogError, Flavor, Image, ImageStatus, UpgradePath};
pub use clock::{Clock, ManualClock, SystemClock};
pub use cluster::{Cluster, ClusterStatus, Node, NodeType};
pub use store::{Store, StoreError};
pub use targets::{TargetSelection, UnavailableReason, UpgradeType};
pub use version::{Build, Engine, Version};
