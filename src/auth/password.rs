//! bcrypt hashing and verifying, never on the async workers (docs/security.md): every
//! bcrypt runs on a small pool of dedicated threads (see [`bcrypt_pool`]).
use tokio::sync::OnceCell;

use super::bcrypt_pool;
use crate::domain::Password;
use crate::error::AppError;

pub struct PasswordHasher {
    cost: u32,
    /// A hash of a random password at the configured cost, verified against
    /// when the username is unknown so that both cases cost the same time.
    dummy_hash: OnceCell<String>,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        Self {
            cost,
            dummy_hash: OnceCell::new(),
        }
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Hashes a password that has passed the policy.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let plain = password.expose().to_owned();
        let cost = self.cost;
        bcrypt_pool::run(move || bcrypt::hash(plain, cost).map_err(AppError::from)).await
    }

    /// Checks `password` against `hash`, or against the dummy hash when there
    /// is no user, in which case the answer is always `false`.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash().await?.to_owned(), false),
        };
        let plain = password.to_owned();
        let matches =
            bcrypt_pool::run(move || bcrypt::verify(plain, &hash).map_err(AppError::from)).await?;
        Ok(real && matches)
    }

    /// A new hash of a password just verified against `stored`, when
    /// `stored` was made at another cost than the configured one, so that
    /// every account answers in the time of an unknown name.
    pub async fn rehash_if_needed(
        &self,
        password: &str,
        stored: &str,
    ) -> Result<Option<String>, AppError> {
        if hash_cost(stored) == Some(self.cost) {
            return Ok(None);
        }
        let plain = password.to_owned();
        let cost = self.cost;
        bcrypt_pool::run(move || bcrypt::hash(plain, cost).map(Some).map_err(AppError::from)).await
    }

    /// Computes the dummy hash ahead of the first sign-in (called at start-up
    /// without waiting, so start-up stays fast).
    pub async fn warm_up(&self) -> Result<(), AppError> {
        self.dummy_hash().await.map(|_| ())
    }

    async fn dummy_hash(&self) -> Result<&String, AppError> {
        self.dummy_hash
            .get_or_try_init(|| async {
                let mut random = [0u8; 24];
                rand::fill(&mut random);
                let cost = self.cost;
                bcrypt_pool::run(move || bcrypt::hash(random, cost).map_err(AppError::from)).await
            })
            .await
    }
}

/// Whether a sign-in failed because the stored hash of `username` is not one
/// bcrypt can read ([`AppError::Hash`] from [`PasswordHasher::verify`]).
/// Such a sign-in is refused like a wrong password, never let in and never a
/// 500; the fault is logged as an error naming the user, for an operator to
/// set a new password (`valet user set-password`).
pub fn unreadable_hash(username: &str, error: &AppError) -> bool {
    let AppError::Hash(cause) = error else {
        return false;
    };
    log::error!("sign-in of {username:?} refused: the stored password hash is unreadable: {cause}");
    true
}

/// The cost of a modular-crypt bcrypt hash (`$2b$12$…`).
fn hash_cost(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::hash_cost;

    #[test]
    fn reads_the_cost_of_a_bcrypt_hash() {
        let hash = bcrypt::hash("a-password", 5).unwrap();
        assert_eq!(hash_cost(&hash), Some(5));
        assert_eq!(hash_cost("not a hash"), None);
    }
}
