//! The admin user page: its forms and what each changes.
use reqwest::{Method, StatusCode};

use crate::admin_support::{admin_browser, admin_token, api, token_of};
use crate::helpers::csrf_in;
use crate::helpers::{assert_is_redirect_to, spawn_app, spawn_app_with_clock};

#[tokio::test]
async fn disabling_through_the_ui_makes_the_users_next_api_call_a_401() {
    let app = spawn_app().await;
    app.create_user("pat", "pat-password", "me").await;
    let pat = token_of(&app, "pat", "pat-password").await;
    let browser = admin_browser(&app).await;

    let response = browser
        .submit("/admin/users/pat", "/admin/users/pat/disable", &[])
        .await;

    assert_is_redirect_to(&response, "/admin/users/pat");
    let page = browser.follow(response).await;
    assert!(page.contains("Disabled pat; every session of theirs has ended."));
    assert!(
        page.contains("/admin/users/pat/enable"),
        "the page now offers Enable"
    );
    assert_eq!(app.get_me(&pat).await.status(), StatusCode::UNAUTHORIZED);
    let enabled = browser
        .submit("/admin/users/pat", "/admin/users/pat/enable", &[])
        .await;
    assert!(browser.follow(enabled).await.contains("Enabled pat."));
    assert_eq!(
        app.get_me(&pat).await.status(),
        StatusCode::UNAUTHORIZED,
        "sessions stay ended"
    );
}

