//! The per-IP budget for sign-in attempts (docs/security.md): at most N
//! requests to `POST /token` and `POST /login` together in any rolling
//! minute. The budget lives in the database, so every instance on it
//! shares one; an IPv6 client is counted by its /64, the block one
//! subscriber usually holds.
use std::net::IpAddr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Set, Statement, TransactionTrait,
};

use crate::entities::prelude::SigninAttempt;
use crate::entities::signin_attempt;

/// The rolling window, in milliseconds.
const WINDOW_MS: i64 = 60_000;

pub struct RateLimiter {
    per_minute: u32,
}

impl RateLimiter {
    /// `per_minute == 0` turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute }
    }

    /// Counts one request from `ip` at `now` (UNIX milliseconds).
    /// `Ok(Err(seconds))` when the budget is
    /// spent: the whole seconds until the oldest counted request leaves the
    /// window. Refused requests are not counted. Requests of one client are
    /// decided one at a time (SQLite's write lock, a PostgreSQL advisory
    /// lock on the key), so instances racing cannot overspend the budget.
    pub async fn check(
        &self,
        db: &DatabaseConnection,
        ip: IpAddr,
        now: i64,
    ) -> Result<Result<(), u64>, DbErr> {
        if self.per_minute == 0 {
            return Ok(Ok(()));
        }
        let key = budget_key(ip);
        let txn = db.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                [format!("valet signin budget {key}").into()],
            ))
            .await?;
        }
        // A write first: on SQLite it takes the write lock for the rest.
        SigninAttempt::delete_many()
            .filter(signin_attempt::Column::IpKey.eq(key.as_str()))
            .filter(signin_attempt::Column::AtMs.lte(now - WINDOW_MS))
            .exec(&txn)
            .await?;
        let in_window = SigninAttempt::find()
            .filter(signin_attempt::Column::IpKey.eq(key.as_str()))
            .order_by_asc(signin_attempt::Column::AtMs)
            .all(&txn)
            .await?;
        if in_window.len() >= self.per_minute as usize {
            txn.commit().await?;
            let oldest = in_window.first().map_or(now, |a| a.at_ms);
            // `now` was taken before waiting for the lock: a request counted
            // meanwhile may look newer than now.
            let wait_ms = (oldest + WINDOW_MS - now).clamp(1, WINDOW_MS);
            return Ok(Err(((wait_ms + 999) / 1000) as u64));
        }
        signin_attempt::ActiveModel {
            ip_key: Set(key),
            at_ms: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(Ok(()))
    }
}

/// Deletes the attempts that left every window at `now` (UNIX
/// milliseconds), for the periodic purge.
pub async fn purge_old(db: &impl ConnectionTrait, now: i64) -> Result<u64, DbErr> {
    Ok(SigninAttempt::delete_many()
        .filter(signin_attempt::Column::AtMs.lte(now - WINDOW_MS))
        .exec(db)
        .await?
        .rows_affected)
}

/// What a budget is kept under: an IPv4 address (an IPv4-mapped IPv6 one
/// included) as it is, an IPv6 address by its /64.
fn budget_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::budget_key;

    #[test]
    fn ipv6_clients_share_a_budget_per_64_and_ipv4_stands_alone() {
        let a = budget_key("2001:db8:1:2::1".parse().unwrap());
        let b = budget_key("2001:db8:1:2:ffff:1:2:3".parse().unwrap());
        let c = budget_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(budget_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_ne!(
            budget_key("10.0.0.1".parse().unwrap()),
            budget_key("10.0.0.2".parse().unwrap())
        );
    }
}
