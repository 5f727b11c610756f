//! The one place where failures become responses. Every handler, extractor and middleware
//! returns `ApiError`; its `IntoResponse` renders the CSS envelope with the code's status (or
//! an explicit one where the design fixes it, e.g. 412 for failed pre-upgrade checks). Internal
//! causes are logged with their whole chain and never sent to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::store::StoreError;
use wire::ErrorCode;

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    status: StatusCode,
    msg: String,
    source: Option<anyhow::Error>,
}

impl ApiError {
    /// An error with the code's documented status.
    pub fn new(code: ErrorCode, msg: impl Into<String>) -> Self {
        ApiError {
            code,
            status: StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
            msg: msg.into(),
            source: None,
        }
    }

    /// An error with the code's documented message.
    pub fn code(code: ErrorCode) -> Self {
        Self::new(code, code.message())
    }

    /// `CSS.0001` with a message saying which parameter is wrong.
    pub fn bad_param(msg: impl Into<String>) -> Self {
        Self::new(
            ErrorCode::IncorrectParameters,
            format!("Incorrect parameters: {}", msg.into()),
        )
    }

    /// An internal failure: logged with its cause chain, answered as `CSS.0036`.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError {
            source: Some(e.into()),
            ..Self::code(ErrorCode::InternalError)
        }
    }

    /// Overrides the HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The error code.
    pub fn error_code(&self) -> ErrorCode {
        self.code
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(e) = &self.source {
            tracing::error!(error = ?e, "internal error");
        }
        (self.status, Json(self.code.body(self.msg))).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
