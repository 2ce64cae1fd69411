//! The authorization code grant at the token endpoint (RFC 6749 §4.1.3,
//! RFC 7636 §4.5): the code, the same redirect URI, the PKCE verifier, and
//! the client the code was issued to. A code works once; a second use
//! revokes what the first one issued (RFC 6749 §4.1.2).
use sea_orm::{EntityTrait, TransactionTrait};

use super::GrantContext;
use crate::audit::{self, AuditKind, Event};
use crate::auth::sessions::{self, SessionKind};
use crate::domain::ScopeSet;
use crate::entities::authorization_code;
use crate::entities::prelude::User;
use crate::oauth::authorize::code;
use crate::oauth::id_token::Authentication;
use crate::oauth::response::TokenResponse;
use crate::oauth::OAuthError;

pub async fn grant(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client.ok_or_else(|| {
        OAuthError::invalid_client("the authorization_code grant needs a registered client")
    })?;
    let presented = ctx.params.required("code")?;
    let redirect_uri = ctx.params.required("redirect_uri")?;
    let verifier = ctx.params.required("code_verifier")?;
    let state = ctx.state;
    let now = state.clock.now();

    let Some(stored) = code::find(&state.db, presented).await? else {
        return Err(unusable());
    };
    if stored.used_at.is_some() {
        revoke_first_use(ctx, &stored).await?;
        return Err(unusable());
    }
    let bound = stored.client_id == client.client_id
        && stored.redirect_uri == redirect_uri
        && code::verifier_matches(verifier, &stored.code_challenge);
    if stored.expires_at <= now || !bound {
        return Err(unusable());
    }
    let user = match User::find_by_id(stored.user_id.as_str())
        .one(&state.db)
        .await?
    {
        Some(user) if !user.disabled => user,
        _ => return Err(unusable()),
    };
    // The user may have lost a scope since the code was issued.
    let scope = ScopeSet::from_stored(&stored.scope);

    let txn = state.db.begin().await?;
    // The first statement writes, so concurrent redemptions queue on the
    // row and exactly one finds it unused.
    if !code::consume(&txn, &stored.code_hash, now).await? {
        txn.rollback().await?;
        let fresh = code::find(&state.db, presented).await?.unwrap_or(stored);
        revoke_first_use(ctx, &fresh).await?;
        return Err(unusable());
    }
    let session = sessions::open(
        &txn,
        &user,
        SessionKind::AuthorizationCode,
        Some(&client.client_id),
        ctx.ip,
        ctx.refresh_ttl(),
        now,
    )
    .await?;
    code::record_session(&txn, &stored.code_hash, &session.id).await?;
    let authentication = Authentication {
        auth_time: stored.auth_time,
        nonce: stored.nonce.as_deref(),
    };
    ctx.finish_sign_in(
        txn,
        &user,
        &session,
        &scope,
        Some(&authentication),
        "authorization code grant",
    )
    .await
}

fn unusable() -> OAuthError {
    OAuthError::invalid_grant(
        "the code is invalid, expired, already used, or was issued to another client, \
         redirect_uri or code_verifier",
    )
}

/// RFC 6749 §4.1.2: a code presented twice revokes the tokens issued on
/// its first use — the session they belong to.
async fn revoke_first_use(
    ctx: &GrantContext<'_>,
    stored: &authorization_code::Model,
) -> Result<(), OAuthError> {
    let Some(session_id) = &stored.session_id else {
        return Ok(());
    };
    if sessions::revoke(&ctx.state.db, session_id).await? {
        audit::record(
            &ctx.state.db,
            AuditKind::RefreshTokenReused,
            Event {
                ip: ctx.ip,
                client_id: ctx.client_id,
                detail: "an authorization code was used twice; the session it opened was revoked",
                ..Event::default()
            },
        )
        .await;
    }
    Ok(())
}
