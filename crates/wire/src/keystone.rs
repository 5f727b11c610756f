//! Keystone v3 identity, the subset `keystoneauth1` / `openstacksdk` / `otcextensions` use:
//! `POST /v3/auth/tokens` (password or token method, project scope) and `GET /v3` version
//! discovery. Field names follow the Keystone v3 API reference (`expires_at`, `region_id`,
//! `media-types`); unknown request fields are ignored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v3/auth/tokens` body.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct AuthRequest {
    /// Identity and scope.
    pub auth: Auth,
}

/// `auth` of a token request.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Auth {
    /// Who is authenticating.
    pub identity: Identity,
    /// What the token is for; the user's own project when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// `auth.identity`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Identity {
    /// `["password"]` or `["token"]`.
    pub methods: Vec<String>,
    /// The password method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordMethod>,
    /// The token method (re-scoping an existing token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenMethod>,
}

/// `identity.password`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PasswordMethod {
    /// The user and its password.
    pub user: PasswordUser,
}

/// `identity.password.user`: by name (with a domain) or by id.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PasswordUser {
    /// User id (searchplane's user ids are the user names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Password.
    pub password: String,
    /// The user's domain (any domain is accepted; it is echoed in the token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainRef>,
}

/// `identity.token`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct TokenMethod {
    /// A valid token.
    pub id: String,
}

/// A domain named by id or name.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct DomainRef {
    /// Domain id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `auth.scope`: only project scope is supported.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Scope {
    /// The project, by id or by name (with its domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectRef>,
    /// Domain scope (refused: searchplane issues project-scoped tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainRef>,
}

/// `auth.scope.project`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ProjectRef {
    /// Project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Project name (`eu-de`-style, as on Open Telekom Cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The project's domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainRef>,
}

/// `POST /v3/auth/tokens` answer (HTTP 201; the token itself is the `X-Subject-Token` header).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The token's properties.
    pub token: Token,
}

/// The token body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Token {
    /// Authentication methods used, e.g. `["password"]`.
    pub methods: Vec<String>,
    /// Expiry, `YYYY-MM-DDThh:mm:ss.ffffffZ` (24 h after issue).
    pub expires_at: String,
    /// Issue time, same format.
    pub issued_at: String,
    /// Audit ids.
    pub audit_ids: Vec<String>,
    /// The authenticated user.
    pub user: TokenUser,
    /// The project the token is scoped to.
    pub project: TokenProject,
    /// Roles on the project.
    pub roles: Vec<Role>,
    /// The service catalog: `css` (`…/v1.0/<project_id>`) and `identity` (`…/v3`).
    pub catalog: Vec<CatalogEntry>,
}

/// `token.user`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct TokenUser {
    /// User id.
    pub id: String,
    /// User name.
    pub name: String,
    /// The user's domain.
    pub domain: Domain,
}

/// `token.project`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct TokenProject {
    /// Project id (the `{project_id}` of CSS paths).
    pub id: String,
    /// Project name.
    pub name: String,
    /// The project's domain.
    pub domain: Domain,
}

/// A domain in a token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Domain {
    /// Domain id.
    pub id: String,
    /// Domain name.
    pub name: String,
}

/// A role in a token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Role {
    /// Role id.
    pub id: String,
    /// Role name.
    pub name: String,
}

/// A service of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct CatalogEntry {
    /// Service id.
    pub id: String,
    /// Service type, e.g. `css`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Service name.
    pub name: String,
    /// Its endpoints.
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint of a catalog service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Endpoint {
    /// Endpoint id.
    pub id: String,
    /// `public`.
    pub interface: String,
    /// Region, e.g. `eu-de`.
    pub region: String,
    /// Region id, e.g. `eu-de`.
    pub region_id: String,
    /// Base URL.
    pub url: String,
}

/// `GET /v3` answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct VersionResponse {
    /// The identity API version served.
    pub version: VersionInfo,
}

/// One identity API version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct VersionInfo {
    /// `v3.14`.
    pub id: String,
    /// `stable`.
    pub status: String,
    /// Release date of the version.
    pub updated: String,
    /// `self` link to `…/v3/`.
    pub links: Vec<Link>,
    /// Media types.
    #[serde(rename = "media-types")]
    pub media_types: Vec<MediaType>,
}

/// A link.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Link {
    /// Relation, e.g. `self`.
    pub rel: String,
    /// Target URL.
    pub href: String,
}

/// A media type of a version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct MediaType {
    /// `application/json`.
    pub base: String,
    /// `application/vnd.openstack.identity-v3+json`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keystoneauth_password_request_parses() {
        let body = r#"{"auth": {"identity": {"methods": ["password"], "password": {"user":
            {"name": "admin", "domain": {"name": "OTC00000000001000000001"}, "password": "pw"}}},
            "scope": {"project": {"name": "eu-de", "domain": {"name": "OTC00000000001000000001"}}}}}"#;
        let r: AuthRequest = serde_json::from_str(body).unwrap();
        let user = r.auth.identity.password.unwrap().user;
        assert_eq!(user.name.as_deref(), Some("admin"));
        assert_eq!(
            r.auth.scope.unwrap().project.unwrap().name.as_deref(),
            Some("eu-de")
        );
    }

    #[test]
    fn catalog_and_version_fields_keep_their_keystone_names() {
        let e = CatalogEntry {
            id: "i".into(),
            kind: "css".into(),
            name: "css".into(),
            endpoints: vec![Endpoint {
                id: "e".into(),
                interface: "public".into(),
                region: "eu-de".into(),
                region_id: "eu-de".into(),
                url: "http://h/v1.0/p".into(),
            }],
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], "css");
        assert_eq!(v["endpoints"][0]["region_id"], "eu-de");
        let m = serde_json::to_value(MediaType {
            base: "application/json".into(),
            kind: "t".into(),
        })
        .unwrap();
        assert_eq!(m["type"], "t");
    }
}
