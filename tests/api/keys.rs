//! Signing keys, the JWKS and rotation (docs/resource-servers.md), checked over HTTP and, as
//! a resource server would, with an independent JWT library (the
//! `jsonwebtoken` crate) given nothing but the served JWKS.
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::Value;
use valet::entities::prelude::SigningKey;
use valet::keys::{self, KeyPolicy};

use crate::helpers::{jwt_header, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

mod cli;
mod forged;
mod jwks;
mod races;
mod revoke;
mod rotation;

/// `GET /.well-known/jwks.json`: its `Cache-Control` and its body.
async fn get_jwks(app: &TestApp) -> (String, Value) {
    let response = app.get("/.well-known/jwks.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    (cache, response.json().await.unwrap())
}

/// The kids the JWKS publishes.
async fn published_kids(app: &TestApp) -> Vec<String> {
    let (_, body) = get_jwks(app).await;
    body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// A fresh access token of the admin.
async fn access_token(app: &TestApp) -> String {
    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    pair["access_token"].as_str().unwrap().to_owned()
}

fn kid_of(token: &str) -> String {
    jwt_header(token)["kid"].as_str().expect("a kid").to_owned()
}

/// Verifies `token` as a resource server would: the key from the served
/// JWKS by `kid`, the algorithm pinned to that key's, `iss` and `aud`.
async fn verify_with_jwks(app: &TestApp, token: &str) -> Result<Value, String> {
    let (_, body) = get_jwks(app).await;
    let set: JwkSet = serde_json::from_value(body).map_err(|e| e.to_string())?;
    let kid = jwt_header(token)["kid"].as_str().unwrap_or("").to_owned();
    let jwk = set.find(&kid).ok_or("kid not in the JWKS")?;
    let alg = Algorithm::try_from(jwk.common.key_algorithm.ok_or("no alg in the JWK")?)
        .map_err(|e| e.to_string())?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(alg);
    validation.set_issuer(&["http://valet.test"]);
    validation.set_audience(&["http://valet.test"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())
}

fn policy_of(app: &TestApp) -> KeyPolicy {
    KeyPolicy::from_settings(&app.settings)
}

fn now_of(app: &TestApp) -> i64 {
    use valet::clock::Clock;
    app.clock
        .as_ref()
        .expect("an app with a stopped clock")
        .now()
}

/// `valet keys rotate [--now]` at the app's clock.
async fn rotate(app: &TestApp, at_once: bool) -> String {
    keys::rotate(&app.db, &policy_of(app), now_of(app), at_once)
        .await
        .expect("rotated")
        .kid
}

/// A token signed with the stored private key `kid` (as whoever stole it
/// could), header `kid`, with `claims`.
async fn sign_with_stored_key(
    app: &TestApp,
    kid: &str,
    header_kid: &str,
    claims: &Value,
) -> String {
    let row = SigningKey::find_by_id(kid)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the key is stored");
    let material = keys::store::material_of(&row).unwrap();
    keys::jws::sign(&material, header_kid, "at+jwt", claims).unwrap()
}

async fn stored_key_count(app: &TestApp) -> usize {
    SigningKey::find().all(&app.db).await.unwrap().len()
}

async fn assert_accepted(app: &TestApp, token: &str) {
    let response = app.get_me(token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
}

async fn assert_invalid_token(app: &TestApp, token: &str) {
    let response = app.get_me(token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
}