#[tokio::test]
async fn the_profile_form_saves_email_name_and_scopes() {
    let app = spawn_app().await;
    app.create_user("quinn", "quinn-password", "me users:read")
        .await;
    let browser = admin_browser(&app).await;

    let response = browser
        .submit(
            "/admin/users/quinn",
            "/admin/users/quinn",
            &[
                ("email", "q@example.com"),
                ("full_name", "Quinn Q"),
                ("scopes", "me"),
            ],
        )
        .await;

    let page = browser.follow(response).await;
    assert!(page.contains("Saved the profile."));
    let token = admin_token(&app).await;
    let user: serde_json::Value = api(&app, Method::GET, "/api/users/quinn", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(user["email"], "q@example.com");
    assert_eq!(user["full_name"], "Quinn Q");
    assert_eq!(user["scopes"], serde_json::json!(["me"]));
    let bad = browser
        .submit(
            "/admin/users/quinn",
            "/admin/users/quinn",
            &[("email", "nope"), ("scopes", "me")],
        )
        .await;
    assert!(browser
        .follow(bad)
        .await
        .contains("email: email must look like"));
}

#[tokio::test]
async fn resetting_a_password_ends_the_users_sessions_and_the_new_one_works() {
    let app = spawn_app().await;
    app.create_user("rita", "rita-password", "me").await;
    let rita = token_of(&app, "rita", "rita-password").await;
    let browser = admin_browser(&app).await;

    let mismatch = browser
        .submit(
            "/admin/users/rita",
            "/admin/users/rita/password",
            &[("password", "new-rita-pass"), ("password_confirm", "other")],
        )
        .await;
    assert!(browser
        .follow(mismatch)
        .await
        .contains("the two passwords differ"));
    let response = browser
        .submit(
            "/admin/users/rita",
            "/admin/users/rita/password",
            &[
                ("password", "new-rita-pass"),
                ("password_confirm", "new-rita-pass"),
            ],
        )
        .await;

    assert!(browser
        .follow(response)
        .await
        .contains("Set a new password for rita"));
    assert_eq!(app.get_me(&rita).await.status(), StatusCode::UNAUTHORIZED);
    app.tokens_for("rita", "new-rita-pass").await;
}

#[tokio::test]
async fn a_lock_shows_until_the_clock_passes_it() {
    let (app, clock) = spawn_app_with_clock(&[]).await;
    app.create_user("sam", "sam-password", "me").await;
    for _ in 0..5 {
        app.password_grant("sam", "wrong-password").await;
    }
    let browser = admin_browser(&app).await;
    assert!(browser
        .page("/admin/users/sam")
        .await
        .contains("locked until"));
    clock.advance(15 * 60);
    let page = browser.page("/admin/users/sam").await;
    assert!(!page.contains("locked until"), "{page}");
    assert!(!browser
        .page("/admin/users?q=sam")
        .await
        .contains(">locked<"));
}

#[tokio::test]
async fn a_locked_account_shows_as_locked_and_unlock_lets_the_user_in_again() {
    let app = spawn_app().await;
    app.create_user("sam", "sam-password", "me").await;
    for _ in 0..5 {
        app.password_grant("sam", "wrong-password").await;
    }
    assert_eq!(
        app.password_grant("sam", "sam-password").await.status(),
        StatusCode::BAD_REQUEST
    );
    let browser = admin_browser(&app).await;
    let page = browser.page("/admin/users/sam").await;
    assert!(page.contains("locked until"), "{page}");
    assert!(browser
        .page("/admin/users?q=sam")
        .await
        .contains(">locked<"));

    let response = browser
        .submit("/admin/users/sam", "/admin/users/sam/unlock", &[])
        .await;

    let page = browser.follow(response).await;
    assert!(page.contains("Unlocked sam") && !page.contains("locked until"));
    app.tokens_for("sam", "sam-password").await;
}

#[tokio::test]
async fn sessions_are_listed_and_can_be_ended_one_by_one_or_all_at_once() {
    let app = spawn_app().await;
    app.create_user("tess", "tess-password", "me").await;
    let one = token_of(&app, "tess", "tess-password").await;
    let two = token_of(&app, "tess", "tess-password").await;
    let browser = admin_browser(&app).await;
    let page = browser.page("/admin/users/tess").await;
    let actions: Vec<&str> = page
        .match_indices("/sessions/")
        .map(|(i, _)| &page[i..i + 50])
        .collect();
    assert_eq!(actions.len(), 2, "{page}");
    let first_id = actions[0]
        .trim_start_matches("/sessions/")
        .split('/')
        .next()
        .unwrap()
        .to_owned();

    let ended = browser
        .post_form(
            &format!("/admin/users/tess/sessions/{first_id}/end"),
            &[("csrf_token", &csrf_in(&page))],
        )
        .await;
    assert!(browser.follow(ended).await.contains("Ended the session."));
    let live: Vec<StatusCode> = vec![
        app.get_me(&one).await.status(),
        app.get_me(&two).await.status(),
    ];
    assert_eq!(
        live.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{live:?}"
    );

    let all = browser
        .submit("/admin/users/tess", "/admin/users/tess/sign-out", &[])
        .await;
    let page = browser.follow(all).await;
    assert!(page.contains("Signed tess out everywhere (1 sessions ended)."));
    assert!(page.contains("No live sessions."));
    assert_eq!(app.get_me(&one).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_me(&two).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn delete_asks_for_confirmation_first_then_deletes() {
    let app = spawn_app().await;
    app.create_user("uma", "uma-password", "me").await;
    let browser = admin_browser(&app).await;

    let confirm = browser.page("/admin/users/uma/delete").await;
    assert!(confirm.contains("Delete uma?"));
    assert!(confirm.contains(r#"action="/admin/users/uma/delete""#));
    app.tokens_for("uma", "uma-password").await;

    let response = browser
        .post_form(
            "/admin/users/uma/delete",
            &[("csrf_token", &csrf_in(&confirm))],
        )
        .await;

    assert_is_redirect_to(&response, "/admin/users");
    assert!(browser.follow(response).await.contains("Deleted user uma."));
    assert_eq!(
        browser.get("/admin/users/uma").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_ui_refuses_to_disable_delete_or_demote_the_last_admin_with_a_message() {
    let app = spawn_app().await;
    let browser = admin_browser(&app).await;

    let disable = browser
        .submit("/admin/users/admin", "/admin/users/admin/disable", &[])
        .await;
    assert!(browser
        .follow(disable)
        .await
        .contains("admin is the last enabled admin"));
    let demote = browser
        .submit(
            "/admin/users/admin",
            "/admin/users/admin",
            &[("scopes", "users:read")],
        )
        .await;
    assert!(browser
        .follow(demote)
        .await
        .contains("admin is the last enabled admin"));
    let delete = browser
        .submit(
            "/admin/users/admin/delete",
            "/admin/users/admin/delete",
            &[],
        )
        .await;
    assert!(browser
        .follow(delete)
        .await
        .contains("admin is the last enabled admin"));

    let page = browser.page("/admin/users/admin").await;
    assert!(page.contains(r#"value="admin users:read users:write""#) && page.contains("badge-on"));
}
