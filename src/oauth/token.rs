//! `POST /token` (RFC 6749 §3.2): rate limit, strict body parsing, client
//! identification, then one grant handler per `grant_type`.
use actix_web::{web, HttpRequest, HttpResponse};

use super::params::FormParams;
use super::{client, password, refresh_token, OAuthError};
use crate::net::client_ip;
use crate::state::AppState;

/// Answers the token endpoint. Other methods get 405 from the router.
pub async fn post_token(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let ip = client_ip(&req, &state.settings);
    if let Some(ip) = ip {
        state
            .rate_limiter
            .check(&state.db, ip)
            .await?
            .map_err(OAuthError::too_many_requests)?;
    }
    let params = FormParams::from_request(&req, &body)?;
    // Before any grant opens a transaction: reading the keys needs a
    // connection of its own (SPEC §8, keys reloaded while serving).
    state.jwt.refresh(&state.db).await;
    let client_id = client::identify(&req, &params)?;
    let ip = ip.map(|ip| ip.to_string());
    let context = GrantContext {
        state: &state,
        params: &params,
        client_id: client_id.as_deref(),
        ip: ip.as_deref(),
    };
    let response = match params.required("grant_type")? {
        "password" => password::grant(&context).await?,
        "refresh_token" => refresh_token::grant(&context).await?,
        other => {
            return Err(OAuthError::unsupported_grant_type(format!(
                "grant_type {} is not supported; use password or refresh_token",
                printable(other)
            )))
        }
    };
    Ok(response.into_http())
}

/// What every grant handler gets.
pub struct GrantContext<'a> {
    pub state: &'a AppState,
    pub params: &'a FormParams,
    pub client_id: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// Echoes a client-supplied value in an error message only in a safe,
/// bounded form.
fn printable(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).take(64).collect();
    format!("{clean:?}")
}
