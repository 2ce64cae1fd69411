//! Checking a username and password, shared by `POST /token` (password
//! grant) and `POST /login`, with the brute-force lockout (see
//! docs/security.md): both hold under concurrent requests.
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    TransactionTrait, UpdateMany,
};

use super::password::PasswordHasher;
use super::signin_queue::SigninQueue;
use crate::audit::{self, AuditKind, Event};
use crate::clock::Clock;
use crate::domain::Username;
use crate::entities::prelude::User;
use crate::entities::user;
use crate::error::AppError;
use crate::metrics::Metrics;

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
    /// Too many sign-ins wait for bcrypt already: refused unchecked.
    Busy,
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

/// What checking a password needs: the users, bcrypt and the queue in
/// front of it, the time the lockout goes by, and the failure counters.
pub struct SignIn<'a> {
    pub db: &'a DatabaseConnection,
    pub hasher: &'a PasswordHasher,
    pub queue: &'a SigninQueue,
    pub clock: &'a dyn Clock,
    pub metrics: &'a Metrics,
}

/// Who is signing in from where, for the audit log.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub ip: Option<&'a str>,
    pub client_id: Option<&'a str>,
}

/// A password that bcrypt found right for `user` as it was read. It opens
/// nothing by itself: [`Verified::confirm`] decides, in the transaction
/// that opens the session, whether the account is still the one checked.
pub struct Verified {
    pub user: user::Model,
    /// The password hashed again at the configured cost, when the stored
    /// hash was made at another one.
    new_hash: Option<String>,
}

/// Checks in the order of docs/security.md: the password (against a dummy
/// hash for an unknown name), then the lock, then `disabled`. Every path
/// runs exactly one bcrypt verification at the stored hash's cost. A wrong
/// password is counted in the same statement that decides the lock, so of
/// any number of guesses at once at most [`MAX_FAILURES`] are judged.
pub async fn check_password(
    ctx: &SignIn<'_>,
    attempt: &Attempt<'_>,
) -> Result<Verified, SignInError> {
    // Held until bcrypt (and a rehash) is done.
    let _place = ctx.queue.try_admit().ok_or(SignInError::Busy)?;
    let db = ctx.db;
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
    let password_ok = ctx
        .hasher
        .verify(
            attempt.password,
            found.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await?;
    let Some(user) = found else {
        record(ctx, attempt, AuditKind::SignInFailed, "unknown user").await;
        return Err(SignInError::InvalidCredentials);
    };
    let now = ctx.clock.now();
    if !password_ok {
        match record_failure(ctx, &user, now).await? {
            Failure::AlreadyLocked => {
                record(ctx, attempt, AuditKind::SignInFailed, "account locked").await;
            }
            Failure::Counted { locked } => {
                record(ctx, attempt, AuditKind::SignInFailed, "wrong password").await;
                if locked {
                    let detail = "too many failed passwords";
                    record(ctx, attempt, AuditKind::AccountLocked, detail).await;
                }
            }
        }
        return Err(SignInError::InvalidCredentials);
    }
    if user.is_locked(now) {
        record(ctx, attempt, AuditKind::SignInFailed, "account locked").await;
        return Err(SignInError::InvalidCredentials);
    }
    if user.disabled {
        record(ctx, attempt, AuditKind::SignInFailed, "account disabled").await;
        return Err(SignInError::Disabled);
    }
    let new_hash = ctx
        .hasher
        .rehash_if_needed(attempt.password, &user.password_hash)
        .await?;
    Ok(Verified { user, new_hash })
}

impl Verified {
    /// Begins the transaction that opens the session. Its first statement
    /// confirms, as one conditional write, that the user still exists with
    /// the hash that was verified, is enabled and is not locked; it resets
    /// the failure count and stores a rehash. The write holds the user's row
    /// until commit, so a password change, disable, lock or delete either
    /// lands before (and the sign-in is refused) or after (and ends the new
    /// session). The caller opens the session in the returned transaction
    /// and commits it.
    pub async fn confirm(
        &self,
        ctx: &SignIn<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<DatabaseTransaction, SignInError> {
        let now = ctx.clock.now();
        let user = &self.user;
        let txn = ctx.db.begin().await?;
        let mut write = lift_lockout(User::update_many());
        if let Some(hash) = &self.new_hash {
            write = write.col_expr(user::Column::PasswordHash, Expr::value(hash.as_str()));
        }
        let confirmed = write
            .filter(user::Column::Id.eq(user.id.as_str()))
            .filter(user::Column::PasswordHash.eq(user.password_hash.as_str()))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::LockedUntil.lte(now))
            .exec(&txn)
            .await?;
        if confirmed.rows_affected == 1 {
            return Ok(txn);
        }
        let current = User::find_by_id(user.id.as_str()).one(&txn).await?;
        txn.rollback().await?;
        let (detail, error) = match current {
            None => (
                "user deleted during sign-in",
                SignInError::InvalidCredentials,
            ),
            Some(now_stored) if now_stored.password_hash != user.password_hash => (
                "password changed during sign-in",
                SignInError::InvalidCredentials,
            ),
            Some(now_stored) if now_stored.is_locked(now) => {
                ("account locked", SignInError::InvalidCredentials)
            }
            Some(_) => ("account disabled", SignInError::Disabled),
        };
        record(ctx, attempt, AuditKind::SignInFailed, detail).await;
        Err(error)
    }
}

async fn record(ctx: &SignIn<'_>, attempt: &Attempt<'_>, kind: AuditKind, detail: &str) {
    let subject = Username::parse(attempt.username).ok();
    let event = Event {
        subject: subject.as_ref().map(Username::as_str),
        ip: attempt.ip,
        client_id: attempt.client_id,
        detail,
        ..Event::default()
    };
    match kind {
        AuditKind::SignInFailed => ctx.metrics.signin_failure(),
        AuditKind::AccountLocked => ctx.metrics.lockout(),
        _ => {}
    }
    audit::record(ctx.db, kind, event).await;
}

/// Adds to `write` what lifts a lock and forgets the failures counted
/// (docs/security.md): a sign-in, an admin's unlock, a new password.
pub fn lift_lockout(write: UpdateMany<User>) -> UpdateMany<User> {
    write
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailedWindowStart, Expr::value(0i64))
        .col_expr(user::Column::LockedUntil, Expr::value(0i64))
}

