//! `spawn_app()` builds the real application on port 0 with a fresh
//! database and returns a [`TestApp`] that speaks HTTP to it. Shared by the
//! API and browser suites (`tests/browser/main.rs` includes this file).

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::{Client, Response, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use valet::auth::password::PasswordHasher;
use valet::clock::{Clock, StoppedClock};
use valet::config::Settings;
use valet::domain::{Password, ScopeSet, Username};
use valet::startup::Application;
use valet::users::{self, NewUser};

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub db: sea_orm::DatabaseConnection,
    pub settings: Settings,
    pub database: Arc<TestDatabase>,
    /// The stopped clock the signing keys go by, for apps spawned with one.
    pub clock: Option<Arc<StoppedClock>>,
    /// `http://127.0.0.1:PORT` of the metrics listener, when configured.
    pub metrics_address: Option<String>,
    vars: HashMap<String, String>,
}

/// A fresh database for one test: SQLite in a temp dir, or, when
/// `VALET_TEST_DATABASE_URL` names a PostgreSQL server, a new database on it
/// that is dropped when the last app using it is dropped.
pub enum TestDatabase {
    Sqlite(tempfile::TempDir),
    Postgres { server_url: String, name: String },
}

impl TestDatabase {
    pub async fn create() -> Self {
        match std::env::var("VALET_TEST_DATABASE_URL") {
            Ok(server_url) if !server_url.is_empty() => Self::create_on_server(server_url).await,
            _ => Self::Sqlite(tempfile::tempdir().expect("temp dir")),
        }
    }

    /// A new database on the PostgreSQL server at `server_url`.
    pub async fn create_on_server(server_url: String) -> Self {
        {
            {
                let name = format!("valet_test_{}", uuid::Uuid::new_v4().simple());
                let server = sea_orm::Database::connect(&server_url)
                    .await
                    .expect("VALET_TEST_DATABASE_URL answers");
                server
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("test database created");
                server.close().await.ok();
                Self::Postgres { server_url, name }
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}/valet.db?mode=rwc", dir.path().display()),
            Self::Postgres { server_url, name } => {
                let base = server_url
                    .rsplit_once('/')
                    .map_or(server_url.as_str(), |(b, _)| b);
                format!("{base}/{name}")
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Self::Postgres { server_url, name } = self else {
            return;
        };
        let (server_url, name) = (server_url.clone(), name.clone());
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(server) = sea_orm::Database::connect(&server_url).await {
                    let _ = server
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = server.close().await;
                }
            });
        })
        .join();
    }
}

/// The app with test defaults: bcrypt cost 4, no rate limit, a known admin.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with some settings overridden, e.g. `("VALET_ACCESS_TOKEN_TTL", "2")`.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    spawn_app_in(TestDatabase::create().await, overrides).await
}

/// The app on a database the test made itself.
pub async fn spawn_app_in(database: TestDatabase, overrides: &[(&str, &str)]) -> TestApp {
    let database = Arc::new(database);
    let vars = test_vars(&database.url(), overrides);
    start(database, vars, None).await
}

/// The test defaults with `overrides` on top.
pub(super) fn test_vars(database_url: &str, overrides: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.to_owned()),
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
    vars
}

pub(super) async fn start(
    database: Arc<TestDatabase>,
    vars: HashMap<String, String>,
    clock: Option<Arc<StoppedClock>>,
) -> TestApp {
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    let app = match &clock {
        Some(clock) => {
            let clock: Arc<dyn Clock> = Arc::clone(clock) as Arc<dyn Clock>;
            Application::build_with_clock(settings.clone(), clock).await
        }
        None => Application::build(settings.clone()).await,
    }
    .expect("application builds");
    let port = app.port();
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let db = app.db();
    tokio::spawn(app.run_until_stopped());
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client,
        db,
        settings,
        database,
        clock,
        metrics_address,
        vars,
    }
}

impl TestApp {
    /// A second instance of valet on the same database and settings, as a
    /// second machine behind a load balancer would run it.
    pub async fn spawn_second_instance(&self) -> TestApp {
        start(
            Arc::clone(&self.database),
            self.vars.clone(),
            self.clock.clone(),
        )
        .await
    }

    /// Another instance on the same database and clock, with some settings
    /// changed (a restart with a new configuration).
    pub async fn spawn_instance_with(&self, overrides: &[(&str, &str)]) -> TestApp {
        let mut vars = self.vars.clone();
        for (k, v) in overrides {
            vars.insert((*k).to_owned(), (*v).to_owned());
        }
        start(Arc::clone(&self.database), vars, self.clock.clone()).await
    }

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
        users::create(&self.db, &hasher, new)
            .await
            .expect("user created");
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
    pub async fn post_token_raw(
        &self,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
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
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "password grant for {username}"
        );
        response.json().await.unwrap()
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
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
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }
}
