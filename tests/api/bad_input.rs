//! Issue 6: hostile input gets a clean 4xx, never a 500 or a panic.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    assert_oauth_error, jwt_claims, spawn_app, spawn_app_with, ADMIN_PASSWORD, ADMIN_USERNAME,
};
use crate::process::ValetProcess;

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn invalid_utf8_and_broken_percent_encoding_are_invalid_requests() {
    let app = spawn_app().await;
    for body in [
        b"grant_type=password&username=\xff\xfe&password=x".to_vec(),
        b"grant_type=password&username=%ff%fe&password=xxxxxxxx".to_vec(),
        b"grant_type=pass%word".to_vec(),
    ] {
        let response = app.post_token_raw(FORM, body).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string());
    }
}

#[tokio::test]
async fn nul_bytes_and_enormous_fields_get_a_clean_answer() {
    let app = spawn_app().await;
    let huge = "a".repeat(60 * 1024);
    for (username, password) in [
        ("ad\0min", ADMIN_PASSWORD),
        (ADMIN_USERNAME, "admin-\0password-1"),
        (huge.as_str(), "x"),
        (ADMIN_USERNAME, huge.as_str()),
    ] {
        let response = app.password_grant(username, password).await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
}

#[tokio::test]
async fn empty_bodies_and_fields_are_invalid_requests() {
    let app = spawn_app().await;
    let response = app.post_token_raw(FORM, "").await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    let response = app.post_token_raw(FORM, "&&&===&").await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn a_token_claiming_rs256_is_refused() {
    use base64::Engine;
    let app = spawn_app().await;
    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    let claims = jwt_claims(token);
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    let signature = token.rsplit('.').next().unwrap();
    for alg in ["RS256", "ES256", "HS512", "none", "None"] {
        let header = serde_json::json!({"alg": alg, "typ": "at+jwt"});
        let forged = format!("{}.{}.{}", b64(&header), b64(&claims), signature);
        let response = app.get_me(&forged).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{alg}");
    }
}

#[tokio::test]
async fn a_client_id_with_control_characters_or_a_broken_basic_header_is_refused() {
    let app = spawn_app().await;
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("client_id", "mob\u{1}ile"),
        ])
        .await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    let response = app
        .client
        .post(app.url("/token"))
        .header("Authorization", "Basic !!!not-base64")
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("www-authenticate"));
    assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    // Untrusted peer: X-Forwarded-For is ignored, so all requests share one budget.
    let app = spawn_app_with(&[("VALET_RATE_LIMIT_PER_MINUTE", "2")]).await;
    for i in 0..2 {
        let response = app
            .client
            .post(app.url("/token"))
            .header("X-Forwarded-For", format!("203.0.113.{i}"))
            .form(&[("grant_type", "password")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let spoofed = app
        .client
        .post(app.url("/token"))
        .header("X-Forwarded-For", "203.0.113.99")
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS);

    // Behind a trusted proxy each forwarded client has its own budget.
    let app = spawn_app_with(&[
        ("VALET_RATE_LIMIT_PER_MINUTE", "2"),
        ("VALET_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        for _ in 0..2 {
            let response = app
                .client
                .post(app.url("/token"))
                .header("X-Forwarded-For", client)
                .form(&[("grant_type", "password")])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{client}");
        }
    }
    let third = app
        .client
        .post(app.url("/token"))
        .header("X-Forwarded-For", "203.0.113.1")
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn no_secret_reaches_the_log_at_any_level() {
    let database = crate::helpers::TestDatabase::create().await;
    let url = database.url();
    let mut valet = ValetProcess::start(&[
        ("DATABASE_URL", url.as_str()),
        ("VALET_ADMIN_PASSWORD", ADMIN_PASSWORD),
        (
            "VALET_JWT_SECRET",
            "log-test-signing-secret-0123456789abcdef",
        ),
        ("RUST_LOG", "trace"),
    ]);
    let client = reqwest::Client::new();
    let pair: Value = client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = pair["access_token"].as_str().unwrap().to_owned();
    let refresh = pair["refresh_token"].as_str().unwrap().to_owned();
    client
        .get(valet.url(&format!("/users/me?access_token={access}")))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    let second: Value = client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", "wrong-password-x"),
        ])
        .send()
        .await
        .unwrap();
    // A last request, whose line is logged after everything the ones
    // above made valet write: then the log is complete.
    client.get(valet.url("/healthz")).send().await.unwrap();
    let log = valet
        .log_until(|line| line.contains("\"GET /healthz\""))
        .join("\n");
    assert!(log.contains("/users/me"), "requests are logged: {log}");
    let signature = access.rsplit('.').next().unwrap();
    for secret in [
        ADMIN_PASSWORD,
        "wrong-password-x",
        signature,
        refresh.as_str(),
        second["refresh_token"].as_str().unwrap(),
        "log-test-signing-secret",
    ] {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
}

#[tokio::test]
async fn nul_bytes_in_paths_and_queries_never_reach_the_database_as_errors() {
    let app = spawn_app().await;
    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    for path in [
        "/api/users?q=a%00b",
        "/api/users/a%00b",
        "/api/users/a%00b/sessions",
        "/admin/users?q=a%00b",
        "/admin/users/a%00b",
        "/admin/audit?user=a%00b",
    ] {
        let response = app.get_with_token(path, token).await;
        assert!(
            response.status().is_success() || response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
    let client = reqwest::Client::new();
    let create = client
        .post(app.url("/api/users"))
        .bearer_auth(token)
        .json(
            &serde_json::json!({"username": "nul\u{0}name", "password": "long-enough-1",
                                   "email": "a\u{0}@b.c", "full_name": "x\u{0}y"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let revoke = client
        .post(app.url("/revoke"))
        .form(&[("token", "a\u{0}b")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
}
