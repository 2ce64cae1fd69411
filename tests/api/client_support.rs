//! Registering clients through `/api/clients` and calling `/token` as one.
use base64::Engine;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api, json_of};
use crate::helpers::TestApp;

/// Registers a client through the JSON API as the test admin; returns the
/// answer (with `client_secret` for a confidential client).
pub async fn register(app: &TestApp, body: Value) -> Value {
    let token = admin_token(app).await;
    json_of(
        api(app, Method::POST, "/api/clients", &token, Some(body)).await,
        StatusCode::CREATED,
    )
    .await
}

/// A confidential backend with `client_credentials` and `scopes`; returns
/// its secret.
pub async fn register_backend(app: &TestApp, client_id: &str, scopes: &[&str]) -> String {
    let client = register(
        app,
        json!({"client_id": client_id, "type": "confidential",
               "grant_types": ["client_credentials"], "scopes": scopes}),
    )
    .await;
    client["client_secret"].as_str().unwrap().to_owned()
}

/// A first-party public app with the password and refresh grants.
pub async fn register_first_party_app(app: &TestApp, client_id: &str, scopes: &[&str]) {
    register(
        app,
        json!({"client_id": client_id, "first_party": true,
               "grant_types": ["password", "refresh_token"], "scopes": scopes}),
    )
    .await;
}

/// `Authorization: Basic` per RFC 6749 §2.3.1: id and secret each
/// form-urlencoded, then joined by `:` and base64-encoded.
pub fn basic(client_id: &str, secret: &str) -> String {
    let encode = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let raw = format!("{}:{}", encode(client_id), encode(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// `POST path` with a form body and an optional `Authorization` header.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    authorization: Option<&str>,
    params: &[(&str, &str)],
) -> Response {
    let mut request = reqwest::Client::new().post(app.url(path)).form(params);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.send().await.unwrap()
}

/// `grant_type=client_credentials` with `client_secret_basic`.
pub async fn client_token(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> Response {
    let mut params = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        params.push(("scope", scope));
    }
    post_form(app, "/token", Some(&basic(client_id, secret)), &params).await
}

/// A successful client_credentials token; panics otherwise.
pub async fn client_access_token(app: &TestApp, client_id: &str, secret: &str) -> String {
    let response = client_token(app, client_id, secret, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Asserts RFC 6749 §5.2 `invalid_client`: 401 with a Basic challenge.
pub async fn assert_invalid_client(response: Response) {
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some(r#"Basic realm="valet""#)
    );
    crate::helpers::assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
}

/// PATCH `/api/clients/{id}` as the test admin.
pub async fn patch_client(app: &TestApp, client_id: &str, body: Value) -> Response {
    let token = admin_token(app).await;
    api(
        app,
        Method::PATCH,
        &format!("/api/clients/{client_id}"),
        &token,
        Some(body),
    )
    .await
}
