//! Purging expired sessions and their refresh tokens (docs/security.md).
//! An expired session is already refused everywhere (`sessions::find_live`);
//! this only keeps the tables from growing. It runs as one background task
//! per process, in small batches, so requests are never held up by it.
use std::time::Duration;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::clock;
use crate::entities::prelude::{RefreshToken, Session};
use crate::entities::{refresh_token, session};

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
}

/// Deletes every session that expired at or before `now`, with its refresh
/// tokens, `batch` sessions at a time. Revoked sessions that have not yet
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
            return Ok(purged);
        }
        // Refresh tokens first, so the foreign key never has to cascade a
        // large delete inside the sessions statement.
        purged.refresh_tokens += RefreshToken::delete_many()
            .filter(refresh_token::Column::SessionId.is_in(ids.iter().cloned()))
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
            return Ok(purged);
        }
        tokio::time::sleep(PAUSE_BETWEEN_BATCHES).await;
    }
}

/// Starts the periodic purge on the current runtime. The first run is one
/// interval after start; a failure is logged and the next run tries again.
pub fn spawn(db: DatabaseConnection) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + PURGE_INTERVAL;
        let mut ticks = tokio::time::interval_at(start, PURGE_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match purge_expired(&db, clock::now(), PURGE_BATCH).await {
                Ok(Purged {
                    sessions: 0,
                    refresh_tokens: 0,
                }) => {}
                Ok(purged) => log::info!(
                    "purged {} expired sessions and {} refresh tokens",
                    purged.sessions,
                    purged.refresh_tokens
                ),
                Err(e) => log::warn!("could not purge expired sessions: {e}"),
            }
            if let Err(e) = super::rate_limit::purge_old(&db).await {
                log::warn!("could not purge old sign-in attempts: {e}");
            }
        }
    });
}
