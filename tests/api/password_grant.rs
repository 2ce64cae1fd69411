//! docs/security.md's password grant (RFC 6749 §4.3): credentials, check order,
//! lockout, scopes and the access token's claims (RFC 9068).
use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_oauth_error, jwt_claims, jwt_header, spawn_app};

/// Status, body and every header except `date`: what a caller can compare.
async fn observable(response: Response) -> (StatusCode, Vec<(String, String)>, String) {
    let status = response.status();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_byte_identical_answers() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let wrong_password = observable(app.password_grant("alice", "battery-staple").await).await;
    let unknown_user = observable(app.password_grant("nobody", "battery-staple").await).await;
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password.0, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&wrong_password.2).unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_malformed_username_gets_the_same_answer_as_an_unknown_one() {
    let app = spawn_app().await;
    let odd = observable(app.password_grant("not a name;", "battery-staple").await).await;
    let unknown = observable(app.password_grant("nobody", "battery-staple").await).await;
    assert_eq!(odd, unknown);
}

#[tokio::test]
async fn disabled_user_cannot_get_a_token_and_learns_why_only_with_the_right_password() {
    let app = spawn_app().await;
    app.create_user("bob", "correct-horse", "").await;
    let user = valet::users::get_by_username(&app.db, "bob").await.unwrap();
    valet::users::set_disabled(&app.db, &user, true)
        .await
        .unwrap();

    let right = app.password_grant("bob", "correct-horse").await;
    let body = assert_oauth_error(right, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("disabled"));

    let wrong = observable(app.password_grant("bob", "wrong-horse").await).await;
    let unknown = observable(app.password_grant("nobody", "wrong-horse").await).await;
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_with_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    app.create_user("carol", "correct-horse", "").await;
    for _ in 0..5 {
        let response = app.password_grant("carol", "wrong-horse").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let locked = observable(app.password_grant("carol", "correct-horse").await).await;
    let unknown = observable(app.password_grant("nobody", "correct-horse").await).await;
    assert_eq!(locked, unknown);
    // The right password during the lock does not lift it.
    let still_locked = app.password_grant("carol", "correct-horse").await;
    assert_eq!(still_locked.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_failure_count() {
    let app = spawn_app().await;
    app.create_user("dave", "correct-horse", "").await;
    for _ in 0..4 {
        app.password_grant("dave", "wrong-horse").await;
    }
    app.tokens_for("dave", "correct-horse").await;
    for _ in 0..4 {
        app.password_grant("dave", "wrong-horse").await;
    }
    app.tokens_for("dave", "correct-horse").await;
}

#[tokio::test]
async fn without_a_scope_the_token_gets_all_of_the_users_scopes() {
    let app = spawn_app().await;
    app.create_user("erin", "correct-horse", "me orders:read")
        .await;
    let body = app.tokens_for("erin", "correct-horse").await;
    assert_eq!(body["scope"], "me orders:read");
    assert_eq!(
        jwt_claims(body["access_token"].as_str().unwrap())["scope"],
        "me orders:read"
    );
}

#[tokio::test]
async fn a_requested_subset_of_scopes_is_granted_exactly() {
    let app = spawn_app().await;
    app.create_user("erin", "correct-horse", "me orders:read")
        .await;
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "erin"),
            ("password", "correct-horse"),
            ("scope", "orders:read"),
        ])
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "orders:read");
}

#[tokio::test]
async fn a_scope_the_user_does_not_have_is_invalid_scope() {
    let app = spawn_app().await;
    app.create_user("erin", "correct-horse", "me").await;
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "erin"),
            ("password", "correct-horse"),
            ("scope", "me admin"),
        ])
        .await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_scope").await;
}

#[tokio::test]
async fn a_malformed_scope_is_invalid_scope() {
    let app = spawn_app().await;
    app.create_user("erin", "correct-horse", "me").await;
    for scope in ["me  me", "\"quoted\"", "back\\slash"] {
        let response = app
            .post_token(&[
                ("grant_type", "password"),
                ("username", "erin"),
                ("password", "correct-horse"),
                ("scope", scope),
            ])
            .await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_scope").await;
    }
}

#[tokio::test]
async fn the_access_token_is_an_rfc_9068_jwt() {
    let app = spawn_app().await;
    app.create_user("frank", "correct-horse", "me").await;
    let body = app.tokens_for("frank", "correct-horse").await;
    let token = body["access_token"].as_str().unwrap();
    let header = jwt_header(token);
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "RS256");
    assert!(header["kid"].is_string(), "{header}");
    let claims = jwt_claims(token);
    let user = valet::users::get_by_username(&app.db, "frank")
        .await
        .unwrap();
    assert_eq!(claims["iss"], "http://valet.test");
    assert_eq!(claims["aud"], "http://valet.test");
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["username"], "frank");
    assert_eq!(claims["scope"], "me");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    assert_eq!(claims["nbf"], claims["iat"]);
    assert!(claims["jti"].as_str().unwrap().len() >= 16);
    assert!(claims["sid"].as_str().unwrap().len() >= 16);
    assert!(claims.get("client_id").is_none());
}

#[tokio::test]
async fn every_password_grant_opens_its_own_session() {
    let app = spawn_app().await;
    app.create_user("gina", "correct-horse", "").await;
    let first = app.tokens_for("gina", "correct-horse").await;
    let second = app.tokens_for("gina", "correct-horse").await;
    let sid = |body: &Value| jwt_claims(body["access_token"].as_str().unwrap())["sid"].clone();
    assert_ne!(sid(&first), sid(&second));
}
