//! What a user allowed each client (OpenID Connect Core §3.1.2.4): an Allow
//! is remembered for that client and those scopes, so the consent page is
//! shown again only for scopes not allowed before.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use crate::domain::{Scope, ScopeSet};
use crate::entities::consent;
use crate::entities::prelude::Consent;

/// The scopes `user_id` has allowed `client_id`, if any.
pub async fn remembered(
    db: &impl ConnectionTrait,
    user_id: &str,
    client_id: &str,
) -> Result<Option<ScopeSet>, DbErr> {
    Ok(
        Consent::find_by_id((user_id.to_owned(), client_id.to_owned()))
            .one(db)
            .await?
            .map(|row| ScopeSet::from_stored(&row.scope)),
    )
}

/// Adds `scope` to what `user_id` has allowed `client_id`.
pub async fn remember(
    db: &impl ConnectionTrait,
    user_id: &str,
    client_id: &str,
    scope: &ScopeSet,
    now: i64,
) -> Result<(), DbErr> {
    let mut all = remembered(db, user_id, client_id)
        .await?
        .unwrap_or_default();
    for s in scope.iter() {
        if let Ok(s) = crate::domain::Scope::parse(s) {
            all.insert(s);
        }
    }
    Consent::insert(consent::ActiveModel {
        user_id: Set(user_id.to_owned()),
        client_id: Set(client_id.to_owned()),
        scope: Set(all.to_string()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([consent::Column::UserId, consent::Column::ClientId])
            .update_column(consent::Column::Scope)
            .to_owned(),
    )
    .exec(db)
    .await
    .map(|_| ())
}

/// The clients `user_id` has allowed, with the scopes, by client id.
pub async fn list(db: &impl ConnectionTrait, user_id: &str) -> Result<Vec<consent::Model>, DbErr> {
    Consent::find()
        .filter(consent::Column::UserId.eq(user_id))
        .all(db)
        .await
}

/// Forgets what `user_id` allowed `client_id`. Returns whether there was
/// anything to forget.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    user_id: &str,
    client_id: &str,
) -> Result<bool, DbErr> {
    let result = Consent::delete_many()
        .filter(consent::Column::UserId.eq(user_id))
        .filter(consent::Column::ClientId.eq(client_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A scope described in words for the consent page.
pub fn describe(scope: &str) -> String {
    match scope {
        Scope::OPENID => "Confirm who you are (your valet user id)".into(),
        Scope::PROFILE => "See your username and full name".into(),
        Scope::EMAIL => "See your email address".into(),
        Scope::ADMIN => "Administer valet: users, applications and keys".into(),
        Scope::USERS_READ => "Read the user directory".into(),
        Scope::USERS_WRITE => "Create, change and delete users".into(),
        Scope::INTROSPECT => "Check tokens issued by valet".into(),
        other => format!("Use the permission \u{201c}{other}\u{201d}"),
    }
}
