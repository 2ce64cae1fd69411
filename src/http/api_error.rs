//! How an [`AppError`] answers the JSON API: a status, `Cache-Control:
//! no-store`, and `{"error", "error_description"}` that never carries
//! internal text (a 500 or 503 is logged with its cause chain instead).
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::error::AppError;

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Hash(_) | Self::Template(_) | Self::Internal { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let body = match self {
            Self::NotFound(m) => json!({"error": "not_found", "error_description": m}),
            Self::Conflict(m) => json!({"error": "conflict", "error_description": m}),
            Self::Validation(fields) => json!({"error": "validation_failed", "fields": fields}),
            Self::BadRequest(m) => json!({"error": "invalid_request", "error_description": m}),
            Self::Forbidden(m) => json!({"error": "forbidden", "error_description": m}),
            Self::Unavailable(_) => json!({"error": "temporarily_unavailable",
                       "error_description": "the database is unavailable, try again shortly"}),
            Self::Database(_) | Self::Hash(_) | Self::Template(_) | Self::Internal { .. } => {
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
