//! The last enabled admin stays, even when the last two demote each other
//! at once.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::admin_support::{api, token_of};
use crate::helpers::{spawn_app, spawn_app_with, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

async fn enabled_admins(app: &TestApp) -> usize {
    valet::users::list_all(&app.db)
        .await
        .unwrap()
        .iter()
        .filter(|u| !u.disabled && u.scope_set().contains("admin"))
        .count()
}

async fn demote_each_other(apps: [&TestApp; 2]) {
    let app = apps[0];
    app.create_user(
        "second",
        "second-password-1",
        "admin users:read users:write",
    )
    .await;
    let first = token_of(app, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let second = token_of(app, "second", "second-password-1").await;
    let requests = (0..20).map(|i| {
        let target = apps[i % 2];
        let (token, path, body) = match i % 4 {
            0 => (&first, "/api/users/second", json!({"scopes": ["me"]})),
            1 => (&second, "/api/users/admin", json!({"scopes": ["me"]})),
            2 => (&first, "/api/users/second", json!({"disabled": true})),
            _ => (&second, "/api/users/admin", json!({"disabled": true})),
        };
        api(target, Method::PATCH, path, token, Some(body))
    });
    for response in futures_util::future::join_all(requests).await {
        let status = response.status();
        assert!(
            [
                StatusCode::OK,
                StatusCode::CONFLICT,
                StatusCode::FORBIDDEN,
                StatusCode::UNAUTHORIZED
            ]
            .contains(&status),
            "{status}"
        );
    }
    assert_eq!(enabled_admins(app).await, 1);
}

#[tokio::test]
async fn the_last_two_admins_demoting_each_other_at_once_leave_one() {
    let app = spawn_app().await;
    demote_each_other([&app, &app]).await;
}

#[tokio::test]
async fn the_last_two_admins_demoting_each_other_on_two_instances_leave_one() {
    let app = spawn_app().await;
    let other = app.spawn_second_instance().await;
    demote_each_other([&app, &other]).await;
}

/// A disable that read its user before that user became an admin, and
/// writes after the other admins stepped down (it waited for bcrypt to hash
/// the new password it also sets), must still see that it removes the last
/// admin.
#[tokio::test]
async fn a_demotion_read_before_a_promotion_cannot_remove_the_last_admin() {
    let app = spawn_app_with(&[("VALET_BCRYPT_COST", "10")]).await;
    app.create_user(
        "second",
        "second-password-1",
        "admin users:read users:write",
    )
    .await;
    app.create_user("carol", "carol-password-1", "me").await;
    let first = token_of(&app, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let second = token_of(&app, "second", "second-password-1").await;

    // Keep bcrypt busy, so that the slow change below waits for it: once
    // the first sign-in is answered the others are queued for bcrypt, and
    // the change is queued behind them.
    let (done, mut answers) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..20 {
        let request = app.client.post(app.url("/token")).form(&[
            ("grant_type", "password"),
            ("username", "nobody"),
            ("password", "wrong-password"),
        ]);
        let done = done.clone();
        tokio::spawn(async move {
            let _ = done.send(request.send().await.map(|r| r.status()));
        });
    }
    answers.recv().await.unwrap().unwrap();
    let slow = {
        let body = json!({"password": "carol-new-password", "disabled": true});
        let request = reqwest::Client::new()
            .patch(app.url("/api/users/carol"))
            .bearer_auth(&first)
            .json(&body);
        tokio::spawn(async move { request.send().await.unwrap().status() })
    };

    // One more answer: time enough for the change to have read carol.
    answers.recv().await.unwrap().unwrap();

    // While it waits: carol becomes an admin, and the other two step down
    // (each may, while another admin is left).
    let steps = [
        (
            &first,
            "/api/users/carol",
            json!({"scopes": ["admin", "users:read", "users:write"]}),
        ),
        (&second, "/api/users/second", json!({"scopes": ["me"]})),
        (&first, "/api/users/admin", json!({"scopes": ["me"]})),
    ];
    for (token, path, body) in steps {
        let status = api(&app, Method::PATCH, path, token, Some(body))
            .await
            .status();
        assert!(status.is_success() || status.is_client_error(), "{status}");
    }
    let status = slow.await.unwrap();
    assert!(
        status.is_success() || status == StatusCode::CONFLICT,
        "{status}"
    );
    for _ in 2..20 {
        answers.recv().await.unwrap().unwrap();
    }
    assert!(enabled_admins(&app).await >= 1, "no enabled admin is left");
}
