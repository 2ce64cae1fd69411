//! What every handler shares, behind `web::Data<AppState>`.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::signin::SignIn;
use crate::auth::signin_queue::SigninQueue;
use crate::auth::tokens::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::metrics::Metrics;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub jwt: JwtKeys,
    pub hasher: PasswordHasher,
    pub rate_limiter: RateLimiter,
    pub signin_queue: SigninQueue,
    pub metrics: Metrics,
    /// The time every rule goes by (sessions, sign-in lockouts, token and
    /// code expiry, the purge, the signing keys); tests stop and move it.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// What a password check takes from the state.
    pub fn signin(&self) -> SignIn<'_> {
        SignIn {
            db: &self.db,
            hasher: &self.hasher,
            queue: &self.signin_queue,
            clock: self.clock.as_ref(),
            metrics: &self.metrics,
        }
    }
}
