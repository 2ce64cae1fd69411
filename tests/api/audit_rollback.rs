//! docs/users.md's audit log: an admin action is written in the same
//! transaction as its audit row, so an action whose row cannot be written
//! does not happen. The test makes the database refuse audit rows (a
//! trigger added through its own connection) and checks that every action
//! answers 500 and changes nothing.
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api, json_of};
use crate::client_support::{client_token, register_backend};
use crate::helpers::{csrf_in, Browser, TestApp};

/// From now on, the database refuses every new audit row.
async fn refuse_audit_rows(app: &TestApp) {
    let statements: &[&str] = match app.db.get_database_backend() {
        DbBackend::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'audit rows refused'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
        _ => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events
               BEGIN SELECT RAISE(ABORT, 'audit rows refused'); END"],
    };
    for statement in statements {
        app.db.execute_unprepared(statement).await.unwrap();
    }
}

async fn refused(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) {
    let response = api(app, method, path, token, body).await;
    assert_eq!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "{path}"
    );
}

async fn user(app: &TestApp, token: &str, username: &str) -> Value {
    let path = format!("/api/users/{username}");
    json_of(
        api(app, Method::GET, &path, token, None).await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn an_admin_action_whose_audit_row_cannot_be_written_changes_nothing() {
    let app = crate::helpers::spawn_app().await;
    let token = admin_token(&app).await;
    app.create_user("vic", "vic-password", "me").await;
    let vic = app.tokens_for("vic", "vic-password").await;
    let vic_access = vic["access_token"].as_str().unwrap();
    let secret = register_backend(&app, "reports", &["users:read"]).await;
    let browser = Browser::signed_in(&app, "vic", "vic-password").await;
    refuse_audit_rows(&app).await;

    let new_user = json!({"username": "wes", "password": "wes-password", "scopes": ["me"]});
    refused(&app, Method::POST, "/api/users", &token, Some(new_user)).await;
    let wes = api(&app, Method::GET, "/api/users/wes", &token, None).await;
    assert_eq!(wes.status(), StatusCode::NOT_FOUND);

    for change in [
        json!({"email": "v@example.com"}),
        json!({"disabled": true}),
        json!({"password": "vic-new-password"}),
    ] {
        refused(&app, Method::PATCH, "/api/users/vic", &token, Some(change)).await;
    }
    let stored = user(&app, &token, "vic").await;
    assert_eq!(stored["email"], Value::Null);
    assert_eq!(stored["disabled"], false);
    refused(&app, Method::POST, "/api/users/vic/sign-out", &token, None).await;
    refused(&app, Method::DELETE, "/api/users/vic", &token, None).await;
    user(&app, &token, "vic").await;
    // Vic's session, token and password all outlived the refused actions.
    assert_eq!(app.get_me(vic_access).await.status(), StatusCode::OK);
    let csrf = csrf_in(&browser.account_page().await);
    let own_change = browser
        .post_form(
            "/account/password",
            &[
                ("csrf_token", csrf.as_str()),
                ("current_password", "vic-password"),
                ("new_password", "vic-newer-password"),
                ("confirm_password", "vic-newer-password"),
            ],
        )
        .await;
    assert_eq!(own_change.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let signed_in = app.password_grant("vic", "vic-password").await;
    assert_eq!(signed_in.status(), StatusCode::OK);

    let new_client = json!({"client_id": "other", "type": "public"});
    refused(&app, Method::POST, "/api/clients", &token, Some(new_client)).await;
    let other = api(&app, Method::GET, "/api/clients/other", &token, None).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let path = "/api/clients/reports";
    refused(
        &app,
        Method::PATCH,
        path,
        &token,
        Some(json!({"disabled": true})),
    )
    .await;
    refused(
        &app,
        Method::POST,
        "/api/clients/reports/secret",
        &token,
        None,
    )
    .await;
    refused(&app, Method::DELETE, path, &token, None).await;
    // The client is still there, enabled, with its first secret.
    let token_response = client_token(&app, "reports", &secret, None).await;
    assert_eq!(token_response.status(), StatusCode::OK);
}
