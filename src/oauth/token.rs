//! `POST /token` (RFC 6749 §3.2): rate limit, strict body parsing, client
//! authentication (§2.3), then one grant handler per `grant_type`.
use actix_web::{web, HttpRequest, HttpResponse};

use super::params::FormParams;
use super::{authorization_code, client, client_credentials, password, refresh_token, OAuthError};
use crate::clients::authenticate::Caller;
use sea_orm::DatabaseTransaction;

use super::id_token::{self, Authentication};
use super::response::{issue_token_pair, TokenResponse};
use crate::audit::{self, AuditKind, Event};
use crate::clients;
use crate::domain::ScopeSet;
use crate::entities::{session, user};
use crate::http::client_ip::ClientIp;
use crate::state::AppState;

/// Answers the token endpoint. Other methods get 405 from the router.
#[utoipa::path(
    post, path = "/token", tag = "oauth",
    summary = "Issue tokens: authorization code (RFC 6749 §4.1), password (§4.3), refresh (§6) or client credentials (§4.4)",
    request_body(content = super::openapi::TokenRequest,
                 content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens (RFC 6749 §5.1), `Cache-Control: no-store`",
         body = super::response::TokenResponse),
        (status = 400, description = "`invalid_request`, `invalid_grant`, `invalid_scope`, \
         `unauthorized_client` or `unsupported_grant_type` (RFC 6749 §5.2)",
         body = super::openapi::OAuthErrorBody),
        (status = 401, description = "`invalid_client`", body = super::openapi::OAuthErrorBody,
         headers(("WWW-Authenticate" = String, description = "`Basic realm=\"valet\"`"))),
        (status = 429, description = "`too_many_requests`", body = super::openapi::OAuthErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`temporarily_unavailable`",
         body = super::openapi::OAuthErrorBody),
    ),
    security(())
)]
pub async fn post_token(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let ip = ClientIp::of(&req).0;
    if let Some(ip) = ip {
        state
            .rate_limiter
            .check(&state.db, ip)
            .await?
            .map_err(OAuthError::too_many_requests)?;
    }
    let params = FormParams::from_request(&req, &body)?;
    // Before any grant opens a transaction: reading the keys needs a
    // connection of its own (keys are reloaded while serving).
    state.jwt.refresh(&state.db).await;
    let grant_type = params.required("grant_type")?;
    let caller = client::authenticate(
        &state,
        &req,
        &params,
        state.settings.allow_unregistered_clients,
    )
    .await?;
    let ip = ip.map(|ip| ip.to_string());
    let context = GrantContext {
        state: &state,
        params: &params,
        client_id: caller.client_id(),
        client: caller.registered(),
        ip: ip.as_deref(),
    };
    let (grant_type, response) = match grant_type {
        "password" | "refresh_token" | "client_credentials" | "authorization_code" => {
            context.require_grant(grant_type)?;
            match grant_type {
                "password" => ("password", password::grant(&context).await?),
                "authorization_code" => (
                    "authorization_code",
                    authorization_code::grant(&context).await?,
                ),
                "refresh_token" => ("refresh_token", refresh_token::grant(&context).await?),
                _ => (
                    "client_credentials",
                    client_credentials::grant(&context, &caller)?,
                ),
            }
        }
        other => {
            return Err(OAuthError::unsupported_grant_type(format!(
                "grant_type {} is not supported; use authorization_code, password, refresh_token or client_credentials",
                printable(other)
            )))
        }
    };
    state.metrics.token_issued(grant_type);
    Ok(response.into_http())
}

/// What every grant handler gets.
pub struct GrantContext<'a> {
    pub state: &'a AppState,
    pub params: &'a FormParams,
    /// The client's id as given, registered or not.
    pub client_id: Option<&'a str>,
    /// The registered client that authenticated, if any.
    pub client: Option<&'a crate::entities::client::Model>,
    pub ip: Option<&'a str>,
}

