//! `valet-docs`, the client of the `/docs` page (docs/operating.md): made
//! at start on an issuer that can be its redirect URI, never changed once
//! there, and its authorization code flow with PKCE (RFC 7636) comes back
//! only to `/docs/oauth2-redirect.html`.
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api, json_of};
use crate::authorize::{pkce, redirect_params};
use crate::client_support::{patch_client, post_form};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

const LOOPBACK_ISSUER: &str = "http://127.0.0.1";

async fn docs_client(app: &TestApp) -> (StatusCode, Value) {
    let token = admin_token(app).await;
    let response = api(app, Method::GET, "/api/clients/valet-docs", &token, None).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_loopback_issuer_gets_a_public_first_party_docs_client() {
    let app = spawn_app_with(&[("VALET_ISSUER", LOOPBACK_ISSUER)]).await;
    let (status, client) = docs_client(&app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(client["type"], "public");
    assert_eq!(client["first_party"], true);
    assert_eq!(
        client["redirect_uris"],
        json!(["http://127.0.0.1/docs/oauth2-redirect.html"])
    );
    assert_eq!(
        client["grant_types"],
        json!(["authorization_code", "refresh_token", "password"])
    );
}

#[tokio::test]
async fn the_docs_page_code_flow_returns_to_docs_and_redeems() {
    let app = spawn_app_with(&[("VALET_ISSUER", LOOPBACK_ISSUER)]).await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    // The page's own address, as Swagger UI computes it: the loopback
    // redirect URI matches on any port (RFC 8252 §7.3).
    let redirect = app.url("/docs/oauth2-redirect.html");
    let pkce = pkce();
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs([
        ("response_type", "code"),
        ("client_id", "valet-docs"),
        ("redirect_uri", redirect.as_str()),
        ("scope", "openid profile"),
        ("state", "s1"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]);
    let response = browser.get(&format!("/authorize?{}", query.finish())).await;
    // First-party: no consent page, straight back with a code.
    let params = redirect_params(&response, &redirect);
    assert_eq!(params["state"], "s1");
    let response = post_form(
        &app,
        "/token",
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "valet-docs"),
            ("code", &params["code"]),
            ("redirect_uri", &redirect),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: Value = response.json().await.unwrap();
    let me = app
        .get_me(tokens["access_token"].as_str().unwrap())
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(me["username"], ALICE);
}

#[tokio::test]
async fn another_redirect_uri_is_refused_without_leaving_valet() {
    let app = spawn_app_with(&[("VALET_ISSUER", LOOPBACK_ISSUER)]).await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let pkce = pkce();
    let path = format!(
        "/authorize?response_type=code&client_id=valet-docs&state=s\
         &redirect_uri=https%3A%2F%2Fevil.example%2Fdocs%2Foauth2-redirect.html\
         &code_challenge={}&code_challenge_method=S256",
        pkce.challenge
    );
    let response = browser.get(&path).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn an_existing_docs_client_is_left_as_the_operator_set_it() {
    let app = spawn_app_with(&[("VALET_ISSUER", LOOPBACK_ISSUER)]).await;
    let response = patch_client(&app, "valet-docs", json!({"disabled": true})).await;
    assert_eq!(response.status(), StatusCode::OK);
    // A restart, and a second instance starting on the same database.
    let second = app.spawn_second_instance().await;
    let (_, client) = docs_client(&second).await;
    assert_eq!(client["disabled"], true);
    let token = admin_token(&second).await;
    let all = json_of(
        api(&second, Method::GET, "/api/clients", &token, None).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = all["clients"]
        .as_array()
        .unwrap_or_else(|| panic!("{all}"))
        .iter()
        .filter_map(|c| c["client_id"].as_str())
        .collect();
    assert_eq!(ids, ["valet-docs"]);
}

#[tokio::test]
async fn no_docs_client_under_deny_or_when_the_issuer_cannot_be_a_redirect_uri() {
    // The tests' usual issuer is plain http on a name: not a redirect URI.
    let app = spawn_app().await;
    assert_eq!(docs_client(&app).await.0, StatusCode::NOT_FOUND);
    // Under deny the operator decides (no token without a client here).
    let app = spawn_app_with(&[
        ("VALET_ISSUER", LOOPBACK_ISSUER),
        ("VALET_UNREGISTERED_CLIENTS", "deny"),
    ])
    .await;
    let found = valet::clients::find(&app.db, "valet-docs").await.unwrap();
    assert!(found.is_none());
}
