//! `GET`/`POST /userinfo` (OpenID Connect Core §5.3): the claims about the
//! user that the Bearer token's scopes allow. The shared guard checks the
//! token and the scope `openid` and answers errors as RFC 6750 §3; the
//! browser's cookie is not a credential here (Core §5.3.1: an access token).
use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::auth::middleware::anonymous_api_response;
use crate::auth::principal::Credential;
use crate::auth::Principal;

/// Core §5.3.2: `sub` always, the rest by scope (§5.4).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"sub": "9b2f1f7e-3c1a-4c55-9d0e-2b7f0f5b7c11",
    "preferred_username": "alice", "name": "Alice Liddell", "email": "alice@example.com"}))]
pub struct OidcUserInfoResponse {
    pub sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The UserInfo response for the caller's token.
#[utoipa::path(
    get, path = "/userinfo", tag = "oauth",
    summary = "Claims about the signed-in user (OpenID Connect Core §5.3)",
    responses(
        (status = 200, description = "`sub`, and `preferred_username`, `name` with `profile`, `email` with `email`",
         body = OidcUserInfoResponse),
        (status = 401, description = "No token, or an invalid one (RFC 6750 §3)",
         body = crate::routes::api_docs::BearerErrorBody),
        (status = 403, description = "The token lacks scope `openid`",
         body = crate::routes::api_docs::BearerErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_userinfo(principal: Principal) -> HttpResponse {
    userinfo(&principal)
}

/// The same as `GET` (Core §5.3.1 allows both).
#[utoipa::path(
    post, path = "/userinfo", tag = "oauth",
    summary = "Claims about the signed-in user, by POST (OpenID Connect Core §5.3.1)",
    responses(
        (status = 200, description = "As GET", body = OidcUserInfoResponse),
        (status = 401, description = "No token, or an invalid one (RFC 6750 §3)",
         body = crate::routes::api_docs::BearerErrorBody),
        (status = 403, description = "The token lacks scope `openid`",
         body = crate::routes::api_docs::BearerErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn post_userinfo(principal: Principal) -> HttpResponse {
    userinfo(&principal)
}

fn userinfo(principal: &Principal) -> HttpResponse {
    if principal.credential != Credential::Bearer {
        return anonymous_api_response();
    }
    let user = &principal.user;
    let scopes = &principal.scopes;
    let profile = scopes.contains("profile");
    let body = OidcUserInfoResponse {
        sub: user.id.clone(),
        preferred_username: profile.then(|| user.username.clone()),
        name: user.full_name.clone().filter(|_| profile),
        email: user.email.clone().filter(|_| scopes.contains("email")),
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
