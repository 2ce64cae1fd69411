//! `GET`/`POST /userinfo` (OpenID Connect Core §5.3): the claims about the
//! user that the Bearer token's scopes allow. The shared guard checks the
//! token and the scope `openid` and answers errors as RFC 6750 §3; the
//! browser's cookie is not a credential here (Core §5.3.1: an access token).
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::domain::Scope;
use crate::http::guard::anonymous_api_response;
use crate::http::principal::Credential;
use crate::http::Principal;

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
         body = crate::http::errors::BearerErrorBody),
        (status = 403, description = "The token lacks scope `openid`",
         body = crate::http::errors::BearerErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_userinfo(principal: Principal) -> HttpResponse {
    userinfo(&principal)
}

/// The optional body of `POST /userinfo` (RFC 6750 §2.2).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct UserInfoForm {
    /// The access token, when it is not in `Authorization` (never both).
    pub access_token: Option<String>,
}

/// The same as `GET` (Core §5.3.1 allows both).
#[utoipa::path(
    post, path = "/userinfo", tag = "oauth",
    summary = "Claims about the signed-in user, by POST (OpenID Connect Core §5.3.1)",
    request_body(content = Option<UserInfoForm>,
                 content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "As GET", body = OidcUserInfoResponse),
        (status = 400, description = "The token both in `Authorization` and in the body",
         body = crate::http::errors::BearerErrorBody),
        (status = 401, description = "No token, or an invalid one (RFC 6750 §3)",
         body = crate::http::errors::BearerErrorBody),
        (status = 403, description = "The token lacks scope `openid`",
         body = crate::http::errors::BearerErrorBody),
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
    let profile = scopes.contains(Scope::PROFILE);
    let body = OidcUserInfoResponse {
        sub: user.id.clone(),
        preferred_username: profile.then(|| user.username.clone()),
        name: user.full_name.clone().filter(|_| profile),
        email: user.email.clone().filter(|_| scopes.contains(Scope::EMAIL)),
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// RFC 6750 §2.2 (OpenID Connect Core §5.3.1): a form-encoded `POST` may
/// carry the token as `access_token` in its body. Runs before the guard
/// and moves it into `Authorization`; a token both there and in the body
/// is `invalid_request` (RFC 6750 §2: one method per request).
pub async fn token_from_body(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if req.method() != Method::POST || !form {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let body = req.extract::<web::Bytes>().await?;
    let token = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "access_token")
        .map(|(_, value)| value.into_owned())
        .filter(|token| !token.is_empty());
    if let Some(token) = token {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let response = HttpResponse::BadRequest()
                .insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="valet", error="invalid_request", error_description="send the token in one place: the Authorization header or the body""#,
                ))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(serde_json::json!({
                    "error": "invalid_request",
                    "error_description": "send the token in one place: the Authorization header or the body",
                }));
            return Ok(req.into_response(response));
        }
        // An empty token, or one that is not a header value, is no token:
        // the guard then answers as for a request without one.
        if let Ok(value) = header::HeaderValue::from_str(&format!("Bearer {token}")) {
            req.headers_mut().insert(header::AUTHORIZATION, value);
        }
    }
    req.set_payload(Payload::from(body));
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}
