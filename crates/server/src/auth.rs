//! Authentication and tenancy for the CSS API, as one middleware in front of every CSS route:
//! the `SDK-HMAC-SHA256` signature is verified over the request exactly as received (method,
//! raw path, raw query, signed headers, body), the `X-Sdk-Date` must lie within ±15 minutes of
//! the server clock, and the project in the path must be the key's project. A request that
//! carries a Keystone token (`X-Auth-Token`, see `keystone`) is authenticated by the token
//! instead, with the same project scoping. The operator API uses a bearer token instead.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use sign::{Authorization, RequestParts, SignError};
use wire::ErrorCode;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest request body accepted (CSS bodies are small).
pub const MAX_BODY: usize = 1 << 20;

/// The verified caller, available to handlers as an extension.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The project the credential acts on.
    pub project_id: String,
}

fn auth_failed(detail: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ApigAuthFailed,
        format!("{}: {detail}", ErrorCode::ApigAuthFailed.message()),
    )
}

fn sign_error(e: &SignError) -> ApiError {
    match e {
        SignError::DateOutOfRange => ApiError::code(ErrorCode::ApigDateOutOfRange),
        SignError::MissingDate => auth_failed("the X-Sdk-Date header is missing"),
        SignError::MalformedDate => {
            auth_failed("the X-Sdk-Date header is not YYYYMMDD'T'HHMMSS'Z'")
        }
        SignError::SignatureMismatch => auth_failed("verify aksk signature fail"),
        other => auth_failed(&other.to_string()),
    }
}

/// The project id segment of `/v1.0/{project_id}/…` or `/v2.0/{project_id}/…`.
fn path_project(path: &str) -> Option<&str> {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("v1.0" | "v2.0"), Some(p)) => Some(p),
        _ => None,
    }
}

/// Verifies the signature and the project scope, then hands the request on with a [`Caller`].
pub async fn require_signature(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(token) = header(req.headers(), crate::keystone::TOKEN_HEADER) {
        let caller = crate::keystone::verify(&state, token).await?;
        check_scope(req.uri().path(), req.headers(), &caller.project_id)?;
        let mut req = req;
        req.extensions_mut().insert(caller);
        return Ok(next.run(req).await);
    }
    let (mut parts, body) = req.into_parts();
    let authorization = header(&parts.headers, "authorization")
        .ok_or_else(|| auth_failed("the request carries no Authorization header"))?;
    let auth: Authorization<'_> =
        sign::parse_authorization(authorization).map_err(|e| sign_error(&e))?;
    let date = header(&parts.headers, sign::DATE_HEADER)
        .ok_or_else(|| sign_error(&SignError::MissingDate))?;
    sign::check_date(date, state.clock.now()).map_err(|e| sign_error(&e))?;
    let key = state
        .keys
        .get(state.store.as_ref(), auth.access_key)
        .await?
        .ok_or_else(|| auth_failed("the access key does not exist"))?;
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::bad_param(format!("the body must be at most {MAX_BODY} bytes")))?;
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str(), v)))
        .collect();
    let request = RequestParts {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query(),
        headers: &headers,
        body: &bytes,
    };
    sign::verify(&request, &auth, &key.secret).map_err(|e| sign_error(&e))?;
    check_scope(parts.uri.path(), &parts.headers, &key.project_id)?;
    drop(headers);
    parts.extensions.insert(Caller {
        project_id: key.project_id.clone(),
    });
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// 403 `CSS.0015` unless the project in the path (and in `X-Project-Id`, when sent) is the
/// credential's project.
fn check_scope(path: &str, headers: &HeaderMap, project_id: &str) -> Result<(), ApiError> {
    let in_path = path_project(path);
    let in_header = header(headers, "x-project-id");
    if in_path.is_some_and(|p| p != project_id) || in_header.is_some_and(|p| p != project_id) {
        return Err(ApiError::code(ErrorCode::AccessDenied));
    }
    Ok(())
}

/// Checks the operator bearer token.
pub async fn require_admin(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let token = header(req.headers(), "authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| {
            auth_failed("the operator API needs Authorization: Bearer <operator token>")
        })?;
    if !state.store.is_admin_token(token.trim()).await? {
        return Err(auth_failed("the operator token is not valid"));
    }
    Ok(next.run(req).await)
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_is_the_second_path_segment_of_versioned_paths() {
        assert_eq!(path_project("/v1.0/abc/clusters"), Some("abc"));
        assert_eq!(path_project("/v2.0/abc/clusters"), Some("abc"));
        assert_eq!(path_project("/admin/v1/images"), None);
    }
}
