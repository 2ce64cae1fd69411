//! `POST /api/users/{username}/sign-out` and `GET
//! /api/users/{username}/sessions` (SPEC §4).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json as json_value;

use super::{actor, json};
use crate::auth::ApiCaller;
use crate::entities::session;
use crate::error::AppError;
use crate::state::AppState;
use crate::users;

/// A live session; times are UNIX seconds.
#[derive(Serialize)]
struct SessionView {
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

pub async fn get_sessions(
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let live: Vec<SessionView> = users::live_sessions(&state.db, &user)
        .await?
        .into_iter()
        .map(SessionView::from)
        .collect();
    Ok(json(StatusCode::OK, &json_value!({ "sessions": live })))
}

/// Revokes every session of the user, so every refresh and access token
/// issued to them stops working at the next request.
pub async fn post_sign_out(
    req: HttpRequest,
    principal: ApiCaller,
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let actor = actor(&req, &principal, &state);
    let ended = users::admin::sign_out_everywhere(&state.db, &actor, &user).await?;
    Ok(json(
        StatusCode::OK,
        &json_value!({ "sessions_ended": ended }),
    ))
}
