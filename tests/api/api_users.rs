//! README `/api/users…`: every route, its scope and its errors.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::admin_support::{admin_browser, admin_token, api, json_of, token_of};
use crate::helpers::{assert_oauth_error, spawn_app, TestApp};

async fn create(app: &TestApp, token: &str, body: serde_json::Value) -> reqwest::Response {
    api(app, Method::POST, "/api/users", token, Some(body)).await
}

mod access;

mod count;
mod listing;

#[tokio::test]
async fn reading_needs_users_read_and_writing_needs_users_write() {
    let app = spawn_app().await;
    app.create_user("reader", "reader-password", "users:read")
        .await;
    app.create_user("nobody", "nobody-password", "me").await;
    let reader = token_of(&app, "reader", "reader-password").await;
    let nobody = token_of(&app, "nobody", "nobody-password").await;

    let denied = api(&app, Method::GET, "/api/users", &nobody, None).await;
    assert_eq!(
        denied.headers()["www-authenticate"],
        r#"Bearer realm="valet", error="insufficient_scope", scope="users:read""#
    );
    assert_oauth_error(denied, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let listed = api(
        &app,
        Method::GET,
        "/api/users/nobody/sessions",
        &reader,
        None,
    )
    .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let body = json!({"username": "x", "password": "long-password-1"});
    let write = create(&app, &reader, body).await;
    assert_eq!(
        write.headers()["www-authenticate"],
        r#"Bearer realm="valet", error="insufficient_scope", scope="users:write""#
    );
    for (method, path) in [
        (Method::PATCH, "/api/users/nobody"),
        (Method::DELETE, "/api/users/nobody"),
        (Method::POST, "/api/users/nobody/sign-out"),
    ] {
        let response = api(&app, method.clone(), path, &reader, Some(json!({}))).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
    let anonymous = reqwest::get(app.url("/api/users")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        r#"Bearer realm="valet""#
    );
}

#[tokio::test]
async fn an_admin_browser_session_may_read_but_not_write_the_api() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    let read = browser
        .client
        .get(app.url("/api/users/admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let write = browser
        .client
        .post(app.url("/api/users"))
        .json(&json!({"username": "sneaky", "password": "long-password-1"}))
        .send()
        .await
        .unwrap();

    assert_eq!(write.status(), StatusCode::UNAUTHORIZED);
    let gone = api(
        &app,
        Method::GET,
        "/api/users/sneaky",
        &admin_token(&app).await,
        None,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn create_answers_201_with_the_user_who_can_then_get_a_token() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let body = json!({"username": "frank", "password": "frank-password", "email": "f@example.com",
                      "full_name": "Frank Fisher", "scopes": ["me", "reports:read"]});

    let response = create(&app, &token, body).await;

    assert_eq!(response.headers()["location"], "/api/users/frank");
    let user = json_of(response, StatusCode::CREATED).await;
    assert_eq!(user["username"], "frank");
    assert_eq!(user["email"], "f@example.com");
    assert_eq!(user["full_name"], "Frank Fisher");
    assert_eq!(user["scopes"], json!(["me", "reports:read"]));
    assert_eq!(user["disabled"], false);
    let tokens = app.tokens_for("frank", "frank-password").await;
    assert_eq!(tokens["scope"], "me reports:read");
}

#[tokio::test]
async fn a_taken_username_is_a_409() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let body = json!({"username": "admin", "password": "long-password-1"});

    let body = json_of(create(&app, &token, body).await, StatusCode::CONFLICT).await;

    assert_eq!(body["error"], "conflict");
}

#[tokio::test]
async fn bad_input_is_a_422_naming_every_bad_field() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let body = json!({"username": "no spaces", "password": "short", "email": "nope",
                      "scopes": ["fine", "not\"fine"]});

    let body = json_of(
        create(&app, &token, body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    assert_eq!(body["error"], "validation_failed");
    let fields = body["fields"].as_object().unwrap();
    let names: Vec<_> = fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["email", "password", "scopes", "username"]);
    assert!(
        fields["password"].as_str().unwrap().contains("at least 8"),
        "{body}"
    );
    let missing = json_of(
        create(&app, &token, json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(missing["fields"]["username"], "username is required");
    let long = json!({"username": "longpw", "password": "é".repeat(37)});
    let long = json_of(
        create(&app, &token, long).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        long["fields"]["password"]
            .as_str()
            .unwrap()
            .contains("72 bytes"),
        "{long}"
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_400_not_a_500() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let wrong_type = create(
        &app,
        &token,
        json!({"username": "a", "password": "long-password-1", "scopes": "me"}),
    )
    .await;
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);
    let unknown = api(
        &app,
        Method::PATCH,
        "/api/users/admin",
        &token,
        Some(json!({"username": "x"})),
    )
    .await;
    assert_eq!(json_of_any(unknown).await["error"], "invalid_request");
}

async fn json_of_any(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    response.json().await.unwrap()
}

#[tokio::test]
async fn get_returns_one_user_or_404() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;

    let admin = json_of(
        api(&app, Method::GET, "/api/users/admin", &token, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        admin["scopes"],
        json!(["admin", "users:read", "users:write"])
    );
    let missing = api(&app, Method::GET, "/api/users/ghost", &token, None).await;
    assert_eq!(
        json_of(missing, StatusCode::NOT_FOUND).await["error"],
        "not_found"
    );
    for (method, path) in [
        (Method::PATCH, "/api/users/ghost"),
        (Method::DELETE, "/api/users/ghost"),
        (Method::POST, "/api/users/ghost/sign-out"),
        (Method::GET, "/api/users/ghost/sessions"),
    ] {
        let response = api(&app, method.clone(), path, &token, Some(json!({}))).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
}

#[tokio::test]
async fn patch_changes_email_name_and_scopes_and_null_clears() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    app.create_user("gina", "gina-password", "me").await;
    let patch = json!({"email": "g@example.com", "full_name": "Gina G", "scopes": ["me", "extra"]});

    let user = json_of(
        api(&app, Method::PATCH, "/api/users/gina", &token, Some(patch)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (user["email"].clone(), user["full_name"].clone()),
        (json!("g@example.com"), json!("Gina G"))
    );
    assert_eq!(user["scopes"], json!(["extra", "me"]));

    let cleared = api(
        &app,
        Method::PATCH,
        "/api/users/gina",
        &token,
        Some(json!({"email": null})),
    )
    .await;
    let cleared = json_of(cleared, StatusCode::OK).await;
    assert_eq!(cleared["email"], serde_json::Value::Null);
    assert_eq!(cleared["full_name"], "Gina G", "fields left out stay");
    let bad = api(
        &app,
        Method::PATCH,
        "/api/users/gina",
        &token,
        Some(json!({"email": "x", "scopes": [""]})),
    )
    .await;
    let bad = json_of(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        bad["fields"]["email"].is_string() && bad["fields"]["scopes"].is_string(),
        "{bad}"
    );
}
