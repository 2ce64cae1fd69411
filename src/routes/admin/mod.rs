//! The admin web UI (README `/admin/…`, scope `admin`): the users list with
//! search and paging, creating users, a page per user, and the audit log.
//! The guard turns anonymous visitors to the sign-in page and signed-in
//! users without `admin` to the 403 page. Every form carries the CSRF token
//! (checked before anything changes) and answers with a flash message after
//! a redirect. The rules live in [`crate::users`], shared with the JSON API.
use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;
use crate::http::{csrf, Guard, Principal};
use crate::state::AppState;
use crate::users::admin::Actor;

mod audit_log;
mod client_actions;
mod clients;
mod create;
mod user_actions;
mod user_page;
mod users_list;
mod view;

const STYLESHEET: &str = include_str!("../../../static/admin.css");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/admin.css", web::get().to(get_stylesheet))
        .service(
            web::scope("/admin")
                .wrap(Guard::page().require("admin"))
                .route("", web::get().to(get_admin_home))
                .route("/", web::get().to(get_admin_home))
                .route("/users", web::get().to(users_list::get_users))
                .route("/users", web::post().to(create::post_new_user))
                .route("/new-user", web::get().to(create::get_new_user))
                .route("/audit", web::get().to(audit_log::get_audit))
                .route("/users/{username}", web::get().to(user_page::get_user))
                .route("/users/{username}", web::post().to(user_page::post_profile))
                .configure(user_actions::configure)
                .configure(clients::configure)
                .configure(client_actions::configure),
        );
}

/// `GET /static/admin.css`: the admin pages' own styles, compiled in.
async fn get_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

async fn get_admin_home() -> HttpResponse {
    see_other("/admin/users")
}

/// An error on an admin page: the same statuses as [`AppError`], shown as a
/// page rather than JSON, never with internal detail.
#[derive(Debug)]
pub struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        use crate::http::errors::simple_page;
        let status = self.status_code();
        let (title, message) = match &self.0 {
            AppError::NotFound(m) => ("Not found", m.clone()),
            AppError::Conflict(m) | AppError::BadRequest(m) => ("Cannot do that", m.clone()),
            AppError::Forbidden(m) => ("Access denied", m.clone()),
            AppError::Validation(fields) => ("Cannot do that", join_fields(fields)),
            AppError::Unavailable(e) => {
                log::warn!("database unavailable: {e}");
                (
                    "Try again shortly",
                    "The database is unavailable.".to_owned(),
                )
            }
            AppError::Internal(detail) => {
                log::error!("internal error on an admin page: {detail}");
                (
                    "Something went wrong",
                    "Please try again in a moment.".to_owned(),
                )
            }
        };
        // The template escapes `message`; escaping here too would show `&amp;`.
        simple_page(status, title, &message)
    }
}

/// `field: message; …` for a flash line.
pub fn join_fields(fields: &std::collections::BTreeMap<String, String>) -> String {
    fields
        .iter()
        .map(|(field, message)| format!("{}: {message}", field.replace('_', " ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders a template with `status`, never cached (pages show accounts).
fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, PageError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// 303 See Other, the redirect of post-redirect-get (never cached).
fn see_other(location: &str) -> HttpResponse {
    crate::http::page::see_other(location)
}

/// Checks the form's CSRF token against the session's (403 otherwise).
fn check_csrf(session: &Session, submitted: &Option<String>) -> Result<(), PageError> {
    Ok(csrf::verify(session, submitted.as_deref())?)
}

/// The admin acting, for the audit log.
fn actor(req: &HttpRequest, principal: &Principal, state: &AppState) -> Actor {
    Actor::new(
        &principal.user.username,
        crate::http::client_ip::client_ip(req, &state.settings),
    )
    .holding(principal.scopes.clone())
}

/// The address of a user's admin page.
fn user_path(username: &str) -> String {
    format!("/admin/users/{username}")
}

/// The flash message to show once, and the session's CSRF token for forms.
fn chrome(session: &Session) -> Result<view::Chrome, PageError> {
    Ok(view::Chrome {
        flash: crate::http::flash::take(session),
        csrf_token: csrf::token(session)?,
    })
}
