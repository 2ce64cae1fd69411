//! Checking a username and password, shared by `POST /token` (password
//! grant) and `POST /login`, with the brute-force lockout of SPEC §3.
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::audit::{self, AuditKind, Event};
use crate::clock;
use crate::domain::Username;
use crate::entities::prelude::User;
use crate::entities::user;
use crate::error::AppError;
use crate::state::AppState;

/// Failed passwords within `LOCK_WINDOW` that lock an account.
pub const MAX_FAILURES: i32 = 5;
/// The window for counting failures and the length of a lock, in seconds.
pub const LOCK_WINDOW: i64 = 15 * 60;

/// Why a sign-in was refused.
#[derive(Debug)]
pub enum SignInError {
    /// Unknown user, wrong password or locked account: one answer for all.
    InvalidCredentials,
    /// The password was right but the account is disabled.
    Disabled,
    /// The database could not be asked.
    Unavailable(AppError),
}

impl From<AppError> for SignInError {
    fn from(e: AppError) -> Self {
        Self::Unavailable(e)
    }
}

impl From<sea_orm::DbErr> for SignInError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Unavailable(e.into())
    }
}

/// Who is signing in from where, for the audit log.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub ip: Option<&'a str>,
    pub client_id: Option<&'a str>,
}

/// Checks in SPEC §3's order: the password (against a dummy hash for an
/// unknown name), then the lock, then `disabled`. Every path runs exactly one
/// bcrypt verification at the configured cost.
pub async fn check_password(
    state: &AppState,
    attempt: &Attempt<'_>,
) -> Result<user::Model, SignInError> {
    let db = &state.db;
    // A name that cannot exist is not looked up (PostgreSQL refuses NUL
    // bytes), but it still costs one bcrypt verification below.
    let username = Username::parse(attempt.username).ok();
    let found = match &username {
        Some(name) => {
            User::find()
                .filter(user::Column::Username.eq(name.as_str()))
                .one(db)
                .await?
        }
        None => None,
    };
    let password_ok = state
        .hasher
        .verify(
            attempt.password,
            found.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await?;
    let event = |detail| Event {
        subject: username.as_ref().map(Username::as_str),
        ip: attempt.ip,
        client_id: attempt.client_id,
        detail,
        ..Event::default()
    };
    let Some(user) = found else {
        audit::record(db, AuditKind::SignInFailed, event("unknown user")).await;
        state.metrics.signin_failure();
        return Err(SignInError::InvalidCredentials);
    };
    let now = clock::now();
    if user.is_locked(now) {
        audit::record(db, AuditKind::SignInFailed, event("account locked")).await;
        state.metrics.signin_failure();
        return Err(SignInError::InvalidCredentials);
    }
    if !password_ok {
        audit::record(db, AuditKind::SignInFailed, event("wrong password")).await;
        if record_failure(state, &user, now).await? {
            state.metrics.lockout();
            audit::record(
                db,
                AuditKind::AccountLocked,
                event("too many failed passwords"),
            )
            .await;
        }
        state.metrics.signin_failure();
        return Err(SignInError::InvalidCredentials);
    }
    if user.disabled {
        audit::record(db, AuditKind::SignInFailed, event("account disabled")).await;
        state.metrics.signin_failure();
        return Err(SignInError::Disabled);
    }
    if user.failed_logins != 0 || user.locked_until != 0 {
        User::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(user::Column::FailedWindowStart, Expr::value(0i64))
            .col_expr(user::Column::LockedUntil, Expr::value(0i64))
            .filter(user::Column::Id.eq(user.id.as_str()))
            .exec(db)
            .await?;
    }
    Ok(user)
}

/// Counts a failed password in one atomic update (a window older than
/// `LOCK_WINDOW` starts over) and locks the account at `MAX_FAILURES`.
/// Returns whether this failure locked it.
async fn record_failure(
    state: &AppState,
    user: &user::Model,
    now: i64,
) -> Result<bool, SignInError> {
    let window_open = Expr::col(user::Column::FailedWindowStart).gt(now - LOCK_WINDOW);
    User::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::case(
                window_open.clone(),
                Expr::col(user::Column::FailedLogins).add(1),
            )
            .finally(1)
            .into(),
        )
        .col_expr(
            user::Column::FailedWindowStart,
            Expr::case(window_open, Expr::col(user::Column::FailedWindowStart))
                .finally(now)
                .into(),
        )
        .filter(user::Column::Id.eq(user.id.as_str()))
        .exec(&state.db)
        .await?;
    let locked = User::update_many()
        .col_expr(user::Column::LockedUntil, Expr::value(now + LOCK_WINDOW))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailedWindowStart, Expr::value(0i64))
        .filter(user::Column::Id.eq(user.id.as_str()))
        .filter(user::Column::FailedLogins.gte(MAX_FAILURES))
        .exec(&state.db)
        .await?;
    Ok(locked.rows_affected > 0)
}
