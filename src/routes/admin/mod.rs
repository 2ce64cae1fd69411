//! The admin web UI (docs/users.md `/admin/…`, scope `admin`): the users list with
//! search and paging, creating users, a page per user, and the audit log.
//! The guard turns anonymous visitors to the sign-in page and signed-in
//! users without `admin` to the 403 page. Every form carries the CSRF token
//! (checked before anything changes) and answers with a flash message after
//! a redirect. The rules live in [`crate::users`], shared with the JSON API.
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::domain::Scope;
use crate::http::{csrf, Guard};
use crate::http::{render, see_other, PageError};

mod audit_log;
mod client_actions;
mod clients;
mod create;
mod user_actions;
mod user_page;
mod users_list;
mod view;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(Guard::page().require(Scope::ADMIN))
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

async fn get_admin_home() -> HttpResponse {
    see_other("/admin/users")
}

/// A form with nothing but the CSRF token.
#[derive(serde::Deserialize)]
struct ButtonForm {
    csrf_token: Option<String>,
}

/// An admin page's button (a form with only the CSRF token), its token
/// checked before anything changes: who acts, the session for the flash
/// message, and the state.
pub struct Button {
    pub actor: crate::users::admin::Actor,
    pub session: Session,
    pub state: web::Data<crate::state::AppState>,
}

impl Button {
    pub fn into_parts(
        self,
    ) -> (
        crate::users::admin::Actor,
        Session,
        web::Data<crate::state::AppState>,
    ) {
        (self.actor, self.session, self.state)
    }
}

impl actix_web::FromRequest for Button {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let req = req.clone();
        let form = web::Form::<ButtonForm>::from_request(&req, payload);
        Box::pin(async move {
            let actor = crate::http::principal::actor(&req).map_err(PageError::from)?;
            let session = <Session as actix_web::FromRequest>::extract(&req).await?;
            let form = form.await?;
            check_csrf(&session, &form.csrf_token)?;
            let state = web::Data::<crate::state::AppState>::extract(&req).await?;
            Ok(Self {
                actor,
                session,
                state,
            })
        })
    }
}

/// Checks the form's CSRF token against the session's (403 otherwise).
fn check_csrf(session: &Session, submitted: &Option<String>) -> Result<(), PageError> {
    Ok(csrf::verify(session, submitted.as_deref())?)
}

/// A refused form's status and the messages to show beside its fields: 422
/// with a message per field, or 409 with the conflict beside
/// `conflict_field`. Anything else is an error page.
fn refused_form(
    refusal: crate::error::AppError,
    conflict_field: &str,
) -> Result<(StatusCode, BTreeMap<String, String>), PageError> {
    use crate::error::AppError;
    match refusal {
        AppError::Validation(fields) => Ok((StatusCode::UNPROCESSABLE_ENTITY, fields)),
        AppError::Conflict(message) => Ok((
            StatusCode::CONFLICT,
            BTreeMap::from([(conflict_field.to_owned(), message)]),
        )),
        other => Err(other.into()),
    }
}

/// The address of a user's admin page.
fn user_path(username: &str) -> String {
    format!("/admin/users/{username}")
}

/// The flash message to show once, and the session's CSRF token for forms.
fn chrome(session: &Session) -> Result<view::Chrome, PageError> {
    let csrf_token = csrf::token(session)?;
    Ok(view::Chrome {
        flash: crate::http::flash::take(session),
        nav: crate::http::page::Nav::admin(csrf_token.clone()),
        csrf_token,
    })
}
