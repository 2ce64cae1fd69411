//! docs/security.md's request-level rules for `POST /token`.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    assert_oauth_error, spawn_app, spawn_app_with, ADMIN_PASSWORD, ADMIN_USERNAME,
};

#[tokio::test]
async fn a_password_grant_returns_a_bearer_token_pair_that_is_not_cached() {
    let app = spawn_app().await;
    let response = app.password_grant(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["scope"], "admin users:read users:write");
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 43);
}

#[tokio::test]
async fn a_missing_grant_type_is_an_invalid_request() {
    let app = spawn_app().await;
    let response = app
        .post_token(&[("username", ADMIN_USERNAME), ("password", ADMIN_PASSWORD)])
        .await;
    let body = assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("grant_type"));
}

#[tokio::test]
async fn missing_username_or_password_is_an_invalid_request() {
    let app = spawn_app().await;
    for params in [
        vec![("grant_type", "password"), ("password", ADMIN_PASSWORD)],
        vec![("grant_type", "password"), ("username", ADMIN_USERNAME)],
        vec![
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ""),
        ],
        vec![("grant_type", "refresh_token")],
    ] {
        let response = app.post_token(&params).await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
}

#[tokio::test]
async fn a_parameter_given_twice_is_an_invalid_request() {
    let app = spawn_app().await;
    let body = format!(
        "grant_type=password&username={ADMIN_USERNAME}&username=other&password={ADMIN_PASSWORD}"
    );
    let response = app
        .post_token_raw("application/x-www-form-urlencoded", body)
        .await;
    let err = assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(err["error_description"]
        .as_str()
        .unwrap()
        .contains("username"));
}

#[tokio::test]
async fn a_body_that_is_not_form_encoded_is_an_invalid_request() {
    let app = spawn_app().await;
    let json = format!(
        r#"{{"grant_type":"password","username":"{ADMIN_USERNAME}","password":"{ADMIN_PASSWORD}"}}"#
    );
    let response = app.post_token_raw("application/json", json).await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    let response = app
        .client
        .post(app.url("/token"))
        .body("grant_type=password")
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn a_form_body_with_a_charset_is_accepted() {
    let app = spawn_app().await;
    let body = format!("grant_type=password&username={ADMIN_USERNAME}&password={ADMIN_PASSWORD}");
    let response = app
        .post_token_raw("application/x-www-form-urlencoded; charset=UTF-8", body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_and_unsupported_grant_types_are_refused() {
    let app = spawn_app().await;
    for grant in ["implicit", "magic", "urn:x:y"] {
        let response = app.post_token(&[("grant_type", grant)]).await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
    }
    // client_credentials and authorization_code are supported, but only
    // for a registered client.
    for grant in ["client_credentials", "authorization_code"] {
        let response = app.post_token(&[("grant_type", grant)]).await;
        assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    }
}

#[tokio::test]
async fn other_methods_on_the_token_endpoint_get_405() {
    let app = spawn_app().await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/token"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413() {
    let app = spawn_app().await;
    let body = format!(
        "grant_type=password&username=a&password={}",
        "x".repeat(70 * 1024)
    );
    let response = app
        .post_token_raw("application/x-www-form-urlencoded", body)
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_client_id_in_the_body_is_recorded_in_the_token() {
    let app = spawn_app().await;
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("client_id", "mobile"),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let claims = crate::helpers::jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], "mobile");
}

#[tokio::test]
async fn a_client_may_identify_itself_with_http_basic_and_an_empty_secret() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/token"))
        .basic_auth("mobile", Some(""))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let claims = crate::helpers::jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], "mobile");
}

#[tokio::test]
async fn different_client_ids_in_basic_and_body_are_an_invalid_request() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/token"))
        .basic_auth("mobile", Some(""))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("client_id", "web"),
        ])
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn too_many_requests_from_one_address_get_429_with_retry_after() {
    let app = spawn_app_with(&[("VALET_RATE_LIMIT_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        let response = app.password_grant(ADMIN_USERNAME, "wrong-password").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = app.password_grant(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_oauth_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}
