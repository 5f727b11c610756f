//! The CSS wire format: request and response bodies with their exact field names, the error
//! envelope, and the table of error codes with their HTTP statuses and messages. No I/O; the
//! server and the CLI both speak through these types so that a field name lives in one place.

#![warn(missing_docs)]

pub mod admin;
pub mod clusters;
pub mod error;
pub mod images;
pub mod keystone;
pub mod lenient;
pub mod snapshots;
pub mod upgrade;

pub use error::{ErrorBody, ErrorCode};

/// Formats a UTC instant the way CSS does: `YYYY-MM-DDThh:mm:ss`, no zone, no fraction.
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
