//! `GET`/`POST /userinfo` (OpenID Connect Core §5.3): claims by scope,
//! errors as RFC 6750 §3.
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use super::{alice_with_profile, register_web, sign_in_with, text};
use crate::helpers::{spawn_app, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::pages::{Browser, ALICE};

async fn userinfo_get(app: &TestApp, token: &str) -> Response {
    app.get_with_token("/userinfo", token).await
}

async fn userinfo_post(app: &TestApp, token: &str) -> Response {
    app.client
        .post(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn challenge(response: &Response) -> String {
    response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn userinfo_answers_by_scope_on_get_and_post() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let cases = [
        ("openid", json!({})),
        (
            "openid profile",
            json!({"preferred_username": ALICE, "name": "Alice Liddell"}),
        ),
        ("openid email", json!({"email": "alice@example.com"})),
    ];
    for (scope, expected) in cases {
        let tokens = sign_in_with(&browser, scope).await;
        let access = text(&tokens, "access_token");
        let sub = crate::helpers::jwt_claims(access)["sub"].clone();
        for response in [
            userinfo_get(&app, access).await,
            userinfo_post(&app, access).await,
        ] {
            assert_eq!(response.status(), StatusCode::OK, "{scope}");
            assert_eq!(response.headers()["cache-control"], "no-store");
            let mut body: Value = response.json().await.unwrap();
            assert_eq!(body["sub"], sub, "{scope}");
            body.as_object_mut().unwrap().remove("sub");
            assert_eq!(body, expected, "{scope}");
        }
    }
}

#[tokio::test]
async fn userinfo_without_a_token_or_with_a_bad_one_is_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let none = app.get("/userinfo").await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&none), r#"Bearer realm="valet""#);

    // RFC 6750 §2.2: an empty `access_token` in a form body is no token.
    let empty = app
        .client
        .post(app.url("/userinfo"))
        .form(&[("access_token", "")])
        .send();
    let empty = empty.await.unwrap();
    assert_eq!(empty.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&empty), r#"Bearer realm="valet""#);

    for response in [
        userinfo_get(&app, "not-a-token").await,
        userinfo_post(&app, "not-a-token").await,
    ] {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(
            challenge(&response).contains(r#"error="invalid_token""#),
            "{}",
            challenge(&response)
        );
    }
}

#[tokio::test]
async fn a_token_without_openid_is_403_insufficient_scope() {
    let app = spawn_app().await;
    let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let response = userinfo_get(&app, text(&tokens, "access_token")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        challenge(&response),
        r#"Bearer realm="valet", error="insufficient_scope", scope="openid""#
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
}

#[tokio::test]
async fn the_browser_cookie_is_not_a_userinfo_credential() {
    let app = spawn_app().await;
    // Even for a user who holds `openid` among her own scopes.
    app.create_user("carol", "carol-password-1", "me openid")
        .await;
    let browser = Browser::signed_in(&app, "carol", "carol-password-1").await;
    let response = browser
        .client
        .get(app.url("/userinfo"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&response), r#"Bearer realm="valet""#);
    // Without it, the guard's scope check answers first.
    let alice = alice_with_profile(&app).await;
    let response = alice.client.get(app.url("/userinfo")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_revoked_session_ends_userinfo_too() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "openid").await;
    let access = text(&tokens, "access_token");
    assert_eq!(userinfo_get(&app, access).await.status(), StatusCode::OK);
    crate::lifecycle_helpers::revoke(&app, &[("token", access), ("client_id", "web")]).await;
    let response = userinfo_get(&app, access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&response).contains("invalid_token"));
}

#[tokio::test]
async fn a_post_may_carry_the_token_in_its_form_body_but_not_twice() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "openid email").await;
    let access = text(&tokens, "access_token");
    let in_body = |form: Vec<(&'static str, String)>| {
        app.client.post(app.url("/userinfo")).form(&form).send()
    };

    // RFC 6750 §2.2.
    let response = in_body(vec![("access_token", access.to_owned())])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], "alice@example.com");

    let bad = in_body(vec![("access_token", "not-a-token".into())])
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&bad).contains("invalid_token"));

    let twice = app
        .client
        .post(app.url("/userinfo"))
        .bearer_auth(access)
        .form(&[("access_token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    assert!(challenge(&twice).contains(r#"error="invalid_request""#));

    // A GET's query is not a place for it (RFC 6750 §2.3 is not offered).
    let query = app.get(&format!("/userinfo?access_token={access}")).await;
    assert_eq!(query.status(), StatusCode::UNAUTHORIZED);
}
