//! The browser pages of docs/users.md other than `/admin`: sign in, the account
//! page, password change, ending sessions and signing out. Server-rendered
//! (Askama), no JavaScript, every state-changing form CSRF-checked.
use actix_web::web;

use crate::error::AppError;
use crate::http::Guard;

mod account;
mod apps;
mod login;
pub mod next;
mod password;
mod signout;

/// Registers the pages; the guarded ones go through the shared guard, which
/// sends anonymous visitors to `/login?next=…` (docs/users.md).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async { crate::http::see_other(next::DEFAULT_LANDING) }),
    )
    .service(
        web::resource("/login")
            .route(web::get().to(login::get_login))
            .route(web::post().to(login::post_login)),
    )
    .service(
        web::resource("/logout")
            .route(web::get().to(crate::oauth::end_session::get_logout))
            .route(web::post().to(signout::post_logout)),
    )
    .service(
        web::resource("/account")
            .wrap(Guard::page())
            .route(web::get().to(account::get_account)),
    )
    .service(
        web::resource("/account/password")
            .wrap(Guard::page())
            .route(web::get().to(back_to_account))
            .route(web::post().to(password::post_password)),
    )
    .service(
        web::resource("/account/apps/{client_id}/withdraw")
            .wrap(Guard::page())
            .route(web::get().to(back_to_account))
            .route(web::post().to(apps::post_withdraw_app)),
    )
    .service(
        web::resource("/account/sessions/{id}/end")
            .wrap(Guard::page())
            .route(web::get().to(back_to_account))
            .route(web::post().to(signout::post_end_session)),
    );
}

/// A `GET` of a form's target (say, `next` after signing in again while a
/// form was open) shows the page the form lives on.
async fn back_to_account() -> actix_web::HttpResponse {
    crate::http::see_other("/account")
}

/// The error for a value the cookie session could not store.
fn session_error(e: impl Into<crate::error::BoxError>) -> AppError {
    AppError::internal_from("session cookie", e)
}
