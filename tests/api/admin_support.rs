//! Helpers for the admin and `/api/users` tests: a signed-in browser without
//! `POST /login` (built in another area), Bearer calls, and reading forms.

use std::sync::Arc;

use actix_web::cookie::{Cookie, CookieJar, Key};
use reqwest::{Client, Method, Response, StatusCode};
use sea_orm::EntityTrait;
use serde_json::Value;
use valet::auth::sessions::{self, SessionKind};
use valet::entities::prelude::Key as StoredKey;
use valet::startup::SESSION_COOKIE;
use valet::users;

use crate::helpers::{TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

/// A browser holding a valet session cookie.
pub struct Browser {
    pub client: Client,
    address: String,
}

/// Signs `username` in as a browser would be after `POST /login`: a browser
/// session row, and the session cookie actix-session sets for it, encrypted
/// with the key the app keeps in its database.
pub async fn browser_for(app: &TestApp, username: &str) -> Browser {
    let user = users::get_by_username(&app.db, username).await.unwrap();
    let session = sessions::open(
        &app.db,
        &user,
        SessionKind::Browser,
        None,
        Some("127.0.0.1"),
        3600,
        valet::clock::now(),
    )
    .await
    .unwrap();
    let stored = StoredKey::find_by_id("session_cookie")
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let key = Key::from(&hex::decode(stored.value).unwrap());
    // actix-session's cookie store: a JSON map of JSON-encoded values.
    let state = serde_json::json!({ "sid": serde_json::to_string(&session.id).unwrap() });
    let mut jar = CookieJar::new();
    jar.private_mut(&key)
        .add(Cookie::new(SESSION_COOKIE, state.to_string()));
    let sealed = jar.get(SESSION_COOKIE).unwrap().value().to_owned();
    let cookies = Arc::new(reqwest::cookie::Jar::default());
    cookies.add_cookie_str(
        &format!("{SESSION_COOKIE}={sealed}; Path=/"),
        &app.address.parse().unwrap(),
    );
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(cookies)
        .build()
        .unwrap();
    Browser {
        client,
        address: app.address.clone(),
    }
}

/// A browser signed in as the test admin.
pub async fn admin_browser(app: &TestApp) -> Browser {
    browser_for(app, ADMIN_USERNAME).await
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap()
    }

    /// The page's HTML, asserting a 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// The CSRF token in the forms of the page at `path`.
    pub async fn csrf_token(&self, path: &str) -> String {
        csrf_in(&self.page(path).await)
    }

    /// Posts a form as it is, without adding a CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("Accept", "text/html")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Loads `page` for its CSRF token, then posts `fields` with it to
    /// `action`, as a person filling in the form would.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token(page).await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Follows a redirect answer and returns the page it leads to.
    pub async fn follow(&self, response: Response) -> String {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        self.page(&location).await
    }
}

/// The value of the first `csrf_token` hidden field.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
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
