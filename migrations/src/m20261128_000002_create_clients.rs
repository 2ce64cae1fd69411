use sea_orm_migration::{prelude::*, schema::*};

/// Registered clients (RFC 6749 §2). Lists (grant types, scopes, redirect
/// URIs) are stored space-separated: none of their items may hold a space.
/// `generation` changes whenever the client is disabled, so tokens minted
/// under an earlier generation stop working, and a new client of a deleted
/// id starts with a new one.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("clients")
                    .if_not_exists()
                    .col(string_len("client_id", 64).primary_key())
                    .col(string("name"))
                    .col(boolean("confidential"))
                    .col(string_null("secret_hash"))
                    .col(text("grant_types"))
                    .col(text("scopes"))
                    .col(text("redirect_uris"))
                    .col(text("post_logout_redirect_uris"))
                    .col(boolean("first_party"))
                    .col(big_integer_null("access_token_ttl"))
                    .col(big_integer_null("refresh_token_ttl"))
                    .col(boolean("disabled"))
                    .col(string_len("generation", 36))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .to_owned(),
            )
            .await?;
        // Disabling or deleting a client ends its sessions by client id.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_client_id")
                    .table("sessions")
                    .col("client_id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_client_id")
                    .table("sessions")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("clients").to_owned())
            .await
    }
}
