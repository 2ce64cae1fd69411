//! Admin actions (docs/users.md `/api/users…`, docs/users.md `/admin`): the directory
//! rules of the parent module plus an audit event naming who acted, from
//! where, and on whom, written in the action's own transaction: an action
//! whose audit row cannot be written does not happen. The admin pages and
//! the JSON API both call these, so the two cannot drift apart.
use std::net::IpAddr;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use super::delegation::{may_act_on, may_grant};
use super::{NewUser, UserUpdate};
use crate::audit::{self, AuditKind, Event};
use crate::auth::password::PasswordHasher;
use crate::domain::ScopeSet;
use crate::entities::user;
use crate::error::AppError;

/// Who performs an admin action, from where, holding which scopes: the
/// scopes decide what it may do (see [`super::delegation`]), the rest goes
/// to the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub username: String,
    pub ip: Option<String>,
    /// Set when a client acts with its own `client_credentials` token.
    pub client_id: Option<String>,
    /// The scopes granted to the request (a narrowed token holds fewer
    /// than its user).
    pub scopes: ScopeSet,
}

impl Actor {
    /// An actor holding no scope until [`Actor::holding`] says which: it
    /// may grant nothing and act on no admin.
    pub fn new(username: &str, ip: Option<IpAddr>) -> Self {
        Self {
            username: username.to_owned(),
            ip: ip.map(|ip| ip.to_string()),
            client_id: None,
            scopes: ScopeSet::default(),
        }
    }

    /// The scopes granted to the request the actor makes.
    pub fn holding(self, scopes: ScopeSet) -> Self {
        Self { scopes, ..self }
    }

    /// A client acting on its own behalf (RFC 6749 §4.4): the audit log
    /// names it as the actor and as the client.
    pub fn client(client_id: &str, ip: Option<IpAddr>) -> Self {
        Self {
            client_id: Some(client_id.to_owned()),
            ..Self::new(client_id, ip)
        }
    }

    /// Runs `action` in a transaction and writes the events it returns,
    /// naming `subject`, in the same one: the action and its record commit
    /// together or not at all.
    pub(crate) async fn audited<T>(
        &self,
        db: &DatabaseConnection,
        subject: &str,
        action: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(T, Events), AppError>,
    ) -> Result<T, AppError> {
        let txn = db.begin().await?;
        let (done, events) = action(&txn).await?;
        for (kind, detail) in events {
            let event = Event {
                actor: Some(&self.username),
                subject: Some(subject),
                ip: self.ip.as_deref(),
                client_id: self.client_id.as_deref(),
                detail: &detail,
            };
            audit::write(&txn, kind, event).await?;
        }
        txn.commit().await?;
        Ok(done)
    }

    /// [`Actor::audited`] for an action recorded as one `kind` event, whose
    /// detail `describe` gives from what the action returned.
    pub(crate) async fn audited_once<T>(
        &self,
        db: &DatabaseConnection,
        subject: &str,
        kind: AuditKind,
        action: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, AppError>,
        describe: impl FnOnce(&T) -> String,
    ) -> Result<T, AppError> {
        self.audited(db, subject, async |txn| {
            let done = action(txn).await?;
            let detail = describe(&done);
            Ok((done, vec![(kind, detail)]))
        })
        .await
    }
}

/// What an admin action did, as audit events: kind and detail.
pub(crate) type Events = Vec<(AuditKind, String)>;

pub async fn create_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    actor: &Actor,
    new: NewUser,
) -> Result<user::Model, AppError> {
    may_grant(&actor.scopes, &ScopeSet::default(), &new.scopes)?;
    let detail = format!(
        "scopes: {}{}",
        describe_scopes(&new.scopes.to_string()),
        if new.disabled { "; disabled" } else { "" }
    );
    let hash = hasher.hash(&new.password).await?;
    let username = new.username.as_str().to_owned();
    let insert = async |txn: &DatabaseTransaction| super::insert(txn, new, hash).await;
    actor
        .audited_once(db, &username, AuditKind::UserCreated, insert, |_| detail)
        .await
}

