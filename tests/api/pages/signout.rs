//! `POST /logout` and ending one of your own sessions from `/account`.
use sea_orm::EntityTrait;
use valet::entities::prelude::Session;

use super::{app_with_alice, assert_page, audit_events, csrf_in, Browser, ALICE, ALICE_PASSWORD};
use crate::helpers::assert_is_redirect_to;

/// The ids in the account page's "end" forms.
fn session_ids(html: &str) -> Vec<String> {
    html.split("action=\"/account/sessions/")
        .skip(1)
        .map(|rest| rest.split('/').next().unwrap().to_owned())
        .collect()
}

/// The ids of the sessions other than the one the page was loaded with.
fn other_session_ids(html: &str) -> Vec<String> {
    html.split("action=\"/account/sessions/")
        .skip(1)
        .filter(|rest| {
            let form = &rest[..rest.find("</form>").unwrap()];
            !form.contains("Sign out")
        })
        .map(|rest| rest.split('/').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn signing_out_ends_the_session_and_says_so() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let html = browser.account_page().await;
    let id = session_ids(&html).remove(0);
    let response = browser
        .post_form("/logout", &[("csrf_token", &csrf_in(&html))])
        .await;
    assert_is_redirect_to(&response, "/login");
    assert_page(browser.get("/login").await, 200, "You have signed out.").await;
    assert_is_redirect_to(&browser.get("/account").await, "/login?next=/account");

    let stored = Session::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert!(stored.revoked_at.is_some());
    assert_eq!(
        audit_events(&app, "sign_out").await[0].detail,
        "browser sign-out"
    );
}

#[tokio::test]
async fn a_copy_of_the_cookie_is_useless_after_signing_out() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let response = browser.sign_in(ALICE, ALICE_PASSWORD).await;
    let cookie = super::session_set_cookie(response.headers()).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&browser.account_page().await);
    browser.post_form("/logout", &[("csrf_token", &csrf)]).await;

    let copy = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = copy
        .get(app.url("/account"))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_is_redirect_to(&response, "/login?next=/account");
}

#[tokio::test]
async fn signing_out_without_the_csrf_token_is_refused_and_keeps_the_session() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    assert_page(
        browser.post_form("/logout", &[]).await,
        403,
        "Access denied",
    )
    .await;
    assert_eq!(browser.get("/account").await.status(), 200);
}

#[tokio::test]
async fn ending_another_of_your_sessions_signs_that_browser_out() {
    let app = app_with_alice().await;
    let phone = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let laptop = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let html = laptop.account_page().await;
    assert_eq!(session_ids(&html).len(), 2);
    let phone_session = other_session_ids(&html).remove(0);
    let response = laptop
        .post_form(
            &format!("/account/sessions/{phone_session}/end"),
            &[("csrf_token", &csrf_in(&html))],
        )
        .await;
    assert_is_redirect_to(&response, "/account");
    let html = laptop.account_page().await;
    assert!(html.contains("The session has been ended."), "{html}");
    assert_eq!(session_ids(&html).len(), 1);
    assert_is_redirect_to(&phone.get("/account").await, "/login?next=/account");
}

#[tokio::test]
async fn ending_your_current_session_from_the_list_signs_you_out() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let html = browser.account_page().await;
    let id = session_ids(&html).remove(0);
    let response = browser
        .post_form(
            &format!("/account/sessions/{id}/end"),
            &[("csrf_token", &csrf_in(&html))],
        )
        .await;
    assert_is_redirect_to(&response, "/login");
    assert_is_redirect_to(&browser.get("/account").await, "/login?next=/account");
}

#[tokio::test]
async fn another_users_session_cannot_be_ended() {
    let app = app_with_alice().await;
    app.create_user("bob", "bob-password-1", "me").await;
    let bob = Browser::signed_in(&app, "bob", "bob-password-1").await;
    let bob_session = session_ids(&bob.account_page().await).remove(0);
    let alice = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let csrf = csrf_in(&alice.account_page().await);
    let response = alice
        .post_form(
            &format!("/account/sessions/{bob_session}/end"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_is_redirect_to(&response, "/account");
    assert!(alice
        .account_page()
        .await
        .contains("That session had already ended."));
    assert_eq!(bob.get("/account").await.status(), 200);
}

#[tokio::test]
async fn ending_a_session_without_the_csrf_token_is_refused() {
    let app = app_with_alice().await;
    let phone = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let laptop = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let phone_session = other_session_ids(&laptop.account_page().await).remove(0);
    let response = laptop
        .post_form(&format!("/account/sessions/{phone_session}/end"), &[])
        .await;
    assert_page(response, 403, "Access denied").await;
    assert_eq!(phone.get("/account").await.status(), 200);
}
