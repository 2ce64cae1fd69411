//! What a person does in the browser: sign in and land where they were
//! going, get the error for a wrong password, change the password, sign out.
use fantoccini::key::Key;
use fantoccini::Locator;

use crate::chrome::Chrome;
use crate::{
    app_with_alice, click_button, fill, location, submit_login, text_of, ALICE, ALICE_PASSWORD,
};

#[tokio::test]
async fn signing_in_through_the_form_lands_on_the_page_asked_for() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/account?from=browser")).await.unwrap();
    assert_eq!(location(c).await, "/login?next=/account%3Ffrom%3Dbrowser");
    assert_eq!(c.title().await.unwrap(), "Sign in · valet");

    submit_login(c, ALICE, ALICE_PASSWORD).await;
    assert_eq!(location(c).await, "/account?from=browser");
    assert_eq!(text_of(c, "h1").await, "Your account");
    assert_eq!(text_of(c, ".nav-user").await, "Signed in as alice");
    chrome.quit().await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_and_keeps_the_username() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/login")).await.unwrap();
    submit_login(c, ALICE, "not-the-password").await;

    assert_eq!(location(c).await, "/login");
    assert_eq!(
        text_of(c, "#signin-error").await,
        "The username or password is incorrect."
    );
    let username = c.find(Locator::Id("username")).await.unwrap();
    assert_eq!(
        username.prop("value").await.unwrap().as_deref(),
        Some(ALICE)
    );
    // Focus waits in the password field, which the error describes.
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("password")
    );
    assert_eq!(
        focused.attr("aria-describedby").await.unwrap().as_deref(),
        Some("signin-error")
    );
    chrome.quit().await;
}

#[tokio::test]
async fn the_keyboard_moves_through_the_login_form_in_order_with_a_visible_focus() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/login")).await.unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("username")
    );
    let mut order = Vec::new();
    for _ in 0..2 {
        c.active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
        let el = c.active_element().await.unwrap();
        let name = match el.attr("id").await.unwrap() {
            Some(id) => id,
            None => el.text().await.unwrap(),
        };
        order.push(name);
    }
    assert_eq!(order, ["password", "Sign in"]);
    let outline = c
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outline, "solid", "the focused button shows an outline");
    chrome.quit().await;
}

#[tokio::test]
async fn changing_the_password_and_signing_out_work_from_the_account_page() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/login")).await.unwrap();
    submit_login(c, ALICE, ALICE_PASSWORD).await;
    assert_eq!(location(c).await, "/account");

    fill(c, "current-password", ALICE_PASSWORD).await;
    fill(c, "new-password", "a-brand-new-password").await;
    fill(c, "confirm-password", "a-brand-new-password").await;
    click_button(c, "Change password").await;
    assert_eq!(location(c).await, "/account");
    assert!(text_of(c, ".flash-success")
        .await
        .starts_with("Your password has been changed."));

    click_button(c, "Sign out").await;
    assert_eq!(location(c).await, "/login");
    assert_eq!(text_of(c, ".flash-success").await, "You have signed out.");
    c.goto(&app.url("/account")).await.unwrap();
    assert_eq!(location(c).await, "/login?next=/account");

    submit_login(c, ALICE, ALICE_PASSWORD).await;
    assert_eq!(
        text_of(c, "#signin-error").await,
        "The username or password is incorrect."
    );
    submit_login(c, ALICE, "a-brand-new-password").await;
    assert_eq!(location(c).await, "/account");
    chrome.quit().await;
}
