use sea_orm_migration::{prelude::*, schema::*};

/// Server secrets generated on first start (JWT signing key, session cookie
/// key), shared by every instance on the database.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("keys")
                    .if_not_exists()
                    .col(string_len("name", 64).primary_key())
                    .col(text("value"))
                    .col(big_integer("created_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("keys").to_owned())
            .await
    }
}
