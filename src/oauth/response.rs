//! The successful token response (RFC 6749 §5.1) and issuing a token pair
//! for a session.
use actix_web::http::header;
use actix_web::HttpResponse;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use super::OAuthError;
use crate::auth::refresh;
use crate::clock;
use crate::domain::ScopeSet;
use crate::entities::{refresh_token, session, user};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenResponse(<redacted>, scope={:?})", self.scope)
    }
}

impl TokenResponse {
    /// 200 with `Cache-Control: no-store` and `Pragma: no-cache` (§5.1).
    pub fn into_http(self) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(self)
    }
}

/// Signs an access token with `access_scope` and stores a new refresh token
/// carrying `refresh_scope`, both for `session`.
pub async fn issue_token_pair(
    state: &AppState,
    db: &impl ConnectionTrait,
    user: &user::Model,
    session: &session::Model,
    access_scope: &ScopeSet,
    refresh_scope: &ScopeSet,
) -> Result<TokenResponse, OAuthError> {
    let access_token = state
        .jwt
        .issue(
            &user.id,
            &user.username,
            &session.id,
            access_scope,
            session.client_id.as_deref(),
        )
        .map_err(|e| OAuthError::from(AppError::Internal(e)))?;
    let (refresh_value, refresh_hash) = refresh::generate();
    refresh_token::ActiveModel {
        token_hash: Set(refresh_hash),
        session_id: Set(session.id.clone()),
        scope: Set(refresh_scope.to_string()),
        created_at: Set(clock::now()),
        expires_at: Set(session.expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.jwt.ttl(),
        refresh_token: refresh_value,
        scope: access_scope.to_string(),
    })
}
