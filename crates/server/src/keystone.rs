//! Keystone v3 tokens, so that `openstacksdk` / `otcextensions` (which authenticate against
//! IAM, not with AK/SK) reach the CSS API: `POST /v3/auth/tokens` checks a user's password and
//! answers 201 with the token in `X-Subject-Token` and a catalog whose `css` endpoint is
//! `http://HOST/v1.0/<project_id>`; `GET /v3` answers version discovery; [`verify`] checks the
//! `X-Auth-Token` of a CSS request (called by the auth middleware next to the AK/SK path).
//!
//! Tokens are stateless, so that every replica on one database verifies every token without a
//! token table: `spk1.<hex project id>.<issued>.<expires>.<hex user name>.<hex signature>`,
//! where the signature is HMAC-SHA256 over everything before it, keyed by
//! HMAC-SHA256(user's password, "searchplane keystone token v1\n<user>\n<project>"). A token is
//! therefore bound to the user's stored password and project and cannot be forged or altered
//! without the password; it lives 24 hours, as IAM tokens do.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use domain::credentials::User;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wire::ErrorCode;
use wire::keystone::{
    AuthRequest, CatalogEntry, Domain, DomainRef, Endpoint, Link, MediaType, Role, Scope, Token,
    TokenProject, TokenResponse, TokenUser, VersionInfo, VersionResponse,
};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Request header carrying a token on CSS requests.
pub const TOKEN_HEADER: &str = "x-auth-token";
/// Response header carrying a newly issued token.
pub const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";
/// How long a token is valid (IAM: 24 h).
pub const TOKEN_LIFETIME: TimeDelta = TimeDelta::hours(24);

const PREFIX: &str = "spk1";
const KEY_CONTEXT: &str = "searchplane keystone token v1";
/// Keystone's timestamp format (`keystoneauth1` parses it with `iso8601`).
const KEYSTONE_TIME: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

type HmacSha256 = Hmac<Sha256>;

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Claims {
    project_id: String,
    user: String,
    issued: i64,
    expires: i64,
}

fn auth_failed(detail: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ApigAuthFailed,
        format!("{}: {detail}", ErrorCode::ApigAuthFailed.message()),
    )
}

