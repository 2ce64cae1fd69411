use sea_orm_migration::{prelude::*, schema::*};

/// Asymmetric signing keys (RFC 7517, RFC 7518): one row per key, its state
/// (next, active, retired) and when a retired key stops verifying are
/// derived from the times and the clock, never stored. `generation`
/// is unique so that of several instances creating a key at once, exactly
/// one insert wins.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("signing_keys")
                    .if_not_exists()
                    .col(string_len("kid", 64).primary_key())
                    .col(string_len("alg", 16))
                    .col(text("private_key"))
                    .col(text("public_key"))
                    .col(big_integer("generation").unique_key())
                    .col(big_integer("created_at"))
                    .col(big_integer("signs_from"))
                    .col(big_integer_null("revoked_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("signing_keys").to_owned())
            .await
    }
}
