//! `POST /account/password`: current, new, confirm; a change ends every
//! other session and keeps this one.
use super::{app_with_alice, assert_page, audit_events, csrf_in, Browser, ALICE, ALICE_PASSWORD};
use crate::helpers::{assert_is_redirect_to, assert_oauth_error};

const NEW_PASSWORD: &str = "a-brand-new-password";

async fn change(
    browser: &Browser<'_>,
    current: &str,
    new: &str,
    confirm: &str,
) -> reqwest::Response {
    let csrf = csrf_in(&browser.account_page().await);
    browser
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", current),
                ("new_password", new),
                ("confirm_password", confirm),
            ],
        )
        .await
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_keeps_this_one() {
    let app = app_with_alice().await;
    let tokens = app.tokens_for(ALICE, ALICE_PASSWORD).await;
    let other_browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;

    let response = change(&browser, ALICE_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_is_redirect_to(&response, "/account");
    let html = browser.account_page().await;
    assert!(html.contains("Your password has been changed."), "{html}");
    assert_eq!(
        html.matches("/end\">").count(),
        1,
        "only this session is left: {html}"
    );
    assert!(
        !browser
            .account_page()
            .await
            .contains("Your password has been changed."),
        "flash shows once"
    );

    assert_is_redirect_to(&other_browser.get("/account").await, "/login?next=/account");
    let me = app.get_me(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), 401);
    let refreshed = app.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(refreshed, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;

    assert_eq!(
        app.password_grant(ALICE, ALICE_PASSWORD).await.status(),
        400
    );
    app.tokens_for(ALICE, NEW_PASSWORD).await;
    assert_eq!(audit_events(&app, "password_changed").await.len(), 1);
}

#[tokio::test]
async fn a_wrong_current_password_is_shown_next_to_its_field_and_changes_nothing() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let response = change(&browser, "not-the-password", NEW_PASSWORD, NEW_PASSWORD).await;
    let html = assert_page(response, 422, "Your password was not changed.").await;
    assert!(
        html.contains(r#"id="current-password-error">The current password is incorrect."#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="current-password-error""#),
        "{html}"
    );
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    assert!(!html.contains("not-the-password"));
    app.tokens_for(ALICE, ALICE_PASSWORD).await;
}

#[tokio::test]
async fn a_mismatched_confirmation_or_a_refused_password_is_explained() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let response = change(&browser, ALICE_PASSWORD, NEW_PASSWORD, "something-else").await;
    let html = assert_page(response, 422, "The two new passwords do not match.").await;
    assert!(html.contains(r#"id="confirm-password-error""#), "{html}");

    let response = change(&browser, ALICE_PASSWORD, "short", "short").await;
    let html = assert_page(response, 422, "Password must be at least 8 characters.").await;
    assert!(
        html.contains(r#"aria-describedby="new-password-hint new-password-error""#),
        "{html}"
    );

    let long = "x".repeat(73);
    let response = change(&browser, ALICE_PASSWORD, &long, &long).await;
    assert_page(response, 422, "72 bytes").await;
    app.tokens_for(ALICE, ALICE_PASSWORD).await;
}

#[tokio::test]
async fn a_password_change_without_the_csrf_token_is_refused() {
    let app = app_with_alice().await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let response = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", ALICE_PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_page(response, 403, "Access denied").await;
    app.tokens_for(ALICE, ALICE_PASSWORD).await;
}

#[tokio::test]
async fn an_anonymous_password_change_is_sent_to_sign_in() {
    let app = app_with_alice().await;
    let response = Browser::new(&app)
        .post_form("/account/password", &[("current_password", ALICE_PASSWORD)])
        .await;
    assert_is_redirect_to(&response, "/login?next=/account/password");
    // After signing in, that `next` shows the account page, where the form is.
    let browser = Browser::new(&app);
    let response = browser
        .sign_in_to(ALICE, ALICE_PASSWORD, Some("/account/password"))
        .await;
    assert_is_redirect_to(&response, "/account/password");
    assert_is_redirect_to(&browser.get("/account/password").await, "/account");
}
