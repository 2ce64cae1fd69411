use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// `sessions.kind` was `varchar(16)`; `authorization_code` (the grant that
/// opened the session, RFC 6749 §4.1.3) is 18 characters. PostgreSQL
/// enforces the length; SQLite does not, and cannot alter a column.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .modify_column(ColumnDef::new("kind").string_len(32).not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
