//! Operational endpoints: liveness and metrics. No authentication.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use wire::ErrorCode;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// `GET /metrics`
pub async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// Any path no route matches.
pub async fn not_found() -> ApiError {
    ApiError::code(ErrorCode::ApigNoSuchApi)
}
