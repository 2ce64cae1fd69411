use sea_orm_migration::{prelude::*, schema::*};

/// Authorization codes (RFC 6749 §4.1.2) kept by the SHA-256 of their value,
/// bound to the client, redirect URI, PKCE challenge (RFC 7636 §4.4), user
/// and scopes; `used_at` marks the one redemption and `session_id` the
/// session it opened (what a replay revokes, RFC 6749 §4.1.2). Consents
/// remember what a user allowed a client (OpenID Connect Core §3.1.2.4).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("authorization_codes")
                    .if_not_exists()
                    .col(string_len("code_hash", 64).primary_key())
                    .col(string_len("client_id", 64))
                    .col(string_len("user_id", 36))
                    .col(text("redirect_uri"))
                    .col(text("scope"))
                    .col(string_len("code_challenge", 128))
                    .col(text_null("nonce"))
                    .col(big_integer("auth_time"))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(big_integer_null("used_at"))
                    .col(string_len_null("session_id", 36))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_authorization_codes_session_id")
                    .table("authorization_codes")
                    .col("session_id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("consents")
                    .if_not_exists()
                    .col(string_len("user_id", 36))
                    .col(string_len("client_id", 64))
                    .col(text("scope"))
                    .col(big_integer("created_at"))
                    .primary_key(Index::create().col("user_id").col("client_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("consents").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("authorization_codes").to_owned())
            .await
    }
}
