//! The error envelope `{"error_code": …, "error_msg": …}` (the shape the official SDKs parse)
//! and the code table: each code has one HTTP status and a default message, taken from the API
//! reference's error-code appendix, plus the API gateway's authentication codes.

use serde::{Deserialize, Serialize};

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Error code, e.g. `CSS.0001`.
    pub error_code: String,
    /// Human-readable message.
    pub error_msg: String,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident => ($code:literal, $status:literal, $msg:literal), )*) => {
        /// Every error code searchplane answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// All codes, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as sent, e.g. `CSS.0001`.
            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status the code is documented under.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// The documented message.
            pub fn message(self) -> &'static str {
                match self { $(ErrorCode::$variant => $msg,)* }
            }
        }
    };
}

codes! {
    /// Bad or missing signature or token.
    ApigAuthFailed => ("APIG.0301", 401, "Incorrect IAM authentication information"),
    /// `X-Sdk-Date` outside the allowed window.
    ApigDateOutOfRange => ("APIG.0303", 401, "Incorrect app authentication information: the request date is outside the allowed window"),
    /// No such API.
    ApigNoSuchApi => ("APIG.0101", 404, "The API does not exist or has not been published in the environment"),
    /// Invalid request parameters.
    IncorrectParameters => ("CSS.0001", 400, "Incorrect parameters."),
    /// Instance does not exist (pages that document 404).
    InstanceNotFound => ("CSS.0002", 404, "The instance does not exist."),
    /// Request body missing.
    RequestNull => ("CSS.0006", 400, "The request is null. Enter the request parameters."),
    /// Another operation is running (documented under HTTP 202).
    OperationInProgress => ("CSS.0011", 202, "This operation cannot be performed because another operation is being performed on the instance or the instance is faulty. Please try again later."),
    /// Credential not valid for the project.
    AccessDenied => ("CSS.0015", 403, "No resources are found or the access is denied."),
    /// Internal error.
    InternalError => ("CSS.0036", 500, "Internal error."),
    /// Cluster does not exist (pages that document no 404).
    ClusterNotFound => ("CSS.0047", 400, "The cluster does not exist or has been deleted."),
    /// Backup check needs three data nodes.
    BackupNeedsThreeDataNodes => ("CSS.0074", 400, "The number of data nodes (including cold nodes) must be greater than or equal to three."),
    /// Cluster status does not allow an upgrade.
    StatusNotUpgradable => ("CSS.0078", 400, "The cluster is in a status that does not support upgrade."),
    /// Record does not exist.
    RecordNotFound => ("CSS.0082", 400, "The record does not exist."),
    /// Indices not backed up.
    IndicesNotBackedUp => ("CSS.0083", 400, "Some indexes have not been backed up. Perform full index backup in the snapshot module of the cluster."),
    /// Unsupported datastore type or version.
    UnsupportedDatastore => ("CSS.5005", 400, "The database type or version is not supported."),
    /// Flavor does not exist.
    FlavorNotFound => ("CSS.5007", 400, "The selected flavors do not exist."),
    /// Invalid volume type.
    InvalidVolumeType => ("CSS.5008", 400, "Invalid volume type."),
    /// Invalid AZ.
    InvalidAz => ("CSS.5011", 400, "Invalid AZ."),
    /// Invalid description length and the like.
    ParameterOutOfRange => ("CSS.5038", 400, "The value of the parameter is out of range."),
    /// NICs missing.
    NicsBlank => ("CSS.5046", 400, "NICS is left blank."),
    /// Cluster name already taken.
    ClusterNameExists => ("CSS.5050", 400, "The cluster name already exists."),
    /// Invalid name.
    InvalidClusterName => ("CSS.5057", 400, "The cluster name contains invalid characters or the name length is not allowed."),
    /// Invalid node count.
    InvalidNodeQuantity => ("CSS.5069", 400, "Invalid node quantity."),
    /// Invalid disk size.
    InvalidDiskSize => ("CSS.5078", 400, "Invalid disk size."),
    /// Invalid node type.
    InvalidInstanceType => ("CSS.5106", 400, "Invalid instance type."),
    /// Even number of masters.
    MastersMustBeOdd => ("CSS.5134", 400, "The total number of master nodes must be an odd number."),
    /// Disk size not a multiple of 20.
    DiskSizeMultipleOf20 => ("CSS.5135", 400, "The disk size must be a multiple of 20."),
    /// No data nodes.
    NoDataNodes => ("CSS.5167", 400, "No data nodes are selected."),
    /// Security mode unsupported for this version.
    SecurityModeUnsupported => ("CSS.5169", 400, "The selected version does not support the security mode."),
    /// HTTPS without security mode.
    HttpsNeedsAuthority => ("CSS.5171", 400, "If httpsEnable is set to true, authorityEnable cannot be set to false."),
    /// Fewer nodes than AZs.
    NodesFewerThanAzs => ("CSS.5172", 400, "The number of instances must be greater than or equal to the number of AZs."),
    /// Invalid administrator password.
    InvalidAdminPassword => ("CSS.0050", 400, "Invalid cluster administrator password."),
    /// The operation is not allowed in this status.
    NotAllowedInStatus => ("CSS.5090", 400, "In this status, the current operation is not allowed."),
    /// Snapshot name taken.
    SnapshotNameExists => ("CSS.0043", 409, "The snapshot name already exists."),
    /// Object already exists (operator API).
    ObjectExists => ("CSS.0031", 409, "The object already exists."),
    /// Resource not found (operator API).
    ResourceNotFound => ("CSS.0016", 404, "Resource not found."),
}

impl ErrorCode {
    /// The envelope for this code with a specific message.
    pub fn body(self, msg: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error_code: self.code().to_owned(),
            error_msg: msg.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "{} twice", c.code());
            assert!(c.code().starts_with("CSS.") || c.code().starts_with("APIG."));
            assert!((200..600).contains(&c.status()));
            assert!(!c.message().is_empty());
        }
    }

    #[test]
    fn the_envelope_has_exactly_the_documented_fields() {
        let v = serde_json::to_value(ErrorCode::IncorrectParameters.body("limit must be 1-1000"))
            .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"error_code": "CSS.0001", "error_msg": "limit must be 1-1000"})
        );
    }
}
