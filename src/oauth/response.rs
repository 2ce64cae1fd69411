//! The successful token response (RFC 6749 §5.1) and issuing a token pair
//! for a session.
use actix_web::http::header;
use actix_web::HttpResponse;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};

use super::OAuthError;
use crate::auth::refresh;
use crate::domain::ScopeSet;
use crate::entities::{client, refresh_token, session, user};
use crate::error::AppError;
use crate::state::AppState;

/// RFC 6749 §5.1. Deserialisable so that the example of the OpenAPI
/// document can be checked against it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIuLi4ifQ.c2ln",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5",
    "scope": "me users:read"
}))]
pub struct TokenResponse {
    /// A JWT (RFC 9068) to send as `Authorization: Bearer`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque; every use returns a new one and ends this one. None for
    /// `client_credentials` (RFC 6749 §4.4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scopes, space-separated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// OpenID Connect Core §3.1.3.3: a signed JWT about the user's sign-in,
    /// when `openid` was granted through `/authorize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// RFC 6750 §6.1.1: the only token type valet issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum TokenType {
    Bearer,
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

/// Signs an access token with `access_scope` that lives `access_ttl`
/// seconds and stores a new refresh token carrying `refresh_scope`, both
/// for `session`.
pub async fn issue_token_pair(
    state: &AppState,
    db: &impl ConnectionTrait,
    user: &user::Model,
    session: &session::Model,
    access_scope: &ScopeSet,
    refresh_scope: &ScopeSet,
    access_ttl: i64,
) -> Result<TokenResponse, OAuthError> {
    let access_token = state
        .jwt
        .issue(
            &user.id,
            Some(&user.username),
            &session.id,
            access_scope,
            session.client_id.as_deref(),
            access_ttl,
        )
        .map_err(|e| OAuthError::from(AppError::internal_from("signing a token", e)))?;
    let (refresh_value, refresh_hash) = refresh::generate();
    refresh_token::ActiveModel {
        token_hash: Set(refresh_hash),
        session_id: Set(session.id.clone()),
        scope: Set(refresh_scope.to_string()),
        created_at: Set(state.clock.now()),
        expires_at: Set(session.expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(TokenResponse {
        access_token,
        token_type: TokenType::Bearer,
        expires_in: access_ttl,
        refresh_token: Some(refresh_value),
        scope: access_scope.to_string(),
        id_token: None,
    })
}

/// A client's own access token (RFC 6749 §4.4.3): `sub` and `client_id`
/// are the client's id, no `username`, no refresh token; its `sid` is the
/// client's generation, so disabling or deleting the client ends it.
pub fn issue_client_token(
    state: &AppState,
    client: &client::Model,
    scope: &ScopeSet,
    ttl: i64,
) -> Result<TokenResponse, OAuthError> {
    let access_token = state
        .jwt
        .issue(
            &client.client_id,
            None,
            &client.generation,
            scope,
            Some(&client.client_id),
            ttl,
        )
        .map_err(|e| OAuthError::from(AppError::internal_from("signing a token", e)))?;
    Ok(TokenResponse {
        access_token,
        token_type: TokenType::Bearer,
        expires_in: ttl,
        refresh_token: None,
        scope: scope.to_string(),
        id_token: None,
    })
}
