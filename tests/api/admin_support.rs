//! Helpers for the admin and `/api/users` tests: the admin's browser and
//! token, and Bearer calls to the JSON API.
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{Browser, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

/// A browser signed in as the test admin through `/login`.
pub async fn admin_browser(app: &TestApp) -> Browser<'_> {
    Browser::signed_in(app, ADMIN_USERNAME, ADMIN_PASSWORD).await
}

/// An access token of the test admin (`admin users:read users:write`).
pub async fn admin_token(app: &TestApp) -> String {
    token_of(app, ADMIN_USERNAME, ADMIN_PASSWORD).await
}

pub async fn token_of(app: &TestApp, username: &str, password: &str) -> String {
    app.tokens_for(username, password).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An API call with a Bearer token and an optional JSON body.
pub async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Response {
    let mut request = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// Asserts the status and `Cache-Control: no-store`, and returns the JSON.
pub async fn json_of(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}
