//! Error pages for browsers that reveal nothing internal.
use sea_orm::ConnectionTrait;

use super::{app_with_alice, assert_page, assert_security_headers, Browser, ALICE, ALICE_PASSWORD};

#[tokio::test]
async fn an_unknown_address_shows_the_404_page_to_browsers_and_json_to_others() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).get("/no/such/page").await;
    assert_security_headers(response.headers());
    let html = assert_page(response, 404, "Page not found").await;
    assert!(html.contains(r#"href="/static/valet.css""#));

    let response = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn a_server_fault_shows_the_500_page_without_internal_details() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    app.db
        .execute_unprepared("ALTER TABLE users RENAME COLUMN full_name TO full_name_gone")
        .await
        .unwrap();
    let response = browser.get("/account").await;
    assert_security_headers(response.headers());
    let html = assert_page(response, 500, "Something went wrong").await;
    for secret in [
        "full_name",
        "sqlite",
        "SELECT",
        "no such column",
        "panicked",
    ] {
        assert!(
            !html.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} in {html}"
        );
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_for_the_pages() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).get("/static/valet.css").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains(":focus-visible"));
}

#[tokio::test]
async fn the_icon_is_linked_by_the_pages_and_served_at_both_addresses() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let html = browser.get("/login").await.text().await.unwrap();
    assert!(html.contains(r#"<link rel="icon" href="/static/favicon.svg""#));
    for path in ["/static/favicon.svg", "/favicon.ico"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "image/svg+xml");
        assert!(response.text().await.unwrap().starts_with("<svg"));
    }
}
