//! The grants of the token endpoint (RFC 6749 §4.1.3, §4.3, §4.4, §6), one
//! file each, and what they share: the request's context and the end of a
//! sign-in.
pub mod authorization_code;
pub mod client_credentials;
pub mod password;
pub mod refresh_token;

use sea_orm::DatabaseTransaction;

use super::id_token::{self, Authentication};
use super::params::FormParams;
use super::response::{issue_token_pair, TokenResponse};
use super::OAuthError;
use crate::audit::{self, AuditKind, Event};
use crate::clients;
use crate::clients::authenticate::Caller;
use crate::domain::ScopeSet;
use crate::entities::{session, user};
use crate::state::AppState;

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
    pub(crate) fn require_grant(&self, grant_type: &str) -> Result<(), OAuthError> {
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

    /// The request's `scope` parameter, parsed, if it has one.
    pub fn requested_scope(&self) -> Result<Option<ScopeSet>, OAuthError> {
        self.params
            .get("scope")
            .map(ScopeSet::parse)
            .transpose()
            .map_err(OAuthError::invalid_scope)
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

/// The scope to grant: the requested one, which must lie within
/// `allowed`, or all of `allowed` when none is requested (RFC 6749 §3.3,
/// §6). `allowed_is` names the limit in the refusal.
pub fn narrow(
    requested: Option<ScopeSet>,
    allowed: &ScopeSet,
    allowed_is: &str,
) -> Result<ScopeSet, OAuthError> {
    match requested {
        Some(requested) if !requested.is_subset(allowed) => Err(OAuthError::invalid_scope(
            format!("the requested scope exceeds {allowed_is} ({allowed})"),
        )),
        Some(requested) => Ok(requested),
        None => Ok(allowed.clone()),
    }
}

/// `client_credentials` needs a registered client (`Caller::Registered`).
pub fn registered(caller: &Caller) -> Result<&crate::entities::client::Model, OAuthError> {
    caller.registered().ok_or_else(|| {
        OAuthError::invalid_client("this grant needs a registered client that authenticates")
    })
}
