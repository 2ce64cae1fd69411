//! `GET /.well-known/oauth-authorization-server`: authorization server
//! metadata (RFC 8414 §2, §3), every URL built from `VALET_ISSUER`.
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::domain::Scope;
use crate::domain::IDENTITY_SCOPES;
use crate::state::AppState;
use crate::users::ADMIN_SCOPES;

/// Scopes valet itself gives meaning to: the OpenID Connect ones (Core
/// §5.4), the admin scopes (docs/users.md) and `introspect` (docs/users.md). Other scopes
/// may be granted to users but are not advertised (RFC 8414 §2 allows
/// leaving some out).
pub fn builtin_scopes() -> Vec<&'static str> {
    IDENTITY_SCOPES
        .iter()
        .chain(ADMIN_SCOPES.iter())
        .copied()
        .chain([Scope::INTROSPECT])
        .collect()
}

/// RFC 8414 §2.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: String,
    pub introspection_endpoint: String,
    /// The JWK Set of the keys that sign access tokens (RFC 8414 §2).
    pub jwks_uri: String,
    pub grant_types_supported: [&'static str; 4],
    pub response_types_supported: [&'static str; 1],
    /// RFC 7636 §4.2: `S256` only; `plain` is refused (RFC 9700 §2.1.1).
    pub code_challenge_methods_supported: [&'static str; 1],
    /// RFC 9207 §3: `iss` comes back with every authorization response.
    pub authorization_response_iss_parameter_supported: bool,
    pub scopes_supported: Vec<&'static str>,
    /// RFC 6749 §2.3.1: a confidential client's secret by HTTP Basic or in
    /// the body; `none` for a public client naming itself by `client_id`.
    pub token_endpoint_auth_methods_supported: [&'static str; 3],
    pub revocation_endpoint_auth_methods_supported: [&'static str; 3],
    /// A confidential client's secret, or (RFC 8414 §2 allows an access
    /// token type here) a Bearer token holding scope `introspect`.
    pub introspection_endpoint_auth_methods_supported: [&'static str; 3],
}

impl ServerMetadata {
    pub fn for_issuer(issuer: &str) -> Self {
        let url = |path: &str| format!("{issuer}{path}");
        let client_auth = ["client_secret_basic", "client_secret_post", "none"];
        Self {
            issuer: issuer.to_owned(),
            authorization_endpoint: url("/authorize"),
            token_endpoint: url("/token"),
            revocation_endpoint: url("/revoke"),
            introspection_endpoint: url("/introspect"),
            jwks_uri: url(super::jwks::JWKS_PATH),
            grant_types_supported: [
                "authorization_code",
                "password",
                "refresh_token",
                "client_credentials",
            ],
            response_types_supported: ["code"],
            code_challenge_methods_supported: ["S256"],
            authorization_response_iss_parameter_supported: true,
            scopes_supported: builtin_scopes(),
            token_endpoint_auth_methods_supported: client_auth,
            revocation_endpoint_auth_methods_supported: client_auth,
            introspection_endpoint_auth_methods_supported: [
                "client_secret_basic",
                "client_secret_post",
                "Bearer",
            ],
        }
    }
}

/// RFC 8414 §3.2: 200 with `application/json`. The document changes only
/// with the configuration, so it may be cached for a while.
#[utoipa::path(
    get, path = "/.well-known/oauth-authorization-server", tag = "oauth",
    summary = "Authorization server metadata (RFC 8414)",
    responses((status = 200, description = "The metadata document", body = ServerMetadata)),
    security(())
)]
pub async fn get_metadata(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .json(ServerMetadata::for_issuer(&state.settings.issuer))
}

/// RFC 8414 §3.1: for an issuer with a path, e.g. `https://h/tenant`, the
/// document is at `/.well-known/oauth-authorization-server/tenant`. Any
/// other path after the well-known name is not found.
#[utoipa::path(
    get, path = "/.well-known/oauth-authorization-server/{issuer_path}", tag = "oauth",
    summary = "The metadata for an issuer with a path (RFC 8414 §3.1)",
    params(("issuer_path" = String, Path, description = "The issuer's path")),
    responses(
        (status = 200, description = "The metadata document", body = ServerMetadata),
        (status = 404, description = "Not this issuer's path"),
    ),
    security(())
)]
pub async fn get_metadata_for_path(
    req: HttpRequest,
    state: web::Data<AppState>,
    issuer_path: web::Path<String>,
) -> HttpResponse {
    if issuer_path_of(&state.settings.issuer) == Some(issuer_path.as_str()) {
        get_metadata(state).await
    } else {
        crate::http::errors::not_found(req).await
    }
}

/// The path of an issuer URL without its leading `/`, if it has one.
fn issuer_path_of(issuer: &str) -> Option<&str> {
    let after_scheme = issuer.split_once("://").map_or(issuer, |(_, rest)| rest);
    after_scheme
        .split_once('/')
        .map(|(_, path)| path.trim_end_matches('/'))
        .filter(|path| !path.is_empty())
}

#[cfg(test)]
mod tests {
    use super::issuer_path_of;

    #[test]
    fn the_issuer_path_is_what_follows_the_host() {
        assert_eq!(issuer_path_of("https://auth.example.com"), None);
        assert_eq!(
            issuer_path_of("https://auth.example.com/tenant"),
            Some("tenant")
        );
        assert_eq!(issuer_path_of("http://h:8080/a/b"), Some("a/b"));
    }
}
