//! `GET /.well-known/oauth-authorization-server` (RFC 8414, README).
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const METADATA: &str = "/.well-known/oauth-authorization-server";

async fn metadata(app: &TestApp) -> Value {
    let response = app.get(METADATA).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    response.json().await.unwrap()
}

#[tokio::test]
async fn metadata_describes_the_server_under_its_issuer() {
    let app = spawn_app().await;

    let body = metadata(&app).await;

    assert_eq!(body["issuer"], "http://valet.test");
    assert_eq!(body["token_endpoint"], "http://valet.test/token");
    assert_eq!(body["revocation_endpoint"], "http://valet.test/revoke");
    assert_eq!(
        body["introspection_endpoint"],
        "http://valet.test/introspect"
    );
    assert_eq!(
        body["grant_types_supported"],
        json!([
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials"
        ])
    );
    // RFC 8414 §2, RFC 7636 §4.2 (S256 only), RFC 9207 §3.
    assert_eq!(body["response_types_supported"], json!(["code"]));
    assert_eq!(
        body["authorization_endpoint"],
        "http://valet.test/authorize"
    );
    assert_eq!(body["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        body["authorization_response_iss_parameter_supported"],
        json!(true)
    );
    // Each method is one valet checks (tests/api/clients/authentication.rs).
    assert_eq!(
        body["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(
        body["revocation_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(
        body["introspection_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "Bearer"])
    );
    let scopes = body["scopes_supported"].as_array().unwrap();
    for scope in ["admin", "users:read", "users:write", "introspect"] {
        assert!(
            scopes.contains(&json!(scope)),
            "{scope} missing from {scopes:?}"
        );
    }
}

#[tokio::test]
async fn metadata_urls_follow_a_custom_issuer() {
    let app = spawn_app_with(&[("VALET_ISSUER", "https://auth.example.com")]).await;

    let body = metadata(&app).await;

    assert_eq!(body["issuer"], "https://auth.example.com");
    assert_eq!(body["token_endpoint"], "https://auth.example.com/token");
    assert_eq!(
        body["revocation_endpoint"],
        "https://auth.example.com/revoke"
    );
    assert_eq!(
        body["introspection_endpoint"],
        "https://auth.example.com/introspect"
    );
}

#[tokio::test]
async fn the_issuer_in_metadata_is_the_iss_of_issued_tokens() {
    let app = spawn_app_with(&[("VALET_ISSUER", "https://auth.example.com/tenant")]).await;
    let body = metadata(&app).await;

    let tokens = app
        .tokens_for(
            crate::helpers::ADMIN_USERNAME,
            crate::helpers::ADMIN_PASSWORD,
        )
        .await;
    let claims = crate::lifecycle_helpers::claims_of(tokens["access_token"].as_str().unwrap());

    assert_eq!(body["issuer"], claims["iss"]);
    assert_eq!(
        body["token_endpoint"],
        "https://auth.example.com/tenant/token"
    );
    // RFC 8414 §3.1: the well-known name goes before the issuer's path.
    let under_path = app.get(&format!("{METADATA}/tenant")).await;
    assert_eq!(under_path.status(), StatusCode::OK);
    assert_eq!(under_path.json::<Value>().await.unwrap(), body);
    let other_path = app.get(&format!("{METADATA}/elsewhere")).await;
    assert_eq!(other_path.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_advertised_endpoint_exists() {
    let app = spawn_app().await;
    let body = metadata(&app).await;

    for field in [
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
    ] {
        let path = body[field]
            .as_str()
            .unwrap()
            .strip_prefix("http://valet.test")
            .unwrap();
        let response = reqwest::Client::new()
            .post(app.url(path))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::NOT_FOUND, "{field} {path}");
        assert_ne!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{field} {path}"
        );
    }
}

#[tokio::test]
async fn metadata_answers_only_get() {
    let app = spawn_app().await;

    let response = reqwest::Client::new()
        .post(app.url(METADATA))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}
