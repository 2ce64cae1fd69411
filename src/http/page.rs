//! Turning templates and errors into HTML responses. Page handlers return
//! [`PageError`], so a failure shows an error page (never JSON, never
//! internal text), with the same status an API caller would get.
use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;

/// One page for every error status: 400, 403, 404, 429, 500, 503.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// An error page. Falls back to plain text if the template cannot render,
/// which only a broken build could cause.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    match page.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            log::error!("could not render the error page: {e}");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(title.to_owned())
        }
    }
}

/// Renders a page template with `status`. Pages carry personal data or a
/// CSRF token, so they are never stored by caches.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, PageError> {
    let body = page
        .render()
        .map_err(|e| PageError(AppError::Template(e)))?;
    Ok(html(status, body))
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// `303 See Other` to `location`: the "get" of post-redirect-get.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The 429 page for a spent sign-in budget (docs/security.md), `Retry-After` in
/// whole seconds (RFC 9110 §10.2.3).
pub fn too_many_requests(retry_after: u64) -> HttpResponse {
    let message = format!(
        "There were too many sign-in attempts from your network. Wait {retry_after} seconds, then try again."
    );
    let mut response = error_page(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", &message);
    if let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The 503 page for a full sign-in queue, `Retry-After` in whole seconds.
pub fn signin_busy(retry_after: u64) -> HttpResponse {
    let message = format!(
        "valet is handling too many sign-ins right now. Wait {retry_after} seconds, then try again."
    );
    let mut response = error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Temporarily unavailable",
        &message,
    );
    if let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// What a page handler can fail with: an [`AppError`] shown as a page.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<sea_orm::DbErr> for PageError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self(e.into())
    }
}

impl fmt::Debug for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        page_for(&self.0)
    }
}

/// The page for an [`AppError`]: user-facing messages are shown, internal
/// ones are logged and replaced by a generic sentence.
pub fn page_for(err: &AppError) -> HttpResponse {
    let status = err.status_code();
    match err {
        AppError::NotFound(message) => error_page(status, "Page not found", message),
        AppError::Forbidden(message) => error_page(status, "Access denied", message),
        AppError::BadRequest(message) | AppError::Conflict(message) => {
            error_page(status, "Something is wrong with this request", message)
        }
        AppError::Validation(fields) => error_page(
            status,
            "Something is wrong with this request",
            &join_fields(fields),
        ),
        AppError::Unavailable(_) => {
            err.log();
            let mut response = error_page(
                status,
                "Temporarily unavailable",
                "valet cannot reach its database right now. Try again in a few seconds.",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            response
        }
        AppError::Database(_)
        | AppError::Hash(_)
        | AppError::Template(_)
        | AppError::Internal { .. } => {
            err.log();
            error_page(
                status,
                "Something went wrong",
                "valet could not finish this request. Try again in a moment.",
            )
        }
    }
}

/// `field: message; …`, for an error page or a flash line.
pub fn join_fields(fields: &std::collections::BTreeMap<String, String>) -> String {
    fields
        .iter()
        .map(|(field, message)| format!("{}: {message}", field.replace('_', " ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the top bar of a signed-in page shows (`templates/_nav.html`):
/// who is signed in, the admin link for admins, the admin area's links on
/// its pages, and the sign-out form. A page template with a `nav: Nav`
/// field (or an admin page's `chrome.nav`) includes it.
pub struct Nav {
    pub username: String,
    pub csrf: String,
    pub is_admin: bool,
    pub admin_area: bool,
}

impl Nav {
    /// The bar of an account page.
    pub fn new(
        principal: &super::Principal,
        session: &actix_session::Session,
    ) -> Result<Self, AppError> {
        Ok(Self {
            username: principal.user.username.clone(),
            csrf: super::csrf::token(session)?,
            is_admin: principal.scopes.contains(crate::domain::Scope::ADMIN),
            admin_area: false,
        })
    }

    /// The bar of an admin page (the guard has checked `admin`).
    pub fn admin(csrf: String) -> Self {
        Self {
            username: String::new(),
            csrf,
            is_admin: true,
            admin_area: true,
        }
    }
}
