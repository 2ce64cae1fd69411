//! `POST /api/users/{username}/sign-out` and `GET
//! /api/users/{username}/sessions` (docs/users.md).
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::json;
use crate::entities::session;
use crate::error::AppError;
use crate::state::AppState;
use crate::users;
use crate::users::admin::Actor;

/// A live session; times are UNIX seconds.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionView {
    id: String,
    client_id: Option<String>,
    kind: String,
    ip: Option<String>,
    created_at: i64,
    last_used_at: i64,
    expires_at: i64,
}

impl From<session::Model> for SessionView {
    fn from(s: session::Model) -> Self {
        Self {
            id: s.id,
            client_id: s.client_id,
            kind: s.kind,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignOutResult {
    /// How many sessions were live and are now revoked.
    sessions_ended: u64,
}

#[utoipa::path(
    get, path = "/api/users/{username}/sessions", tag = "users",
    summary = "A user's live sessions (scope `users:read`)",
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "The live sessions", body = SessionList),
        crate::routes::api_docs::ReadRefusals,
        crate::routes::api_docs::NoSuchUser,
    ),
    security(("bearer" = []), ("oauth2" = ["users:read"]))
)]
pub async fn get_sessions(
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let live: Vec<SessionView> = users::live_sessions(&state.db, &user, state.clock.now())
        .await?
        .into_iter()
        .map(SessionView::from)
        .collect();
    Ok(json(StatusCode::OK, &SessionList { sessions: live }))
}

/// Revokes every session of the user, so every refresh and access token
/// issued to them stops working at the next request.
#[utoipa::path(
    post, path = "/api/users/{username}/sign-out", tag = "users",
    summary = "End every session of a user (scope `users:write`)",
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "Every token of the user stops working", body = SignOutResult),
        crate::routes::api_docs::WriteRefusals,
        crate::routes::api_docs::NoSuchUser,
    ),
    security(("bearer" = []), ("oauth2" = ["users:write"]))
)]
pub async fn post_sign_out(
    actor: Actor,
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let ended = users::admin::sign_out_everywhere(&state.db, &actor, &user).await?;
    Ok(json(
        StatusCode::OK,
        &SignOutResult {
            sessions_ended: ended,
        },
    ))
}