/// What counting a wrong password did.
enum Failure {
    /// The account was locked already: the guess was not judged.
    AlreadyLocked,
    /// Counted; `locked` when this failure locked the account.
    Counted { locked: bool },
}

/// Counts a wrong password and decides the lock in one conditional update
/// (a window older than `LOCK_WINDOW` starts over; the `MAX_FAILURES`th
/// failure locks for `LOCK_WINDOW` and clears the count). An account locked
/// already is not touched, so the count cannot run past the lock.
async fn record_failure(
    ctx: &SignIn<'_>,
    user: &user::Model,
    now: i64,
) -> Result<Failure, SignInError> {
    let window_open = || Expr::col(user::Column::FailedWindowStart).gt(now - LOCK_WINDOW);
    let locks_now =
        || window_open().and(Expr::col(user::Column::FailedLogins).gte(MAX_FAILURES - 1));
    let counted = User::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::case(locks_now(), 0)
                .case(window_open(), Expr::col(user::Column::FailedLogins).add(1))
                .finally(1)
                .into(),
        )
        .col_expr(
            user::Column::FailedWindowStart,
            Expr::case(locks_now(), 0i64)
                .case(window_open(), Expr::col(user::Column::FailedWindowStart))
                .finally(now)
                .into(),
        )
        .col_expr(
            user::Column::LockedUntil,
            Expr::case(locks_now(), now + LOCK_WINDOW)
                .finally(Expr::col(user::Column::LockedUntil))
                .into(),
        )
        .filter(user::Column::Id.eq(user.id.as_str()))
        .filter(user::Column::LockedUntil.lte(now))
        .exec(ctx.db)
        .await?;
    if counted.rows_affected == 0 {
        return Ok(Failure::AlreadyLocked);
    }
    // Only the failure that locked wrote `now + LOCK_WINDOW`: every later
    // one finds the account locked and changes nothing.
    let locked = User::find_by_id(user.id.as_str())
        .one(ctx.db)
        .await?
        .is_some_and(|u| u.locked_until == now + LOCK_WINDOW);
    Ok(Failure::Counted { locked })
}
