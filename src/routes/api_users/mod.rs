//! The user directory as a JSON API (docs/users.md `/api/users…`). Each route
//! declares its scope here; the shared guard enforces it (RFC 6750 §3), and
//! state-changing methods need a Bearer token because the guard refuses the
//! session cookie on them. The rules live in [`crate::users`].
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::domain::Scope;
use crate::http::Guard;

mod collection;
mod one;
mod sessions;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // A client's own token works here too, with the scope (RFC 6749 §4.4).
    let read = || Guard::api().require(Scope::USERS_READ).or_client();
    let write = || Guard::api().require(Scope::USERS_WRITE).or_client();
    cfg.service(
        web::scope("/api/users")
            .service(
                web::resource("")
                    .route(web::get().to(collection::get_users).wrap(read()))
                    .route(web::post().to(collection::post_user).wrap(write())),
            )
            .service(
                web::resource("/{username}")
                    .route(web::get().to(one::get_user).wrap(read()))
                    .route(web::patch().to(one::patch_user).wrap(write()))
                    .route(web::delete().to(one::delete_user).wrap(write())),
            )
            .service(
                web::resource("/{username}/sign-out")
                    .route(web::post().to(sessions::post_sign_out).wrap(write())),
            )
            .service(
                web::resource("/{username}/sessions")
                    .route(web::get().to(sessions::get_sessions).wrap(read())),
            ),
    );
}

/// This area's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    collection::get_users,
    collection::post_user,
    one::get_user,
    one::patch_user,
    one::delete_user,
    sessions::post_sign_out,
    sessions::get_sessions,
))]
pub struct UsersApi;

/// A JSON answer that must not be cached: it describes accounts.
fn json(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
