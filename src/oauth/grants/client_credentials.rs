//! The client credentials grant (RFC 6749 §4.4): a confidential client asks
//! for a token of its own, within its registered scopes.
use super::{registered, GrantContext};
use crate::clients::authenticate::Caller;
use crate::oauth::response::{issue_client_token, TokenResponse};
use crate::oauth::OAuthError;

/// §4.4.2: optional `scope`, defaulting to every scope the client has.
/// The client authenticated with its secret already (only confidential
/// clients may be registered for this grant); no refresh token (§4.4.3).
pub fn grant(ctx: &GrantContext<'_>, caller: &Caller) -> Result<TokenResponse, OAuthError> {
    let client = registered(caller)?;
    if !client.confidential {
        return Err(OAuthError::unauthorized_client(
            "client_credentials is only for confidential clients",
        ));
    }
    let scope = match ctx.requested_scope()? {
        Some(requested) => {
            ctx.check_client_scope(&requested)?;
            requested
        }
        None => client.scope_set(),
    };
    issue_client_token(ctx.state, client, &scope, ctx.access_ttl())
}
