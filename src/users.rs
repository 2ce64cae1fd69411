//! The user directory: one set of rules for the CLI, the admin pages and the
//! JSON API, so none of them re-implements them.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

pub mod admin;
mod delegation;
mod input;
mod search;
mod update;

pub use input::{parse_new_user, NewUserInput};
/// Per-field parsing helpers shared by the API and the admin forms.
pub mod input_fields {
    pub use super::input::{collect, optional_email, optional_full_name};
}
pub use crate::domain::{Paging, DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use search::{search, UserPage};
pub use update::{update, UserUpdate};

use crate::audit::{self, AuditKind, Event};
use crate::auth::password::PasswordHasher;
use crate::auth::sessions;
use crate::auth::signin::lift_lockout;
use crate::clock;
use crate::config::Settings;
use crate::domain::Scope;
use crate::domain::{Email, FullName, Password, ScopeSet, Username};
use crate::entities::prelude::User;
use crate::entities::user;
use crate::error::{is_unique_violation, AppError};

/// The scopes `valet user add --admin` grants (docs/users.md).
pub const ADMIN_SCOPES: [&str; 3] = [Scope::ADMIN, Scope::USERS_READ, Scope::USERS_WRITE];

/// A user to create, every field already parsed.
#[derive(Debug)]
pub struct NewUser {
    pub username: Username,
    pub password: Password,
    pub email: Option<Email>,
    pub full_name: Option<FullName>,
    pub scopes: ScopeSet,
    pub disabled: bool,
}

/// Creates a user. A taken username is `Conflict` (409), also when two
/// requests race for it: the unique index decides.
pub async fn create(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    new: NewUser,
) -> Result<user::Model, AppError> {
    let hash = hasher.hash(&new.password).await?;
    insert(db, new, hash).await
}

/// [`create`] with the password hashed already (bcrypt runs before a
/// transaction begins, never inside one).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    new: NewUser,
    hash: String,
) -> Result<user::Model, AppError> {
    let now = clock::now();
    let row = user::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        username: Set(new.username.as_str().to_owned()),
        email: Set(new.email.map(Email::into_inner)),
        full_name: Set(new
            .full_name
            .map(FullName::into_inner)
            .filter(|n| !n.is_empty())),
        password_hash: Set(hash),
        disabled: Set(new.disabled),
        scopes: Set(new.scopes.to_string()),
        failed_logins: Set(0),
        failed_window_start: Set(0),
        locked_until: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    };
    row.insert(db).await.map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict(format!("the username {} is taken", new.username))
        } else {
            e.into()
        }
    })
}

pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(User::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// Like [`find_by_username`], but a missing user is `NotFound`.
pub async fn get_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<user::Model, AppError> {
    find_by_username(db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user named {username}")))
}

/// All users, by username.
pub async fn list_all(db: &DatabaseConnection) -> Result<Vec<user::Model>, AppError> {
    Ok(User::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?)
}

/// Sets a new password and ends every session of the user except `keep`;
/// see [`store_password`].
pub async fn set_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    user: &user::Model,
    password: &Password,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let hash = hasher.hash(password).await?;
    let txn = db.begin().await?;
    store_password(&txn, &user.id, hash, keep).await?;
    txn.commit().await?;
    Ok(())
}

/// The user's own change on the account page: every other session ends,
/// and the audit row is written in the same transaction.
pub async fn change_own_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    user: &user::Model,
    password: &Password,
    session_id: &str,
    ip: Option<&str>,
) -> Result<(), AppError> {
    let hash = hasher.hash(password).await?;
    let txn = db.begin().await?;
    store_password(&txn, &user.id, hash, Some(session_id)).await?;
    let event = Event {
        actor: Some(&user.username),
        subject: Some(&user.username),
        ip,
        detail: "changed from the account page; other sessions ended",
        ..Event::default()
    };
    audit::write(&txn, AuditKind::PasswordChanged, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Stores a new password's hash, lifts a lockout (the guesses at the old
/// password are moot) and ends every session of the user except `keep`
/// (docs/security.md). Every password change goes through here: the
/// account page, the admin pages, the API and the CLI.
pub(crate) async fn store_password(
    db: &impl ConnectionTrait,
    user_id: &str,
    hash: String,
    keep: Option<&str>,
) -> Result<(), AppError> {
    lift_lockout(User::update_many())
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    sessions::revoke_all_for_user(db, user_id, keep).await?;
    Ok(())
}

/// Disables (ending every session; enabling again revives none) or enables.
/// The last enabled admin cannot be disabled (`Conflict`).
pub async fn set_disabled(
    db: &DatabaseConnection,
    user: &user::Model,
    disabled: bool,
) -> Result<(), AppError> {
    let changes = UserUpdate {
        disabled: Some(disabled),
        ..UserUpdate::default()
    };
    let txn = db.begin().await?;
    update::apply(&txn, None, user, changes).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a user; their sessions and refresh tokens go with them. The last
/// enabled admin cannot be deleted (`Conflict`).
pub async fn delete(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &user::Model,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    // Decided on the row as it is inside the transaction.
    let current = update::lock_for_change(&txn, &user.id, true).await?;
    let deleted = User::delete_by_id(user.id.as_str()).exec(&txn).await?;
    let Some(current) = current.filter(|_| deleted.rows_affected > 0) else {
        txn.rollback().await?;
        return Err(AppError::NotFound(format!(
            "no user named {}",
            user.username
        )));
    };
    if update::is_enabled_admin(&current) && update::count_enabled_admins(&txn).await? == 0 {
        txn.rollback().await?;
        return Err(update::last_admin_error(user));
    }
    txn.commit().await?;
    Ok(())
}

/// Lifts a brute-force lock (docs/security.md) by zeroing the lockout columns.
pub async fn unlock(db: &impl ConnectionTrait, user: &user::Model) -> Result<(), AppError> {
    lift_lockout(User::update_many())
        .col_expr(user::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(user::Column::Id.eq(user.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of the user, and with them every refresh and access
/// token (docs/users.md "sign out everywhere"). Returns how many were live.
pub async fn sign_out_everywhere(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> Result<u64, AppError> {
    Ok(sessions::revoke_all_for_user(db, &user.id, None).await?)
}

/// The user's sessions live at `now`, newest first.
pub async fn live_sessions(
    db: &DatabaseConnection,
    user: &user::Model,
    now: i64,
) -> Result<Vec<crate::entities::session::Model>, AppError> {
    Ok(sessions::list_live(db, &user.id, now).await?)
}

/// Ends one session of this user; `NotFound` when the user has no such live
/// session (a session id of another user is not touched).
pub async fn end_session(
    db: &impl ConnectionTrait,
    user: &user::Model,
    session_id: &str,
) -> Result<(), AppError> {
    use crate::entities::{prelude::Session, session};
    let ended = Session::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(clock::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user.id.as_str()))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if ended.rows_affected == 0 {
        return Err(AppError::NotFound("no such live session".into()));
    }
    Ok(())
}

/// Whether any enabled user holds the `admin` scope.
pub async fn enabled_admin_exists(db: &DatabaseConnection) -> Result<bool, AppError> {
    update::any_enabled_admin(db).await
}

/// docs/users.md: when no admin exists, create one from `VALET_ADMIN_USERNAME` /
/// `VALET_ADMIN_PASSWORD`, or `admin` with a random password printed once.
/// Processes racing here create one admin: the unique username decides.
pub async fn bootstrap_admin(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    settings: &Settings,
) -> Result<(), String> {
    if enabled_admin_exists(db).await.map_err(|e| e.to_string())? {
        return Ok(());
    }
    let name = settings.admin_username.as_deref().unwrap_or("admin");
    let username =
        Username::parse(name).map_err(|e| format!("invalid VALET_ADMIN_USERNAME: {e}"))?;
    let (password, generated) = match &settings.admin_password {
        Some(p) => (
            Password::parse(p.expose().to_owned())
                .map_err(|e| format!("invalid VALET_ADMIN_PASSWORD: {e}"))?,
            false,
        ),
        None => (random_password(), true),
    };
    let new = NewUser {
        username,
        password: password.clone(),
        email: None,
        full_name: None,
        scopes: ScopeSet::from_list(ADMIN_SCOPES).map_err(|e| e.to_string())?,
        disabled: false,
    };
    match create(db, hasher, new).await {
        Ok(admin) if generated => {
            // The one secret valet ever prints (README). It must reach the
            // operator even when RUST_LOG hides warnings.
            let line = format!(
                "created the first admin {:?} with password {} (shown once; change it)",
                admin.username,
                password.expose()
            );
            if log::log_enabled!(log::Level::Warn) {
                log::warn!("{line}");
            } else {
                eprintln!("{line}");
            }
            Ok(())
        }
        Ok(admin) => {
            log::info!("created the first admin {:?}", admin.username);
            Ok(())
        }
        Err(AppError::Conflict(_)) => {
            if !enabled_admin_exists(db).await.map_err(|e| e.to_string())? {
                log::warn!("no enabled admin exists and the user {name:?} is not one; use `valet user add --admin`");
            }
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

fn random_password() -> Password {
    let mut bytes = [0u8; 18];
    rand::fill(&mut bytes);
    Password::parse(URL_SAFE_NO_PAD.encode(bytes)).expect("24 characters pass the policy")
}
