//! Purging expired sessions with their refresh tokens and the
//! authorization codes that opened them, and codes never redeemed
//! (docs/security.md). An expired session or code is already refused
//! everywhere; this only keeps the tables from growing. It runs as one background task
//! per process, in small batches, so requests are never held up by it.
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::clock::Clock;
use crate::entities::prelude::{AuthorizationCode, RefreshToken, Session};
use crate::entities::{authorization_code, refresh_token, session};

/// How often the purge runs.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// Sessions deleted per statement: short write transactions, so a busy
/// SQLite database is held only briefly.
pub const PURGE_BATCH: u64 = 100;
/// Pause between batches, letting request traffic through.
const PAUSE_BETWEEN_BATCHES: Duration = Duration::from_millis(50);

/// What one purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub refresh_tokens: u64,
    pub authorization_codes: u64,
}

/// Deletes every session that expired at or before `now`, with its refresh
/// tokens and the code whose redemption opened it, `batch` sessions at a
/// time, then the codes that expired unredeemed. A redeemed code is kept
/// while its session lives: a replay must still find it (RFC 6749 §4.1.2)
/// and a refreshed ID token takes its `auth_time` (OpenID Connect Core
/// §12.2). Revoked sessions that have not yet
/// expired stay (they are already dead) and go once they expire. Several
/// processes purging one database at once is harmless: a row deleted twice
/// is simply not there the second time.
pub async fn purge_expired(
    db: &impl ConnectionTrait,
    now: i64,
    batch: u64,
) -> Result<Purged, DbErr> {
    let batch = batch.max(1);
    let mut purged = Purged::default();
    loop {
        let ids: Vec<String> = Session::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::ExpiresAt.lte(now))
            .order_by_asc(session::Column::ExpiresAt)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        if ids.is_empty() {
            break;
        }
        // Refresh tokens first, so the foreign key never has to cascade a
        // large delete inside the sessions statement.
        purged.refresh_tokens += RefreshToken::delete_many()
            .filter(refresh_token::Column::SessionId.is_in(ids.iter().cloned()))
            .exec(db)
            .await?
            .rows_affected;
        purged.authorization_codes += AuthorizationCode::delete_many()
            .filter(authorization_code::Column::SessionId.is_in(ids.iter().cloned()))
            .exec(db)
            .await?
            .rows_affected;
        purged.sessions += Session::delete_many()
            .filter(session::Column::Id.is_in(ids.iter().cloned()))
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(db)
            .await?
            .rows_affected;
        if (ids.len() as u64) < batch {
            break;
        }
        tokio::time::sleep(PAUSE_BETWEEN_BATCHES).await;
    }
    purged.authorization_codes += purge_unredeemed_codes(db, now, batch).await?;
    Ok(purged)
}

/// Codes that expired at or before `now` without being redeemed.
async fn purge_unredeemed_codes(
    db: &impl ConnectionTrait,
    now: i64,
    batch: u64,
) -> Result<u64, DbErr> {
    let mut deleted = 0;
    loop {
        let hashes: Vec<String> = AuthorizationCode::find()
            .select_only()
            .column(authorization_code::Column::CodeHash)
            .filter(authorization_code::Column::UsedAt.is_null())
            .filter(authorization_code::Column::ExpiresAt.lte(now))
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        if hashes.is_empty() {
            return Ok(deleted);
        }
        deleted += AuthorizationCode::delete_many()
            .filter(authorization_code::Column::CodeHash.is_in(hashes.iter().cloned()))
            .filter(authorization_code::Column::UsedAt.is_null())
            .exec(db)
            .await?
            .rows_affected;
        if (hashes.len() as u64) < batch {
            return Ok(deleted);
        }
        tokio::time::sleep(PAUSE_BETWEEN_BATCHES).await;
    }
}

impl std::fmt::Display for Purged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "purged {} expired sessions, {} refresh tokens and {} authorization codes",
            self.sessions, self.refresh_tokens, self.authorization_codes
        )
    }
}

/// One purge: expired sessions, tokens and codes, then the sign-in
/// attempts that left the per-IP budget's window. What the periodic task
/// runs, and `valet purge` once.
pub async fn purge_once(db: &DatabaseConnection, now: i64) -> Result<Purged, DbErr> {
    let purged = purge_expired(db, now, PURGE_BATCH).await?;
    super::rate_limit::purge_old(db, now * 1000).await?;
    Ok(purged)
}

/// Starts the periodic purge on the current runtime. The first run is one
/// interval after start; a failure is logged and the next run tries again.
pub fn spawn(db: DatabaseConnection, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + PURGE_INTERVAL;
        let mut ticks = tokio::time::interval_at(start, PURGE_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match purge_once(&db, clock.now()).await {
                Ok(purged) if purged == Purged::default() => {}
                Ok(purged) => log::info!("{purged}"),
                Err(e) => log::warn!("could not purge expired sessions: {e}"),
            }
        }
    });
}
