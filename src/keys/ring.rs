//! The keys as every instance holds them: read from the database at start
//! and again at most [`RELOAD_SECONDS`] after the last read (on the next
//! request), so a rotation or a revocation made by any instance or by the
//! CLI counts everywhere within that time, without a restart. Which key
//! signs is decided from `signs_from` and the clock, so all instances
//! switch at the same moment.
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;

use super::material::{Alg, Jwk, KeyMaterial};
use super::store::{self, StoreError};
use crate::clock::Clock;
use crate::entities::signing_key;

/// How stale the keys an instance holds may be, in seconds of its clock.
pub const RELOAD_SECONDS: i64 = 1;
/// A token naming a kid this instance does not know makes it read the keys
/// again (another instance may have just made it), at most this often.
const UNKNOWN_KID_RELOAD: Duration = Duration::from_secs(1);

/// What the settings say about keys (docs/resource-servers.md).
#[derive(Clone, Copy, Debug)]
pub struct KeyPolicy {
    /// `VALET_SIGNING_ALG`.
    pub alg: Alg,
    /// `VALET_KEY_PUBLISH_SECONDS`: a new key is in the JWKS this long
    /// before it signs.
    pub publish_seconds: i64,
    /// `VALET_KEY_ROTATION_DAYS` in seconds; `None`: only by hand.
    pub rotation_seconds: Option<i64>,
    /// The access token lifetime plus the validation leeway: how long a
    /// replaced key keeps verifying after its successor starts signing (a
    /// client's longer lifetime counts too: `store::retire_after`).
    pub retire_after: i64,
}

impl KeyPolicy {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self {
            alg: settings.signing_alg,
            publish_seconds: settings.key_publish_seconds,
            rotation_seconds: (settings.key_rotation_days > 0)
                .then(|| i64::from(settings.key_rotation_days) * 86_400),
            retire_after: settings.access_token_ttl + super::jws::LEEWAY_SECONDS,
        }
    }
}

/// A key's state, derived from its times and the clock (docs/resource-servers.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Published, not signing yet.
    Next,
    /// Signs every new token.
    Active,
    /// Replaced; verifies the tokens it signed until `until`.
    Retired {
        until: i64,
    },
    /// Replaced and past its window: neither published nor accepted.
    Expired {
        since: i64,
    },
    Revoked,
}

impl KeyState {
    /// Whether tokens signed by the key are accepted (and it is published).
    pub fn verifies(self) -> bool {
        matches!(self, Self::Next | Self::Active | Self::Retired { .. })
    }
}

/// One stored key with its parsed material (`None` for a key that will never
/// verify again, or one that could not be read).
pub struct Key {
    pub row: signing_key::Model,
    pub material: Option<Arc<KeyMaterial>>,
}

/// Every key of the database, oldest generation first.
pub struct KeySet {
    keys: Vec<Key>,
    retire_after: i64,
}

