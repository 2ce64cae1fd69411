//! Answers for requests no handler takes, and error pages that reveal
//! nothing internal.
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// The RFC 6750 §3 error of the shared guard, beside its `WWW-Authenticate`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"error": "invalid_token", "error_description": "the token has expired"}))]
pub struct BearerErrorBody {
    /// `invalid_token`, `insufficient_scope`, or absent without credentials.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

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

/// An error page in the site's layout (`templates/error.html`).
pub fn simple_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    crate::http::error_page(status, title, message)
}

/// A JSON body that does not parse: 400 with what is wrong (413 when too big).
/// A page form (`web::Form`) that cannot be read — a field given twice, a
/// missing field, a wrong content type — is a 400 page, not plain text.
pub fn form_error(err: actix_web::error::UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError;
    let (status, message) = match &err {
        UrlencodedError::Overflow { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is too large.".to_owned(),
        ),
        UrlencodedError::ContentType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The form was not sent as application/x-www-form-urlencoded.".to_owned(),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            format!("The form could not be read: {other}."),
        ),
    };
    let response = simple_page(status, "Something is wrong with this request", &message);
    actix_web::error::InternalError::from_response(err, response).into()
}

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

/// 405 for an endpoint that only takes `POST` (RFC 9110 §15.5.6: with `Allow`).
pub async fn post_only() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "POST"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"error": "invalid_request", "error_description": "this endpoint only accepts POST"}))
}

/// A percent-encoded NUL in the path or query is never meaningful, and
/// PostgreSQL refuses NUL in text: answer 400 before any handler sees it.
pub async fn refuse_nul_in_uri(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let has_nul = req
        .uri()
        .path_and_query()
        .is_some_and(|pq| pq.as_str().contains("%00"));
    if has_nul {
        let response = HttpResponse::BadRequest().json(
            json!({"error": "invalid_request", "error_description": "the URL contains a NUL character"}),
        );
        return Ok(req.into_response(response));
    }
    next.call(req).await.map(|res| res.map_into_boxed_body())
}

/// RFC 9110 §9.3.2: a `HEAD` request is answered as `GET` would be, headers
/// and status alike. Routing sees `GET`; the HTTP/1 encoder, which noted the
/// request was `HEAD` before any of this ran, sends the headers and no body.
pub async fn answer_head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}
