//! Request parsing that answers in the CSS envelope: JSON bodies (empty → `CSS.0006`, malformed
//! or mistyped → `CSS.0001` naming the problem) and query parameters with documented ranges.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::RangeInclusive;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use wire::ErrorCode;

use crate::error::ApiError;

/// A JSON body whose rejection is a CSS error.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_param(format!("cannot read the body: {e}")))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body; empty bodies are `CSS.0006`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::code(ErrorCode::RequestNull));
    }
    // Every body of this API is an object. serde's derived structs would also take a JSON array
    // of the fields in order (`[null, null]`), which no client means.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_param("the body must be a JSON object"));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_param(format!("malformed JSON body: {e}")))?;
    // Structs only from objects, at any depth (see `strict_json`).
    serde_path_to_error::deserialize(crate::strict_json::Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ApiError::bad_param(format!("malformed JSON body: {inner}"))
        } else {
            ApiError::bad_param(format!("{path}: {inner}"))
        }
    })
}

/// Decoded query parameters. Every CSS query parameter takes one value, so a parameter given
/// twice is `CSS.0001` rather than silently one of its values.
#[derive(Debug, Default)]
pub struct QueryParams(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut map = HashMap::new();
        if let Some(q) = parts.uri.query() {
            for (k, v) in form_urlencoded::parse(q.as_bytes()) {
                match map.entry(k.into_owned()) {
                    Entry::Occupied(e) => {
                        return Err(ApiError::bad_param(format!(
                            "{} is given more than once",
                            e.key()
                        )));
                    }
                    Entry::Vacant(e) => {
                        e.insert(v.into_owned());
                    }
                }
            }
        }
        Ok(QueryParams(map))
    }
}

impl QueryParams {
    /// A raw parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// An integer parameter within `range`, `default` when absent.
    pub fn int(
        &self,
        name: &str,
        range: RangeInclusive<i64>,
        default: i64,
    ) -> Result<i64, ApiError> {
        self.int_any(&[name], range, default)
    }

    /// Like [`QueryParams::int`], accepting several names for the same parameter (the first
    /// present wins), for parameters the API renamed (`start` → `offset`). Every name present
    /// must hold a valid value: a bad `start` next to a good `offset` is still refused.
    pub fn int_any(
        &self,
        names: &[&str],
        range: RangeInclusive<i64>,
        default: i64,
    ) -> Result<i64, ApiError> {
        let (lo, hi) = (range.start(), range.end());
        let mut chosen = None;
        for name in names {
            let Some(raw) = self.get(name) else { continue };
            match raw.trim().parse::<i64>() {
                Ok(v) if range.contains(&v) => {
                    chosen.get_or_insert(v);
                }
                _ => {
                    return Err(ApiError::bad_param(format!(
                        "{name} must be an integer {lo}-{hi}, not {raw:?}"
                    )));
                }
            }
        }
        Ok(chosen.unwrap_or(default))
    }

    /// A boolean parameter (`true`/`false`), false when absent.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None => Ok(false),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(ApiError::bad_param(format!(
                "{name} must be true or false, not {v:?}"
            ))),
        }
    }
}
