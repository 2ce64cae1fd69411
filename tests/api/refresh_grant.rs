//! docs/security.md's refresh grant (RFC 6749 §6): rotation, reuse detection,
//! atomic consumption, scope narrowing.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_oauth_error, jwt_claims, spawn_app, spawn_app_with_clock};

fn refresh_token(body: &Value) -> &str {
    body["refresh_token"].as_str().unwrap()
}

fn access_token(body: &Value) -> &str {
    body["access_token"].as_str().unwrap()
}

#[tokio::test]
async fn a_refresh_returns_a_new_pair_in_the_same_session() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "me").await;
    let first = app.tokens_for("alice", "correct-horse").await;
    let response = app.refresh(refresh_token(&first)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let second: Value = response.json().await.unwrap();
    assert_ne!(refresh_token(&second), refresh_token(&first));
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["scope"], "me");
    assert_eq!(
        jwt_claims(access_token(&second))["sid"],
        jwt_claims(access_token(&first))["sid"]
    );
    assert_eq!(
        app.get_me(access_token(&second)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_used_refresh_token_is_dead() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let first = app.tokens_for("alice", "correct-horse").await;
    assert_eq!(
        app.refresh(refresh_token(&first)).await.status(),
        StatusCode::OK
    );
    let again = app.refresh(refresh_token(&first)).await;
    assert_oauth_error(again, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_every_token_of_its_session() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let stolen = app.tokens_for("alice", "correct-horse").await;
    let legit: Value = app
        .refresh(refresh_token(&stolen))
        .await
        .json()
        .await
        .unwrap();
    // The thief replays the old token: the whole session ends.
    let replay = app.refresh(refresh_token(&stolen)).await;
    assert_oauth_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let next = app.refresh(refresh_token(&legit)).await;
    assert_oauth_error(next, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        app.get_me(access_token(&legit)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Another sign-in of the same user is untouched.
    let other = app.tokens_for("alice", "correct-horse").await;
    assert_eq!(
        app.get_me(access_token(&other)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn of_two_concurrent_uses_of_one_refresh_token_exactly_one_wins() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    for _ in 0..5 {
        let pair = app.tokens_for("alice", "correct-horse").await;
        let token = refresh_token(&pair);
        let (a, b) = tokio::join!(app.refresh(token), app.refresh(token));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    }
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid_grant() {
    let app = spawn_app().await;
    let response = app.refresh("no-such-token").await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn an_expired_refresh_token_is_invalid_grant() {
    let (app, clock) = spawn_app_with_clock(&[("VALET_REFRESH_TOKEN_TTL", "1")]).await;
    app.create_user("alice", "correct-horse", "").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    clock.advance(2);
    let response = app.refresh(refresh_token(&pair)).await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope_but_not_widen_it() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "a b c").await;
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct-horse"),
            ("scope", "a b"),
        ])
        .await;
    let pair: Value = response.json().await.unwrap();

    let wider = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token(&pair)),
            ("scope", "a c"),
        ])
        .await;
    assert_oauth_error(wider, StatusCode::BAD_REQUEST, "invalid_scope").await;

    // The refused request did not use up the token.
    let narrower: Value = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token(&pair)),
            ("scope", "a"),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(narrower["scope"], "a");
    // The new refresh token keeps the original grant.
    let back: Value = app
        .refresh(refresh_token(&narrower))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["scope"], "a b");
}

#[tokio::test]
async fn a_scope_removed_from_the_user_is_not_granted_by_the_next_refresh() {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "a b").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    let user = valet::users::get_by_username(&app.db, "alice")
        .await
        .unwrap();
    let mut active = user.into_active_model();
    active.scopes = Set("a".into());
    active.update(&app.db).await.unwrap();

    let refreshed: Value = app
        .refresh(refresh_token(&pair))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["scope"], "a");
}

#[tokio::test]
async fn a_refresh_token_of_a_disabled_user_is_refused() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let pair = app.tokens_for("alice", "correct-horse").await;
    let user = valet::users::get_by_username(&app.db, "alice")
        .await
        .unwrap();
    valet::users::set_disabled(&app.db, &user, true)
        .await
        .unwrap();
    valet::users::set_disabled(&app.db, &user, false)
        .await
        .unwrap();
    // Enabling again does not revive the sessions the disable ended.
    let response = app.refresh(refresh_token(&pair)).await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn a_refresh_token_is_bound_to_the_client_it_was_issued_to() {
    let app = spawn_app().await;
    app.create_user("alice", "correct-horse", "").await;
    let pair: Value = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct-horse"),
            ("client_id", "mobile"),
        ])
        .await
        .json()
        .await
        .unwrap();
    let response = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token(&pair)),
            ("client_id", "web"),
        ])
        .await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let ok = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token(&pair)),
            ("client_id", "mobile"),
        ])
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(jwt_claims(access_token(&body))["client_id"], "mobile");
}
