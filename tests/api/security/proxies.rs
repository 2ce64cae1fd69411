//! The client address behind trusted proxies: every `X-Forwarded-For` line,
//! read right to left.
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use valet::entities::{audit_event, prelude::AuditEvent};

use crate::helpers::{spawn_app_with, TestApp};

/// A wrong-password grant sent through a proxy that adds its own
/// `X-Forwarded-For` line after the one the client forged.
async fn through_proxy(app: &TestApp, forged: &str, seen_by_proxy: &str) -> reqwest::Response {
    app.client
        .post(app.url("/token"))
        .header("X-Forwarded-For", forged)
        .header("X-Forwarded-For", seen_by_proxy)
        .form(&[
            ("grant_type", "password"),
            ("username", "nobody"),
            ("password", "wrong-password"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_forged_first_forwarded_line_neither_resets_the_budget_nor_the_audit_ip() {
    let app = spawn_app_with(&[
        ("VALET_RATE_LIMIT_PER_MINUTE", "3"),
        ("VALET_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let forged = format!("198.51.100.{i}");
        statuses.push(through_proxy(&app, &forged, "203.0.113.7").await.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS,
        ]
    );
    let failures = AuditEvent::find()
        .filter(audit_event::Column::Kind.eq("sign_in_failed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 3);
    for event in failures {
        assert_eq!(event.ip.as_deref(), Some("203.0.113.7"));
    }
}
