//! `GET /account` and the guard in front of it.
use super::{app_with_alice, assert_page, assert_security_headers, Browser, ALICE, ALICE_PASSWORD};
use crate::helpers::assert_is_redirect_to;

#[tokio::test]
async fn anonymous_visitors_are_redirected_to_sign_in_with_next() {
    let app = app_with_alice().await;
    let response = Browser::new(&app).get("/account").await;
    assert_eq!(response.status(), 303);
    assert_is_redirect_to(&response, "/login?next=/account");
    assert_security_headers(response.headers());
}

#[tokio::test]
async fn the_account_page_shows_the_profile_and_every_live_session() {
    let app = app_with_alice().await;
    app.tokens_for(ALICE, ALICE_PASSWORD).await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let response = browser.get("/account").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_security_headers(response.headers());
    let html = assert_page(response, 200, "<h1>Your account</h1>").await;
    assert!(html.contains("<dd>alice</dd>"), "{html}");
    assert!(html.contains(r#"<span class="chip">me</span>"#), "{html}");
    assert!(
        html.contains("<span>This browser <span class=\"badge\">current</span></span>"),
        "{html}"
    );
    assert!(
        html.contains(r#"<td data-label="Session"><span>App</span></td>"#),
        "{html}"
    );
    assert_eq!(html.matches("/end\">").count(), 2, "{html}");
    assert!(html.contains(r#"autocomplete="new-password""#), "{html}");
    assert!(!html.contains("$2b$"), "never the hash");
}

#[tokio::test]
async fn admins_get_an_admin_link_and_others_do_not() {
    let app = app_with_alice().await;
    let alice = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    assert!(!alice.account_page().await.contains(r#"href="/admin""#));
    let admin = Browser::signed_in(&app, "admin", "admin-password-1").await;
    assert!(admin.account_page().await.contains(r#"href="/admin""#));
}

#[tokio::test]
async fn a_disabled_or_deleted_user_is_signed_out_at_the_next_request() {
    let app = app_with_alice().await;
    app.create_user("bob", "bob-password-1", "me").await;
    let alice_browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let bob_browser = Browser::signed_in(&app, "bob", "bob-password-1").await;

    let alice = valet::users::get_by_username(&app.db, ALICE).await.unwrap();
    valet::users::set_disabled(&app.db, &alice, true)
        .await
        .unwrap();
    let response = alice_browser.get("/account").await;
    assert_is_redirect_to(&response, "/login?next=/account");
    let cleared = super::session_set_cookie(response.headers()).expect("cookie cleared");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("Expires="),
        "{cleared}"
    );
    // Enabling again does not revive the session.
    valet::users::set_disabled(&app.db, &alice, false)
        .await
        .unwrap();
    assert_eq!(alice_browser.get("/account").await.status(), 303);

    let bob = valet::users::get_by_username(&app.db, "bob").await.unwrap();
    valet::users::delete(&app.db, &bob).await.unwrap();
    assert_is_redirect_to(&bob_browser.get("/account").await, "/login?next=/account");
}

#[tokio::test]
async fn the_session_cookie_works_on_safe_api_requests_but_api_routes_never_redirect() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let response = browser
        .client
        .get(app.url("/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["username"], ALICE);

    let anonymous = Browser::new(&app);
    let response = anonymous.get("/users/me").await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="valet""#
    );
}

#[tokio::test]
async fn the_site_root_leads_to_the_account_page() {
    let app = app_with_alice().await;
    assert_is_redirect_to(&Browser::new(&app).get("/").await, "/account");
}
