//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0
//! §3, §4): the RFC 8414 metadata plus what an OpenID Provider adds.
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::metadata::ServerMetadata;
use crate::state::AppState;

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Discovery 1.0 §3. Members whose default would say more than valet does
/// (`request_uri_parameter_supported` defaults to true) are written out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OidcProviderMetadata {
    #[serde(flatten)]
    pub oauth: ServerMetadata,
    /// Core §5.3.
    pub userinfo_endpoint: String,
    /// RP-Initiated Logout 1.0 §2.1.
    pub end_session_endpoint: String,
    /// Core §8: `sub` is the user's id, the same for every client.
    pub subject_types_supported: [&'static str; 1],
    /// The algorithm of the key that signs now (docs/resource-servers.md).
    pub id_token_signing_alg_values_supported: [&'static str; 1],
    /// Codes come back in the query only (RFC 6749 §4.1.2).
    pub response_modes_supported: [&'static str; 1],
    /// What ID tokens and UserInfo may say (Core §2, §5.1).
    pub claims_supported: [&'static str; 13],
    pub request_parameter_supported: bool,
    pub request_uri_parameter_supported: bool,
    pub claims_parameter_supported: bool,
}

impl OidcProviderMetadata {
    pub fn for_state(state: &AppState) -> Self {
        let issuer = &state.settings.issuer;
        let signing_alg = state
            .jwt
            .ring()
            .and_then(|ring| {
                let now = ring.now();
                let keys = ring.keys();
                keys.signing(now)
                    .and_then(|key| key.material.as_ref())
                    .map(|material| material.alg().as_str())
            })
            .unwrap_or_else(|| state.settings.signing_alg.as_str());
        Self {
            oauth: ServerMetadata::for_issuer(issuer),
            userinfo_endpoint: format!("{issuer}/userinfo"),
            end_session_endpoint: format!("{issuer}/logout"),
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: [signing_alg],
            response_modes_supported: ["query"],
            claims_supported: [
                "iss",
                "sub",
                "aud",
                "azp",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "at_hash",
                "sid",
                "preferred_username",
                "name",
                "email",
            ],
            request_parameter_supported: false,
            request_uri_parameter_supported: false,
            claims_parameter_supported: false,
        }
    }
}

/// Discovery 1.0 §4.2: 200 with `application/json`.
#[utoipa::path(
    get, path = "/.well-known/openid-configuration", tag = "oauth",
    summary = "OpenID Provider metadata (OpenID Connect Discovery 1.0)",
    responses((status = 200, description = "The metadata document", body = OidcProviderMetadata)),
    security(())
)]
pub async fn get_openid_configuration(state: web::Data<AppState>) -> HttpResponse {
    state.jwt.refresh(&state.db).await;
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .json(OidcProviderMetadata::for_state(&state))
}
