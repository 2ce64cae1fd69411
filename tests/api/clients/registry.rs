//! `/api/clients…`: create, read, change, rotate, delete; validation, 409,
//! the `admin` scope, the audit log.
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api, json_of, token_of};
use crate::client_support::{client_token, patch_client, register, register_backend};
use crate::helpers::spawn_app;

mod validation;

#[tokio::test]
async fn a_confidential_client_gets_its_secret_once_and_never_again() {
    let app = spawn_app().await;
    let created = register(
        &app,
        json!({"client_id": "orders-api", "name": "Orders", "type": "confidential",
               "grant_types": ["client_credentials"], "scopes": ["users:read"]}),
    )
    .await;
    let secret = created["client_secret"].as_str().unwrap();
    // 256 random bits, URL-safe base64.
    assert_eq!(secret.len(), 43, "{secret}");
    assert_eq!(created["type"], "confidential");
    assert_eq!(created["grant_types"], json!(["client_credentials"]));
    assert_eq!(created["disabled"], false);

    let token = admin_token(&app).await;
    let one = json_of(
        api(&app, Method::GET, "/api/clients/orders-api", &token, None).await,
        StatusCode::OK,
    )
    .await;
    let all = json_of(
        api(&app, Method::GET, "/api/clients", &token, None).await,
        StatusCode::OK,
    )
    .await;
    for shown in [&one, &all["clients"][0]] {
        assert_eq!(shown["client_id"], "orders-api");
        assert_eq!(shown["name"], "Orders");
        let text = shown.to_string();
        assert!(!text.contains(secret) && !text.contains("secret"), "{text}");
    }
    // Stored only as a hash.
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT secret_hash FROM clients",
        ))
        .await
        .unwrap()
        .unwrap();
    let hash: String = row.try_get("", "secret_hash").unwrap();
    assert_ne!(hash, secret);
    assert_eq!(hash.len(), 64);
}

