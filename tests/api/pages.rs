//! The browser pages of README over real HTTP: a [`Browser`] is a client
//! with its own cookie jar that fills in forms the way a person would.
mod account;
mod errors;
mod login;
mod next;
mod password;
mod signout;

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Client, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use valet::entities::{audit_event, prelude::AuditEvent};

use crate::helpers::TestApp;

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "alice-password-1";

/// One browser: its own cookies, redirects not followed.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub client: Client,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self { app, client }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.app.url(path))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.app.url(path))
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf_from(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        csrf_in(&response.text().await.unwrap())
    }

    /// Opens `/login?next=…` (or `/login`) and submits the form.
    pub async fn sign_in_to(&self, username: &str, password: &str, next: Option<&str>) -> Response {
        let page = match next {
            Some(next) => format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ),
            None => "/login".to_owned(),
        };
        let csrf = self.csrf_from(&page).await;
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("username", username),
            ("password", password),
        ];
        if let Some(next) = next {
            form.push(("next", next));
        }
        self.post_form("/login", &form).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Response {
        self.sign_in_to(username, password, None).await
    }

    /// Signs in and asserts it worked.
    pub async fn signed_in(app: &'a TestApp, username: &str, password: &str) -> Self {
        let browser = Self::new(app);
        let response = browser.sign_in(username, password).await;
        assert_eq!(response.status(), 303, "sign-in of {username}");
        browser
    }

    /// The account page's HTML; panics unless it is shown.
    pub async fn account_page(&self) -> String {
        let response = self.get("/account").await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

/// The value of the first hidden `csrf_token` field in `html`.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let len = html[start..].find('"').expect("closing quote");
    html[start..start + len].to_owned()
}

/// The `Set-Cookie` line for the session cookie, if the response set it.
pub fn session_set_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("valet_session=") || v.starts_with("__Host-valet_session="))
        .map(str::to_owned)
}

/// Asserts the headers README puts on every response.
pub fn assert_security_headers(headers: &HeaderMap) {
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
}

/// Asserts an HTML page with `status` whose body contains `text`.
pub async fn assert_page(response: Response, status: u16, text: &str) -> String {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    assert!(body.contains(text), "expected {text:?} in:\n{body}");
    body
}

/// The audit events of one kind, newest first.
pub async fn audit_events(app: &TestApp, kind: &str) -> Vec<audit_event::Model> {
    AuditEvent::find()
        .filter(audit_event::Column::Kind.eq(kind))
        .order_by_desc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

pub async fn app_with_alice() -> TestApp {
    let app = crate::helpers::spawn_app().await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    app
}
