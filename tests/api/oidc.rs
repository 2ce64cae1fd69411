//! OpenID Connect over real HTTP (Core 1.0, Discovery 1.0, RP-Initiated
//! Logout 1.0): ID tokens checked with nothing but the JWKS, UserInfo by
//! scope, the discovery document, and logout.
mod discovery;
mod id_tokens;
mod interop;
mod logout;
mod registration;
mod userinfo;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha512};
use valet::entities::{prelude::User, user};

use crate::authorize::{authorize_path, pkce, redeem, redirect_params, register_app, REDIRECT};
use crate::helpers::{jwt_header, TestApp};
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

pub const NONCE: &str = "n-0S6_WzA2Mj";
pub const BYE: &str = "https://app.example/bye";

/// A first-party app "web" that may ask for the OpenID scopes, with a
/// post-logout redirect URI.
pub async fn register_web(app: &TestApp) {
    register_app(
        app,
        "web",
        json!({"first_party": true, "post_logout_redirect_uris": [BYE]}),
    )
    .await;
}

/// Alice with an email address and a full name, signed in.
pub async fn alice_with_profile(app: &TestApp) -> Browser<'_> {
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    User::update_many()
        .col_expr(user::Column::Email, Expr::value("alice@example.com"))
        .col_expr(user::Column::FullName, Expr::value("Alice Liddell"))
        .filter(user::Column::Username.eq(ALICE))
        .exec(&app.db)
        .await
        .unwrap();
    Browser::signed_in(app, ALICE, ALICE_PASSWORD).await
}

/// `/authorize` for "web" with `scope` and [`NONCE`] as `browser`, then
/// the code redeemed: the token response.
pub async fn sign_in_with(browser: &Browser<'_>, scope: &str) -> Value {
    let pkce = pkce();
    let response = browser
        .get(&authorize_path(
            "web",
            &pkce.challenge,
            &[("scope", scope), ("nonce", NONCE)],
        ))
        .await;
    let code = redirect_params(&response, REDIRECT)["code"].clone();
    let tokens = redeem(browser.app, "web", &code, &pkce.verifier).await;
    assert_eq!(tokens.status(), 200);
    tokens.json().await.unwrap()
}

/// The ID token's claims, verified with the JWKS alone as a client would:
/// the key its `kid` names, that key's algorithm, `iss`, `aud` = `web`,
/// `exp`, no leeway.
pub async fn verify_id_token(app: &TestApp, token: &str) -> Value {
    let jwks: JwkSet = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let kid = jwt_header(token)["kid"].as_str().expect("a kid").to_owned();
    let jwk = jwks.find(&kid).expect("the kid is in the JWKS");
    let alg = Algorithm::try_from(jwk.common.key_algorithm.expect("alg in the JWK")).unwrap();
    let mut validation = Validation::new(alg);
    validation.leeway = 0;
    validation.set_issuer(&["http://valet.test"]);
    validation.set_audience(&["web"]);
    validation.set_required_spec_claims(&["iss", "sub", "aud", "exp", "iat"]);
    let key = DecodingKey::from_jwk(jwk).unwrap();
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("the ID token verifies with the JWKS")
        .claims
}

/// OpenID Connect Core §3.1.3.6 as a client computes it: the left half of
/// the hash of the access token (SHA-256, or SHA-512 for EdDSA).
pub fn expected_at_hash(alg: &str, access_token: &str) -> String {
    let digest = match alg {
        "EdDSA" => Sha512::digest(access_token.as_bytes()).to_vec(),
        _ => Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

pub use crate::helpers::text;

/// The hidden fields of a page's form, as a browser posts them.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for input in html.split("<input type=\"hidden\" ").skip(1) {
        let attr = |name: &str| {
            let marker = format!("{name}=\"");
            let start = input.find(&marker).unwrap() + marker.len();
            let len = input[start..].find('"').unwrap();
            unescape(&input[start..start + len])
        };
        fields.push((attr("name"), attr("value")));
    }
    fields
}

/// The text of an HTML attribute value: numeric character references
/// (`&#38;`, `&#x2f;`) and the named ones a template writes.
pub fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').expect("a terminated character reference");
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => name.trim_start_matches('#').parse(),
                };
                char::from_u32(code.expect("a numeric reference")).unwrap()
            }
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
