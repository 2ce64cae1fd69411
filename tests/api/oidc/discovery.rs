//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0
//! §3, §4) tells the truth about what valet does.
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const DISCOVERY: &str = "/.well-known/openid-configuration";

async fn discovery(app: &TestApp) -> Value {
    let response = app.get(DISCOVERY).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_discovery_document_lists_the_oidc_endpoints_and_what_is_supported() {
    let app = spawn_app().await;
    let doc = discovery(&app).await;
    let issuer = "http://valet.test";
    assert_eq!(doc["issuer"], issuer);
    for (field, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/.well-known/jwks.json"),
        ("end_session_endpoint", "/logout"),
        ("revocation_endpoint", "/revoke"),
        ("introspection_endpoint", "/introspect"),
    ] {
        assert_eq!(doc[field], format!("{issuer}{path}"), "{field}");
    }
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["response_modes_supported"], json!(["query"]));
    assert_eq!(doc["subject_types_supported"], json!(["public"]));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials"
        ])
    );
    let scopes = doc["scopes_supported"].as_array().unwrap();
    for scope in ["openid", "profile", "email"] {
        assert!(scopes.contains(&json!(scope)), "{scope}");
    }
    let claims = doc["claims_supported"].as_array().unwrap();
    for claim in [
        "sub",
        "iss",
        "auth_time",
        "nonce",
        "at_hash",
        "sid",
        "preferred_username",
        "name",
        "email",
    ] {
        assert!(claims.contains(&json!(claim)), "{claim}");
    }
    // Discovery §3 defaults that would overstate valet, written out.
    assert_eq!(doc["request_uri_parameter_supported"], json!(false));
    assert_eq!(doc["request_parameter_supported"], json!(false));
    assert_eq!(doc["claims_parameter_supported"], json!(false));
    assert_eq!(
        doc["authorization_response_iss_parameter_supported"],
        json!(true)
    );
}

#[tokio::test]
async fn the_signing_algorithm_is_the_one_of_the_key_that_signs() {
    for alg in ["ES256", "EdDSA"] {
        let app = spawn_app_with(&[("VALET_SIGNING_ALG", alg)]).await;
        let doc = discovery(&app).await;
        assert_eq!(doc["id_token_signing_alg_values_supported"], json!([alg]));
        let jwks: Value = app
            .get("/.well-known/jwks.json")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(jwks["keys"][0]["alg"], alg);
    }
}

#[tokio::test]
async fn every_endpoint_the_discovery_document_names_answers() {
    let app = spawn_app().await;
    let doc = discovery(&app).await;
    for field in [
        "authorization_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    ] {
        let path = doc[field]
            .as_str()
            .unwrap()
            .strip_prefix("http://valet.test")
            .unwrap()
            .to_owned();
        let status = app.get(&path).await.status();
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{field}: {status}"
        );
    }
    // The RFC 8414 document agrees, and names the OpenID scopes too.
    let oauth: Value = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(oauth["issuer"], doc["issuer"]);
    assert_eq!(oauth["scopes_supported"], doc["scopes_supported"]);
}
