use sea_orm_migration::{prelude::*, schema::*};

/// The per-IP sign-in budget, kept in the database so that every instance
/// on it shares one budget: one row per counted attempt, `ip_key` being the
/// client address (IPv6 by its /64), `at_ms` UNIX milliseconds.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("signin_attempts")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("ip_key", 64))
                    .col(big_integer("at_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_signin_attempts_ip_key_at")
                    .table("signin_attempts")
                    .col("ip_key")
                    .col("at_ms")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("signin_attempts").to_owned())
            .await
    }
}
