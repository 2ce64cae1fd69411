//! The browser pages of README over real HTTP: a [`Browser`] is a client
//! with its own cookie jar that fills in forms the way a person would.
mod account;
mod errors;
mod login;
mod next;
mod password;
mod signout;

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use valet::entities::{audit_event, prelude::AuditEvent};

use crate::helpers::TestApp;
pub use crate::helpers::{csrf_in, Browser};

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "alice-password-1";

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