impl KeySet {
    /// Builds the set from the stored rows, reusing the parsed keys of
    /// `previous` (a key never changes once made, only its `revoked_at`).
    pub fn from_rows(
        rows: Vec<signing_key::Model>,
        retire_after: i64,
        now: i64,
        previous: Option<&KeySet>,
    ) -> Self {
        let known: HashMap<&str, &Arc<KeyMaterial>> = previous
            .map(|set| {
                set.keys
                    .iter()
                    .filter_map(|k| Some((k.row.kid.as_str(), k.material.as_ref()?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut set = Self {
            keys: rows
                .into_iter()
                .map(|row| Key {
                    row,
                    material: None,
                })
                .collect(),
            retire_after,
        };
        for i in 0..set.keys.len() {
            if !set.state_at(i, now).verifies() {
                continue;
            }
            let key = &set.keys[i];
            let material = match known.get(key.row.kid.as_str()) {
                Some(material) => Some(Arc::clone(material)),
                None => match store::material_of(&key.row) {
                    Ok(material) => Some(Arc::new(material)),
                    Err(e) => {
                        log::error!("signing key unusable: {e}");
                        None
                    }
                },
            };
            set.keys[i].material = material;
        }
        set
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The key that signs at `now`: the newest one whose time has come.
    pub fn signing(&self, now: i64) -> Option<&Key> {
        self.signing_index(now).map(|i| &self.keys[i])
    }

    fn signing_index(&self, now: i64) -> Option<usize> {
        self.keys
            .iter()
            .rposition(|k| k.row.revoked_at.is_none() && k.row.signs_from <= now)
    }

    /// The newest key that is not revoked, signing or not.
    pub fn newest(&self) -> Option<&Key> {
        self.keys.iter().rev().find(|k| k.row.revoked_at.is_none())
    }

    /// The generation a new key takes.
    pub fn next_generation(&self) -> i64 {
        self.keys.last().map_or(1, |k| k.row.generation + 1)
    }

    pub fn state(&self, kid: &str, now: i64) -> Option<KeyState> {
        let i = self.keys.iter().position(|k| k.row.kid == kid)?;
        Some(self.state_at(i, now))
    }

    fn state_at(&self, i: usize, now: i64) -> KeyState {
        let row = &self.keys[i].row;
        if row.revoked_at.is_some() {
            return KeyState::Revoked;
        }
        let signing = match self.signing_index(now) {
            Some(signing) if signing == i => return KeyState::Active,
            Some(signing) if signing > i => signing,
            _ => return KeyState::Next,
        };
        // Replaced (a key that never signed too, when a later one was made
        // to sign at once): it verifies until the longest-lived token it may
        // have signed expires, counted from when its successor began to sign.
        let replaced_at = self.keys[i + 1..=signing]
            .iter()
            .filter(|k| k.row.revoked_at.is_none() && k.row.signs_from <= now)
            .map(|k| k.row.signs_from)
            .min()
            .unwrap_or(now);
        let until = replaced_at + self.retire_after;
        if now < until {
            KeyState::Retired { until }
        } else {
            KeyState::Expired { since: until }
        }
    }

    /// The key named `kid` when tokens it signed are accepted at `now`.
    pub fn verifier(&self, kid: &str, now: i64) -> Option<&KeyMaterial> {
        let i = self.keys.iter().position(|k| k.row.kid == kid)?;
        if !self.state_at(i, now).verifies() {
            return None;
        }
        self.keys[i].material.as_deref()
    }

    /// The public keys to publish at `now` (docs/resource-servers.md): every key about to
    /// sign, signing, or whose tokens may not have expired yet.
    pub fn published(&self, now: i64) -> Vec<Jwk> {
        (0..self.keys.len())
            .filter(|&i| self.state_at(i, now).verifies())
            .filter_map(|i| self.keys[i].material.as_ref().map(|m| m.jwk().clone()))
            .collect()
    }

    /// When a new key is due at `now` and from when it signs. At start
    /// (`starting`): at once when the newest key is not of the configured
    /// algorithm (first start, or the setting changed). Always: after the
    /// publish delay when the newest key is older than the rotation period.
    pub fn due(&self, policy: &KeyPolicy, now: i64, starting: bool) -> Option<i64> {
        let newest = match self.newest() {
            Some(k) if k.material.is_some() => k,
            _ => return Some(now),
        };
        if starting && newest.row.alg != policy.alg.as_str() {
            return Some(now);
        }
        let period = policy.rotation_seconds?;
        (newest.row.signs_from + period <= now).then_some(now + policy.publish_seconds)
    }
}

/// The keys this instance holds, reloaded as described above.
pub struct KeyRing {
    policy: KeyPolicy,
    clock: Arc<dyn Clock>,
    set: RwLock<Arc<KeySet>>,
    loaded_at: AtomicI64,
    last_unknown_kid_reload: Mutex<Option<Instant>>,
    reloading: tokio::sync::Mutex<()>,
}

impl KeyRing {
    /// Reads the keys, making the first one when none of the configured
    /// algorithm exists (of several instances starting at once, one makes it).
    pub async fn load(
        db: &impl ConnectionTrait,
        policy: KeyPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let now = clock.now();
        let ring = Self {
            policy,
            set: RwLock::new(Arc::new(KeySet::from_rows(
                Vec::new(),
                policy.retire_after,
                now,
                None,
            ))),
            clock,
            loaded_at: AtomicI64::new(now),
            last_unknown_kid_reload: Mutex::new(None),
            reloading: tokio::sync::Mutex::new(()),
        };
        ring.reload(db, true).await?;
        Ok(ring)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn policy(&self) -> &KeyPolicy {
        &self.policy
    }

    /// The keys as last read.
    pub fn keys(&self) -> Arc<KeySet> {
        match self.set.read() {
            Ok(set) => Arc::clone(&set),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reads the keys again when the copy held is older than
    /// [`RELOAD_SECONDS`]; one request at a time does it, the others go on
    /// with the copy held. A database error keeps the copy (and is logged).
    pub async fn refresh(&self, db: &impl ConnectionTrait) {
        if self.now() < self.loaded_at.load(Ordering::Relaxed) + RELOAD_SECONDS {
            return;
        }
        let Ok(_one) = self.reloading.try_lock() else {
            return;
        };
        if let Err(e) = self.reload(db, false).await {
            log::warn!("could not reload the signing keys: {e}");
        }
    }

    /// Reads the keys again because a token named a kid this instance does
    /// not know, unless it did so less than a second ago.
    pub async fn reload_for_unknown_kid(&self, db: &impl ConnectionTrait) {
        {
            let Ok(mut last) = self.last_unknown_kid_reload.lock() else {
                return;
            };
            if last.is_some_and(|at| at.elapsed() < UNKNOWN_KID_RELOAD) {
                return;
            }
            *last = Some(Instant::now());
        }
        let _one = self.reloading.lock().await;
        if let Err(e) = self.reload(db, false).await {
            log::warn!("could not reload the signing keys: {e}");
        }
    }

    /// Reads every key; makes a new one first when one is due. Only a
    /// starting instance acts on its `VALET_SIGNING_ALG` (docs/resource-servers.md: at the
    /// next start), so instances of two settings during a rolling restart
    /// do not take turns making keys.
    async fn reload(&self, db: &impl ConnectionTrait, starting: bool) -> Result<(), StoreError> {
        let now = self.now();
        let previous = self.keys();
        let retire_after = store::retire_after(db, &self.policy).await?;
        let mut set = KeySet::from_rows(
            store::load_all(db).await?,
            retire_after,
            now,
            Some(&previous),
        );
        if let Some(signs_from) = set.due(&self.policy, now, starting) {
            let made =
                store::create(db, self.policy.alg, set.next_generation(), now, signs_from).await?;
            match made {
                Some(key) => log::info!(
                    "made signing key {} ({}), signing from {}",
                    key.kid,
                    key.alg,
                    key.signs_from
                ),
                None => log::info!("another instance made the new signing key"),
            }
            set = KeySet::from_rows(store::load_all(db).await?, retire_after, now, Some(&set));
        }
        match self.set.write() {
            Ok(mut held) => *held = Arc::new(set),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(set),
        }
        self.loaded_at.store(now, Ordering::Relaxed);
        Ok(())
    }
}
