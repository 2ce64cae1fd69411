use sea_orm::entity::prelude::*;

use crate::domain::ScopeSet;

/// A registered client (RFC 6749 §2). Lists are stored space-separated.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    pub name: String,
    pub confidential: bool,
    pub secret_hash: Option<String>,
    pub grant_types: String,
    pub scopes: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub first_party: bool,
    pub access_token_ttl: Option<i64>,
    pub refresh_token_ttl: Option<i64>,
    pub disabled: bool,
    /// Changes when the client is disabled; its tokens carry the one they
    /// were minted under.
    pub generation: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Model {
    pub fn scope_set(&self) -> ScopeSet {
        ScopeSet::from_stored(&self.scopes)
    }

    pub fn has_grant(&self, grant_type: &str) -> bool {
        self.grant_types.split_whitespace().any(|g| g == grant_type)
    }

    pub fn grant_list(&self) -> Vec<String> {
        list(&self.grant_types)
    }

    pub fn redirect_uri_list(&self) -> Vec<String> {
        list(&self.redirect_uris)
    }

    pub fn post_logout_redirect_uri_list(&self) -> Vec<String> {
        list(&self.post_logout_redirect_uris)
    }

    pub fn client_type(&self) -> &'static str {
        if self.confidential {
            "confidential"
        } else {
            "public"
        }
    }
}

fn list(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_owned).collect()
}

/// The secret's hash is never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("confidential", &self.confidential)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