fn mac_for(user: &User) -> HmacSha256 {
    // Keyed by the password, bound to the user and project: a password change revokes every
    // token of that user, and no token names another user or project than it was issued for.
    let mut kdf = HmacSha256::new_from_slice(user.password.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    kdf.update(format!("{KEY_CONTEXT}\n{}\n{}", user.name, user.project_id).as_bytes());
    let key = kdf.finalize().into_bytes();
    HmacSha256::new_from_slice(&key).unwrap_or_else(|_| unreachable!("32-byte key"))
}

fn encode(claims: &Claims, user: &User) -> String {
    let body = format!(
        "{PREFIX}.{}.{}.{}.{}",
        hex::encode(&claims.project_id),
        claims.issued,
        claims.expires,
        hex::encode(&claims.user)
    );
    let mut mac = mac_for(user);
    mac.update(body.as_bytes());
    format!("{body}.{}", hex::encode(mac.finalize().into_bytes()))
}

/// Splits a token into its signed part, its claims and its signature; `None` if garbled.
fn decode(token: &str) -> Option<(&str, Claims, Vec<u8>)> {
    let (body, signature) = token.rsplit_once('.')?;
    let mut parts = body.split('.');
    let (Some(PREFIX), Some(project), Some(issued), Some(expires), Some(user), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let text = |h: &str| hex::decode(h).ok().and_then(|b| String::from_utf8(b).ok());
    let claims = Claims {
        project_id: text(project)?,
        user: text(user)?,
        issued: issued.parse().ok()?,
        expires: expires.parse().ok()?,
    };
    Some((body, claims, hex::decode(signature).ok()?))
}

/// Checks a token (signature against the user's stored password, then expiry) and returns
/// the caller it authenticates. Every failure is 401 `APIG.0301`.
pub async fn verify(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let (claims, _) = verify_claims(state, token.trim()).await?;
    Ok(Caller {
        project_id: claims.project_id,
    })
}

async fn verify_claims(state: &AppState, token: &str) -> Result<(Claims, User), ApiError> {
    let invalid = || auth_failed("the token is not valid");
    let (body, claims, signature) = decode(token).ok_or_else(invalid)?;
    let user = state.store.user(&claims.user).await?.ok_or_else(invalid)?;
    if user.project_id != claims.project_id {
        return Err(invalid());
    }
    let mut mac = mac_for(&user);
    mac.update(body.as_bytes());
    mac.verify_slice(&signature).map_err(|_| invalid())?;
    if state.clock.now().timestamp() >= claims.expires {
        return Err(auth_failed("the token has expired"));
    }
    Ok((claims, user))
}

/// `scheme://host[:port]` as the client reached this server: the `Host` header (HTTP/1.1
/// always sends it), `https` when a proxy says so in `X-Forwarded-Proto`.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

fn keystone_time(t: DateTime<Utc>) -> String {
    t.format(KEYSTONE_TIME).to_string()
}

fn unix(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// A stable id for a name (catalog, endpoint and role ids).
fn stable_id(kind: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{kind}\n{name}").as_bytes());
    hex::encode(&digest[..16])
}

fn domain(given: Option<&DomainRef>) -> Domain {
    let id = given.and_then(|d| d.id.clone());
    let name = given.and_then(|d| d.name.clone());
    Domain {
        id: id
            .clone()
            .or_else(|| name.clone())
            .unwrap_or_else(|| "default".into()),
        name: name.or(id).unwrap_or_else(|| "Default".into()),
    }
}

/// The user a password request names, if the password is right.
async fn password_user(state: &AppState, req: &AuthRequest) -> ApiResult<User> {
    let Some(method) = &req.auth.identity.password else {
        return Err(ApiError::bad_param(
            "auth.identity.password is required for the password method",
        ));
    };
    // searchplane's user ids are the user names.
    let Some(name) = method.user.name.as_ref().or(method.user.id.as_ref()) else {
        return Err(ApiError::bad_param(
            "auth.identity.password.user needs a name or an id",
        ));
    };
    let wrong = || auth_failed("the user name or password is wrong");
    let user = state.store.user(name).await?.ok_or_else(wrong)?;
    let given = Sha256::digest(method.user.password.as_bytes());
    let stored = Sha256::digest(user.password.as_bytes());
    if !bool::from(given.ct_eq(&stored)) {
        return Err(wrong());
    }
    Ok(user)
}

/// Refuses a scope other than the user's own project.
fn check_scope(scope: Option<&Scope>, user: &User) -> ApiResult<()> {
    let Some(scope) = scope else {
        // No scope: the user's default (and only) project, as Keystone does.
        return Ok(());
    };
    let Some(project) = &scope.project else {
        if scope.domain.is_some() {
            return Err(auth_failed(
                "only project-scoped tokens are issued (scope.project)",
            ));
        }
        return Ok(());
    };
    let matches = match (&project.id, &project.name) {
        (Some(id), _) => *id == user.project_id,
        (None, Some(name)) => *name == user.project_name,
        (None, None) => {
            return Err(ApiError::bad_param(
                "auth.scope.project needs an id or a name",
            ));
        }
    };
    if matches {
        Ok(())
    } else {
        Err(auth_failed(
            "the user has no access to the requested project",
        ))
    }
}

/// `POST /v3/auth/tokens`: password (or token) method, project scope.
pub async fn issue_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<AuthRequest>,
) -> ApiResult<Response> {
    let methods = &req.auth.identity.methods;
    let (user, method) = if methods.iter().any(|m| m == "password") {
        (password_user(&state, &req).await?, "password")
    } else if methods.iter().any(|m| m == "token") {
        let Some(token) = &req.auth.identity.token else {
            return Err(ApiError::bad_param(
                "auth.identity.token is required for the token method",
            ));
        };
        (verify_claims(&state, token.id.trim()).await?.1, "token")
    } else {
        return Err(auth_failed(
            "auth.identity.methods must contain password or token",
        ));
    };
    check_scope(req.auth.scope.as_ref(), &user)?;

    let now = state.clock.now().timestamp();
    let claims = Claims {
        project_id: user.project_id.clone(),
        user: user.name.clone(),
        issued: now,
        expires: now + TOKEN_LIFETIME.num_seconds(),
    };
    let token = encode(&claims, &user);
    let user_domain = domain(
        req.auth
            .identity
            .password
            .as_ref()
            .and_then(|p| p.user.domain.as_ref()),
    );
    let project_domain = req
        .auth
        .scope
        .as_ref()
        .and_then(|s| s.project.as_ref())
        .and_then(|p| p.domain.as_ref())
        .map_or_else(|| user_domain.clone(), |d| domain(Some(d)));
    let base = base_url(&headers);
    // OTC project names are `<region>` or `<region>_<sub-project>`.
    let region = user
        .project_name
        .split('_')
        .next()
        .unwrap_or(&user.project_name)
        .to_owned();
    let service = |kind: &str, url: String| CatalogEntry {
        id: stable_id("service", kind),
        kind: kind.to_owned(),
        name: kind.to_owned(),
        endpoints: vec![Endpoint {
            id: stable_id("endpoint", kind),
            interface: "public".into(),
            region: region.clone(),
            region_id: region.clone(),
            url,
        }],
    };
    let body = TokenResponse {
        token: Token {
            methods: vec![method.to_owned()],
            expires_at: keystone_time(unix(claims.expires)),
            issued_at: keystone_time(unix(claims.issued)),
            audit_ids: vec![token[token.len() - 22..].to_owned()],
            user: TokenUser {
                id: user.name.clone(),
                name: user.name.clone(),
                domain: user_domain,
            },
            project: TokenProject {
                id: user.project_id.clone(),
                name: user.project_name.clone(),
                domain: project_domain,
            },
            roles: vec![Role {
                id: stable_id("role", "te_admin"),
                name: "te_admin".into(),
            }],
            catalog: vec![
                service("css", format!("{base}/v1.0/{}", user.project_id)),
                service("identity", format!("{base}/v3")),
            ],
        },
    };
    let token_value = HeaderValue::from_str(&token).map_err(ApiError::internal)?;
    tracing::info!(user = %user.name, project = %user.project_id, "token issued");
    Ok((
        StatusCode::CREATED,
        [(SUBJECT_TOKEN_HEADER, token_value)],
        Json(body),
    )
        .into_response())
}

/// `GET /v3`: Keystone version discovery.
pub async fn version(headers: HeaderMap) -> Json<VersionResponse> {
    Json(VersionResponse {
        version: VersionInfo {
            id: "v3.14".into(),
            status: "stable".into(),
            updated: "2020-04-07T00:00:00Z".into(),
            links: vec![Link {
                rel: "self".into(),
                href: format!("{}/v3/", base_url(&headers)),
            }],
            media_types: vec![MediaType {
                base: "application/json".into(),
                kind: "application/vnd.openstack.identity-v3+json".into(),
            }],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(password: &str) -> User {
        User {
            name: "admin".into(),
            password: password.into(),
            project_id: "0123456789abcdef0123456789abcdef".into(),
            project_name: "eu-de".into(),
        }
    }

    fn claims() -> Claims {
        Claims {
            project_id: "0123456789abcdef0123456789abcdef".into(),
            user: "admin".into(),
            issued: 1_700_000_000,
            expires: 1_700_086_400,
        }
    }

    #[test]
    fn a_token_decodes_to_its_claims_and_its_signature_depends_on_the_password() {
        let token = encode(&claims(), &user("pw-1"));
        let (body, decoded, sig) = decode(&token).unwrap();
        assert_eq!(decoded, claims());
        assert_eq!(sig.len(), 32);
        let mut mac = mac_for(&user("pw-1"));
        mac.update(body.as_bytes());
        assert!(mac.verify_slice(&sig).is_ok());
        let mut other = mac_for(&user("pw-2"));
        other.update(body.as_bytes());
        assert!(other.verify_slice(&sig).is_err());
        assert_ne!(token, encode(&claims(), &user("pw-2")));
    }

    #[test]
    fn garbled_tokens_do_not_decode() {
        let token = encode(&claims(), &user("pw"));
        for bad in [
            "",
            "spk1",
            "nonsense",
            &token.replacen("spk1", "spk2", 1),
            &format!("{token}.00"),
            &token.replace('.', ".x"),
        ] {
            assert!(decode(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_base_url_comes_from_the_host_header() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h), "http://localhost");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:9800"));
        assert_eq!(base_url(&h), "http://127.0.0.1:9800");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(base_url(&h), "https://127.0.0.1:9800");
        h.insert(header::HOST, HeaderValue::from_static("evil\"host"));
        assert_eq!(base_url(&h), "https://localhost");
    }

    #[test]
    fn keystone_times_have_microseconds_and_a_zulu_suffix() {
        assert_eq!(
            keystone_time(unix(1_700_000_000)),
            "2023-11-14T22:13:20.000000Z"
        );
    }
}
