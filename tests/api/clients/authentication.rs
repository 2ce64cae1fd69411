//! Client authentication at `/token` (RFC 6749 §2.3.1, §3.2.1): both
//! methods, their encoding, every refusal, `VALET_UNREGISTERED_CLIENTS`,
//! the grants a client may use, its scope ceiling and its lifetimes.
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::client_support::{
    assert_invalid_client, basic, client_token, post_form, register, register_backend,
    register_first_party_app,
};
use crate::helpers::{
    assert_oauth_error, jwt_claims, spawn_app, spawn_app_with, ADMIN_PASSWORD, ADMIN_USERNAME,
};

mod unregistered;

#[tokio::test]
async fn client_secret_basic_and_client_secret_post_both_authenticate() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;

    let by_basic = client_token(&app, "svc", &secret, None).await;
    assert_eq!(by_basic.status(), StatusCode::OK);

    let by_post = post_form(
        &app,
        "/token",
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc"),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(by_post.status(), StatusCode::OK);
    assert_eq!(by_post.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn both_methods_at_once_is_invalid_request() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    let response = post_form(
        &app,
        "/token",
        Some(&basic("svc", &secret)),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc"),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn basic_credentials_are_form_urlencoded_before_base64() {
    let app = spawn_app().await;
    register(
        &app,
        json!({"client_id": "team~svc.v2", "type": "confidential",
               "grant_types": ["client_credentials"], "scopes": ["users:read"]}),
    )
    .await;
    let token = crate::admin_support::admin_token(&app).await;
    let rotated = crate::admin_support::json_of(
        crate::admin_support::api(
            &app,
            reqwest::Method::POST,
            "/api/clients/team~svc.v2/secret",
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let secret = rotated["client_secret"].as_str().unwrap();
    // Every byte of id and secret percent-encoded: valet must decode both
    // (`~` as %7E, and `-`/`_` of the secret too).
    let encode_all = |v: &str| v.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    use base64::Engine;
    let raw = format!("{}:{}", encode_all("team~svc.v2"), encode_all(secret));
    let header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    );
    let response = post_form(
        &app,
        "/token",
        Some(&header),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        jwt_claims(body["access_token"].as_str().unwrap())["client_id"],
        "team~svc.v2"
    );

    // A secret holding ':' is sent as %3A, so only the first ':' splits:
    // with a wrong secret of that shape the answer is invalid_client, never
    // a misparse as another id.
    let wrong = client_token(&app, "team~svc.v2", "a:b", None).await;
    assert_invalid_client(wrong).await;
}

#[tokio::test]
async fn a_wrong_missing_or_misplaced_secret_is_401_invalid_client_with_a_basic_challenge() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    app.create_user("alice", "alice-password-1", "me").await;

    let wrong = client_token(&app, "svc", &format!("{secret}x"), None).await;
    assert_invalid_client(wrong).await;
    let missing = post_form(
        &app,
        "/token",
        None,
        &[("grant_type", "client_credentials"), ("client_id", "svc")],
    )
    .await;
    assert_invalid_client(missing).await;
    let unknown = client_token(&app, "nobody", "some-secret", None).await;
    assert_invalid_client(unknown).await;
    // A public client has no secret to send.
    let public_with_secret = post_form(
        &app,
        "/token",
        Some(&basic("mobile", "made-up")),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ],
    )
    .await;
    assert_invalid_client(public_with_secret).await;
    // ... but may send an empty one (`mobile:` as requests-oauthlib does).
    let public_empty = post_form(
        &app,
        "/token",
        Some(&basic("mobile", "")),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ],
    )
    .await;
    assert_eq!(public_empty.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_client_cannot_authenticate() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    crate::client_support::patch_client(&app, "svc", json!({"disabled": true})).await;
    assert_invalid_client(client_token(&app, "svc", &secret, None).await).await;
}

#[tokio::test]
async fn a_grant_the_client_is_not_registered_for_is_unauthorized_client() {
    let app = spawn_app().await;
    register(&app, json!({"client_id": "web"})).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let password = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", "web"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ])
        .await;
    assert_oauth_error(password, StatusCode::BAD_REQUEST, "unauthorized_client").await;

    let secret = register_backend(&app, "svc", &["users:read"]).await;
    let password = post_form(
        &app,
        "/token",
        Some(&basic("svc", &secret)),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ],
    )
    .await;
    assert_oauth_error(password, StatusCode::BAD_REQUEST, "unauthorized_client").await;
}

#[tokio::test]
async fn a_token_never_carries_a_scope_beyond_the_clients_registration() {
    let app = spawn_app().await;
    register_first_party_app(&app, "mobile", &["me", "users:read"]).await;
    app.create_user("alice", "alice-password-1", "me users:read users:write")
        .await;
    let sign_in = |scope: Option<&'static str>| {
        let app = &app;
        async move {
            let mut params = vec![
                ("grant_type", "password"),
                ("client_id", "mobile"),
                ("username", "alice"),
                ("password", "alice-password-1"),
            ];
            if let Some(scope) = scope {
                params.push(("scope", scope));
            }
            app.post_token(&params).await
        }
    };
    // Without scope: the user's scopes that the client may have.
    let body: Value = sign_in(None).await.json().await.unwrap();
    assert_eq!(body["scope"], "me users:read");
    // Beyond the client: invalid_scope, even though the user holds it.
    assert_oauth_error(
        sign_in(Some("users:write")).await,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
    let narrowed: Value = sign_in(Some("me")).await.json().await.unwrap();
    assert_eq!(narrowed["scope"], "me");

    // Narrowing the client narrows the next refresh.
    crate::client_support::patch_client(&app, "mobile", json!({"scopes": ["me"]})).await;
    let refreshed: Value = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "mobile"),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["scope"], "me");
}

#[tokio::test]
async fn a_clients_own_lifetimes_override_the_servers() {
    let app = spawn_app().await;
    register(
        &app,
        json!({"client_id": "kiosk", "first_party": true, "grant_types": ["password", "refresh_token"],
               "scopes": ["me"], "access_token_ttl": 60, "refresh_token_ttl": 600}),
    )
    .await;
    app.create_user("alice", "alice-password-1", "me").await;
    let body: Value = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", "kiosk"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["expires_in"], 60);
    let claims = jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );
    // The session (and its refresh token) lives the client's 600 seconds.
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT expires_at - created_at AS ttl FROM sessions WHERE client_id = 'kiosk'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "ttl").unwrap(), 600);
}

#[tokio::test]
async fn a_refresh_token_of_a_registered_client_needs_that_client() {
    let app = spawn_app().await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let body: Value = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", "mobile"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ])
        .await
        .json()
        .await
        .unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let anonymous = app
        .post_token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .await;
    assert_invalid_client(anonymous).await;
    let other = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "other-app"),
            ("refresh_token", refresh),
        ])
        .await;
    assert_oauth_error(other, StatusCode::BAD_REQUEST, "invalid_grant").await;
}
