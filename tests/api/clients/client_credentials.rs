//! `grant_type=client_credentials` (RFC 6749 §4.4) and what its tokens may
//! do: the claims, the scope, the guard on API routes and `/users/me`.
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{api, json_of};
use crate::client_support::{client_access_token, client_token, register, register_backend};
use crate::helpers::{assert_oauth_error, jwt_claims, spawn_app};

#[tokio::test]
async fn the_token_names_the_client_as_subject_and_has_no_user_and_no_refresh_token() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "orders-api", &["users:read", "introspect"]).await;

    let response = client_token(&app, "orders-api", &secret, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["scope"], "introspect users:read");
    assert!(body.get("refresh_token").is_none(), "{body}");

    let claims = jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], "orders-api");
    assert_eq!(claims["client_id"], "orders-api");
    assert!(claims.get("username").is_none(), "{claims}");
    assert_eq!(claims["iss"], "http://valet.test");
    assert_eq!(claims["aud"], "http://valet.test");
    for claim in ["exp", "iat", "nbf", "jti"] {
        assert!(!claims[claim].is_null(), "{claim} in {claims}");
    }
}

#[tokio::test]
async fn the_scope_stays_within_the_clients_registration() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read", "reports"]).await;
    let narrowed: Value = client_token(&app, "svc", &secret, Some("reports"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(narrowed["scope"], "reports");
    for beyond in ["admin", "users:read admin", "bad\"scope"] {
        let response = client_token(&app, "svc", &secret, Some(beyond)).await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_scope").await;
    }
}

#[tokio::test]
async fn a_client_without_the_grant_is_unauthorized_client() {
    let app = spawn_app().await;
    let created = register(
        &app,
        json!({"client_id": "site", "type": "confidential",
               "grant_types": ["authorization_code", "refresh_token"]}),
    )
    .await;
    let secret = created["client_secret"].as_str().unwrap();
    let response = client_token(&app, "site", secret, None).await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "unauthorized_client").await;
}

#[tokio::test]
async fn client_tokens_work_on_api_routes_holding_the_scope_and_get_403_on_users_me() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "reader", &["users:read"]).await;
    let token = client_access_token(&app, "reader", &secret).await;

    let list = api(&app, Method::GET, "/api/users", &token, None).await;
    assert_eq!(list.status(), StatusCode::OK);
    let write = api(
        &app,
        Method::POST,
        "/api/users",
        &token,
        Some(json!({"username": "x", "password": "long-password-1"})),
    )
    .await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    assert!(write.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"scope="users:write""#));
    let clients = api(&app, Method::GET, "/api/clients", &token, None).await;
    assert_eq!(clients.status(), StatusCode::FORBIDDEN);

    let me = app.get_me(&token).await;
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
    let challenge = me.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    // A page answers the 403 page, not a redirect to sign in.
    let page = app.get_with_token("/account", &token).await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_client_with_admin_manages_users_and_clients_and_the_audit_log_names_it() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "provisioner", &["admin", "users:write"]).await;
    let token = client_access_token(&app, "provisioner", &secret).await;

    let created = api(
        &app,
        Method::POST,
        "/api/users",
        &token,
        Some(json!({"username": "bob", "password": "bob-password-1", "scopes": ["me"]})),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let client = api(
        &app,
        Method::POST,
        "/api/clients",
        &token,
        Some(json!({"client_id": "made-by-a-client"})),
    )
    .await;
    json_of(client, StatusCode::CREATED).await;

    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT kind, actor, client_id FROM audit_events WHERE kind IN ('user_created', 'client_created') ORDER BY id",
        ))
        .await
        .unwrap();
    let actions: Vec<(String, String, Option<String>)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "kind").unwrap(),
                r.try_get("", "actor").unwrap(),
                r.try_get("", "client_id").unwrap(),
            )
        })
        .collect();
    assert!(actions.contains(&(
        "user_created".into(),
        "provisioner".into(),
        Some("provisioner".into())
    )));
    assert!(actions.contains(&(
        "client_created".into(),
        "provisioner".into(),
        Some("provisioner".into())
    )));
}
