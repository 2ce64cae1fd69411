//! The last enabled admin stays, even when the last two demote each other
//! at once.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::admin_support::{api, token_of};
use crate::helpers::{spawn_app, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

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
