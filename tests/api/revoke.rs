//! `POST /revoke` (RFC 7009, README).
use reqwest::StatusCode;
use serde_json::Value;

use crate::admin_support::admin_tokens;
use crate::helpers::{
    assert_oauth_error, spawn_app, text, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME,
};
use crate::lifecycle_helpers::{expired_copy, resign, revoke, spawn_lifecycle_app};

/// The test admin's access and refresh token.
async fn admin_pair(app: &TestApp) -> (String, String) {
    let tokens = admin_tokens(app).await;
    (
        text(&tokens, "access_token").to_owned(),
        text(&tokens, "refresh_token").to_owned(),
    )
}

/// RFC 7009 §2.2: 200, an empty body, and never cached.
async fn assert_revoke_ok(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.text().await.unwrap(), "");
}

/// Both tokens of the session no longer work.
async fn assert_session_ended(app: &TestApp, access: &str, refresh: &str) {
    let me = app.get_me(access).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let challenge = me.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
    assert_oauth_error(
        app.refresh(refresh).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_session() {
    let app = spawn_app().await;
    let (access, refresh) = admin_pair(&app).await;

    let response = revoke(
        &app,
        &[("token", &refresh), ("token_type_hint", "refresh_token")],
    )
    .await;

    assert_revoke_ok(response).await;
    assert_session_ended(&app, &access, &refresh).await;
}

#[tokio::test]
async fn revoking_an_access_token_ends_its_session() {
    let app = spawn_app().await;
    let (access, refresh) = admin_pair(&app).await;

    let response = revoke(
        &app,
        &[("token", &access), ("token_type_hint", "access_token")],
    )
    .await;

    assert_revoke_ok(response).await;
    assert_session_ended(&app, &access, &refresh).await;
}

#[tokio::test]
async fn a_wrong_or_unknown_hint_still_finds_the_token() {
    let app = spawn_app().await;
    let (access, refresh) = admin_pair(&app).await;
    let response = revoke(
        &app,
        &[("token", &refresh), ("token_type_hint", "access_token")],
    )
    .await;
    assert_revoke_ok(response).await;
    assert_session_ended(&app, &access, &refresh).await;

    let (access, refresh) = admin_pair(&app).await;
    let response = revoke(&app, &[("token", &access), ("token_type_hint", "id_token")]).await;
    assert_revoke_ok(response).await;
    assert_session_ended(&app, &access, &refresh).await;
}

#[tokio::test]
async fn unknown_and_already_revoked_tokens_still_get_200() {
    let app = spawn_app().await;
    let (access, refresh) = admin_pair(&app).await;

    assert_revoke_ok(revoke(&app, &[("token", "no-such-token")]).await).await;
    assert_revoke_ok(revoke(&app, &[("token", &refresh)]).await).await;
    assert_revoke_ok(revoke(&app, &[("token", &refresh)]).await).await;
    assert_revoke_ok(revoke(&app, &[("token", &access)]).await).await;
}

#[tokio::test]
async fn revoking_one_session_leaves_the_users_other_sessions_working() {
    let app = spawn_app().await;
    let (revoked_access, _) = admin_pair(&app).await;
    let (other_access, other_refresh) = admin_pair(&app).await;

    assert_revoke_ok(revoke(&app, &[("token", &revoked_access)]).await).await;

    assert_eq!(
        app.get_me(&revoked_access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get_me(&other_access).await.status(), StatusCode::OK);
    assert_eq!(app.refresh(&other_refresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_tampered_access_token_revokes_nothing() {
    let app = spawn_app().await;
    let (access, refresh) = admin_pair(&app).await;
    // Same claims, but the signature of another key.
    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    parts[2] = "c2lnbmF0dXJlLW9mLWFub3RoZXIta2V5".into();
    let forged = parts.join(".");

    assert_revoke_ok(revoke(&app, &[("token", &forged)]).await).await;

    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);
    assert_eq!(app.refresh(&refresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_expired_access_token_still_ends_its_session() {
    let app = spawn_lifecycle_app(&[]).await;
    let (access, refresh) = admin_pair(&app).await;
    let expired = expired_copy(&access);
    let me = app.get_me(&expired).await;
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "the copy is really expired"
    );

    assert_revoke_ok(revoke(&app, &[("token", &expired)]).await).await;

    assert_session_ended(&app, &access, &refresh).await;
}

#[tokio::test]
async fn a_token_signed_for_another_issuer_revokes_nothing() {
    let app = spawn_lifecycle_app(&[]).await;
    let (access, refresh) = admin_pair(&app).await;
    let foreign = resign(&access, |claims| {
        claims["iss"] = "https://elsewhere.test".into()
    });

    assert_revoke_ok(revoke(&app, &[("token", &foreign)]).await).await;

    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);
    assert_eq!(app.refresh(&refresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_client_a_token_was_issued_to_may_revoke_it_another_may_not() {
    let app = spawn_app().await;
    let tokens: Value = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("client_id", "mobile"),
        ])
        .await
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();

    let refused = revoke(&app, &[("token", refresh), ("client_id", "web")]).await;
    assert_oauth_error(refused, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(app.get_me(access).await.status(), StatusCode::OK);

    // HTTP Basic with an empty secret, as public-client libraries send it.
    let accepted = reqwest::Client::new()
        .post(app.url("/revoke"))
        .basic_auth("mobile", Some(""))
        .form(&[("token", refresh)])
        .send()
        .await
        .unwrap();
    assert_revoke_ok(accepted).await;
    assert_session_ended(&app, access, refresh).await;
}

#[tokio::test]
async fn malformed_revocation_requests_are_invalid_request() {
    let app = spawn_app().await;
    let (access, _) = admin_pair(&app).await;
    let client = reqwest::Client::new();

    let missing = revoke(&app, &[("token_type_hint", "access_token")]).await;
    let body = assert_oauth_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("token"));

    let twice = client
        .post(app.url("/revoke"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("token={access}&token=other"))
        .send()
        .await
        .unwrap();
    assert_oauth_error(twice, StatusCode::BAD_REQUEST, "invalid_request").await;

    let json = client
        .post(app.url("/revoke"))
        .json(&serde_json::json!({"token": access}))
        .send()
        .await
        .unwrap();
    assert_oauth_error(json, StatusCode::BAD_REQUEST, "invalid_request").await;

    // None of these revoked anything.
    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn revoke_answers_only_post() {
    let app = spawn_app().await;

    let response = reqwest::Client::new()
        .get(app.url("/revoke"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_revocation_that_ends_a_session_is_audited_once() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use valet::entities::{audit_event, prelude::AuditEvent};
    let app = spawn_app().await;
    let (access, _) = admin_pair(&app).await;
    let sign_outs = || {
        AuditEvent::find()
            .filter(audit_event::Column::Kind.eq("sign_out"))
            .filter(audit_event::Column::Subject.eq(ADMIN_USERNAME))
            .count(&app.db)
    };
    assert_eq!(sign_outs().await.unwrap(), 0);

    assert_revoke_ok(revoke(&app, &[("token", &access)]).await).await;
    assert_revoke_ok(revoke(&app, &[("token", &access)]).await).await;

    assert_eq!(sign_outs().await.unwrap(), 1);
}
