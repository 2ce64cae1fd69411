//! valet's schema, one migration per change. Every `up` is idempotent
//! (`IF NOT EXISTS`) so that two processes migrating one database at the same
//! moment cannot fail each other; every `down` undoes its `up`.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;
mod m20261122_000002_create_sessions;
mod m20261122_000003_create_refresh_tokens;
mod m20261122_000004_create_keys;
mod m20261122_000005_create_audit_events;
mod m20261123_000001_user_search_indexes;
mod m20261128_000001_create_signing_keys;
mod m20261128_000002_create_clients;
mod m20261128_000003_create_signin_attempts;
mod m20261128_000004_create_authorization_codes;
mod m20261128_000005_widen_session_kind;
mod m20261130_000001_user_count;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_sessions::Migration),
            Box::new(m20261122_000003_create_refresh_tokens::Migration),
            Box::new(m20261122_000004_create_keys::Migration),
            Box::new(m20261122_000005_create_audit_events::Migration),
            Box::new(m20261123_000001_user_search_indexes::Migration),
            Box::new(m20261128_000001_create_signing_keys::Migration),
            Box::new(m20261128_000002_create_clients::Migration),
            Box::new(m20261128_000003_create_signin_attempts::Migration),
            Box::new(m20261128_000004_create_authorization_codes::Migration),
            Box::new(m20261128_000005_widen_session_kind::Migration),
            Box::new(m20261130_000001_user_count::Migration),
        ]
    }
}
