//! `post_logout_redirect_uris` as registered through each door — the CLI,
//! the admin form and the JSON API — are the ones `/logout` follows
//! (RP-Initiated Logout 1.0 §3), and a change takes effect at once.
use reqwest::Method;
use serde_json::{json, Value};

use super::{alice_with_profile, text};
use crate::admin_support::{admin_browser, admin_token, api};
use crate::authorize::{authorize_path, pkce, redeem, redirect_params, REDIRECT};
use crate::helpers::{assert_is_redirect_to, spawn_app, TestApp};
use crate::pages::{assert_page, csrf_in, Browser};

/// `client_id`'s ID token for Alice, through `/authorize` (first-party).
async fn id_token_of(browser: &Browser<'_>, client_id: &str) -> String {
    let pkce = pkce();
    let response = browser
        .get(&authorize_path(
            client_id,
            &pkce.challenge,
            &[("scope", "openid")],
        ))
        .await;
    let code = redirect_params(&response, REDIRECT)["code"].clone();
    let tokens: Value = redeem(browser.app, client_id, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    text(&tokens, "id_token").to_owned()
}

/// Confirms a logout with `hint` and `uri` in a fresh sign-in of Alice;
/// the answer.
async fn log_out(app: &TestApp, client_id: &str, uri: &str) -> reqwest::Response {
    let browser = Browser::signed_in(app, crate::pages::ALICE, crate::pages::ALICE_PASSWORD).await;
    let hint = id_token_of(&browser, client_id).await;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs([
        ("id_token_hint", hint.as_str()),
        ("post_logout_redirect_uri", uri),
    ]);
    let page = browser
        .get(&format!("/logout?{}", query.finish()))
        .await
        .text()
        .await
        .unwrap();
    browser
        .post_form(
            "/logout",
            &[
                ("csrf_token", &csrf_in(&page)),
                ("end_session", "1"),
                ("id_token_hint", &hint),
                ("post_logout_redirect_uri", uri),
            ],
        )
        .await
}

#[tokio::test]
async fn post_logout_uris_from_the_cli_the_admin_form_and_the_api_are_followed() {
    let app = spawn_app().await;
    alice_with_profile(&app).await;

    let dir = tempfile::tempdir().unwrap();
    let url = app.database.url();
    let added = crate::cli::valet(
        dir.path(),
        &[
            "client",
            "add",
            "cli-app",
            "--first-party",
            "--scope",
            "openid",
            "--redirect-uri",
            REDIRECT,
            "--post-logout-redirect-uri",
            "https://cli.example/bye",
        ],
        "",
        &[("DATABASE_URL", url.as_str())],
    );
    assert!(added.status.success(), "{added:?}");

    let admin = admin_browser(&app).await;
    let created = admin
        .submit(
            "/admin/new-client",
            "/admin/clients",
            &[
                ("client_id", "form-app"),
                ("client_type", "public"),
                ("grant_authorization_code", "on"),
                ("first_party", "on"),
                ("scopes", "openid"),
                ("redirect_uris", REDIRECT),
                ("post_logout_redirect_uris", "https://form.example/bye"),
            ],
        )
        .await;
    assert_is_redirect_to(&created, "/admin/clients/form-app");

    let token = admin_token(&app).await;
    let registered = api(
        &app,
        Method::POST,
        "/api/clients",
        &token,
        Some(json!({
            "client_id": "api-app", "first_party": true, "scopes": ["openid"],
            "redirect_uris": [REDIRECT],
            "post_logout_redirect_uris": ["https://api.example/bye"],
        })),
    )
    .await;
    assert_eq!(registered.status(), 201);

    for (client_id, uri) in [
        ("cli-app", "https://cli.example/bye"),
        ("form-app", "https://form.example/bye"),
        ("api-app", "https://api.example/bye"),
    ] {
        assert_is_redirect_to(&log_out(&app, client_id, uri).await, uri);
    }
    // Another client's URI is not this one's.
    let crossed = log_out(&app, "cli-app", "https://api.example/bye").await;
    assert_page(crossed, 200, "You have signed out").await;

    // Changed through the API: the old URI is no longer followed.
    let patched = api(
        &app,
        Method::PATCH,
        "/api/clients/api-app",
        &token,
        Some(json!({"post_logout_redirect_uris": ["https://api.example/signed-out"]})),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let old = log_out(&app, "api-app", "https://api.example/bye").await;
    assert_page(old, 200, "You have signed out").await;
    let new = log_out(&app, "api-app", "https://api.example/signed-out").await;
    assert_is_redirect_to(&new, "https://api.example/signed-out");
}
