//! `GET /.well-known/jwks.json`: the public half of every key that is about
//! to sign, signs, or signed a token that may not have expired yet
//! (RFC 7517 §5, docs/resource-servers.md).
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::keys::Jwk;
use crate::state::AppState;

/// Path of the JWK Set, the metadata's `jwks_uri`.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// RFC 7517 §5: a JWK Set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rfc7517JwkSet {
    pub keys: Vec<Jwk>,
}

/// 200 with the set. A cached copy must know a new key before it signs, so
/// `max-age` is half of `VALET_KEY_PUBLISH_SECONDS` (at most an hour).
#[utoipa::path(
    get, path = "/.well-known/jwks.json", tag = "oauth",
    summary = "The public signing keys (RFC 7517), the metadata's jwks_uri",
    responses((status = 200, description = "The JWK Set", body = Rfc7517JwkSet)),
    security(())
)]
pub async fn get_jwks(state: web::Data<AppState>) -> HttpResponse {
    state.jwt.refresh(&state.db).await;
    let (keys, max_age) = match state.jwt.ring() {
        Some(ring) => (
            ring.keys().published(ring.now()),
            (ring.policy().publish_seconds / 2).min(3600),
        ),
        None => (Vec::new(), 0),
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")))
        .json(Rfc7517JwkSet { keys })
}
