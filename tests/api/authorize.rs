//! The authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636, RFC 9207)
//! over real HTTP: a [`Browser`] signs in on `/login` and follows valet's
//! redirects; the app's side calls `/token`.
mod codes;
mod consent;
mod errors;
mod flow;
mod form_action;

use std::collections::HashMap;

use base64::Engine;
use reqwest::Response;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::client_support::{post_form, register};
use crate::helpers::TestApp;
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

pub const REDIRECT: &str = "https://app.example/cb";
pub const LOOPBACK: &str = "http://127.0.0.1/cb";
pub const STATE: &str = "xyz-state";

/// A PKCE verifier and its S256 challenge (RFC 7636 §4.1, §4.2).
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let verifier = format!("{}-{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

/// A public client with the code and refresh grants; `extra` fields
/// override the defaults.
pub async fn register_app(app: &TestApp, client_id: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": client_id,
        "name": format!("The {client_id} app"),
        "grant_types": ["authorization_code", "refresh_token"],
        "scopes": ["openid", "profile", "email", "me"],
        "redirect_uris": [REDIRECT, LOOPBACK],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    register(app, body).await
}

/// `/authorize?…` with the usual parameters for `client_id`, then `extra`
/// (a name given in `extra` replaces the usual one; an empty value drops it).
pub fn authorize_path(client_id: &str, challenge: &str, extra: &[(&str, &str)]) -> String {
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid me"),
        ("state", STATE),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(&params);
    format!("/authorize?{}", query.finish())
}

/// The query parameters of a redirect's `Location`, after asserting it
/// goes to `base`.
pub fn redirect_params(response: &Response, base: &str) -> HashMap<String, String> {
    assert_eq!(response.status(), 303, "expected a redirect");
    let location = response.headers()["location"].to_str().unwrap();
    let (target, query) = location.split_once('?').expect("a query");
    assert_eq!(target, base, "{location}");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Alice, signed in, in a fresh browser.
pub async fn alice(app: &TestApp) -> Browser<'_> {
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    Browser::signed_in(app, ALICE, ALICE_PASSWORD).await
}

/// Runs `/authorize` for a first-party (no consent) client as a signed-in
/// browser and returns the code.
pub async fn code_for(browser: &Browser<'_>, client_id: &str, pkce: &Pkce) -> String {
    let response = browser
        .get(&authorize_path(client_id, &pkce.challenge, &[]))
        .await;
    let params = redirect_params(&response, REDIRECT);
    assert_eq!(params["state"], STATE);
    params["code"].clone()
}

/// `grant_type=authorization_code` for a public client.
pub async fn redeem(app: &TestApp, client_id: &str, code: &str, verifier: &str) -> Response {
    post_form(
        app,
        "/token",
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}
