//! Asymmetric signing keys and their rotation (docs/resource-servers.md; RFC 7517, RFC 7518,
//! RFC 9068 §4): made and kept in the database, held parsed in memory by
//! every instance, published as a JWKS.
use sea_orm::ConnectionTrait;

pub mod jws;
pub mod material;
pub mod ring;
pub mod store;

pub use material::{Alg, Jwk, KeyMaterial};
pub use ring::{KeyPolicy, KeyRing, KeySet, KeyState};
pub use store::StoreError;

use crate::entities::signing_key;

/// Every stored key as a [`KeySet`] at `now`, without making any.
pub async fn current(
    db: &impl ConnectionTrait,
    policy: &KeyPolicy,
    now: i64,
) -> Result<KeySet, StoreError> {
    Ok(KeySet::from_rows(
        store::load_all(db).await?,
        store::retire_after(db, policy).await?,
        now,
        None,
    ))
}

/// `valet keys rotate`: a new key of the configured algorithm, published at
/// once, signing after the publish delay — or at once with `at_once`, or
/// when no key signs yet. Retried when another instance made a key meanwhile.
pub async fn rotate(
    db: &impl ConnectionTrait,
    policy: &KeyPolicy,
    now: i64,
    at_once: bool,
) -> Result<signing_key::Model, StoreError> {
    for _ in 0..10 {
        let set = current(db, policy, now).await?;
        let signs_from = if at_once || set.signing(now).is_none() {
            now
        } else {
            now + policy.publish_seconds
        };
        if let Some(key) =
            store::create(db, policy.alg, set.next_generation(), now, signs_from).await?
        {
            return Ok(key);
        }
    }
    Err(StoreError::Busy)
}

/// `valet keys revoke KID`: the key leaves the JWKS and its tokens are
/// refused; the key that signs now cannot be revoked.
pub async fn revoke(
    db: &impl ConnectionTrait,
    policy: &KeyPolicy,
    kid: &str,
    now: i64,
) -> Result<(), StoreError> {
    let set = current(db, policy, now).await?;
    let signing = set.signing(now).map(|k| k.row.kid.as_str());
    store::revoke(db, kid, signing, now).await
}
