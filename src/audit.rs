//! The audit log (docs/users.md): who signed in, who failed, lockouts, refresh
//! token reuse and every admin action. Never holds a password or token.
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, NotSet, Set};

use crate::clock;
use crate::entities::audit_event;

/// What happened. The string form is what is stored and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    AccountLocked,
    RefreshTokenReused,
    SignOut,
    PasswordChanged,
    UserCreated,
    UserUpdated,
    UserDisabled,
    UserEnabled,
    UserDeleted,
    UserUnlocked,
    SessionsRevoked,
    ClientCreated,
    ClientUpdated,
    ClientDisabled,
    ClientEnabled,
    ClientSecretRotated,
    ClientDeleted,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::AccountLocked => "account_locked",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::SignOut => "sign_out",
            Self::PasswordChanged => "password_changed",
            Self::UserCreated => "user_created",
            Self::UserUpdated => "user_updated",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::UserDeleted => "user_deleted",
            Self::UserUnlocked => "user_unlocked",
            Self::SessionsRevoked => "sessions_revoked",
            Self::ClientCreated => "client_created",
            Self::ClientUpdated => "client_updated",
            Self::ClientDisabled => "client_disabled",
            Self::ClientEnabled => "client_enabled",
            Self::ClientSecretRotated => "client_secret_rotated",
            Self::ClientDeleted => "client_deleted",
        }
    }
}

/// One event to record.
#[derive(Debug, Default)]
pub struct Event<'a> {
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub detail: &'a str,
}

/// Appends an event in `db`: in an action's transaction, the action and
/// its record stand or fall together.
pub async fn write(
    db: &impl ConnectionTrait,
    kind: AuditKind,
    event: Event<'_>,
) -> Result<(), DbErr> {
    let row = audit_event::ActiveModel {
        id: NotSet,
        at: Set(clock::now()),
        kind: Set(kind.as_str().to_owned()),
        actor: Set(event.actor.map(str::to_owned)),
        subject: Set(event.subject.map(str::to_owned)),
        ip: Set(event.ip.map(str::to_owned)),
        client_id: Set(event.client_id.map(str::to_owned)),
        detail: Set(event.detail.to_owned()),
    };
    row.insert(db).await.map(drop)
}

/// Appends an event that follows what it records (a sign-in, a refusal). A
/// failure to write is logged, not raised: the audit log must not turn a
/// finished action into an error for the caller.
pub async fn record(db: &impl ConnectionTrait, kind: AuditKind, event: Event<'_>) {
    if let Err(e) = write(db, kind, event).await {
        log::warn!("could not write audit event {}: {e}", kind.as_str());
    }
}

/// One page of the log, newest first (docs/users.md `/admin/audit`). With `user`,
/// only the events where that user acted or was acted on.
pub async fn page(
    db: &sea_orm::DatabaseConnection,
    user: Option<&str>,
    paging: crate::domain::Paging,
) -> Result<(Vec<audit_event::Model>, u64), crate::error::AppError> {
    use sea_orm::{
        ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    };
    let mut query = audit_event::Entity::find();
    if let Some(user) = user {
        query = query.filter(
            Condition::any()
                .add(audit_event::Column::Subject.eq(user))
                .add(audit_event::Column::Actor.eq(user)),
        );
    }
    let total = query.clone().count(db).await?;
    let events = query
        .order_by_desc(audit_event::Column::Id)
        .limit(paging.per_page)
        .offset(paging.offset())
        .all(db)
        .await?;
    Ok((events, total))
}
