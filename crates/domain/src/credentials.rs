//! Tenancy and credentials: each access key belongs to exactly one project, and the operator
//! token guards the operator API. The first start of a deployment creates one bundle of each.

use serde::{Deserialize, Serialize};

/// An AK/SK pair and the project it may act on.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// Access key id (sent in the `Authorization` header).
    pub access_key: String,
    /// Secret key (never sent).
    pub secret_key: String,
    /// The only project this key may act on.
    pub project_id: String,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("project_id", &self.project_id)
            .finish()
    }
}

/// The credentials created at first start and written to `<data-dir>/credentials.json`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Credentials {
    /// Project id (32 lowercase hex characters, like an IAM project id).
    pub project_id: String,
    /// Project name (Keystone scope).
    pub project_name: String,
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Keystone user name.
    pub user_name: String,
    /// Keystone password.
    pub password: String,
    /// Operator API bearer token.
    pub admin_token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("project_id", &self.project_id)
            .field("access_key", &self.access_key)
            .field("user_name", &self.user_name)
            .finish_non_exhaustive()
    }
}

/// A custom plugin package uploaded for one engine version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PluginPackage {
    /// Plugin name.
    pub name: String,
    /// Engine the package is built for.
    pub engine: crate::Engine,
    /// Engine version the package is built for.
    pub version: crate::Version,
}

/// A Keystone user and the project it is scoped to.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// User name.
    pub name: String,
    /// Password.
    pub password: String,
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

/// A project created through the operator API, with its first access key and user.
#[derive(Clone, PartialEq, Eq)]
pub struct ProjectCredentials {
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Keystone user name.
    pub user_name: String,
    /// Keystone password.
    pub password: String,
}

impl std::fmt::Debug for ProjectCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectCredentials")
            .field("project_id", &self.project_id)
            .field("access_key", &self.access_key)
            .finish_non_exhaustive()
    }
}
