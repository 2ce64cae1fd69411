use sea_orm::entity::prelude::*;

use crate::domain::ScopeSet;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub username: String,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub scopes: String,
    pub failed_logins: i32,
    pub failed_window_start: i64,
    pub locked_until: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Model {
    pub fn scope_set(&self) -> ScopeSet {
        ScopeSet::from_stored(&self.scopes)
    }

    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until > now
    }
}

/// The hash is never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
