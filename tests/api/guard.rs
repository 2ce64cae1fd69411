//! README and RFC 6750 §3: what the one guard answers on an API route.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    forge_token as forge, jwt_claims, spawn_app, spawn_app_with, spawn_app_with_clock, TestApp,
};

const SECRET: &str = "a-test-signing-secret-of-at-least-32-bytes";

async fn app_with_known_key() -> TestApp {
    spawn_app_with(&[("VALET_JWT_SECRET", SECRET)]).await
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn assert_invalid_token(app: &TestApp, token: &str) {
    let response = app.get_me(token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "token {token}");
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge
            .starts_with(r#"Bearer realm="valet", error="invalid_token", error_description=""#),
        "{challenge}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn users_me_shows_the_user_without_the_hash() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "me b").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    let response = app.get_me(pair["access_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(!text.contains("$2"), "a bcrypt hash leaked: {text}");
    let me: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["scopes"], serde_json::json!(["b", "me"]));
    assert_eq!(me["disabled"], false);
    assert!(me["id"].is_string());
    assert!(me.get("email").is_some() && me.get("full_name").is_some());
}

#[tokio::test]
async fn no_credentials_get_401_with_a_bare_bearer_challenge() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/users/me")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="valet""#
    );
}

#[tokio::test]
async fn another_authorization_scheme_counts_as_no_credentials() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/users/me"))
        .header("Authorization", "Basic YWRtaW46eA==")
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
async fn a_malformed_bearer_header_is_an_invalid_request() {
    let app = spawn_app().await;
    let junk = "x".repeat(10_000);
    for header in [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer a,b",
        junk.as_str(),
    ] {
        let value = if header == junk {
            format!("Bearer {junk}")
        } else {
            header.to_owned()
        };
        let response = app
            .client
            .get(app.url("/users/me"))
            .header("Authorization", value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{header:.20}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains(r#"error="invalid_request""#),
            "{challenge}"
        );
    }
}

#[tokio::test]
async fn garbage_and_tampered_tokens_are_invalid_tokens() {
    let app = spawn_app().await;
    let pair = app.tokens_for("admin", "admin-password-1").await;
    let token = pair["access_token"].as_str().unwrap();
    let mut tampered = token.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_invalid_token(&app, "not-a-jwt").await;
    assert_invalid_token(&app, &tampered).await;
    // A refresh token is not an access token.
    assert_invalid_token(&app, pair["refresh_token"].as_str().unwrap()).await;
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused() {
    let app = app_with_known_key().await;
    let pair = app.tokens_for("admin", "admin-password-1").await;
    let token = pair["access_token"].as_str().unwrap();
    let expired = forge(token, SECRET, Some("at+jwt"), |c| {
        c["exp"] = (now() - 10).into();
        c["iat"] = (now() - 100).into();
        c["nbf"] = (now() - 100).into();
    });
    let future = forge(token, SECRET, Some("at+jwt"), |c| {
        c["nbf"] = (now() + 60).into()
    });
    assert_invalid_token(&app, &expired).await;
    assert_invalid_token(&app, &future).await;
    // Within the 5 s leeway a token still works.
    let just_expired = forge(token, SECRET, Some("at+jwt"), |c| {
        c["exp"] = (now() - 1).into()
    });
    assert_eq!(app.get_me(&just_expired).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_access_token_expires_after_its_lifetime() {
    let (app, clock) = spawn_app_with_clock(&[("VALET_ACCESS_TOKEN_TTL", "1")]).await;
    let pair = app.tokens_for("admin", "admin-password-1").await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(token).await.status(), StatusCode::OK);
    // 1 s lifetime + 5 s leeway.
    clock.advance(7);
    assert_invalid_token(&app, token).await;
}

#[tokio::test]
async fn tokens_with_wrong_issuer_audience_type_or_key_are_refused() {
    let app = app_with_known_key().await;
    let pair = app.tokens_for("admin", "admin-password-1").await;
    let token = pair["access_token"].as_str().unwrap();
    let cases = [
        forge(token, SECRET, Some("at+jwt"), |c| {
            c["iss"] = "http://evil.test".into()
        }),
        forge(token, SECRET, Some("at+jwt"), |c| {
            c["aud"] = "http://other.test".into()
        }),
        forge(token, SECRET, Some("JWT"), |_| {}),
        forge(token, SECRET, None, |_| {}),
        forge(
            token,
            "another-valets-secret-of-32-bytes-or-more",
            Some("at+jwt"),
            |_| {},
        ),
        forge(token, SECRET, Some("at+jwt"), |c| {
            c.as_object_mut().unwrap().remove("exp");
        }),
        forge(token, SECRET, Some("at+jwt"), |c| {
            c["sid"] = "no-such-session".into()
        }),
        forge(token, SECRET, Some("at+jwt"), |c| {
            c["sub"] = "someone-else".into()
        }),
    ];
    for forged in &cases {
        assert_invalid_token(&app, forged).await;
    }
    // The unmodified token still works, so the refusals above are the edits'.
    assert_eq!(
        app.get_me(&forge(token, SECRET, Some("at+jwt"), |_| {}))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    use base64::Engine;
    let app = spawn_app().await;
    let pair = app.tokens_for("admin", "admin-password-1").await;
    let claims = jwt_claims(pair["access_token"].as_str().unwrap());
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    let header = serde_json::json!({"alg": "none", "typ": "at+jwt"});
    let unsigned = format!("{}.{}.", b64(&header), b64(&claims));
    assert_invalid_token(&app, &unsigned).await;
}

#[tokio::test]
async fn a_token_of_a_user_disabled_after_issuance_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(token).await.status(), StatusCode::OK);
    let user = valet::users::get_by_username(&app.db, "alice")
        .await
        .unwrap();
    valet::users::set_disabled(&app.db, &user, true)
        .await
        .unwrap();
    assert_invalid_token(&app, token).await;
}

#[tokio::test]
async fn a_token_of_a_deleted_user_is_refused() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    let user = valet::users::get_by_username(&app.db, "alice")
        .await
        .unwrap();
    valet::users::delete(&app.db, &user).await.unwrap();
    assert_invalid_token(&app, pair["access_token"].as_str().unwrap()).await;
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let kept = app.tokens_for("alice", "correct-horse").await;
    let other = app.tokens_for("alice", "correct-horse").await;
    let kept_sid = jwt_claims(kept["access_token"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = valet::users::get_by_username(&app.db, "alice")
        .await
        .unwrap();
    let password = valet::domain::Password::parse("new-password-9".into()).unwrap();
    valet::users::set_password(
        &app.db,
        &valet::auth::password::PasswordHasher::new(4),
        &user,
        &password,
        Some(&kept_sid),
    )
    .await
    .unwrap();
    assert_eq!(
        app.get_me(kept["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    assert_invalid_token(&app, other["access_token"].as_str().unwrap()).await;
    let refresh = app.refresh(other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refresh.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.password_grant("alice", "correct-horse").await.status(),
        StatusCode::BAD_REQUEST
    );
    app.tokens_for("alice", "new-password-9").await;
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/route"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}
