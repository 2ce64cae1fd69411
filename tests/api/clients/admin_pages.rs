//! `/admin/clients…`: the registry in the admin UI, each form over HTTP.
use reqwest::StatusCode;

use crate::admin_support::admin_browser;
use crate::client_support::{
    assert_invalid_client, client_access_token, client_token, register, register_backend,
};
use crate::helpers::Browser;
use crate::helpers::{assert_is_redirect_to, spawn_app};

/// The value of the secret field on a page that shows one.
fn secret_in(html: &str) -> String {
    let marker = r#"aria-describedby="secret-help">"#;
    let start = html.find(marker).expect("a secret on the page") + marker.len();
    let end = start + html[start..].find('<').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn registering_a_confidential_client_shows_its_secret_once_and_it_works() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;
    let response = browser
        .submit(
            "/admin/new-client",
            "/admin/clients",
            &[
                ("client_id", "orders-api"),
                ("name", "Orders"),
                ("client_type", "confidential"),
                ("grant_client_credentials", "on"),
                ("scopes", "users:read"),
                ("redirect_uris", ""),
                ("access_token_ttl", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("never show it again"), "{html}");
    let secret = secret_in(&html);
    assert_eq!(
        client_token(&app, "orders-api", &secret, None)
            .await
            .status(),
        StatusCode::OK
    );

    // Never again: not on the client page, not in the list.
    for path in ["/admin/clients/orders-api", "/admin/clients"] {
        let page = browser.page(path).await;
        assert!(!page.contains(&secret), "{path}");
        assert!(page.contains("orders-api"));
    }
}

#[tokio::test]
async fn a_public_client_is_registered_with_its_redirect_uris_one_a_line() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;
    let response = browser
        .submit(
            "/admin/new-client",
            "/admin/clients",
            &[
                ("client_id", "mobile"),
                ("client_type", "public"),
                ("grant_authorization_code", "on"),
                ("grant_refresh_token", "on"),
                ("scopes", "openid profile"),
                (
                    "redirect_uris",
                    "com.example.app:/cb\r\nhttp://127.0.0.1/cb",
                ),
            ],
        )
        .await;
    assert_is_redirect_to(&response, "/admin/clients/mobile");
    let page = browser.follow(response).await;
    assert!(page.contains("Registered mobile."));
    assert!(
        page.contains("com.example.app:/cb\nhttp://127.0.0.1/cb"),
        "{page}"
    );
    assert!(
        !page.contains("/admin/clients/mobile/secret"),
        "a public client has no secret"
    );
}

#[tokio::test]
async fn bad_fields_show_the_form_again_with_a_message_beside_each() {
    let app = spawn_app().await;
    register(&app, serde_json::json!({"client_id": "taken"})).await;
    let browser = admin_browser(&app).await;
    let response = browser
        .submit(
            "/admin/new-client",
            "/admin/clients",
            &[
                ("client_id", "bad id"),
                ("client_type", "public"),
                ("grant_password", "on"),
                ("redirect_uris", "http://example.com/cb"),
                ("access_token_ttl", "soon"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for message in [
        "a client id is 1 to 64 characters",
        "only for first-party clients",
        "plain http is allowed only on 127.0.0.1",
        "a lifetime is 1 to 86400 seconds",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains(r#"value="bad id""#), "the input is kept");

    let taken = browser
        .submit(
            "/admin/new-client",
            "/admin/clients",
            &[
                ("client_id", "taken"),
                ("client_type", "public"),
                ("grant_refresh_token", "on"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert!(taken
        .text()
        .await
        .unwrap()
        .contains("the client id taken is taken"));
}

#[tokio::test]
async fn the_client_page_saves_settings_rotates_disables_and_deletes() {
    let app = spawn_app().await;
    let old = register_backend(&app, "svc", &["users:read"]).await;
    let token = client_access_token(&app, "svc", &old).await;
    let browser = admin_browser(&app).await;

    let saved = browser
        .submit(
            "/admin/clients/svc",
            "/admin/clients/svc",
            &[
                ("name", "Service"),
                ("grant_client_credentials", "on"),
                ("scopes", "users:read reports"),
                ("access_token_ttl", "300"),
            ],
        )
        .await;
    let page = browser.follow(saved).await;
    assert!(page.contains("Saved svc."));
    assert!(
        page.contains(r#"value="users:read reports""#)
            || page.contains(r#"value="reports users:read""#)
    );
    assert!(page.contains(r#"value="300""#));

    let rotated = browser
        .submit("/admin/clients/svc", "/admin/clients/svc/secret", &[])
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let new = secret_in(&rotated.text().await.unwrap());
    assert_invalid_client(client_token(&app, "svc", &old, None).await).await;
    assert_eq!(
        client_token(&app, "svc", &new, None).await.status(),
        StatusCode::OK
    );

    let disabled = browser
        .submit("/admin/clients/svc", "/admin/clients/svc/disable", &[])
        .await;
    assert!(browser.follow(disabled).await.contains("Disabled svc"));
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_invalid_client(client_token(&app, "svc", &new, None).await).await;
    let enabled = browser
        .submit("/admin/clients/svc", "/admin/clients/svc/enable", &[])
        .await;
    assert!(browser.follow(enabled).await.contains("Enabled svc"));

    let confirm = browser.page("/admin/clients/svc/delete").await;
    assert!(confirm.contains("Delete svc?"));
    let deleted = browser
        .submit(
            "/admin/clients/svc/delete",
            "/admin/clients/svc/delete",
            &[],
        )
        .await;
    assert_is_redirect_to(&deleted, "/admin/clients");
    assert!(browser.follow(deleted).await.contains("Deleted svc"));
    assert_eq!(
        browser.get("/admin/clients/svc").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn client_forms_need_the_csrf_token_and_the_pages_need_admin() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    let browser = admin_browser(&app).await;
    for action in [
        "/admin/clients",
        "/admin/clients/svc",
        "/admin/clients/svc/secret",
        "/admin/clients/svc/disable",
        "/admin/clients/svc/delete",
    ] {
        let response = browser.post_form(action, &[("client_id", "x")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        client_token(&app, "svc", &secret, None).await.status(),
        StatusCode::OK
    );

    app.create_user("mo", "mo-password-1", "me users:write")
        .await;
    let mo = Browser::signed_in(&app, "mo", "mo-password-1").await;
    for path in ["/admin/clients", "/admin/new-client", "/admin/clients/svc"] {
        assert_eq!(mo.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
}
