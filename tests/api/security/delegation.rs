//! Delegation: a caller without `admin` grants only scopes it holds, never
//! `admin` or `introspect`, and cannot touch a user who holds `admin`. The
//! refusal is a 403 naming the scope, and nothing is written.
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{api, json_of, token_of};
use crate::helpers::{spawn_app, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

const WRITER_PASSWORD: &str = "writer-password-1";

/// Asserts a 403 whose message names `scope`.
async fn assert_forbidden_naming(response: reqwest::Response, scope: &str) {
    let body: Value = json_of(response, StatusCode::FORBIDDEN).await;
    let message = body["error_description"].as_str().unwrap_or_default();
    assert!(message.contains(scope), "{body}");
}

async fn scopes_of(app: &TestApp, username: &str) -> Value {
    let admin = token_of(app, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let path = format!("/api/users/{username}");
    json_of(
        api(app, Method::GET, &path, &admin, None).await,
        StatusCode::OK,
    )
    .await["scopes"]
        .clone()
}

#[tokio::test]
async fn users_write_cannot_make_itself_admin() {
    let app = spawn_app().await;
    app.create_user("writer", WRITER_PASSWORD, "me users:read users:write")
        .await;
    let token = token_of(&app, "writer", WRITER_PASSWORD).await;
    for scope in ["admin", "introspect"] {
        let body = json!({"scopes": ["me", "users:read", "users:write", scope]});
        let response = api(&app, Method::PATCH, "/api/users/writer", &token, Some(body)).await;
        assert_forbidden_naming(response, scope).await;
    }
    assert_eq!(
        scopes_of(&app, "writer").await,
        json!(["me", "users:read", "users:write"])
    );
    let admin_page = app.get_with_token("/admin/users", &token).await;
    assert_eq!(admin_page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn users_write_cannot_create_an_admin_or_grant_a_scope_it_lacks() {
    let app = spawn_app().await;
    app.create_user("writer", WRITER_PASSWORD, "me users:read users:write")
        .await;
    let token = token_of(&app, "writer", WRITER_PASSWORD).await;
    for (name, scope) in [
        ("evil", "admin"),
        ("spy", "introspect"),
        ("other", "billing"),
    ] {
        let body =
            json!({"username": name, "password": "a-long-password", "scopes": ["me", scope]});
        let response = api(&app, Method::POST, "/api/users", &token, Some(body)).await;
        assert_forbidden_naming(response, scope).await;
        let admin = token_of(&app, ADMIN_USERNAME, ADMIN_PASSWORD).await;
        let path = format!("/api/users/{name}");
        let lookup = api(&app, Method::GET, &path, &admin, None).await;
        assert_eq!(
            lookup.status(),
            StatusCode::NOT_FOUND,
            "{name} was not created"
        );
    }
    // What the caller holds it may hand on.
    let body = json!({"username": "helper", "password": "a-long-password", "scopes": ["me"]});
    let response = api(&app, Method::POST, "/api/users", &token, Some(body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_narrowed_token_grants_only_the_scopes_of_the_token() {
    let app = spawn_app().await;
    app.create_user("writer", WRITER_PASSWORD, "me users:read users:write")
        .await;
    app.create_user("bob", "bob-password-1", "").await;
    let narrowed = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", "writer"),
            ("password", WRITER_PASSWORD),
            ("scope", "users:write"),
        ])
        .await;
    let narrowed: Value = narrowed.json().await.unwrap();
    let token = narrowed["access_token"].as_str().unwrap();
    let response = api(
        &app,
        Method::PATCH,
        "/api/users/bob",
        token,
        Some(json!({"scopes": ["me"]})),
    )
    .await;
    assert_forbidden_naming(response, "me").await;
    assert_eq!(scopes_of(&app, "bob").await, json!([]));
}

#[tokio::test]
async fn users_write_cannot_touch_a_user_who_holds_admin() {
    let app = spawn_app().await;
    app.create_user("writer", WRITER_PASSWORD, "me users:read users:write")
        .await;
    let token = token_of(&app, "writer", WRITER_PASSWORD).await;
    let admin_session = token_of(&app, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let attempts: [(Method, &str, Option<Value>); 5] = [
        (
            Method::PATCH,
            "/api/users/admin",
            Some(json!({"password": "taken-over-now"})),
        ),
        (
            Method::PATCH,
            "/api/users/admin",
            Some(json!({"disabled": true})),
        ),
        (
            Method::PATCH,
            "/api/users/admin",
            Some(json!({"email": "mine@example.com"})),
        ),
        (Method::POST, "/api/users/admin/sign-out", None),
        (Method::DELETE, "/api/users/admin", None),
    ];
    for (method, path, body) in attempts {
        let response = api(&app, method, path, &token, body).await;
        assert_forbidden_naming(response, "admin").await;
    }
    // Nothing changed: the admin's password, session and account stand.
    assert_eq!(app.get_me(&admin_session).await.status(), StatusCode::OK);
    let me: Value = app.get_me(&admin_session).await.json().await.unwrap();
    assert!(me["email"].is_null(), "{me}");
    app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
}
