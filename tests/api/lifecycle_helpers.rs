//! Helpers for the token lifecycle tests: `/revoke`, `/introspect`, and
//! access tokens re-signed with altered claims.

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::helpers::{spawn_app_with, TestApp};

/// A known signing key, so tests can forge tokens the app will accept.
pub const JWT_SECRET: &str = "lifecycle-tests-secret-0123456789abcdef";
/// A resource server's account, holding only the `introspect` scope.
pub const INTROSPECTOR: &str = "resource-server";
pub const INTROSPECTOR_PASSWORD: &str = "introspector-password-1";

/// An app with a known JWT secret and a user holding scope `introspect`.
pub async fn spawn_lifecycle_app(overrides: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![("VALET_JWT_SECRET", JWT_SECRET)];
    vars.extend_from_slice(overrides);
    let app = spawn_app_with(&vars).await;
    app.create_user(INTROSPECTOR, INTROSPECTOR_PASSWORD, "introspect")
        .await;
    app
}

/// An access token with scope `introspect`.
pub async fn introspector_token(app: &TestApp) -> String {
    let tokens = app.tokens_for(INTROSPECTOR, INTROSPECTOR_PASSWORD).await;
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// `POST /revoke` with a form body and no client authentication.
pub async fn revoke(app: &TestApp, params: &[(&str, &str)]) -> Response {
    reqwest::Client::new()
        .post(app.url("/revoke"))
        .form(params)
        .send()
        .await
        .expect("request sent")
}

/// `POST /introspect` with a form body, authenticated with `bearer`.
pub async fn introspect(app: &TestApp, bearer: &str, params: &[(&str, &str)]) -> Response {
    reqwest::Client::new()
        .post(app.url("/introspect"))
        .bearer_auth(bearer)
        .form(params)
        .send()
        .await
        .expect("request sent")
}

/// Introspects `token` and returns the 200 JSON answer.
pub async fn introspection_of(app: &TestApp, bearer: &str, token: &str) -> Value {
    let response = introspect(app, bearer, &[("token", token)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.expect("JSON body")
}

/// Asserts the one answer RFC 7662 §2.2 allows for an inactive token.
pub fn assert_inactive(body: &Value) {
    assert_eq!(body, &serde_json::json!({"active": false}), "{body}");
}

/// The claims of a JWT, read without checking anything.
pub fn claims_of(token: &str) -> Value {
    crate::helpers::jwt_claims(token)
}

/// The same token's claims, changed by `edit`, signed again with
/// [`JWT_SECRET`] and `typ: at+jwt`: a token the app itself could have issued.
pub fn resign(token: &str, edit: impl FnOnce(&mut Value)) -> String {
    crate::helpers::forge_token(token, JWT_SECRET, Some("at+jwt"), edit)
}

/// A copy of `token` whose `exp` lies an hour in the past.
pub fn expired_copy(token: &str) -> String {
    resign(token, |claims| {
        let iat = claims["iat"].as_i64().unwrap() - 7200;
        claims["iat"] = iat.into();
        claims["nbf"] = iat.into();
        claims["exp"] = (iat + 3600).into();
    })
}
