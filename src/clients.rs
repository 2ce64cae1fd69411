//! Registered clients (RFC 6749 §2): one set of rules for the CLI, the admin
//! pages and the JSON API, each change written to the audit log in the
//! change's own transaction (no change without its record). Only
//! callers holding `admin` reach these (the routes require it; the CLI is
//! the operator).
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

pub mod authenticate;
pub mod docs_client;
mod input;
pub mod secret;

pub use input::{
    parse_new_client, parse_update, ClientInput, ClientSettings, ClientUpdate, NewClient,
    DEFAULT_GRANT_TYPES, DEFAULT_SCOPES, GRANT_TYPES,
};
pub use secret::ClientSecret;

use crate::audit::AuditKind;
use crate::clock;
use crate::entities::prelude::{Client, Session};
use crate::entities::{client, session};
use crate::error::{is_unique_violation, AppError};
use crate::users::admin::Actor;

/// A client just registered, with its secret if it is confidential: the
/// only time the secret exists outside its hash.
#[derive(Debug)]
pub struct Registered {
    pub client: client::Model,
    pub secret: Option<ClientSecret>,
}

/// Registers a client. A taken id is `Conflict` (409), also when requests
/// race for it: the primary key decides.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewClient,
) -> Result<Registered, AppError> {
    let secret = new.confidential.then(ClientSecret::generate);
    let now = clock::now();
    let mut row = client::ActiveModel {
        client_id: Set(new.client_id.as_str().to_owned()),
        confidential: Set(new.confidential),
        secret_hash: Set(secret.as_ref().map(ClientSecret::hash)),
        disabled: Set(new.disabled),
        generation: Set(Uuid::new_v4().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_settings(&mut row, &new.settings);
    let insert = async |txn: &DatabaseTransaction| {
        row.insert(txn).await.map_err(|e| {
            if is_unique_violation(&e) {
                AppError::Conflict(format!("the client id {} is taken", new.client_id))
            } else {
                e.into()
            }
        })
    };
    let detail = |created: &client::Model| {
        format!(
            "{} client; grants: {}; scopes: {}",
            created.client_type(),
            created.grant_types,
            or_none(&created.scopes)
        )
    };
    let kind = AuditKind::ClientCreated;
    let client = actor
        .audited_once(db, new.client_id.as_str(), kind, insert, detail)
        .await?;
    Ok(Registered { client, secret })
}

pub async fn find(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<client::Model>, AppError> {
    Ok(Client::find_by_id(client_id).one(db).await?)
}

/// Like [`find`], but a missing client is `NotFound`.
pub async fn get(db: &DatabaseConnection, client_id: &str) -> Result<client::Model, AppError> {
    find(db, client_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no client {client_id}")))
}

/// Every client, by id.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<client::Model>, AppError> {
    Ok(Client::find()
        .order_by_asc(client::Column::ClientId)
        .all(db)
        .await?)
}

/// Applies a checked change. Disabling ends every session of the client and
/// gives it a new generation, so its tokens stop at the next request on
/// every instance; enabling again revives none of them.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
    change: ClientUpdate,
) -> Result<client::Model, AppError> {
    let disabling = change.disabled == Some(true) && !client.disabled;
    let mut row = client::ActiveModel {
        client_id: sea_orm::Unchanged(client.client_id.clone()),
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    apply_settings(&mut row, &change.settings);
    if let Some(disabled) = change.disabled {
        row.disabled = Set(disabled);
    }
    if disabling {
        row.generation = Set(Uuid::new_v4().to_string());
    }
    actor
        .audited(db, &client.client_id, async |txn| {
            let updated = match row.update(txn).await {
                Ok(updated) => updated,
                Err(sea_orm::DbErr::RecordNotUpdated) => return Err(not_found(client)),
                Err(e) => return Err(e.into()),
            };
            if disabling {
                end_sessions(txn, &client.client_id).await?;
            }
            let mut events = Vec::new();
            if let Some(detail) = settings_detail(client, &updated) {
                events.push((AuditKind::ClientUpdated, detail));
            }
            match change.disabled {
                Some(true) if !client.disabled => {
                    let detail = "disabled; its sessions and tokens ended";
                    events.push((AuditKind::ClientDisabled, detail.into()));
                }
                Some(false) if client.disabled => {
                    events.push((AuditKind::ClientEnabled, "enabled".into()));
                }
                _ => {}
            }
            Ok((updated, events))
        })
        .await
}

/// Disables or enables a client and nothing else.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
    disabled: bool,
) -> Result<client::Model, AppError> {
    let change = parse_update(
        client,
        ClientInput {
            disabled: Some(disabled),
            ..ClientInput::default()
        },
    )?;
    update(db, actor, client, change).await
}

/// A new secret for a confidential client; the old one stops working as
/// soon as this commits. A public client has none (`Conflict`).
pub async fn rotate_secret(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
) -> Result<ClientSecret, AppError> {
    if !client.confidential {
        return Err(AppError::Conflict(format!(
            "{} is a public client and has no secret",
            client.client_id
        )));
    }
    let secret = ClientSecret::generate();
    let rotate = async |txn: &DatabaseTransaction| {
        let rotated = Client::update_many()
            .col_expr(client::Column::SecretHash, Expr::value(secret.hash()))
            .col_expr(client::Column::UpdatedAt, Expr::value(clock::now()))
            .filter(client::Column::ClientId.eq(client.client_id.as_str()))
            .exec(txn)
            .await?;
        if rotated.rows_affected == 0 {
            return Err(not_found(client));
        }
        Ok(secret)
    };
    let detail = "new secret; the old one no longer works";
    changed(
        db,
        actor,
        client,
        AuditKind::ClientSecretRotated,
        detail,
        rotate,
    )
    .await
}

/// Deletes a client and ends its sessions; its id is free again, and a new
/// client of that id starts a new generation, so nothing revives.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
) -> Result<(), AppError> {
    let delete = async |txn: &DatabaseTransaction| {
        let deleted = Client::delete_by_id(client.client_id.as_str())
            .exec(txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(not_found(client));
        }
        end_sessions(txn, &client.client_id).await?;
        Ok(())
    };
    let detail = "deleted; its sessions and tokens ended";
    changed(db, actor, client, AuditKind::ClientDeleted, detail, delete).await
}

/// Ends every `client_credentials` token of `client` by giving it a new
/// generation (RFC 7009 revocation of one of them).
pub async fn end_own_tokens(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
) -> Result<(), AppError> {
    let new_generation = async |txn: &DatabaseTransaction| {
        Client::update_many()
            .col_expr(
                client::Column::Generation,
                Expr::value(Uuid::new_v4().to_string()),
            )
            .filter(client::Column::ClientId.eq(client.client_id.as_str()))
            .exec(txn)
            .await?;
        Ok(())
    };
    let detail = "its client_credentials tokens revoked (RFC 7009)";
    changed(
        db,
        actor,
        client,
        AuditKind::SessionsRevoked,
        detail,
        new_generation,
    )
    .await
}

/// Inside the transaction that opens a session for `client`: whether the
/// client is still enabled and of the generation it was authenticated
/// under. The update takes the row's write lock, so a disable or delete
/// committing meanwhile is seen (and the sign-in must roll back) rather
/// than missing the session it is about to create.
pub async fn still_current(
    txn: &impl ConnectionTrait,
    client: &client::Model,
) -> Result<bool, AppError> {
    let touched = Client::update_many()
        .col_expr(
            client::Column::UpdatedAt,
            Expr::col(client::Column::UpdatedAt),
        )
        .filter(client::Column::ClientId.eq(client.client_id.as_str()))
        .filter(client::Column::Generation.eq(client.generation.as_str()))
        .filter(client::Column::Disabled.eq(false))
        .exec(txn)
        .await?;
    Ok(touched.rows_affected == 1)
}

/// Runs `action` on `client`, recorded as one `kind` event with `detail`
/// in the same transaction.
async fn changed<T>(
    db: &DatabaseConnection,
    actor: &Actor,
    client: &client::Model,
    kind: AuditKind,
    detail: &str,
    action: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let detail = |_: &T| detail.to_owned();
    actor
        .audited_once(db, &client.client_id, kind, action, detail)
        .await
}

fn not_found(client: &client::Model) -> AppError {
    AppError::NotFound(format!("no client {}", client.client_id))
}

async fn end_sessions(db: &impl ConnectionTrait, client_id: &str) -> Result<u64, AppError> {
    Ok(Session::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(clock::now()))
        .filter(session::Column::ClientId.eq(client_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

fn apply_settings(row: &mut client::ActiveModel, settings: &ClientSettings) {
    let join = |uris: &[crate::domain::RedirectUri]| {
        uris.iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    row.name = Set(settings.name.clone());
    row.grant_types = Set(settings.grant_types.join(" "));
    row.scopes = Set(settings.scopes.to_string());
    row.redirect_uris = Set(join(&settings.redirect_uris));
    row.post_logout_redirect_uris = Set(join(&settings.post_logout_redirect_uris));
    row.first_party = Set(settings.first_party);
    row.access_token_ttl = Set(settings.access_token_ttl);
    row.refresh_token_ttl = Set(settings.refresh_token_ttl);
}

/// What changed, e.g. `scopes: a → a b; grants: …`, or `None`.
fn settings_detail(before: &client::Model, after: &client::Model) -> Option<String> {
    let mut parts = Vec::new();
    let mut diff = |what: &str, old: &str, new: &str| {
        if old != new {
            parts.push(format!("{what}: {} → {}", or_none(old), or_none(new)));
        }
    };
    diff("name", &before.name, &after.name);
    diff("grants", &before.grant_types, &after.grant_types);
    diff("scopes", &before.scopes, &after.scopes);
    diff("redirect URIs", &before.redirect_uris, &after.redirect_uris);
    diff(
        "post-logout redirect URIs",
        &before.post_logout_redirect_uris,
        &after.post_logout_redirect_uris,
    );
    let flag = |b: bool| if b { "yes" } else { "no" };
    diff(
        "first party",
        flag(before.first_party),
        flag(after.first_party),
    );
    let ttl = |t: Option<i64>| t.map_or("default".to_owned(), |t| format!("{t} s"));
    diff(
        "access token lifetime",
        &ttl(before.access_token_ttl),
        &ttl(after.access_token_ttl),
    );
    diff(
        "refresh token lifetime",
        &ttl(before.refresh_token_ttl),
        &ttl(after.refresh_token_ttl),
    );
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn or_none(value: &str) -> &str {
    if value.is_empty() {
        "(none)"
    } else {
        value
    }
}