#[tokio::test]
async fn defaults_are_a_public_client_with_code_and_refresh_and_openid_scopes() {
    let app = spawn_app().await;
    let created = register(&app, json!({"client_id": "web"})).await;
    assert_eq!(created["type"], "public");
    assert_eq!(created["name"], "web");
    assert_eq!(
        created["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(created["scopes"], json!(["email", "openid", "profile"]));
    assert!(created.get("client_secret").is_none());
    assert!(created["created_at"].is_i64());
}

#[tokio::test]
async fn a_taken_id_is_409_and_twenty_concurrent_creations_make_one_client() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let attempts = (0..20).map(|i| {
        api(
            &app,
            Method::POST,
            "/api/clients",
            &token,
            Some(
                json!({"client_id": "racer", "name": format!("attempt {i}"), "type": "confidential",
                        "grant_types": ["client_credentials"], "scopes": ["users:read"]}),
            ),
        )
    });
    let statuses: Vec<StatusCode> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
    let again = api(
        &app,
        Method::POST,
        "/api/clients",
        &token,
        Some(json!({"client_id": "racer"})),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn only_admin_manages_clients() {
    let app = spawn_app().await;
    app.create_user("writer", "writer-password-1", "users:read users:write")
        .await;
    let writer = token_of(&app, "writer", "writer-password-1").await;
    for (method, path) in [
        (Method::GET, "/api/clients"),
        (Method::POST, "/api/clients"),
        (Method::GET, "/api/clients/x"),
        (Method::PATCH, "/api/clients/x"),
        (Method::DELETE, "/api/clients/x"),
        (Method::POST, "/api/clients/x/secret"),
    ] {
        let response = api(
            &app,
            method.clone(),
            path,
            &writer,
            Some(json!({"client_id": "x"})),
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains(r#"scope="admin""#), "{challenge}");
        let anonymous = reqwest::Client::new()
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn patch_changes_settings_but_never_the_id_or_the_type() {
    let app = spawn_app().await;
    register(&app, json!({"client_id": "mobile"})).await;

    let changed = patch_client(
        &app,
        "mobile",
        json!({"name": "Mobile app", "first_party": true, "grant_types": ["password", "refresh_token"],
               "scopes": ["me"], "access_token_ttl": 60, "refresh_token_ttl": 3600}),
    )
    .await;
    let changed = json_of(changed, StatusCode::OK).await;
    assert_eq!(changed["name"], "Mobile app");
    assert_eq!(changed["grant_types"], json!(["refresh_token", "password"]));
    assert_eq!(changed["access_token_ttl"], 60);

    // Back to the server default with null.
    let reset = json_of(
        patch_client(&app, "mobile", json!({"access_token_ttl": null})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reset["access_token_ttl"], Value::Null);
    assert_eq!(reset["refresh_token_ttl"], 3600);

    for (body, field) in [
        (json!({"client_id": "other"}), "client_id"),
        (json!({"type": "confidential"}), "type"),
        // password needs first_party: taking it away alone is refused.
        (json!({"first_party": false}), "grant_types"),
    ] {
        let response = patch_client(&app, "mobile", body.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let answer: Value = response.json().await.unwrap();
        assert!(answer["fields"][field].is_string(), "{answer}");
    }
    let unknown = patch_client(&app, "nobody", json!({"name": "x"})).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rotated_secret_replaces_the_old_one_at_once() {
    let app = spawn_app().await;
    let old = register_backend(&app, "svc", &["users:read"]).await;
    let token = admin_token(&app).await;

    let rotated = json_of(
        api(&app, Method::POST, "/api/clients/svc/secret", &token, None).await,
        StatusCode::OK,
    )
    .await;
    let new = rotated["client_secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(rotated["client_id"], "svc");

    let with_old = client_token(&app, "svc", &old, None).await;
    crate::client_support::assert_invalid_client(with_old).await;
    let with_new = client_token(&app, "svc", new, None).await;
    assert_eq!(with_new.status(), StatusCode::OK);

    register(&app, json!({"client_id": "public-app"})).await;
    let public = api(
        &app,
        Method::POST,
        "/api/clients/public-app/secret",
        &token,
        None,
    )
    .await;
    assert_eq!(public.status(), StatusCode::CONFLICT);
    let missing = api(
        &app,
        Method::POST,
        "/api/clients/nobody/secret",
        &token,
        None,
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn delete_is_204_then_404_and_frees_the_id() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    register(&app, json!({"client_id": "gone"})).await;
    let deleted = api(&app, Method::DELETE, "/api/clients/gone", &token, None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let again = api(&app, Method::DELETE, "/api/clients/gone", &token, None).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let read = api(&app, Method::GET, "/api/clients/gone", &token, None).await;
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    register(&app, json!({"client_id": "gone"})).await;
}

#[tokio::test]
async fn every_change_to_a_client_is_in_the_audit_log() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    register_backend(&app, "svc", &["users:read"]).await;
    patch_client(
        &app,
        "svc",
        json!({"scopes": ["users:read", "users:write"]}),
    )
    .await;
    patch_client(&app, "svc", json!({"disabled": true})).await;
    patch_client(&app, "svc", json!({"disabled": false})).await;
    api(&app, Method::POST, "/api/clients/svc/secret", &token, None).await;
    api(&app, Method::DELETE, "/api/clients/svc", &token, None).await;

    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT kind, actor, subject, detail FROM audit_events WHERE subject = 'svc' ORDER BY id",
        ))
        .await
        .unwrap();
    let kinds: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "kind").unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "client_created",
            "client_updated",
            "client_disabled",
            "client_enabled",
            "client_secret_rotated",
            "client_deleted"
        ]
    );
    for row in &rows {
        assert_eq!(row.try_get::<String>("", "actor").unwrap(), "admin");
        let detail: String = row.try_get("", "detail").unwrap();
        assert!(!detail.contains("secret_hash"), "{detail}");
    }
    let updated: String = rows[1].try_get("", "detail").unwrap();
    assert!(
        updated.contains("scopes: users:read → users:read users:write"),
        "{updated}"
    );
}
