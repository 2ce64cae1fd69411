//! The API suite's helpers: the shared app of [`app`] and what only this
//! suite uses (a stopped clock, RFC 6749 error assertions, JWT parts).
use std::sync::Arc;

use reqwest::{Response, StatusCode};
use serde_json::Value;
use valet::clock::StoppedClock;

mod app;
mod browser;
mod transport;
pub use app::*;
pub use browser::{csrf_in, Browser};
pub use transport::{transport, TransportError};

/// The app with its signing keys on a stopped clock the test moves
/// (`app.clock.advance(seconds)`), instead of sleeping.
pub async fn spawn_app_with_clock(overrides: &[(&str, &str)]) -> (TestApp, Arc<StoppedClock>) {
    let clock = Arc::new(StoppedClock::at_now());
    let database = Arc::new(TestDatabase::create().await);
    let vars = app::test_vars(&database.url(), overrides);
    let app = app::start(database, vars, Some(Arc::clone(&clock))).await;
    (app, clock)
}

/// Asserts a 303 (or other redirect) to `location`.
pub fn assert_is_redirect_to(response: &Response, location: &str) {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    assert_eq!(response.headers()["location"], location);
}

/// Asserts an RFC 6749 §5.2 error with the given status and code, and that
/// it must not be cached.
pub async fn assert_oauth_error(response: Response, status: StatusCode, error: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
    body
}

/// The claims of a JWT, decoded without checking anything.
pub fn jwt_claims(token: &str) -> Value {
    jwt_part(token, 1)
}

/// The header of a JWT, decoded without checking anything.
pub fn jwt_header(token: &str) -> Value {
    jwt_part(token, 0)
}

fn jwt_part(token: &str, index: usize) -> Value {
    use base64::Engine;
    let part = token.split('.').nth(index).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// A real token's claims, changed by `edit`, signed again with `secret` and
/// header `typ`: forged tokens for the guard and lifecycle tests.
pub fn forge_token(
    token: &str,
    secret: &str,
    typ: Option<&str>,
    edit: impl FnOnce(&mut Value),
) -> String {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let mut claims = jwt_claims(token);
    edit(&mut claims);
    let mut header = Header::new(Algorithm::HS256);
    header.typ = typ.map(str::to_owned);
    encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("token signs")
}

/// The string `field` of a JSON object; panics, naming it, when absent.
pub fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {value}"))
}
