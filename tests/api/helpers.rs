//! `spawn_app()` builds the real application on port 0 with a fresh
//! database and returns a [`TestApp`] that speaks HTTP to it.
#![allow(dead_code)]

use std::collections::HashMap;

use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use valet::auth::password::PasswordHasher;
use valet::config::Settings;
use valet::domain::{Password, ScopeSet, Username};
use valet::startup::Application;
use valet::users::{self, NewUser};

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: Client,
    pub db: sea_orm::DatabaseConnection,
    pub settings: Settings,
    _dir: tempfile::TempDir,
}

/// The app with test defaults: bcrypt cost 4, no rate limit, a known admin.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with some settings overridden, e.g. `("VALET_ACCESS_TOKEN_TTL", "2")`.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vars: HashMap<String, String> = HashMap::from([
        (
            "DATABASE_URL".into(),
            format!("sqlite://{}/valet.db?mode=rwc", dir.path().display()),
        ),
        ("VALET_ADDR".into(), "127.0.0.1:0".into()),
        ("VALET_ISSUER".into(), "http://valet.test".into()),
        ("VALET_BCRYPT_COST".into(), "4".into()),
        ("VALET_RATE_LIMIT_PER_MINUTE".into(), "0".into()),
        ("VALET_ADMIN_USERNAME".into(), ADMIN_USERNAME.into()),
        ("VALET_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
    ]);
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let port = app.port();
    let db = app.db();
    tokio::spawn(app.run_until_stopped());
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        db,
        settings,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates a user straight in the directory (as the CLI does).
    pub async fn create_user(&self, username: &str, password: &str, scopes: &str) {
        let hasher = PasswordHasher::new(4);
        let new = NewUser {
            username: Username::parse(username).unwrap(),
            password: Password::parse(password.to_owned()).unwrap(),
            email: None,
            full_name: None,
            scopes: ScopeSet::parse(scopes).unwrap(),
            disabled: false,
        };
        users::create(&self.db, &hasher, new).await.expect("user created");
    }

    /// `POST /token` with a form body.
    pub async fn post_token(&self, params: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url("/token"))
            .form(params)
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /token` with a raw body and content type.
    pub async fn post_token_raw(&self, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
        self.client
            .post(self.url("/token"))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn password_grant(&self, username: &str, password: &str) -> Response {
        self.post_token(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
        ])
        .await
    }

    /// A successful password grant's JSON; panics if it fails.
    pub async fn tokens_for(&self, username: &str, password: &str) -> Value {
        let response = self.password_grant(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "password grant for {username}");
        response.json().await.unwrap()
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_token(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
            .await
    }

    /// `GET path` with a Bearer token.
    pub async fn get_with_token(&self, path: &str, token: &str) -> Response {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_me(&self, token: &str) -> Response {
        self.get_with_token("/users/me", token).await
    }

    /// `GET path` with the cookie-carrying client.
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }
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
