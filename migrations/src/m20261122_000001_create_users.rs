use sea_orm_migration::{prelude::*, schema::*};

/// Users (README). Times are UNIX seconds so that SQLite and PostgreSQL
/// compare them the same way.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(string_len("id", 36).primary_key())
                    .col(string_len_uniq("username", 64))
                    .col(string_null("email"))
                    .col(string_null("full_name"))
                    .col(string("password_hash"))
                    .col(boolean("disabled").default(false))
                    .col(text("scopes").default(""))
                    .col(integer("failed_logins").default(0))
                    .col(big_integer("failed_window_start").default(0))
                    .col(big_integer("locked_until").default(0))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .to_owned(),
            )
            .await?;
        for column in ["email", "full_name"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_users_{column}"))
                        .table("users")
                        .col(column)
                        .if_not_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("users").to_owned())
            .await
    }
}
