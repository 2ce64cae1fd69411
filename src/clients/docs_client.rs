//! `valet-docs`: the client of the interactive `/docs` page
//! (docs/operating.md). A public, first-party client whose one redirect URI
//! is Swagger UI's `oauth2-redirect.html` on valet's own issuer, so its
//! authorization code flow (RFC 6749 §4.1 with PKCE, RFC 7636) can only
//! bring a code back to valet itself.
//!
//! valet registers it at start when it is missing and unregistered clients
//! are allowed: then it opens nothing an unregistered client could not do
//! already. Under `VALET_UNREGISTERED_CLIENTS=deny` the operator registers
//! it (or not). An existing `valet-docs` is never changed: to turn the
//! page's sign-in off, disable the client.
use sea_orm::DatabaseConnection;

use super::{create, parse_new_client, ClientInput};
use crate::config::Settings;
use crate::domain::Scope;
use crate::error::AppError;
use crate::users::admin::Actor;

pub const DOCS_CLIENT_ID: &str = "valet-docs";

/// Swagger UI's redirect page, served under `/docs/`.
pub fn redirect_uri(issuer: &str) -> String {
    format!("{}/docs/oauth2-redirect.html", issuer.trim_end_matches('/'))
}

/// Registers `valet-docs` if it is missing. An issuer whose address is not
/// a valid redirect URI (plain `http` on a name, say) gets a warning: the
/// page's password flow still works, its code flow does not.
pub async fn ensure(db: &DatabaseConnection, settings: &Settings) -> Result<(), String> {
    if !settings.allow_unregistered_clients {
        return Ok(());
    }
    if super::find(db, DOCS_CLIENT_ID)
        .await
        .map_err(|e| format!("cannot read the clients: {e}"))?
        .is_some()
    {
        return Ok(());
    }
    let redirect_uri = redirect_uri(&settings.issuer);
    let input = ClientInput {
        client_id: Some(DOCS_CLIENT_ID),
        name: Some("valet API docs (/docs)"),
        client_type: Some("public"),
        grant_types: Some(vec!["authorization_code", "refresh_token", "password"]),
        scopes: Some(vec![
            Scope::ADMIN,
            Scope::USERS_READ,
            Scope::USERS_WRITE,
            Scope::INTROSPECT,
            Scope::OPENID,
            Scope::PROFILE,
            Scope::EMAIL,
        ]),
        redirect_uris: Some(vec![&redirect_uri]),
        first_party: Some(true),
        ..ClientInput::default()
    };
    let new = match parse_new_client(input) {
        Ok(new) => new,
        Err(e) => {
            log::warn!(
                "not registering the /docs client {DOCS_CLIENT_ID}: {redirect_uri} is not a valid \
                 redirect URI ({e}); set VALET_ISSUER to an https or loopback IP address"
            );
            return Ok(());
        }
    };
    match create(db, &Actor::new("valet", None), new).await {
        Ok(_) => {
            log::info!(
                "registered the /docs client {DOCS_CLIENT_ID} (redirect URI {redirect_uri})"
            );
            Ok(())
        }
        // Another instance registered it meanwhile.
        Err(AppError::Conflict(_)) => Ok(()),
        Err(e) => Err(format!("cannot register the /docs client: {e}")),
    }
}
