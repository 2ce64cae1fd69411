use sea_orm_migration::{prelude::*, schema::*};

/// The audit log (README): sign-ins, failures, lockouts, token reuse and
/// admin actions. `subject` is the username acted on, `actor` who acted.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("at"))
                    .col(string_len("kind", 32))
                    .col(string_null("actor"))
                    .col(string_null("subject"))
                    .col(string_null("ip"))
                    .col(string_null("client_id"))
                    .col(text("detail").default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_events_subject")
                    .table("audit_events")
                    .col("subject")
                    .col("id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("audit_events").to_owned())
            .await
    }
}
