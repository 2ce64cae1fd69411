//! `GET /login` and `POST /login`.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use valet::entities::{prelude::Session, session};

use super::{
    app_with_alice, assert_page, assert_security_headers, audit_events, csrf_in,
    session_set_cookie, Browser, ALICE, ALICE_PASSWORD,
};
use crate::helpers::{assert_is_redirect_to, spawn_app_with};

const GENERIC: &str = "The username or password is incorrect.";

#[tokio::test]
async fn login_page_has_labelled_fields_with_autocomplete_and_a_csrf_token() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).get("/login").await;
    assert_security_headers(response.headers());
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = assert_page(response, 200, "<h1 id=\"signin-heading\">Sign in</h1>").await;
    assert!(html.contains(r#"<label for="username">"#), "{html}");
    assert!(html.contains(r#"<label for="password">"#), "{html}");
    assert!(html.contains(r#"id="username" name="username""#), "{html}");
    assert!(html.contains(r#"autocomplete="username""#), "{html}");
    assert!(
        html.contains(r#"autocomplete="current-password""#),
        "{html}"
    );
    assert!(csrf_in(&html).len() >= 40);
    assert!(html.contains(r#"<link rel="stylesheet" href="/static/valet.css">"#));
}

#[tokio::test]
async fn signing_in_lands_on_the_local_next_page_and_opens_a_browser_session() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let response = browser
        .sign_in_to(ALICE, ALICE_PASSWORD, Some("/account?tab=sessions"))
        .await;
    assert_is_redirect_to(&response, "/account?tab=sessions");
    assert_eq!(response.status(), 303);

    let html = browser.account_page().await;
    assert!(
        html.contains("Signed in as </span><strong>alice</strong>"),
        "{html}"
    );
    let sessions = Session::find()
        .filter(session::Column::Kind.eq("browser"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].revoked_at.is_none());
    let sign_ins = audit_events(&app, "sign_in").await;
    assert_eq!(sign_ins[0].subject.as_deref(), Some(ALICE));
    assert_eq!(sign_ins[0].detail, "browser sign-in");
}

#[tokio::test]
async fn signing_in_without_next_lands_on_the_account_page() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).sign_in(ALICE, ALICE_PASSWORD).await;
    assert_is_redirect_to(&response, "/account");
}

#[tokio::test]
async fn the_login_form_carries_a_local_next_along_and_drops_a_foreign_one() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let html = browser
        .get("/login?next=%2Fadmin%2Fusers%3Fpage%3D2")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<input type="hidden" name="next" value="/admin/users?page=2">"#),
        "{html}"
    );
    let html = browser
        .get("/login?next=%2F%2Fevil.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(r#"name="next""#), "{html}");
    assert!(!html.contains("evil.example"), "{html}");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_http() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).sign_in(ALICE, ALICE_PASSWORD).await;
    let cookie = session_set_cookie(response.headers()).expect("session cookie set");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn session_cookie_is_secure_under_an_https_issuer() {
    let app = spawn_app_with(&[("VALET_ISSUER", "https://valet.test")]).await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    // The client keeps Secure cookies only for https, so read the header
    // of the login page, which sets the cookie holding the CSRF token.
    let response = Browser::new(&app).get("/login").await;
    let cookie = session_set_cookie(response.headers()).expect("session cookie set");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn a_cookie_from_before_sign_in_does_not_become_signed_in() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let page = browser.get("/login").await;
    let before = session_set_cookie(page.headers()).expect("cookie before sign-in");
    let before = before.split(';').next().unwrap().to_owned();
    let csrf_before = csrf_in(&page.text().await.unwrap());
    let response = browser
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf_before),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let after = session_set_cookie(response.headers()).expect("cookie renewed at sign-in");
    assert_ne!(after.split(';').next().unwrap(), before);

    // Someone holding the pre-sign-in cookie is still anonymous.
    let planted = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = planted
        .get(app.url("/account"))
        .header("Cookie", &before)
        .send()
        .await
        .unwrap();
    assert_is_redirect_to(&response, "/login?next=/account");
    // And the CSRF token seen before signing in no longer works.
    let response = browser
        .post_form("/logout", &[("csrf_token", &csrf_before)])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(browser.get("/account").await.status(), 200);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_one_generic_error_with_the_username_kept() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let wrong = browser.sign_in(ALICE, "not-her-password").await;
    let html = assert_page(wrong, 422, GENERIC).await;
    assert!(html.contains(r#"value="alice""#), "{html}");
    assert!(html.contains(r#"role="alert""#), "{html}");
    assert!(
        html.contains(r#"aria-describedby="signin-error""#),
        "{html}"
    );
    assert!(!html.contains("not-her-password"));

    let unknown = browser.sign_in("nobody", "whatever-password").await;
    let html = assert_page(unknown, 422, GENERIC).await;
    assert!(html.contains(r#"value="nobody""#), "{html}");
    assert_eq!(browser.get("/account").await.status(), 303);
    assert_eq!(audit_events(&app, "sign_in_failed").await.len(), 2);
}

#[tokio::test]
async fn blank_fields_are_pointed_out_next_to_each_field() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf_from("/login").await;
    let response = browser
        .post_form(
            "/login",
            &[("csrf_token", &csrf), ("username", ""), ("password", "")],
        )
        .await;
    let html = assert_page(response, 422, "Enter your username.").await;
    assert!(
        html.contains(r#"<p class="field-error" id="username-error">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="username-error""#),
        "{html}"
    );
    assert!(
        html.contains(r#"<p class="field-error" id="password-error">Enter your password.</p>"#),
        "{html}"
    );
    assert!(audit_events(&app, "sign_in_failed").await.is_empty());
}

#[tokio::test]
async fn a_locked_account_gets_the_generic_error_even_with_the_right_password() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    for _ in 0..5 {
        assert_eq!(browser.sign_in(ALICE, "wrong-password").await.status(), 422);
    }
    let response = browser.sign_in(ALICE, ALICE_PASSWORD).await;
    assert_page(response, 422, GENERIC).await;
    // The lock is shared with the password grant.
    let response = app.password_grant(ALICE, ALICE_PASSWORD).await;
    assert_eq!(response.status(), 400);
    assert_eq!(audit_events(&app, "account_locked").await.len(), 1);
}

#[tokio::test]
async fn a_disabled_account_is_named_only_to_someone_with_the_right_password() {
    let app = app_with_alice().await;
    let alice = valet::users::get_by_username(&app.db, ALICE).await.unwrap();
    valet::users::set_disabled(&app.db, &alice, true)
        .await
        .unwrap();
    let browser = Browser::new(&app);
    assert_page(browser.sign_in(ALICE, "wrong-password").await, 422, GENERIC).await;
    let html = assert_page(
        browser.sign_in(ALICE, ALICE_PASSWORD).await,
        422,
        "This account is disabled",
    )
    .await;
    assert!(!html.contains(GENERIC));
}

#[tokio::test]
async fn login_without_or_with_a_wrong_csrf_token_is_refused_with_403() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let response = browser
        .post_form(
            "/login",
            &[("username", ALICE), ("password", ALICE_PASSWORD)],
        )
        .await;
    assert_page(response, 403, "the form has expired").await;
    browser.csrf_from("/login").await;
    let response = browser
        .post_form(
            "/login",
            &[
                ("csrf_token", "forged"),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
            ],
        )
        .await;
    assert_security_headers(response.headers());
    assert_page(response, 403, "Access denied").await;
    assert_eq!(browser.get("/account").await.status(), 303);
    assert!(audit_events(&app, "sign_in").await.is_empty());
}

#[tokio::test]
async fn too_many_sign_ins_from_one_address_get_a_readable_429_with_retry_after() {
    let app = spawn_app_with(&[("VALET_RATE_LIMIT_PER_MINUTE", "3")]).await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    let browser = Browser::new(&app);
    // One budget for /token and POST /login together (docs/security.md).
    app.password_grant(ALICE, "wrong-password").await;
    for _ in 0..2 {
        assert_eq!(browser.sign_in(ALICE, "wrong-password").await.status(), 422);
    }
    let response = browser.sign_in(ALICE, ALICE_PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let html = assert_page(response, 429, "Too many attempts").await;
    assert!(
        html.contains(&format!("Wait {retry_after} seconds")),
        "{html}"
    );
    assert_eq!(browser.get("/account").await.status(), 303);
}

#[tokio::test]
async fn a_browser_already_signed_in_skips_the_form() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    assert_is_redirect_to(&browser.get("/login").await, "/account");
    assert_is_redirect_to(&browser.get("/login?next=%2Fadmin").await, "/admin");
}

#[tokio::test]
async fn signing_in_again_as_someone_else_ends_the_earlier_session() {
    let app = app_with_alice().await;
    app.create_user("bob", "bob-password-1", "me").await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    // A second sign-in through the form (as the page is skipped, post directly).
    let csrf = csrf_in(&browser.account_page().await);
    let response = browser
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", "bob"),
                ("password", "bob-password-1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(browser
        .account_page()
        .await
        .contains("Signed in as </span><strong>bob</strong>"));
    let live = Session::find()
        .filter(session::Column::RevokedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(live.len(), 1);
}
