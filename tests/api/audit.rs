//! README's audit log: sign-ins, failures, lockouts, token reuse and every
//! admin action, with who acted and from where; shown at `/admin/audit`.
use reqwest::{Method, StatusCode};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;
use valet::entities::{audit_event, prelude::AuditEvent};

use crate::admin_support::{admin_browser, admin_token, api};
use crate::helpers::{spawn_app, TestApp};

async fn events(app: &TestApp) -> Vec<audit_event::Model> {
    AuditEvent::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_admin_action_is_recorded_with_the_admin_the_user_and_the_ip() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let steps: [(Method, &str, Option<serde_json::Value>); 8] = [
        (
            Method::POST,
            "/api/users",
            Some(json!({"username": "vic", "password": "vic-password", "scopes": ["me"]})),
        ),
        (
            Method::PATCH,
            "/api/users/vic",
            Some(json!({"email": "v@example.com", "scopes": ["me", "x"]})),
        ),
        (
            Method::PATCH,
            "/api/users/vic",
            Some(json!({"disabled": true})),
        ),
        (
            Method::PATCH,
            "/api/users/vic",
            Some(json!({"disabled": false})),
        ),
        (
            Method::PATCH,
            "/api/users/vic",
            Some(json!({"password": "vic-new-password"})),
        ),
        (Method::POST, "/api/users/vic/sign-out", None),
        (Method::DELETE, "/api/users/vic", None),
        (Method::GET, "/api/users/vic", None),
    ];
    for (method, path, body) in steps {
        api(&app, method, path, &token, body).await;
    }
    let browser = admin_browser(&app).await;
    app.create_user("wes", "wes-password", "me").await;
    browser
        .submit("/admin/users/wes", "/admin/users/wes/unlock", &[])
        .await;

    let admin_events: Vec<_> = events(&app)
        .await
        .into_iter()
        .filter(|e| e.actor.is_some())
        .collect();
    let kinds: Vec<_> = admin_events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "user_created",
            "user_updated",
            "user_disabled",
            "user_enabled",
            "password_changed",
            "sessions_revoked",
            "user_deleted",
            "user_unlocked"
        ]
    );
    for event in &admin_events {
        assert_eq!(event.actor.as_deref(), Some("admin"));
        assert_eq!(event.ip.as_deref(), Some("127.0.0.1"), "{event:?}");
        assert!(
            !event.detail.contains("vic-new-password") && !event.detail.contains("vic-password")
        );
    }
    assert_eq!(admin_events[0].subject.as_deref(), Some("vic"));
    assert_eq!(admin_events[7].subject.as_deref(), Some("wes"));
    assert_eq!(
        admin_events[1].detail,
        "email: (none) → v@example.com; scopes: me → me x"
    );
}

#[tokio::test]
async fn sign_ins_failures_lockouts_and_token_reuse_are_recorded_without_passwords() {
    let app = spawn_app().await;
    app.create_user("xena", "xena-password", "me").await;
    let tokens = app.tokens_for("xena", "xena-password").await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(app.refresh(refresh).await.status(), StatusCode::OK);
    assert_eq!(app.refresh(refresh).await.status(), StatusCode::BAD_REQUEST);
    app.password_grant("nobody-here", "guess-password").await;
    for _ in 0..5 {
        app.password_grant("xena", "wrong-password").await;
    }

    let all = events(&app).await;
    let kinds: Vec<_> = all.iter().map(|e| e.kind.as_str()).collect();
    for kind in [
        "sign_in",
        "refresh_token_reused",
        "sign_in_failed",
        "account_locked",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "sign_in_failed").count(), 6);
    for event in &all {
        assert_eq!(event.ip.as_deref(), Some("127.0.0.1"), "{event:?}");
        for secret in ["xena-password", "wrong-password", "guess-password", refresh] {
            assert!(!event.detail.contains(secret), "{event:?}");
        }
    }
}

#[tokio::test]
async fn the_audit_page_shows_newest_first_with_paging_and_a_user_filter() {
    let app = spawn_app().await;
    app.create_user("yan", "yan-password", "me").await;
    // 54 events: the admin's sign-in at /login (the oldest), 51 failed
    // sign-ins, the admin's password grant and the sign-out.
    let browser = admin_browser(&app).await;
    for _ in 0..51 {
        app.password_grant("ghost", "wrong-password").await;
    }
    let token = admin_token(&app).await;
    api(&app, Method::POST, "/api/users/yan/sign-out", &token, None).await;

    let first = browser.page("/admin/audit").await;
    assert!(first.contains("54 events, newest first"), "{first}");
    assert_eq!(
        first.matches("<tr>").count(),
        51,
        "a header row and 50 events"
    );
    let newest = first.find("sessions revoked").unwrap();
    assert!(
        newest < first.find("sign in failed").unwrap(),
        "newest first"
    );
    assert!(first.contains("Page 1 of 2") && first.contains(r#"href="/admin/audit?page=2""#));
    let second = browser.page("/admin/audit?page=2").await;
    assert_eq!(second.matches("<tr>").count(), 5);

    let filtered = browser.page("/admin/audit?user=yan").await;
    assert!(filtered.contains("1 events involving yan"), "{filtered}");
    assert!(
        filtered.contains("signed out everywhere (0 sessions ended)")
            && !filtered.contains("ghost")
    );
    let by_actor = browser.page("/admin/audit?user=admin").await;
    assert!(by_actor.contains("sessions revoked") && by_actor.contains("sign in"));
}
