use sea_orm_migration::prelude::*;

/// Indexes for the users search (README `GET /api/users?q=`) and the audit
/// filter (README). The search matches a case-insensitive prefix of the
/// username, email or full name, so each is indexed as `lower(column)`;
/// expression indexes exist in both SQLite (3.9+) and PostgreSQL. The audit
/// page filters by subject (already indexed) or by actor.
#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 4] = [
    ("idx_users_lower_username", "users (lower(username))"),
    ("idx_users_lower_email", "users (lower(email))"),
    ("idx_users_lower_full_name", "users (lower(full_name))"),
    ("idx_audit_events_actor", "audit_events (actor, id)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, on) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX IF NOT EXISTS {name} ON {on}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
