//! One application error for handlers and services. Bodies never carry
//! internal text: database and other internal errors are logged, and the
//! client sees a generic message.
use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::DbErr;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("validation failed")]
    Validation(BTreeMap<String, String>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A 422 for a single field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(name.to_owned(), message.into())]))
    }
}

/// Whether a database error means the database cannot be reached (503) rather
/// than a bug (500).
pub fn is_unavailable(err: &DbErr) -> bool {
    matches!(err, DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) || {
        let text = err.to_string().to_ascii_lowercase();
        [
            "connection refused",
            "pool timed out",
            "broken pipe",
            "connection reset",
            "terminating connection",
            "database is locked",
            "the database system is",
            "io error",
            "error communicating",
            "closed",
        ]
        .iter()
        .any(|needle| text.contains(needle))
    }
}

/// A unique-constraint violation, the mark of a lost race for a name.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Internal(err.to_string())
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            Self::NotFound(m) => json!({"error": "not_found", "error_description": m}),
            Self::Conflict(m) => json!({"error": "conflict", "error_description": m}),
            Self::Validation(fields) => json!({"error": "validation_failed", "fields": fields}),
            Self::BadRequest(m) => json!({"error": "invalid_request", "error_description": m}),
            Self::Forbidden(m) => json!({"error": "forbidden", "error_description": m}),
            Self::Unavailable(e) => {
                log::warn!("database unavailable: {e}");
                json!({"error": "temporarily_unavailable",
                       "error_description": "the database is unavailable, try again shortly"})
            }
            Self::Internal(detail) => {
                log::error!("internal error: {detail}");
                json!({"error": "server_error", "error_description": "internal error"})
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        response.json(body)
    }
}
