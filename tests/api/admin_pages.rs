//! README `/admin/…`: the admin web UI, signed in with a browser session.
use reqwest::{Method, StatusCode};

use crate::admin_support::{admin_browser, admin_token, api};
use crate::helpers::Browser;
use crate::helpers::{assert_is_redirect_to, spawn_app};

mod chrome;
mod user_page;

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in_with_the_page_to_return_to() {
    let app = spawn_app().await;

    let response = app.get("/admin/users?q=a").await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_is_redirect_to(&response, "/login?next=/admin/users%3Fq%3Da");
}

#[tokio::test]
async fn a_signed_in_user_without_admin_gets_the_403_page() {
    let app = spawn_app().await;
    app.create_user("mo", "mo-password-1", "me users:read")
        .await;
    let browser = Browser::signed_in(&app, "mo", "mo-password-1").await;

    for path in ["/admin/users", "/admin/audit", "/admin/users/admin"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(response.text().await.unwrap().contains("Access denied"));
    }
}

#[tokio::test]
async fn the_users_list_shows_users_and_searches_and_pages() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for i in 0..22 {
        let body = serde_json::json!({"username": format!("p{i:02}"), "password": "long-password-1",
                                      "email": format!("p{i}@example.com")});
        api(&app, Method::POST, "/api/users", &token, Some(body)).await;
    }
    let browser = admin_browser(&app).await;

    let first = browser.page("/admin/users").await;
    assert!(first.contains("23 users"), "{first}");
    assert!(first.contains(r#"<a href="/admin/users/admin">admin</a>"#));
    assert!(first.contains("Page 1 of 2"));
    assert!(first.contains(r#"href="/admin/users?page=2""#));
    assert!(!first.contains(">p19<"), "only one page is shown");

    let second = browser.page("/admin/users?page=2").await;
    assert!(second.contains(">p19<") && second.contains(">p21<") && second.contains("Page 2 of 2"));

    let found = browser.page("/admin/users?q=P1").await;
    // p10–p19 by username, p01 by its email p1@example.com.
    assert!(found.contains("11 users matching “P1”"), "{found}");
    assert!(found.contains(">p01<") && found.contains(">p10<") && !found.contains(">p20<"));
    let response = browser.get("/admin/users?page=0").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_admin_creates_a_user_through_the_form_who_then_gets_a_token() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    let response = browser
        .submit(
            "/admin/new-user",
            "/admin/users",
            &[
                ("username", "nora"),
                ("password", "nora-password"),
                ("password_confirm", "nora-password"),
                ("email", "nora@example.com"),
                ("full_name", "Nora N"),
                ("scopes", "me  reports:read"),
            ],
        )
        .await;

    assert_is_redirect_to(&response, "/admin/users/nora");
    let page = browser.follow(response).await;
    assert!(page.contains("Created user nora."), "flash shown");
    assert!(
        page.contains(r#"value="nora@example.com""#) && page.contains(r#"value="me reports:read""#)
    );
    assert!(
        !browser
            .page("/admin/users/nora")
            .await
            .contains("Created user nora."),
        "flash shown once"
    );
    let tokens = app.tokens_for("nora", "nora-password").await;
    assert_eq!(tokens["scope"], "me reports:read");
}

#[tokio::test]
async fn bad_form_input_shows_the_form_again_with_messages_and_the_values_kept() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    let response = browser
        .submit(
            "/admin/new-user",
            "/admin/users",
            &[
                ("username", "bad name"),
                ("password", "short"),
                ("password_confirm", "other"),
                ("email", "not-an-email"),
                ("scopes", "me"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("username may contain only letters"), "{html}");
    assert!(html.contains("password must be at least 8 characters"));
    assert!(html.contains("the passwords differ"));
    assert!(html.contains("email must look like"));
    assert!(
        html.contains(r#"value="bad name""#) && !html.contains(r#"value="short""#),
        "password not echoed"
    );

    let taken = browser
        .submit(
            "/admin/new-user",
            "/admin/users",
            &[
                ("username", "admin"),
                ("password", "long-password-1"),
                ("password_confirm", "long-password-1"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert!(taken
        .text()
        .await
        .unwrap()
        .contains("the username admin is taken"));
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_with_403_and_changes_nothing() {
    let app = spawn_app().await;
    app.create_user("olga", "olga-password", "me").await;
    let browser = admin_browser(&app).await;
    browser.page("/admin/users").await; // the session has a token now

    let missing = browser.post_form("/admin/users/olga/disable", &[]).await;
    let wrong = browser
        .post_form("/admin/users/olga/disable", &[("csrf_token", "forged")])
        .await;
    let create = browser
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", "x"),
                ("username", "eve"),
                ("password", "long-password-1"),
                ("password_confirm", "long-password-1"),
            ],
        )
        .await;

    for response in [missing, wrong, create] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("did not come from this site"));
    }
    app.tokens_for("olga", "olga-password").await;
    let token = admin_token(&app).await;
    assert_eq!(
        api(&app, Method::GET, "/api/users/eve", &token, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bearer_token_with_admin_opens_the_admin_pages_too() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;

    let response = app.get_with_token("/admin/users", &token).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.text().await.unwrap().contains("<h1>Users</h1>"));
}

#[tokio::test]
async fn the_admin_stylesheet_is_served() {
    let app = spawn_app().await;

    let response = app.get("/static/admin.css").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains(".admin"));
}
