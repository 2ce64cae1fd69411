//! A stored password hash bcrypt cannot read (a damaged row, a bad import)
//! refuses the sign-in like a wrong password: never let in, never a 500.
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::helpers::{spawn_app, TestApp};
use crate::pages::Browser;

async fn app_with_damaged_hash() -> TestApp {
    let app = spawn_app().await;
    app.create_user("dana", "dana-password-1", "me").await;
    app.db
        .execute_unprepared(
            "UPDATE users SET password_hash = 'not-a-bcrypt-hash' WHERE username = 'dana'",
        )
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn a_damaged_hash_refuses_the_password_grant_as_bad_credentials() {
    let app = app_with_damaged_hash().await;

    for password in ["dana-password-1", "not-a-bcrypt-hash"] {
        let response = app.password_grant("dana", password).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_grant");
    }
    // Not a guess at the password: nothing counted towards a lockout.
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT failed_logins FROM users WHERE username = 'dana'",
        ))
        .await
        .unwrap()
        .unwrap();
    let failed: i32 = row.try_get("", "failed_logins").unwrap();
    assert_eq!(failed, 0);
}

#[tokio::test]
async fn a_damaged_hash_refuses_the_sign_in_page_without_a_500() {
    let app = app_with_damaged_hash().await;
    let browser = Browser::new(&app);

    let response = browser.sign_in("dana", "dana-password-1").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(browser.get("/account").await.status().is_redirection());
}
