//! `/api/users…` changes that take effect on the next request: password,
//! delete, sign-out, disable, scope removal, and the last-admin rule.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::admin_support::{admin_token, api, json_of, token_of};
use crate::helpers::{assert_oauth_error, spawn_app};

#[tokio::test]
async fn patch_password_applies_the_policy_and_ends_every_session() {
    let app = spawn_app().await;
    let admin = admin_token(&app).await;
    app.create_user("hank", "hank-password", "me").await;
    let old = app.tokens_for("hank", "hank-password").await;

    let short = api(
        &app,
        Method::PATCH,
        "/api/users/hank",
        &admin,
        Some(json!({"password": "short"})),
    )
    .await;
    assert_eq!(
        json_of(short, StatusCode::UNPROCESSABLE_ENTITY).await["fields"]["password"],
        "password must be at least 8 characters"
    );
    let changed = api(
        &app,
        Method::PATCH,
        "/api/users/hank",
        &admin,
        Some(json!({"password": "new-hank-password"})),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);

    assert_eq!(
        app.get_me(old["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app.refresh(old["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        app.password_grant("hank", "hank-password").await.status(),
        StatusCode::BAD_REQUEST
    );
    app.tokens_for("hank", "new-hank-password").await;
}

#[tokio::test]
async fn delete_answers_204_and_the_users_tokens_stop_working() {
    let app = spawn_app().await;
    let admin = admin_token(&app).await;
    app.create_user("ivy", "ivy-password", "me").await;
    let ivy = token_of(&app, "ivy", "ivy-password").await;

    let response = api(&app, Method::DELETE, "/api/users/ivy", &admin, None).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api(&app, Method::GET, "/api/users/ivy", &admin, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_me(&ivy).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        api(&app, Method::DELETE, "/api/users/ivy", &admin, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn sessions_lists_live_sessions_and_sign_out_revokes_them_all() {
    let app = spawn_app().await;
    let admin = admin_token(&app).await;
    app.create_user("jay", "jay-password", "me").await;
    let first = app.tokens_for("jay", "jay-password").await;
    let second = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "jay"),
            ("password", "jay-password"),
            ("client_id", "mobile"),
        ])
        .await;
    let second: serde_json::Value = second.json().await.unwrap();

    let listed = json_of(
        api(&app, Method::GET, "/api/users/jay/sessions", &admin, None).await,
        StatusCode::OK,
    )
    .await;
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let clients: Vec<_> = sessions.iter().map(|s| s["client_id"].clone()).collect();
    assert!(
        clients.contains(&json!("mobile")) && clients.contains(&json!(null)),
        "{listed}"
    );
    for field in ["id", "kind", "created_at", "last_used_at", "expires_at"] {
        assert!(!sessions[0][field].is_null(), "{field}");
    }

    let out = api(&app, Method::POST, "/api/users/jay/sign-out", &admin, None).await;
    assert_eq!(json_of(out, StatusCode::OK).await["sessions_ended"], 2);
    for tokens in [&first, &second] {
        assert_eq!(
            app.get_me(tokens["access_token"].as_str().unwrap())
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let refresh = app.refresh(tokens["refresh_token"].as_str().unwrap()).await;
        assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    let after = json_of(
        api(&app, Method::GET, "/api/users/jay/sessions", &admin, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["sessions"], json!([]));
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_be_disabled_deleted_or_lose_admin() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;

    for (method, body) in [
        (Method::PATCH, Some(json!({"disabled": true}))),
        (
            Method::PATCH,
            Some(json!({"scopes": ["users:read", "users:write"]})),
        ),
        (Method::DELETE, None),
    ] {
        let response = api(&app, method.clone(), "/api/users/admin", &token, body).await;
        let body = json_of(response, StatusCode::CONFLICT).await;
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("last enabled admin"),
            "{method}: {body}"
        );
    }
    let admin = json_of(
        api(&app, Method::GET, "/api/users/admin", &token, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (admin["disabled"].clone(), admin["scopes"].clone()),
        (json!(false), json!(["admin", "users:read", "users:write"]))
    );

    // With a second enabled admin, the first may step down.
    app.create_user("second", "second-password", "admin").await;
    let demoted = api(
        &app,
        Method::PATCH,
        "/api/users/admin",
        &token,
        Some(json!({"scopes": ["users:read", "users:write"]})),
    )
    .await;
    assert_eq!(
        json_of(demoted, StatusCode::OK).await["scopes"],
        json!(["users:read", "users:write"])
    );
    let web = crate::helpers::Browser::signed_in(&app, "second", "second-password").await;
    let page = web.get("/admin/users/second").await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the remaining admin keeps the admin pages"
    );
}

#[tokio::test]
async fn disabling_a_user_stops_their_token_at_once_and_enabling_revives_nothing() {
    let app = spawn_app().await;
    let admin = admin_token(&app).await;
    app.create_user("kim", "kim-password", "me").await;
    let kim = app.tokens_for("kim", "kim-password").await;
    let access = kim["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(access).await.status(), StatusCode::OK);

    let disabled = api(
        &app,
        Method::PATCH,
        "/api/users/kim",
        &admin,
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(json_of(disabled, StatusCode::OK).await["disabled"], true);

    let refused = app.get_me(access).await;
    assert!(refused.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"error="invalid_token""#));
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let enabled = api(
        &app,
        Method::PATCH,
        "/api/users/kim",
        &admin,
        Some(json!({"disabled": false})),
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    assert_eq!(
        app.get_me(access).await.status(),
        StatusCode::UNAUTHORIZED,
        "enabling revives no session"
    );
    let refresh = app.refresh(kim["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
    app.tokens_for("kim", "kim-password").await;
}

#[tokio::test]
async fn a_removed_scope_is_refused_on_the_existing_token_and_not_granted_by_refresh() {
    let app = spawn_app().await;
    let admin = admin_token(&app).await;
    app.create_user("lee", "lee-password", "me users:read")
        .await;
    let lee = app.tokens_for("lee", "lee-password").await;
    let access = lee["access_token"].as_str().unwrap();
    assert_eq!(
        api(&app, Method::GET, "/api/users", access, None)
            .await
            .status(),
        StatusCode::OK
    );

    let patch = json!({"scopes": ["me"]});
    assert_eq!(
        api(&app, Method::PATCH, "/api/users/lee", &admin, Some(patch))
            .await
            .status(),
        StatusCode::OK
    );

    let refused = api(&app, Method::GET, "/api/users", access, None).await;
    assert_oauth_error(refused, StatusCode::FORBIDDEN, "insufficient_scope").await;
    assert_eq!(
        app.get_me(access).await.status(),
        StatusCode::OK,
        "the token still works for what remains"
    );
    let asked = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", lee["refresh_token"].as_str().unwrap()),
            ("scope", "users:read"),
        ])
        .await;
    assert_oauth_error(asked, StatusCode::BAD_REQUEST, "invalid_scope").await;
    let refreshed = app.refresh(lee["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let refreshed: serde_json::Value = refreshed.json().await.unwrap();
    assert_eq!(refreshed["scope"], "me");
    let new_access = refreshed["access_token"].as_str().unwrap();
    let still_refused = api(&app, Method::GET, "/api/users", new_access, None).await;
    assert_eq!(still_refused.status(), StatusCode::FORBIDDEN);
}
