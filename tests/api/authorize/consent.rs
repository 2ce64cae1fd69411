//! The consent page (OpenID Connect Core §3.1.2.4): a client that is not
//! first-party needs the user's Allow, remembered per client and scopes.
use serde_json::json;

use super::{authorize_path, pkce, redirect_params, register_app, REDIRECT, STATE};
use crate::helpers::spawn_app;
use crate::pages::{assert_page, csrf_in, Browser};

/// The consent page for `path`; returns the form's `request` and CSRF.
async fn consent_form(browser: &Browser<'_>, path: &str) -> (String, String) {
    let page = assert_page(browser.get(path).await, 200, "Allow The thirdparty app?").await;
    let marker = r#"name="request" value=""#;
    let start = page.find(marker).unwrap() + marker.len();
    let end = start + page[start..].find('"').unwrap();
    let request = page[start..end].replace("&amp;", "&").replace("&#38;", "&");
    (request, csrf_in(&page))
}

async fn decide(browser: &Browser<'_>, path: &str, decision: &str) -> reqwest::Response {
    let (request, csrf) = consent_form(browser, path).await;
    browser
        .post_form(
            "/authorize/consent",
            &[
                ("csrf_token", &csrf),
                ("request", &request),
                ("decision", decision),
            ],
        )
        .await
}

#[tokio::test]
async fn allow_issues_a_code_and_is_remembered_until_the_scope_widens() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "thirdparty", json!({})).await;
    let challenge = pkce().challenge;
    let path = authorize_path("thirdparty", &challenge, &[("scope", "openid")]);

    let page = browser.get(&path).await.text().await.unwrap();
    assert!(page.contains("Confirm who you are"), "scopes in words");
    assert!(page.contains(">Allow</button>") && page.contains(">Deny</button>"));
    let allowed = decide(&browser, &path, "allow").await;
    let params = redirect_params(&allowed, REDIRECT);
    assert!(params.contains_key("code"));
    assert_eq!(params["state"], STATE);

    // Remembered: straight back with a code.
    assert!(redirect_params(&browser.get(&path).await, REDIRECT).contains_key("code"));
    // prompt=consent asks anyway; a wider scope asks again.
    let forced = authorize_path(
        "thirdparty",
        &challenge,
        &[("scope", "openid"), ("prompt", "consent")],
    );
    consent_form(&browser, &forced).await;
    let wider = authorize_path("thirdparty", &challenge, &[("scope", "openid email")]);
    let page = browser.get(&wider).await.text().await.unwrap();
    assert!(page.contains("See your email address"), "{page}");
}

#[tokio::test]
async fn deny_is_access_denied_and_prompt_none_is_consent_required() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "thirdparty", json!({})).await;
    let challenge = pkce().challenge;
    let path = authorize_path("thirdparty", &challenge, &[]);

    let denied = decide(&browser, &path, "deny").await;
    let params = redirect_params(&denied, REDIRECT);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], STATE);
    assert_eq!(params["iss"], "http://valet.test");

    let silent = browser
        .get(&authorize_path(
            "thirdparty",
            &challenge,
            &[("prompt", "none")],
        ))
        .await;
    assert_eq!(
        redirect_params(&silent, REDIRECT)["error"],
        "consent_required"
    );
}

#[tokio::test]
async fn the_consent_form_needs_its_csrf_token() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "thirdparty", json!({})).await;
    let path = authorize_path("thirdparty", &pkce().challenge, &[]);
    let (request, _) = consent_form(&browser, &path).await;
    let forged = browser
        .post_form(
            "/authorize/consent",
            &[
                ("csrf_token", "forged"),
                ("request", &request),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().get("location").is_none());
    let headers = browser.get(&path).await;
    crate::pages::assert_security_headers(headers.headers());
}

#[tokio::test]
async fn withdrawing_an_app_on_the_account_page_ends_its_sessions_and_asks_again() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "thirdparty", json!({})).await;
    let pkce = pkce();
    let path = authorize_path("thirdparty", &pkce.challenge, &[]);
    let code = redirect_params(&decide(&browser, &path, "allow").await, REDIRECT)["code"].clone();
    let tokens: serde_json::Value = super::redeem(&app, "thirdparty", &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(access).await.status(), 200);

    let page = browser.account_page().await;
    assert!(page.contains("Apps with access") && page.contains("The thirdparty app"));
    let csrf = csrf_in(&page);
    let withdrawn = browser
        .post_form(
            "/account/apps/thirdparty/withdraw",
            &[("csrf_token", &csrf)],
        )
        .await;
    crate::helpers::assert_is_redirect_to(&withdrawn, "/account");
    assert_eq!(app.get_me(access).await.status(), 401);
    assert!(!browser.account_page().await.contains("The thirdparty app"));
    consent_form(&browser, &path).await;
}