/// Applies `changes` (see [`super::update`]) and writes one event per kind
/// of change: profile, disable/enable, password.
pub async fn update_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    actor: &Actor,
    user: &user::Model,
    changes: UserUpdate,
) -> Result<user::Model, AppError> {
    may_act_on(&actor.scopes, user)?;
    if let Some(scopes) = &changes.scopes {
        may_grant(&actor.scopes, &user.scope_set(), scopes)?;
    }
    let mut events = Vec::new();
    if let Some(detail) = profile_detail(user, &changes) {
        events.push((AuditKind::UserUpdated, detail));
    }
    match changes.disabled.filter(|d| *d != user.disabled) {
        Some(true) => events.push((
            AuditKind::UserDisabled,
            "disabled; every session ended".into(),
        )),
        Some(false) => events.push((AuditKind::UserEnabled, "enabled".into())),
        None => {}
    }
    if changes.password.is_some() {
        let detail = "password reset by an admin; every session ended";
        events.push((AuditKind::PasswordChanged, detail.into()));
    }
    let hash = super::update::hash_new_password(hasher, &changes).await?;
    actor
        .audited(db, &user.username, async |txn| {
            let updated = super::update::apply(txn, hash, user, changes).await?;
            Ok((updated, events))
        })
        .await
}

pub async fn delete_user(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &user::Model,
) -> Result<(), AppError> {
    let delete = async |txn: &DatabaseTransaction| super::delete(txn, user).await;
    act_on(db, actor, user, AuditKind::UserDeleted, delete, |_| {
        "deleted".into()
    })
    .await
}

pub async fn unlock_user(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &user::Model,
) -> Result<(), AppError> {
    let unlock = async |txn: &DatabaseTransaction| super::unlock(txn, user).await;
    let detail = |_: &()| "lockout lifted".into();
    act_on(db, actor, user, AuditKind::UserUnlocked, unlock, detail).await
}

/// Ends every session of `user`; returns how many were live.
pub async fn sign_out_everywhere(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &user::Model,
) -> Result<u64, AppError> {
    let sign_out = async |txn: &DatabaseTransaction| super::sign_out_everywhere(txn, user).await;
    let detail = |ended: &u64| format!("signed out everywhere ({ended} sessions ended)");
    act_on(
        db,
        actor,
        user,
        AuditKind::SessionsRevoked,
        sign_out,
        detail,
    )
    .await
}

pub async fn end_session(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &user::Model,
    session_id: &str,
) -> Result<(), AppError> {
    let end = async |txn: &DatabaseTransaction| super::end_session(txn, user, session_id).await;
    // The id's first block is enough to tell sessions apart in the log.
    let short: String = session_id.chars().take(8).collect();
    let detail = |_: &()| format!("session {short}… ended");
    act_on(db, actor, user, AuditKind::SessionsRevoked, end, detail).await
}

/// An action on `user`, if the actor may act on them (see
/// [`super::delegation`]), recorded as one `kind` event.
async fn act_on<T>(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &user::Model,
    kind: AuditKind,
    action: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, AppError>,
    describe: impl FnOnce(&T) -> String,
) -> Result<T, AppError> {
    may_act_on(&actor.scopes, user)?;
    actor
        .audited_once(db, &user.username, kind, action, describe)
        .await
}

/// What a profile change does, e.g. `email: a@x → b@x; scopes: me → me admin`.
fn profile_detail(user: &user::Model, changes: &UserUpdate) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(email) = &changes.email {
        let new = email.as_ref().map(|e| e.clone().into_inner());
        if new != user.email {
            parts.push(format!(
                "email: {} → {}",
                or_none(&user.email),
                or_none(&new)
            ));
        }
    }
    if let Some(name) = &changes.full_name {
        let new = name
            .as_ref()
            .map(|n| n.clone().into_inner())
            .filter(|n| !n.is_empty());
        if new != user.full_name {
            parts.push(format!(
                "full name: {} → {}",
                or_none(&user.full_name),
                or_none(&new)
            ));
        }
    }
    if let Some(scopes) = &changes.scopes {
        let new = scopes.to_string();
        if new != user.scope_set().to_string() {
            parts.push(format!(
                "scopes: {} → {}",
                describe_scopes(&user.scope_set().to_string()),
                describe_scopes(&new)
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn or_none(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(none)")
}

fn describe_scopes(scopes: &str) -> &str {
    if scopes.is_empty() {
        "(none)"
    } else {
        scopes
    }
}
