//! The refresh token grant (RFC 6749 §6) with rotation and reuse detection
//! (RFC 9700 §4.14.2): every refresh token works once; a second use revokes
//! the whole session it belongs to.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::{narrow, GrantContext};
use crate::audit::{self, AuditKind, Event};
use crate::auth::{refresh, sessions};
use crate::clients::authenticate::{binding, Binding};
use crate::domain::{Scope, ScopeSet};
use crate::entities::prelude::RefreshToken;
use crate::entities::refresh_token;
use crate::oauth::authorize::code;
use crate::oauth::id_token::{self, Authentication};
use crate::oauth::response::{issue_token_pair, TokenResponse};
use crate::oauth::OAuthError;
use crate::state::AppState;

pub async fn grant(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let presented = ctx.params.required("refresh_token")?;
    let requested = ctx.requested_scope()?;
    let state = ctx.state;
    let now = state.clock.now();
    let hash = refresh::hash(presented);

    let Some(stored) = RefreshToken::find_by_id(hash.as_str())
        .one(&state.db)
        .await?
    else {
        return Err(unusable());
    };
    if stored.used_at.is_some() {
        revoke_for_reuse(ctx, &stored.session_id).await?;
        return Err(unusable());
    }
    if stored.expires_at <= now {
        return Err(unusable());
    }
    let Some((session, user)) = sessions::find_live(&state.db, &stored.session_id, now).await?
    else {
        return Err(unusable());
    };
    check_client(ctx, session.client_id.as_deref()).await?;
    // Scopes taken from the user (or the client) since the sign-in are not
    // granted again; the identity scopes need only the client's registration.
    let allowed = ctx.scope_ceiling(
        &ScopeSet::from_stored(&stored.scope)
            .intersection(&user.scope_set().with_identity_scopes()),
    );
    let scope = narrow(requested, &allowed, "the original grant")?;

    let txn = state.db.begin().await?;
    // Consume atomically: of two concurrent uses only one UPDATE matches.
    let consumed = RefreshToken::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(hash.as_str()))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        txn.rollback().await?;
        revoke_for_reuse(ctx, &stored.session_id).await?;
        return Err(unusable());
    }
    let mut response = issue_token_pair(
        state,
        &txn,
        &user,
        &session,
        &scope,
        &allowed,
        ctx.access_ttl(),
    )
    .await?;
    // OpenID Connect Core §12.2: a session opened through `/authorize` gets
    // a new ID token with the first one's `auth_time` and no `nonce`.
    if scope.contains(Scope::OPENID) {
        if let Some(first) = code::redeemed_for(&txn, &session.id).await? {
            let authentication = Authentication {
                auth_time: first.auth_time,
                nonce: None,
            };
            id_token::attach(
                state,
                &mut response,
                &user,
                &session,
                &scope,
                &authentication,
                ctx.access_ttl(),
            )?;
        }
    }
    sessions::record_use(&txn, &session.id, now).await?;
    txn.commit().await?;
    Ok(response)
}

/// RFC 6749 §6: the refresh token must have been issued to the caller. A
/// session bound to a registered client needs that client to authenticate
/// (a public one by its `client_id`); an unregistered binding only needs
/// the caller not to claim another id.
async fn check_client(ctx: &GrantContext<'_>, bound: Option<&str>) -> Result<(), OAuthError> {
    let db = &ctx.state.db;
    match binding(db, bound, ctx.client, ctx.client_id, |_| true).await? {
        Binding::Allowed => Ok(()),
        Binding::OtherClient => Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        )),
        Binding::MustAuthenticate => Err(OAuthError::invalid_client(
            "the refresh token belongs to a registered client: authenticate as it",
        )),
    }
}

fn unusable() -> OAuthError {
    OAuthError::invalid_grant("the refresh token is invalid, expired, revoked or already used")
}

/// A used refresh token came back: someone holds a copy. End the session so
/// every token descended from that sign-in stops working.
async fn revoke_for_reuse(ctx: &GrantContext<'_>, session_id: &str) -> Result<(), OAuthError> {
    let state: &AppState = ctx.state;
    let revoked = sessions::revoke(&state.db, session_id).await?;
    if revoked {
        let owner = crate::entities::prelude::Session::find_by_id(session_id)
            .find_also_related(crate::entities::prelude::User)
            .one(&state.db)
            .await?
            .and_then(|(_, user)| user)
            .map(|u| u.username);
        audit::record(
            &state.db,
            AuditKind::RefreshTokenReused,
            Event {
                subject: owner.as_deref(),
                ip: ctx.ip,
                client_id: ctx.client_id,
                detail: "a used refresh token was presented; its session was revoked",
                ..Event::default()
            },
        )
        .await;
    }
    Ok(())
}
