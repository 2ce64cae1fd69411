//! The `signing_keys` table: every instance reads the same keys, and of
//! several instances creating a key at once exactly one insert wins (the
//! `generation` column is unique).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr,
};

use super::jws::LEEWAY_SECONDS;
use super::material::{generate, Alg, KeyError, KeyMaterial};
use super::ring::KeyPolicy;
use crate::entities::prelude::{Client, SigningKey};
use crate::entities::{client, signing_key};

/// Every key, oldest generation first.
pub async fn load_all(db: &impl ConnectionTrait) -> Result<Vec<signing_key::Model>, DbErr> {
    SigningKey::find()
        .order_by_asc(signing_key::Column::Generation)
        .all(db)
        .await
}

/// How long a replaced key keeps verifying: the longest access token
/// lifetime — the setting, or a registered client's own if longer — plus
/// the validation leeway.
pub async fn retire_after(db: &impl ConnectionTrait, policy: &KeyPolicy) -> Result<i64, DbErr> {
    let longest_client_ttl: Option<Option<i64>> = Client::find()
        .select_only()
        .column_as(client::Column::AccessTokenTtl.max(), "ttl")
        .into_tuple()
        .one(db)
        .await?;
    let longest = longest_client_ttl.flatten().unwrap_or(0) + LEEWAY_SECONDS;
    Ok(policy.retire_after.max(longest))
}

/// Why a key could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("no key {0}")]
    UnknownKid(String),
    #[error("other instances keep making keys at the same moment; try again")]
    Busy,
    #[error("key {0} signs now and no other key signs yet: rotate with --now first")]
    SigningKey(String),
}

/// Makes a key of `alg` that signs from `signs_from`, as generation
/// `generation` (one more than the newest the caller saw). `Ok(None)` when
/// another instance took that generation first: the caller reloads.
pub async fn create(
    db: &impl ConnectionTrait,
    alg: Alg,
    generation: i64,
    now: i64,
    signs_from: i64,
) -> Result<Option<signing_key::Model>, StoreError> {
    let kid = uuid::Uuid::new_v4().simple().to_string();
    // Making an RSA key takes tens of milliseconds of CPU: not on an async
    // worker, which would stall every request (and timer) it serves.
    let (private, public) = {
        let kid = kid.clone();
        tokio::task::spawn_blocking(move || {
            let private = generate(alg)?;
            let material = KeyMaterial::from_pkcs8(alg, &kid, &private)?;
            let public =
                serde_json::to_string(material.jwk()).map_err(|e| KeyError(e.to_string()))?;
            Ok::<_, KeyError>((private, public))
        })
        .await
        .map_err(|e| KeyError(format!("the key generation task failed: {e}")))??
    };
    let row = signing_key::ActiveModel {
        kid: Set(kid),
        alg: Set(alg.as_str().to_owned()),
        private_key: Set(STANDARD.encode(private)),
        public_key: Set(public),
        generation: Set(generation),
        created_at: Set(now),
        signs_from: Set(signs_from),
        revoked_at: Set(None),
    };
    match row.insert(db).await {
        Ok(model) => Ok(Some(model)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Marks `kid` revoked. Refuses the key that signs at `now` unless a newer
/// key signs already (docs/resource-servers.md: there must always be a key that signs).
pub async fn revoke(
    db: &impl ConnectionTrait,
    kid: &str,
    signing_kid: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let Some(row) = SigningKey::find_by_id(kid).one(db).await? else {
        return Err(StoreError::UnknownKid(kid.to_owned()));
    };
    if signing_kid == Some(kid) {
        return Err(StoreError::SigningKey(kid.to_owned()));
    }
    if row.revoked_at.is_some() {
        return Ok(());
    }
    SigningKey::update_many()
        .col_expr(
            signing_key::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(signing_key::Column::Kid.eq(kid))
        .filter(signing_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The stored private key of a row, parsed.
pub fn material_of(row: &signing_key::Model) -> Result<KeyMaterial, KeyError> {
    let alg = Alg::parse(&row.alg)
        .ok_or_else(|| KeyError(format!("key {}: unknown algorithm {}", row.kid, row.alg)))?;
    let der = STANDARD
        .decode(&row.private_key)
        .map_err(|_| KeyError(format!("key {}: the stored key is corrupt", row.kid)))?;
    KeyMaterial::from_pkcs8(alg, &row.kid, &der)
}
