//! RP-Initiated Logout 1.0 at `GET /logout`: a confirmation page, then a
//! redirect to a registered `post_logout_redirect_uri` with `state` only
//! for a valid `id_token_hint`; an invalid hint counts as none: signing
//! out stays on valet.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::{Response, StatusCode};
use serde_json::Value;

use super::{alice_with_profile, hidden_fields, register_web, sign_in_with, text, BYE};
use crate::helpers::{spawn_app, TestApp};
use crate::pages::{assert_page, Browser, ALICE, ALICE_PASSWORD};

/// `/logout?…` with `params`.
fn logout_path(params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    format!("/logout?{}", query.finish())
}

/// Opens the confirmation page and presses "Sign out".
async fn confirm(browser: &Browser<'_>, path: &str) -> Response {
    let page = browser.get(path).await;
    assert_eq!(page.status(), 200, "{path}");
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign out of valet?"), "{html}");
    let fields = hidden_fields(&html);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    browser.post_form("/logout", &form).await
}

async fn signed_in(browser: &Browser<'_>) -> bool {
    browser.get("/account").await.status() == StatusCode::OK
}

/// Alice signed in to "web" through `/authorize`: her browser and tokens.
async fn alice_in_web(app: &TestApp) -> (Browser<'_>, Value) {
    register_web(app).await;
    let browser = alice_with_profile(app).await;
    let tokens = sign_in_with(&browser, "openid me").await;
    (browser, tokens)
}

#[tokio::test]
async fn a_valid_hint_and_a_registered_uri_sign_out_and_go_back_with_state() {
    let app = spawn_app().await;
    let (browser, tokens) = alice_in_web(&app).await;
    let path = logout_path(&[
        ("id_token_hint", text(&tokens, "id_token")),
        ("post_logout_redirect_uri", BYE),
        ("state", "bye-state"),
    ]);
    let page = browser.get(&path).await;
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("form-action 'self' https://app.example;"),
        "the confirmation's redirect is allowed: {policy}"
    );
    let page = page.text().await.unwrap();
    assert!(page.contains("The web app asks you to sign out"), "{page}");
    assert!(
        signed_in(&browser).await,
        "showing the page signs nobody out"
    );

    let response = confirm(&browser, &path).await;
    crate::helpers::assert_is_redirect_to(&response, &format!("{BYE}?state=bye-state"));
    assert!(!signed_in(&browser).await, "the browser is signed out");
    // The app's session named by the hint's sid ends too.
    let me = app.get_me(text(&tokens, "access_token")).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_unregistered_uri_signs_out_and_stays_on_valet() {
    let app = spawn_app().await;
    let (browser, tokens) = alice_in_web(&app).await;
    let path = logout_path(&[
        ("id_token_hint", text(&tokens, "id_token")),
        ("post_logout_redirect_uri", "https://evil.example/bye"),
        ("state", "s"),
    ]);
    let response = confirm(&browser, &path).await;
    assert!(response.headers().get("location").is_none());
    assert_page(response, 200, "You have signed out").await;
    assert!(!signed_in(&browser).await);
}

#[tokio::test]
async fn without_a_hint_a_registered_uri_is_not_followed() {
    let app = spawn_app().await;
    let (browser, _) = alice_in_web(&app).await;
    let path = logout_path(&[("client_id", "web"), ("post_logout_redirect_uri", BYE)]);
    let response = confirm(&browser, &path).await;
    assert!(response.headers().get("location").is_none());
    assert_page(response, 200, "You have signed out").await;
    assert!(!signed_in(&browser).await);
}

#[tokio::test]
async fn an_invalid_hint_counts_as_none_signing_out_stays_on_valet() {
    let app = spawn_app().await;
    let (_, id_token_of_web) = alice_in_web(&app).await;
    let id_token = text(&id_token_of_web, "id_token");
    // The same signature over other claims.
    let parts: Vec<&str> = id_token.split('.').collect();
    let mut claims = crate::helpers::jwt_claims(id_token);
    claims["sub"] = "someone-else".into();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let access_token = text(&id_token_of_web, "access_token");
    let cases = [
        vec![("id_token_hint", "garbage")],
        vec![("id_token_hint", tampered.as_str())],
        vec![("id_token_hint", access_token)],
        // The hint of another client than client_id.
        vec![("id_token_hint", id_token), ("client_id", "other")],
    ];
    for case in cases {
        let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
        let mut params = case.clone();
        params.extend([("post_logout_redirect_uri", BYE), ("state", "s")]);
        let path = logout_path(&params);
        let page = browser.get(&path).await;
        assert!(page.headers().get("location").is_none());
        let html = assert_page(page, 200, "You stay on valet after signing out").await;
        assert!(!html.contains("Afterwards you go back"), "{html}");
        let response = confirm(&browser, &path).await;
        assert!(response.headers().get("location").is_none(), "{case:?}");
        assert_page(response, 200, "You have signed out").await;
        assert!(!signed_in(&browser).await, "{case:?}");
    }
    // Nothing the bad hints named was ended: the app's own session lives.
    assert_eq!(app.get_me(access_token).await.status(), StatusCode::OK);
    // A parameter given twice is a malformed request: an error page.
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let twice = format!("{}&state=b", logout_path(&[("state", "a")]));
    assert_page(browser.get(&twice).await, 400, "more than once").await;
    assert!(signed_in(&browser).await);
}

#[tokio::test]
async fn the_confirmation_needs_the_csrf_token() {
    let app = spawn_app().await;
    let (browser, tokens) = alice_in_web(&app).await;
    let hint = text(&tokens, "id_token");
    let forged = browser
        .post_form(
            "/logout",
            &[
                ("csrf_token", "forged"),
                ("end_session", "1"),
                ("id_token_hint", hint),
                ("post_logout_redirect_uri", BYE),
            ],
        )
        .await;
    assert_page(forged, 403, "Access denied").await;
    assert!(signed_in(&browser).await);
    // A client's own POST of a logout request (no CSRF token, §2: GET and
    // POST) is sent to the confirmation page as a GET, whose SameSite=Lax
    // cookie the browser sends even from another site; nobody is signed
    // out by it.
    let params = [("id_token_hint", hint), ("post_logout_redirect_uri", BYE)];
    let cross_site = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted = cross_site
        .post(app.url("/logout"))
        .form(&params)
        .send()
        .await
        .unwrap();
    crate::helpers::assert_is_redirect_to(&posted, &logout_path(&params));
    assert!(posted.headers().get("set-cookie").is_none());
    assert_page(
        browser.get(&logout_path(&params)).await,
        200,
        "Sign out of valet?",
    )
    .await;
    assert!(signed_in(&browser).await);
}

#[tokio::test]
async fn an_expired_hint_is_still_accepted() {
    let (app, clock) = crate::helpers::spawn_app_with_clock(&[]).await;
    let (browser, tokens) = alice_in_web(&app).await;
    // Hours later the ID token has expired; its key still verifies.
    clock.advance(3 * 3600);
    let path = logout_path(&[
        ("id_token_hint", text(&tokens, "id_token")),
        ("post_logout_redirect_uri", BYE),
    ]);
    let response = confirm(&browser, &path).await;
    crate::helpers::assert_is_redirect_to(&response, BYE);
}
