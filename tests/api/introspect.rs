//! `POST /introspect` (RFC 7662, README).
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use valet::entities::{prelude::User, user};

use crate::admin_support::admin_tokens;
use crate::helpers::{assert_oauth_error, text, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::lifecycle_helpers::{
    assert_inactive, claims_of, expired_copy, introspect, introspection_of, introspector_token,
    resign, revoke, spawn_lifecycle_app,
};

#[tokio::test]
async fn introspection_without_a_token_is_401_with_a_bearer_challenge() {
    let app = spawn_lifecycle_app(&[]).await;

    let response = reqwest::Client::new()
        .post(app.url("/introspect"))
        .form(&[("token", "anything")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="valet""#
    );
}

#[tokio::test]
async fn introspection_with_a_bad_token_is_401_invalid_token() {
    let app = spawn_lifecycle_app(&[]).await;

    let response = introspect(&app, "not-a-jwt", &[("token", "anything")]).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
}

#[tokio::test]
async fn a_caller_without_the_introspect_scope_gets_403() {
    let app = spawn_lifecycle_app(&[]).await;
    let admin = admin_tokens(&app).await;

    let response = introspect(&app, text(&admin, "access_token"), &[("token", "x")]).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="valet", error="insufficient_scope", scope="introspect""#
    );
}

#[tokio::test]
async fn an_active_access_token_is_described_in_full() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens: Value = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("scope", "users:read"),
            ("client_id", "mobile"),
        ])
        .await
        .json()
        .await
        .unwrap();
    let access = text(&tokens, "access_token");
    let me: Value = app.get_me(access).await.json().await.unwrap();
    let claims = claims_of(access);

    let body = introspection_of(&app, &caller, access).await;

    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "users:read");
    assert_eq!(body["client_id"], "mobile");
    assert_eq!(body["username"], ADMIN_USERNAME);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["sub"], me["id"]);
    assert_eq!(body["iss"], app.settings.issuer.as_str());
    assert_eq!(body["aud"], app.settings.audience.as_str());
    for claim in ["exp", "iat", "nbf", "jti", "sid"] {
        assert_eq!(body[claim], claims[claim], "{claim}");
    }
    assert_eq!(
        body["exp"].as_i64().unwrap() - body["iat"].as_i64().unwrap(),
        900
    );
}

#[tokio::test]
async fn an_active_refresh_token_is_described_without_its_hash() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;
    let sid = claims_of(text(&tokens, "access_token"))["sid"].clone();

    let body = introspection_of(&app, &caller, text(&tokens, "refresh_token")).await;

    assert_eq!(body["active"], true);
    assert_eq!(body["token_type"], "refresh_token");
    assert_eq!(body["scope"], "admin users:read users:write");
    assert_eq!(body["username"], ADMIN_USERNAME);
    assert_eq!(body["sid"], sid);
    assert!(body["sub"].is_string() && body["exp"].is_i64() && body["iat"].is_i64());
    assert_eq!(
        body["exp"].as_i64().unwrap() - body["iat"].as_i64().unwrap(),
        app.settings.refresh_token_ttl
    );
    let fields: Vec<&String> = body.as_object().unwrap().keys().collect();
    for absent in ["jti", "aud", "token_hash", "client_id"] {
        assert!(body.get(absent).is_none(), "{absent} in {fields:?}");
    }
}

#[tokio::test]
async fn a_misleading_hint_does_not_hide_a_token() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;

    for (token, hint, kind) in [
        (
            text(&tokens, "refresh_token"),
            "access_token",
            "refresh_token",
        ),
        (text(&tokens, "access_token"), "refresh_token", "Bearer"),
        (text(&tokens, "access_token"), "mystery", "Bearer"),
    ] {
        let response = introspect(
            &app,
            &caller,
            &[("token", token), ("token_type_hint", hint)],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["active"], true, "hint {hint}");
        assert_eq!(body["token_type"], kind, "hint {hint}");
    }
}

#[tokio::test]
async fn unknown_tampered_expired_and_foreign_tokens_are_inactive() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;
    let access = text(&tokens, "access_token");
    let mut tampered: Vec<String> = access.split('.').map(str::to_owned).collect();
    tampered[2] = "c2lnbmF0dXJlLW9mLWFub3RoZXIta2V5".into();

    for token in [
        "no-such-token".to_owned(),
        tampered.join("."),
        expired_copy(access),
        resign(access, |claims| {
            claims["aud"] = "https://other-api.test".into()
        }),
    ] {
        assert_inactive(&introspection_of(&app, &caller, &token).await);
    }
    // The genuine token is still fine.
    assert_eq!(
        introspection_of(&app, &caller, access).await["active"],
        true
    );
}

#[tokio::test]
async fn revoked_tokens_are_inactive() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;

    let response = revoke(&app, &[("token", text(&tokens, "refresh_token"))]).await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_inactive(&introspection_of(&app, &caller, text(&tokens, "access_token")).await);
    assert_inactive(&introspection_of(&app, &caller, text(&tokens, "refresh_token")).await);
}

#[tokio::test]
async fn a_used_refresh_token_is_inactive_and_its_successor_active() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;

    let rotated: Value = app
        .refresh(text(&tokens, "refresh_token"))
        .await
        .json()
        .await
        .unwrap();

    assert_inactive(&introspection_of(&app, &caller, text(&tokens, "refresh_token")).await);
    let successor = introspection_of(&app, &caller, text(&rotated, "refresh_token")).await;
    assert_eq!(successor["active"], true);
}

#[tokio::test]
async fn tokens_of_a_disabled_user_are_inactive() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;
    // Only the flag, without ending the sessions, so the user check is what
    // makes the difference.
    User::update_many()
        .col_expr(user::Column::Disabled, Expr::value(true))
        .filter(user::Column::Username.eq(ADMIN_USERNAME))
        .exec(&app.db)
        .await
        .unwrap();

    assert_inactive(&introspection_of(&app, &caller, text(&tokens, "access_token")).await);
    assert_inactive(&introspection_of(&app, &caller, text(&tokens, "refresh_token")).await);
}

#[tokio::test]
async fn a_scope_taken_from_the_user_is_no_longer_reported() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;
    let tokens = admin_tokens(&app).await;
    User::update_many()
        .col_expr(user::Column::Scopes, Expr::value("users:read"))
        .filter(user::Column::Username.eq(ADMIN_USERNAME))
        .exec(&app.db)
        .await
        .unwrap();

    let body = introspection_of(&app, &caller, text(&tokens, "access_token")).await;

    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "users:read");
}

#[tokio::test]
async fn malformed_introspection_requests_are_invalid_request() {
    let app = spawn_lifecycle_app(&[]).await;
    let caller = introspector_token(&app).await;

    let missing = introspect(&app, &caller, &[("token_type_hint", "access_token")]).await;
    assert_oauth_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;

    let json = reqwest::Client::new()
        .post(app.url("/introspect"))
        .bearer_auth(&caller)
        .json(&serde_json::json!({"token": "x"}))
        .send()
        .await
        .unwrap();
    assert_oauth_error(json, StatusCode::BAD_REQUEST, "invalid_request").await;
}
