//! `POST /introspect`: token introspection (RFC 7662) for resource servers.
//! The guard has already checked that the caller holds a Bearer token with
//! scope `introspect` (RFC 7662 §2.1, docs/resource-servers.md).
use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Serialize;

use super::{recognise, Expiry, Presented};
use crate::auth::sessions;
use crate::auth::tokens::AccessClaims;
use crate::domain::{Scope, ScopeSet};
use crate::entities::refresh_token;
use crate::http::guard::anonymous_api_response;
use crate::http::ApiCaller;
use crate::oauth::params::FormParams;
use crate::oauth::{client, OAuthError};
use crate::state::AppState;

/// RFC 7662 §2.2: the token's metadata. An inactive token is only
/// `{"active": false}`, whatever made it inactive (§2.2, §4).
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// The session (docs/security.md) the token belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl Introspection {
    fn inactive() -> Self {
        Self::default()
    }

    /// An active access token's claims (RFC 7662 §2.2) with the scope it
    /// still carries.
    fn access(claims: AccessClaims, scope: &ScopeSet) -> Self {
        Self {
            active: true,
            scope: Some(scope.to_string()),
            client_id: claims.client_id,
            token_type: Some("Bearer"),
            exp: Some(claims.exp),
            iat: Some(claims.iat),
            nbf: Some(claims.nbf),
            sub: Some(claims.sub),
            aud: Some(claims.aud),
            iss: Some(claims.iss),
            jti: Some(claims.jti),
            ..Self::default()
        }
    }
}

/// RFC 7662 §2.1: `token` and an optional `token_type_hint`. Accepts access
/// and refresh tokens. A token is active when it checks out (signature and
/// claims, or an unused, unexpired refresh token), its session is live and
/// its user exists and is enabled — the same test the guard applies.
#[utoipa::path(
    post, path = "/introspect", tag = "oauth",
    summary = "Introspect a token (RFC 7662); needs scope `introspect`",
    request_body(content = crate::oauth::openapi::TokenForm,
                 content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token's metadata, or only `active: false`",
         body = Introspection),
        (status = 400, description = "`invalid_request`", body = crate::oauth::openapi::OAuthErrorBody),
        (status = 401, description = "No valid Bearer token (RFC 6750 §3.1)",
         body = crate::http::errors::BearerErrorBody),
        (status = 403, description = "`insufficient_scope`",
         body = crate::http::errors::BearerErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = ["introspect"]))
)]
pub async fn post_introspect(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let params = FormParams::from_request(&req, &body)?;
    if req.extensions().get::<ApiCaller>().is_none() {
        if let Some(response) = authorize_client(&state, &req, &params).await? {
            return Ok(response);
        }
    }
    let token = params.required("token")?;
    let hint = params.get("token_type_hint");
    let answer = match recognise(&state, token, hint, Expiry::Enforce).await? {
        Some(Presented::Access(claims)) => introspect_access(&state, claims).await?,
        Some(Presented::Refresh(row)) => introspect_refresh(&state, row).await?,
        None => Introspection::inactive(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(answer))
}

/// RFC 7662 §2.1: without a Bearer token the caller must be a confidential
/// client authenticating with its secret (RFC 6749 §2.3.1) whose
/// registered scopes include `introspect`. `Some` is the refusal to send.
async fn authorize_client(
    state: &AppState,
    req: &HttpRequest,
    params: &FormParams,
) -> Result<Option<HttpResponse>, OAuthError> {
    if client::credentials(req, params)?.is_none() {
        return Ok(Some(anonymous_api_response()));
    }
    let caller = client::authenticate(state, req, params, false).await?;
    match caller.registered() {
        Some(c) if c.confidential && c.scope_set().contains(Scope::INTROSPECT) => Ok(None),
        Some(c) if c.confidential => Err(OAuthError::insufficient_scope(format!(
            "the client {} is not registered for the introspect scope",
            c.client_id
        ))),
        _ => Err(OAuthError::invalid_client(
            "only a confidential client authenticating with its secret may introspect",
        )),
    }
}

/// An access token whose JWT validated: active when its session is live and
/// belongs to its `sub`. The scope is what the guard would honour: the
/// token's scope less what was taken from the user since.
async fn introspect_access(
    state: &AppState,
    claims: AccessClaims,
) -> Result<Introspection, OAuthError> {
    if claims.is_client_token() {
        return introspect_client_token(state, claims).await;
    }
    let Some((_, user)) = sessions::find_live(&state.db, &claims.sid, state.clock.now())
        .await?
        .filter(|(_, user)| user.id == claims.sub)
    else {
        return Ok(Introspection::inactive());
    };
    let scope = ScopeSet::from_stored(&claims.scope).intersection(&user.scope_set());
    Ok(Introspection {
        username: Some(user.username),
        sid: Some(claims.sid.clone()),
        ..Introspection::access(claims, &scope)
    })
}

/// A client's own token: active while the client exists, is enabled and
/// is of the token's generation — the guard's test.
async fn introspect_client_token(
    state: &AppState,
    claims: AccessClaims,
) -> Result<Introspection, OAuthError> {
    let Some(client) = crate::clients::find(&state.db, &claims.sub)
        .await?
        .filter(|c| !c.disabled && c.generation == claims.sid)
    else {
        return Ok(Introspection::inactive());
    };
    let scope = ScopeSet::from_stored(&claims.scope).intersection(&client.scope_set());
    Ok(Introspection::access(claims, &scope))
}

/// A stored refresh token: active when unused, unexpired and its session
/// live. Never shows the stored hash.
async fn introspect_refresh(
    state: &AppState,
    row: refresh_token::Model,
) -> Result<Introspection, OAuthError> {
    if row.used_at.is_some() || row.expires_at <= state.clock.now() {
        return Ok(Introspection::inactive());
    }
    let Some((session, user)) =
        sessions::find_live(&state.db, &row.session_id, state.clock.now()).await?
    else {
        return Ok(Introspection::inactive());
    };
    let scope = ScopeSet::from_stored(&row.scope).intersection(&user.scope_set());
    Ok(Introspection {
        active: true,
        scope: Some(scope.to_string()),
        client_id: session.client_id,
        username: Some(user.username),
        token_type: Some("refresh_token"),
        exp: Some(row.expires_at),
        iat: Some(row.created_at),
        sub: Some(user.id),
        iss: Some(state.settings.issuer.clone()),
        sid: Some(session.id),
        ..Introspection::default()
    })
}
