//! The resource owner password credentials grant (RFC 6749 §4.3).
use super::{narrow, GrantContext};
use crate::auth::password::unreadable_hash;
use crate::auth::sessions::{self, SessionKind};
use crate::auth::signin::{check_password, Attempt, SignInError};
use crate::auth::signin_queue::RETRY_AFTER_SECONDS;
use crate::oauth::response::TokenResponse;
use crate::oauth::OAuthError;

/// §4.3.2: `username`, `password`, optional `scope`. Checks run in this
/// order (docs/security.md): parameters, password, then lock and `disabled`, then scope.
pub async fn grant(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let username = ctx.params.required("username")?;
    let password = ctx.params.required("password")?;
    let requested = ctx.requested_scope()?;

    let attempt = Attempt {
        username,
        password,
        ip: ctx.ip,
        client_id: ctx.client_id,
    };
    let verified = check_password(&ctx.state.signin(), &attempt)
        .await
        .map_err(|e| refusal(e, attempt.username))?;
    let user = &verified.user;

    if let Some(requested) = &requested {
        ctx.check_client_scope(requested)?;
    }
    let allowed = ctx.scope_ceiling(&user.scope_set());
    let scope = narrow(requested, &allowed, "what this user may be granted")?;

    let state = ctx.state;
    let txn = verified
        .confirm(&state.signin(), &attempt)
        .await
        .map_err(|e| refusal(e, attempt.username))?;
    let session = sessions::open(
        &txn,
        user,
        SessionKind::Password,
        ctx.client_id,
        ctx.ip,
        ctx.refresh_ttl(),
        state.clock.now(),
    )
    .await?;
    ctx.finish_sign_in(txn, user, &session, &scope, None, "password grant")
        .await
}

/// The token endpoint's answer to a refused sign-in: one `invalid_grant`
/// for unknown user, wrong password, an unreadable stored hash and lock; `disabled` only to a caller
/// who gave the right password.
fn refusal(error: SignInError, username: &str) -> OAuthError {
    match error {
        SignInError::InvalidCredentials => OAuthError::bad_credentials(),
        SignInError::Unavailable(e) if unreadable_hash(username, &e) => {
            OAuthError::bad_credentials()
        }
        SignInError::Disabled => OAuthError::invalid_grant("the account is disabled"),
        SignInError::Busy => OAuthError::temporarily_unavailable(RETRY_AFTER_SECONDS),
        SignInError::Unavailable(e) => e.into(),
    }
}
