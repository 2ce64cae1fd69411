//! What every admin page shares: the redirect after a form, error pages,
//! the navigation.
use reqwest::StatusCode;

use crate::admin_support::admin_browser;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_redirect_after_an_admin_form_is_never_cached() {
    let app = spawn_app().await;
    app.create_user("pat", "pat-password-1", "me").await;
    let browser = admin_browser(&app).await;

    let response = browser
        .submit("/admin/users/pat", "/admin/users/pat/disable", &[])
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn an_unknown_username_with_an_ampersand_is_shown_escaped_once() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    let response = browser.get("/admin/users/a%26b").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    // One escaping of `&` (askama writes `&#38;`), not two.
    assert!(
        html.contains("no user named a&#38;b") || html.contains("no user named a&amp;b"),
        "{html}"
    );
}

#[tokio::test]
async fn a_form_with_a_field_given_twice_gets_an_html_400_page() {
    let app = spawn_app().await;
    app.create_user("pat", "pat-password-1", "me").await;
    let browser = admin_browser(&app).await;
    let token = browser.csrf_from("/admin/users/pat").await;

    let response = browser
        .post_form(
            "/admin/users/pat/password",
            &[
                ("csrf_token", token.as_str()),
                ("password", "new-password-1"),
                ("password", "new-password-2"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Something is wrong with this request"),
        "{html}"
    );
}

#[tokio::test]
async fn every_admin_page_offers_sign_out() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    for path in [
        "/admin/users",
        "/admin/new-user",
        "/admin/audit",
        "/admin/users/admin",
    ] {
        let html = browser.page(path).await;
        assert!(html.contains(r#"action="/logout""#), "{path}");
    }
}
