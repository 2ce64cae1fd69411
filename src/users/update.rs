//! Changing a user (docs/users.md `PATCH /api/users/{username}`, the admin user
//! page, the CLI) under one rule set: a disable or a password change ends
//! every session, and the last enabled admin can neither be disabled nor
//! lose the `admin` scope.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};

use crate::auth::password::PasswordHasher;
use crate::auth::sessions;
use crate::clock;
use crate::domain::Scope;
use crate::domain::{Email, FullName, Password, ScopeSet};
use crate::entities::prelude::User;
use crate::entities::user;
use crate::error::AppError;

/// The scope that makes a user an admin (docs/users.md).
pub const ADMIN_SCOPE: &str = Scope::ADMIN;

/// What to change; `None` leaves a field as it is. For `email` and
/// `full_name`, `Some(None)` clears the field.
#[derive(Debug, Default)]
pub struct UserUpdate {
    pub email: Option<Option<Email>>,
    pub full_name: Option<Option<FullName>>,
    pub scopes: Option<ScopeSet>,
    pub disabled: Option<bool>,
    pub password: Option<Password>,
}

impl UserUpdate {
    /// Whether the change touches the profile (email, name or scopes).
    pub fn changes_profile(&self) -> bool {
        self.email.is_some() || self.full_name.is_some() || self.scopes.is_some()
    }
}

/// Applies `changes` in one transaction and returns the user as stored.
/// A new password passes the policy already (it is a [`Password`]), is
/// hashed off the async threads, and ends every session of the user, as a
/// disable does (docs/users.md; see [`super::store_password`]). Taking the last enabled admin's `admin` scope or
/// disabling them is a `Conflict` and changes nothing.
pub async fn update(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    user: &user::Model,
    changes: UserUpdate,
) -> Result<user::Model, AppError> {
    let hash = hash_new_password(hasher, &changes).await?;
    apply(db, hash, user, changes).await
}

/// The hash of the change's new password, if it has one: made before the
/// change's transaction begins, never inside it.
pub(super) async fn hash_new_password(
    hasher: &PasswordHasher,
    changes: &UserUpdate,
) -> Result<Option<String>, AppError> {
    match &changes.password {
        Some(password) => Ok(Some(hasher.hash(password).await?)),
        None => Ok(None),
    }
}

/// [`update`] with the new password (if any) hashed already. In a
/// transaction of the caller's, its own runs as a savepoint.
pub(super) async fn apply(
    db: &(impl ConnectionTrait + TransactionTrait),
    hash: Option<String>,
    user: &user::Model,
    changes: UserUpdate,
) -> Result<user::Model, AppError> {
    let may_demote = changes.disabled == Some(true)
        || changes
            .scopes
            .as_ref()
            .is_some_and(|scopes| !scopes.contains(ADMIN_SCOPE));
    let disabling = changes.disabled == Some(true);

    let mut row = user.clone().into_active_model();
    if let Some(email) = changes.email {
        row.email = Set(email.map(Email::into_inner));
    }
    if let Some(full_name) = changes.full_name {
        row.full_name = Set(full_name
            .map(FullName::into_inner)
            .filter(|n| !n.is_empty()));
    }
    if let Some(scopes) = changes.scopes {
        row.scopes = Set(scopes.to_string());
    }
    if let Some(disabled) = changes.disabled {
        row.disabled = Set(disabled);
    }
    row.updated_at = Set(clock::now());

    let txn = db.begin().await?;
    // Whether this demotes an enabled admin is decided on the row as it is
    // now, inside the transaction, not as the caller read it before.
    let Some(current) = lock_for_change(&txn, &user.id, may_demote).await? else {
        txn.rollback().await?;
        return Err(AppError::NotFound(format!(
            "no user named {}",
            user.username
        )));
    };
    let demotes = may_demote && is_enabled_admin(&current);
    if let Some(hash) = hash {
        super::store_password(&txn, &user.id, hash, None).await?;
    }
    let updated = match row.update(&txn).await {
        Ok(updated) => updated,
        Err(DbErr::RecordNotUpdated) => {
            txn.rollback().await?;
            return Err(AppError::NotFound(format!(
                "no user named {}",
                user.username
            )));
        }
        Err(e) => return Err(e.into()),
    };
    // Counted after the write, inside the transaction: of two admins
    // demoting each other at once, the second sees the first's change.
    if demotes && count_enabled_admins(&txn).await? == 0 {
        txn.rollback().await?;
        return Err(last_admin_error(user));
    }
    if disabling {
        sessions::revoke_all_for_user(&txn, &user.id, None).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

pub(super) fn is_enabled_admin(user: &user::Model) -> bool {
    !user.disabled && user.scope_set().contains(ADMIN_SCOPE)
}

pub(super) fn last_admin_error(user: &user::Model) -> AppError {
    AppError::Conflict(format!(
        "{} is the last enabled admin: give another user the admin scope first",
        user.username
    ))
}

/// Enabled users holding `admin`. The `LIKE` narrows in SQL; the scope set
/// decides (so `superadmin` does not count).
pub(super) async fn count_enabled_admins(db: &impl ConnectionTrait) -> Result<usize, AppError> {
    let candidates = User::find()
        .filter(user::Column::Scopes.contains(ADMIN_SCOPE))
        .filter(user::Column::Disabled.eq(false))
        .all(db)
        .await?;
    Ok(candidates
        .iter()
        .filter(|u| u.scope_set().contains(ADMIN_SCOPE))
        .count())
}

/// Whether any enabled user holds `admin`: one query whose rows are read
/// as they come and dropped at the first real admin (usually the first
/// row: the first admin is the first user made), so a start on a large
/// directory does not read every user whose scopes merely mention it.
pub(super) async fn any_enabled_admin(db: &DatabaseConnection) -> Result<bool, AppError> {
    use futures_util::TryStreamExt;
    let mut candidates = User::find()
        .filter(user::Column::Scopes.contains(ADMIN_SCOPE))
        .filter(user::Column::Disabled.eq(false))
        .stream(db)
        .await?;
    while let Some(candidate) = candidates.try_next().await? {
        if candidate.scope_set().contains(ADMIN_SCOPE) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads a user's row so that it stays as read until the transaction ends,
/// and with `with_admins` holds the enabled admins as they are too, so that
/// concurrent demotions queue up behind each other. On PostgreSQL one
/// `FOR UPDATE` takes every row in id order, so two transactions can never
/// wait for each other's rows. On SQLite a write first takes the database's
/// write lock (a read first would pin a snapshot that a later write could
/// not upgrade).
pub(super) async fn lock_for_change(
    db: &impl ConnectionTrait,
    id: &str,
    with_admins: bool,
) -> Result<Option<user::Model>, AppError> {
    if db.get_database_backend() == DbBackend::Sqlite {
        User::update_many()
            .col_expr(
                user::Column::UpdatedAt,
                sea_orm::sea_query::Expr::col(user::Column::UpdatedAt),
            )
            .filter(user::Column::Id.eq(id))
            .exec(db)
            .await?;
        return Ok(User::find_by_id(id).one(db).await?);
    }
    let mut rows = Condition::any().add(user::Column::Id.eq(id));
    if with_admins {
        rows = rows.add(
            Condition::all()
                .add(user::Column::Scopes.contains(ADMIN_SCOPE))
                .add(user::Column::Disabled.eq(false)),
        );
    }
    let locked = User::find()
        .filter(rows)
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(locked.into_iter().find(|u| u.id == id))
}
