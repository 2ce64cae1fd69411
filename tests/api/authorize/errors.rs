//! What `/authorize` refuses: before the redirect URI is trusted, on
//! valet's own page (RFC 6749 §4.1.2.1); after, back at the client with
//! `state` and `iss` (RFC 9207).
use reqwest::Response;
use serde_json::json;

use super::{authorize_path, pkce, redirect_params, register_app, LOOPBACK, REDIRECT, STATE};
use crate::client_support::patch_client;
use crate::helpers::spawn_app;
use crate::pages::{assert_page, Browser};

async fn assert_error_page_without_redirect(response: Response) {
    assert!(response.headers().get("location").is_none());
    assert_page(response, 400, "This sign-in request cannot be used").await;
}

#[tokio::test]
async fn an_unknown_client_or_unregistered_redirect_uri_gets_a_page_and_no_redirect() {
    let app = spawn_app().await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let browser = Browser::new(&app);
    let challenge = pkce().challenge;

    for path in [
        authorize_path("nope", &challenge, &[]),
        authorize_path(
            "web",
            &challenge,
            &[("redirect_uri", "https://evil.example/cb")],
        ),
        authorize_path(
            "web",
            &challenge,
            &[("redirect_uri", "https://app.example/cb/")],
        ),
        authorize_path(
            "web",
            &challenge,
            &[("redirect_uri", "https://app.example/cb?x=1")],
        ),
        authorize_path(
            "web",
            &challenge,
            &[("redirect_uri", "http://127.0.0.1.evil.example/cb")],
        ),
        authorize_path(
            "web",
            &challenge,
            &[("redirect_uri", "http://127.0.0.1:8080/other")],
        ),
        // Two redirect URIs are registered: one must be named.
        authorize_path("web", &challenge, &[("redirect_uri", "")]),
        authorize_path("", &challenge, &[("client_id", "")]),
        // A parameter given twice.
        format!("{}&state=again", authorize_path("web", &challenge, &[])),
    ] {
        let response = browser.get(&path).await;
        assert_error_page_without_redirect(response).await;
    }
}

#[tokio::test]
async fn a_disabled_client_or_one_without_the_code_grant_gets_a_page() {
    let app = spawn_app().await;
    register_app(&app, "off", json!({})).await;
    register_app(&app, "nocode", json!({"grant_types": ["refresh_token"]})).await;
    assert_eq!(
        patch_client(&app, "off", json!({"disabled": true}))
            .await
            .status(),
        200
    );
    let browser = Browser::new(&app);
    for client in ["off", "nocode"] {
        let response = browser
            .get(&authorize_path(client, &pkce().challenge, &[]))
            .await;
        assert_error_page_without_redirect(response).await;
    }
}

#[tokio::test]
async fn bad_parameters_go_back_to_the_client_with_state_and_iss() {
    let app = spawn_app().await;
    register_app(&app, "web", json!({})).await;
    let browser = Browser::new(&app);
    let challenge = pkce().challenge;

    for (extra, error) in [
        (vec![("response_type", "")], "invalid_request"),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("code_challenge", "too-short")], "invalid_request"),
        (vec![("scope", "openid admin")], "invalid_scope"),
        (vec![("prompt", "none login")], "invalid_request"),
        (vec![("max_age", "soon")], "invalid_request"),
        // OpenID Connect Core §3.1.2.6: said, not ignored.
        (
            vec![("request", "eyJhbGciOiJub25lIn0.e30.")],
            "request_not_supported",
        ),
        (
            vec![("request_uri", "https://app.example/r")],
            "request_uri_not_supported",
        ),
        (vec![("registration", "{}")], "registration_not_supported"),
    ] {
        let response = browser
            .get(&authorize_path("web", &challenge, &extra))
            .await;
        let params = redirect_params(&response, REDIRECT);
        assert_eq!(params["error"], error, "{extra:?}");
        assert_eq!(params["state"], STATE);
        assert_eq!(params["iss"], "http://valet.test");
        assert!(!params.contains_key("code"));
    }
}

#[tokio::test]
async fn a_single_registered_redirect_uri_may_be_left_out() {
    let app = spawn_app().await;
    register_app(&app, "one", json!({"redirect_uris": [REDIRECT]})).await;
    let response = Browser::new(&app)
        .get(&authorize_path(
            "one",
            &pkce().challenge,
            &[("redirect_uri", ""), ("response_type", "token")],
        ))
        .await;
    assert_eq!(
        redirect_params(&response, REDIRECT)["error"],
        "unsupported_response_type"
    );
}

#[tokio::test]
async fn a_loopback_redirect_uri_matches_on_any_port() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "native", json!({"first_party": true})).await;
    let redirect = "http://127.0.0.1:51234/cb";
    let response = browser
        .get(&authorize_path(
            "native",
            &pkce().challenge,
            &[("redirect_uri", redirect)],
        ))
        .await;
    let params = redirect_params(&response, redirect);
    assert!(params["code"].len() >= 43);
    assert!(LOOPBACK.ends_with("/cb"));
}
