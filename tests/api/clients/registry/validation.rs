//! What registration refuses (422 with `fields`) and what it accepts.
use super::*;

#[tokio::test]
async fn bad_fields_are_422_validation_failed_naming_each_field() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let cases = [
        (json!({"client_id": "has space"}), "client_id"),
        (json!({"client_id": "a/b"}), "client_id"),
        (json!({"client_id": "x".repeat(65)}), "client_id"),
        (json!({}), "client_id"),
        (json!({"client_id": "a", "type": "secretive"}), "type"),
        (
            json!({"client_id": "a", "grant_types": ["implicit"]}),
            "grant_types",
        ),
        (
            json!({"client_id": "a", "grant_types": ["password"]}),
            "grant_types",
        ),
        (
            json!({"client_id": "a", "grant_types": ["client_credentials"]}),
            "grant_types",
        ),
        (
            json!({"client_id": "a", "redirect_uris": ["https://app.example/cb#x"]}),
            "redirect_uris",
        ),
        (
            json!({"client_id": "a", "redirect_uris": ["https://*.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"client_id": "a", "redirect_uris": ["http://app.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"client_id": "a", "redirect_uris": ["http://localhost/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"client_id": "a", "redirect_uris": ["myapp:/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"client_id": "a", "post_logout_redirect_uris": ["javascript:alert(1)"]}),
            "post_logout_redirect_uris",
        ),
        (
            json!({"client_id": "a", "scopes": ["bad\"scope"]}),
            "scopes",
        ),
        (
            json!({"client_id": "a", "access_token_ttl": 0}),
            "access_token_ttl",
        ),
        (
            json!({"client_id": "a", "refresh_token_ttl": -1}),
            "refresh_token_ttl",
        ),
        (json!({"client_id": "a", "name": "  "}), "name"),
    ];
    for (body, field) in cases {
        let response = api(
            &app,
            Method::POST,
            "/api/clients",
            &token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"], "validation_failed", "{body}");
        assert!(answer["fields"][field].is_string(), "{body} → {answer}");
    }
    let all = json_of(
        api(&app, Method::GET, "/api/clients", &token, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["clients"], json!([]), "nothing was written");
}

#[tokio::test]
async fn https_loopback_http_on_any_port_and_private_use_schemes_are_accepted() {
    let app = spawn_app().await;
    let uris = [
        "https://app.example.com/cb",
        "http://127.0.0.1/cb",
        "http://127.0.0.1:51004/cb",
        "http://[::1]:8080/cb",
        "com.example.app:/oauth2redirect",
    ];
    let created = register(
        &app,
        json!({"client_id": "native", "redirect_uris": uris, "post_logout_redirect_uris": ["https://app.example.com/bye"]}),
    )
    .await;
    assert_eq!(created["redirect_uris"], json!(uris));
    assert_eq!(
        created["post_logout_redirect_uris"],
        json!(["https://app.example.com/bye"])
    );
}
