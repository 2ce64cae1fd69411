use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// `user_count`: one row holding the number of users, kept exact by
/// triggers on `users`, so the users list's total (docs/users.md
/// `GET /api/users`) is one row read instead of a `COUNT(*)` over the whole
/// directory (docs/performance.md). The triggers run in the transaction of
/// the statement that inserts or deletes users, whoever issues it (the API,
/// the CLI, another instance, a bulk `INSERT … SELECT`): concurrent writers
/// serialise on the one row, so no change is lost. SQLite has row triggers
/// only; PostgreSQL uses statement triggers over the transition table, one
/// update per statement however many rows it touched.
///
/// The backfill runs after the triggers exist, in the same transaction: on
/// PostgreSQL `CREATE TRIGGER` locks `users` against writers until commit,
/// on SQLite the write lock does, so no insert or delete falls between the
/// count and the triggers.
#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &str = "
CREATE TABLE IF NOT EXISTS user_count (id INTEGER PRIMARY KEY CHECK (id = 1), total BIGINT NOT NULL);
INSERT OR IGNORE INTO user_count (id, total) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS user_count_insert AFTER INSERT ON users
BEGIN UPDATE user_count SET total = total + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS user_count_delete AFTER DELETE ON users
BEGIN UPDATE user_count SET total = total - 1 WHERE id = 1; END;
UPDATE user_count SET total = (SELECT count(*) FROM users) WHERE id = 1;
";

const POSTGRES_UP: &str = "
CREATE TABLE IF NOT EXISTS user_count (id SMALLINT PRIMARY KEY CHECK (id = 1), total BIGINT NOT NULL);
INSERT INTO user_count (id, total) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION user_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n BIGINT;
BEGIN
  SELECT count(*) INTO n FROM added_users;
  IF n > 0 THEN UPDATE user_count SET total = total + n WHERE id = 1; END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION user_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n BIGINT;
BEGIN
  SELECT count(*) INTO n FROM removed_users;
  IF n > 0 THEN UPDATE user_count SET total = total - n WHERE id = 1; END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS user_count_insert ON users;
CREATE TRIGGER user_count_insert AFTER INSERT ON users
  REFERENCING NEW TABLE AS added_users FOR EACH STATEMENT EXECUTE FUNCTION user_count_added();
DROP TRIGGER IF EXISTS user_count_delete ON users;
CREATE TRIGGER user_count_delete AFTER DELETE ON users
  REFERENCING OLD TABLE AS removed_users FOR EACH STATEMENT EXECUTE FUNCTION user_count_removed();
UPDATE user_count SET total = (SELECT count(*) FROM users) WHERE id = 1;
";

const SQLITE_DOWN: &str = "
DROP TRIGGER IF EXISTS user_count_insert;
DROP TRIGGER IF EXISTS user_count_delete;
DROP TABLE IF EXISTS user_count;
";

const POSTGRES_DOWN: &str = "
DROP TRIGGER IF EXISTS user_count_insert ON users;
DROP TRIGGER IF EXISTS user_count_delete ON users;
DROP FUNCTION IF EXISTS user_count_added();
DROP FUNCTION IF EXISTS user_count_removed();
DROP TABLE IF EXISTS user_count;
";

fn script(manager: &SchemaManager, sqlite: &'static str, postgres: &'static str) -> &'static str {
    if manager.get_database_backend() == DatabaseBackend::Postgres {
        postgres
    } else {
        sqlite
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: the table, the triggers and the
    /// backfill appear together or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = script(manager, SQLITE_UP, POSTGRES_UP);
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = script(manager, SQLITE_DOWN, POSTGRES_DOWN);
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }
}
