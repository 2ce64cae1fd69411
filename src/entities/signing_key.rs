use sea_orm::entity::prelude::*;

/// An asymmetric signing key (docs/resource-servers.md). Keys are base64 DER: the private
/// half PKCS#8, the public half as the algorithm's JWK needs it. Times are
/// UNIX seconds; the state is derived from them (see `keys::KeyState`).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kid: String,
    pub alg: String,
    pub private_key: String,
    pub public_key: String,
    pub generation: i64,
    pub created_at: i64,
    pub signs_from: i64,
    pub revoked_at: Option<i64>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, {}, <redacted>)", self.kid, self.alg)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