impl GrantContext<'_> {
    /// Ends a grant that opened `session` in `txn`: refuses it if the client
    /// was disabled or deleted meanwhile (its write lock is taken here, so
    /// a disable that committed while the credentials were checked cannot
    /// miss this session), issues the token pair (the refresh token keeps
    /// the grant's scope, RFC 6749 §6) and, for a sign-in through
    /// `/authorize`, the ID token (OpenID Connect Core §3.1.3.3), commits,
    /// and audits the sign-in.
    pub async fn finish_sign_in(
        &self,
        txn: DatabaseTransaction,
        user: &user::Model,
        session: &session::Model,
        scope: &ScopeSet,
        authentication: Option<&Authentication<'_>>,
        detail: &str,
    ) -> Result<TokenResponse, OAuthError> {
        if let Some(client) = self.client {
            if !clients::still_current(&txn, client).await? {
                txn.rollback().await?;
                return Err(OAuthError::invalid_client("the client is disabled"));
            }
        }
        let mut response = issue_token_pair(
            self.state,
            &txn,
            user,
            session,
            scope,
            scope,
            self.access_ttl(),
        )
        .await?;
        if let Some(authentication) = authentication {
            let lifetime = self.access_ttl();
            id_token::attach(
                self.state,
                &mut response,
                user,
                session,
                scope,
                authentication,
                lifetime,
            )?;
        }
        txn.commit().await?;
        audit::record(
            &self.state.db,
            AuditKind::SignIn,
            Event {
                subject: Some(&user.username),
                ip: self.ip,
                client_id: self.client_id,
                detail,
                ..Event::default()
            },
        )
        .await;
        Ok(response)
    }

    /// RFC 6749 §5.2 `unauthorized_client`: a registered client may use only
    /// the grants it is registered for.
    fn require_grant(&self, grant_type: &str) -> Result<(), OAuthError> {
        match self.client {
            Some(client) if !client.has_grant(grant_type) => {
                Err(OAuthError::unauthorized_client(format!(
                    "the client {} is not registered for the {grant_type} grant",
                    client.client_id
                )))
            }
            _ => Ok(()),
        }
    }

    /// The most a token for this client may carry: `user_scopes`, within
    /// the client's registered scopes when it is registered.
    pub fn scope_ceiling(&self, user_scopes: &ScopeSet) -> ScopeSet {
        match self.client {
            Some(client) => user_scopes.intersection(&client.scope_set()),
            None => user_scopes.clone(),
        }
    }

    /// `invalid_scope` for a requested scope beyond the client's
    /// registration (docs/clients.md).
    pub fn check_client_scope(&self, requested: &ScopeSet) -> Result<(), OAuthError> {
        match self.client {
            Some(client) if !requested.is_subset(&client.scope_set()) => {
                Err(OAuthError::invalid_scope(format!(
                    "the requested scope exceeds what the client {} may ask for ({})",
                    client.client_id,
                    client.scope_set()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Access token lifetime: the client's own, or the server's.
    pub fn access_ttl(&self) -> i64 {
        self.client
            .and_then(|c| c.access_token_ttl)
            .unwrap_or_else(|| self.state.jwt.ttl())
    }

    /// Refresh token (and session) lifetime: the client's own, or the server's.
    pub fn refresh_ttl(&self) -> i64 {
        self.client
            .and_then(|c| c.refresh_token_ttl)
            .unwrap_or(self.state.settings.refresh_token_ttl)
    }
}

/// `client_credentials` needs a registered client (`Caller::Registered`).
pub fn registered(caller: &Caller) -> Result<&crate::entities::client::Model, OAuthError> {
    caller.registered().ok_or_else(|| {
        OAuthError::invalid_client("this grant needs a registered client that authenticates")
    })
}

/// Echoes a client-supplied value in an error message only in a safe,
/// bounded form.
fn printable(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).take(64).collect();
    format!("{clean:?}")
}
