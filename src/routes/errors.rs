//! Answers for requests no handler takes, and error pages that reveal
//! nothing internal.
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// Whether the client asked for HTML (a browser) rather than JSON.
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Any route that does not exist: a page for browsers, JSON for the rest.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if wants_html(&req) {
        simple_page(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is nothing at this address.",
        )
    } else {
        HttpResponse::NotFound()
            .json(json!({"error": "not_found", "error_description": "no such route"}))
    }
}

/// The page for a signed-in user who lacks the scope a page needs.
pub fn forbidden_page() -> HttpResponse {
    simple_page(
        StatusCode::FORBIDDEN,
        "Access denied",
        "Your account does not have access to this page.",
    )
}

/// A minimal self-contained page; the styled templates replace it where a
/// template exists.
pub fn simple_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · valet</title><link rel=\"stylesheet\" href=\"/static/valet.css\"></head>\
         <body><main class=\"card\"><h1>{title}</h1><p>{message}</p>\
         <p><a href=\"/account\">Go to your account</a></p></main></body></html>"
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// A JSON body that does not parse: 400 with what is wrong (413 when too big).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let status = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        JsonPayloadError::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    let response = HttpResponse::build(status)
        .json(json!({"error": "invalid_request", "error_description": err.to_string()}));
    actix_web::error::InternalError::from_response(err, response).into()
}

/// A query string that does not parse: 400 with what is wrong.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    let response = HttpResponse::BadRequest()
        .json(json!({"error": "invalid_request", "error_description": err.to_string()}));
    actix_web::error::InternalError::from_response(err, response).into()
}

/// A path segment that does not parse: 404, as if the route did not exist.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let response = HttpResponse::NotFound()
        .json(json!({"error": "not_found", "error_description": err.to_string()}));
    actix_web::error::InternalError::from_response(err, response).into()
}
