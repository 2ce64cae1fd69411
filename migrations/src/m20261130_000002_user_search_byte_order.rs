use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// On PostgreSQL, the users search's indexes in byte order (`COLLATE "C"`).
/// Under the database's own collation a range on `lower(column)` is not
/// exactly a prefix match, so the search had to re-check a `LIKE` on every
/// row the indexes found: at 1 % of a million users, 10,000 rows, that was
/// most of a 16 ms request (docs/performance.md). A byte-order range is an
/// exact prefix match, as it already is on SQLite (which compares bytes), so
/// the index answers alone. These replace the indexes of
/// `m20261123_000001` on PostgreSQL, which only the search used.
#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["username", "email", "full_name"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for column in COLUMNS {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS idx_users_lower_{column}_bytes \
                 ON users ((lower({column}) COLLATE \"C\"))"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS idx_users_lower_{column}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for column in COLUMNS {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS idx_users_lower_{column} ON users (lower({column}))"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "DROP INDEX IF EXISTS idx_users_lower_{column}_bytes"
            ))
            .await?;
        }
        Ok(())
    }
}
