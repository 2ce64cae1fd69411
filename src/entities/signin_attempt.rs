use sea_orm::entity::prelude::*;

/// One sign-in attempt counted against its client's per-IP budget.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signin_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The client address; an IPv6 client by its /64.
    pub ip_key: String,
    /// UNIX milliseconds.
    pub at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
