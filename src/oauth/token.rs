//! `POST /token` (RFC 6749 §3.2): rate limit, strict body parsing, client
//! authentication (§2.3), then one grant handler per `grant_type`.
use actix_web::{web, HttpRequest, HttpResponse};

use super::grants::{
    authorization_code, client_credentials, password, refresh_token, GrantContext,
};
use super::params::FormParams;
use super::{client, OAuthError};
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
            .check(&state.db, ip, state.clock.now_ms())
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

/// Echoes a client-supplied value in an error message only in a safe,
/// bounded form.
fn printable(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).take(64).collect();
    format!("{clean:?}")
}
