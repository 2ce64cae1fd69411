//! Connecting, migrating, and the secrets every instance shares.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::OnConflict;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    Statement, TransactionTrait,
};

use crate::clock;
use crate::config::Settings;
use crate::entities::{key, prelude::Key};
use crate::error::is_sqlite_busy;

/// A pooled PostgreSQL connection idle this long is checked before use:
/// any restart of the server takes longer, so a connection that outlived
/// one is always checked.
const PG_CHECK_IF_IDLE_FOR: Duration = Duration::from_millis(100);

/// What SQLite may keep in memory, across every connection of the process
/// (<https://www.sqlite.org/pragma.html#pragma_soft_heap_limit>): past it,
/// each connection's page cache reuses its least recently used pages
/// instead of growing. Without it every pooled connection fills its own
/// 2 MB cache with the pages a users search or a purge walks through, which
/// on a directory of a million users is 20 MB of a 30 MB budget
/// (docs/performance.md); a cached page costs only a read from the
/// operating system's cache when it is needed again.
pub const SQLITE_SOFT_HEAP_LIMIT: u64 = 4 * 1024 * 1024;

/// Opens the pool: SQLite in WAL mode with a busy timeout (a busy database
/// waits instead of failing), PostgreSQL with the configured pool size.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    create_private_sqlite_file(settings.database_url.expose())
        .map_err(|e| DbErr::Custom(format!("cannot create the database file: {e}")))?;
    let options = pool_options(settings);
    // A new SQLite file is switched to WAL under an exclusive lock, before the
    // busy timeout applies: processes opening it at the same moment retry.
    let mut attempt = 0;
    loop {
        match Database::connect(options.clone()).await {
            Err(e) if attempt < 20 && is_sqlite_busy(&e) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            other => return other,
        }
    }
}

fn pool_options(settings: &Settings) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.database_url.expose());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("soft_heap_limit", SQLITE_SOFT_HEAP_LIMIT.to_string())
        });
    // A PostgreSQL connection can go stale (a restarted server, a dropped
    // socket), so one that sat idle is checked before use; one in steady use
    // is not, since the check is a round trip of its own that would double
    // the round trips of a `/users/me` under load (docs/performance.md). A
    // SQLite connection is a file handle in this process and cannot go stale.
    if settings.is_postgres() {
        options.test_before_acquire_if_idle_for(PG_CHECK_IF_IDLE_FOR);
        // The whole pool is opened at start, in the background: opening a
        // connection (a new server process) during a burst stalls the
        // requests that wait for it by tens to hundreds of milliseconds.
        options.min_connections(settings.db_max_connections);
    } else {
        options.test_before_acquire(false);
    }
    options
}

/// A new SQLite database holds password hashes and private keys: it is
/// created readable by its owner only (0600), and SQLite gives its `-wal`
/// and `-shm` files the mode of the database file. Only a URL that asks for
/// creation (`mode=rwc`) gets a file made here; an existing file is left
/// as it is.
fn create_private_sqlite_file(url: &str) -> std::io::Result<()> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let creates = query.split('&').any(|pair| pair == "mode=rwc");
    if !creates || path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    match open.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Applies pending migrations. On PostgreSQL an advisory lock serialises
/// processes that start together; on SQLite the write lock does, and a lost
/// race is retried.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let mut attempt = 0;
    loop {
        let result = if db.get_database_backend() == DbBackend::Postgres {
            migrate_under_advisory_lock(db).await
        } else {
            Migrator::up(db, None).await
        };
        match result {
            Err(e) if attempt < 5 => {
                attempt += 1;
                log::warn!("migration attempt {attempt} failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
            other => return other,
        }
    }
}

async fn migrate_under_advisory_lock(db: &DatabaseConnection) -> Result<(), DbErr> {
    const MIGRATION_LOCK: i64 = 0x0076_616c_6574; // "valet"
    let lock = db.begin().await?;
    lock.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
    ))
    .await?;
    Migrator::up(&lock, None).await?;
    lock.commit().await
}

/// Returns the secret stored under `name`, storing `generate()` first if there
/// is none. Of several processes racing, the first insert wins and every
/// process reads that one value back.
pub async fn shared_secret(
    db: &DatabaseConnection,
    name: &str,
    generate: impl FnOnce() -> String,
) -> Result<String, DbErr> {
    if let Some(existing) = Key::find_by_id(name).one(db).await? {
        return Ok(existing.value);
    }
    let candidate = key::ActiveModel {
        name: sea_orm::Set(name.to_owned()),
        value: sea_orm::Set(generate()),
        created_at: sea_orm::Set(clock::now()),
    };
    Key::insert(candidate)
        .on_conflict(
            OnConflict::column(key::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Key::find_by_id(name)
        .one(db)
        .await?
        .map(|k| k.value)
        .ok_or_else(|| DbErr::RecordNotFound(format!("key {name}")))
}

/// Answers whether the database responds within two seconds, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(2), db.ping()).await,
        Ok(Ok(()))
    )
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::{connect, pool_options, PG_CHECK_IF_IDLE_FOR, SQLITE_SOFT_HEAP_LIMIT};
    use crate::config::Settings;

    fn options_for(url: &str) -> sea_orm::ConnectOptions {
        let url = url.to_owned();
        let settings = Settings::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone()))
            .expect("settings");
        pool_options(&settings)
    }

    #[test]
    fn a_busy_postgres_connection_is_not_pinged_before_each_query() {
        let options = options_for("postgres://u@127.0.0.1/db");
        assert!(!options.get_test_before_acquire());
        assert_eq!(options.get_min_connections(), options.get_max_connections());
        assert_eq!(
            options.get_test_before_acquire_if_idle_for(),
            Some(PG_CHECK_IF_IDLE_FOR)
        );
        let sqlite = options_for("sqlite://valet.db?mode=rwc");
        assert!(!sqlite.get_test_before_acquire());
        assert_eq!(sqlite.get_test_before_acquire_if_idle_for(), None);
    }

    #[tokio::test]
    async fn sqlite_connections_share_one_bounded_cache_budget() {
        let url = "sqlite::memory:".to_owned();
        let settings = Settings::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone()))
            .expect("settings");
        let db = connect(&settings).await.expect("connected");
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA soft_heap_limit",
            ))
            .await
            .expect("pragma")
            .expect("a row");
        let limit: i64 = row.try_get_by_index(0).expect("a number");
        assert_eq!(limit as u64, SQLITE_SOFT_HEAP_LIMIT);
    }
}
