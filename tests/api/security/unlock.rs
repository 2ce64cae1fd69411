//! An admin locked out by someone guessing can be let back in from the
//! command line: `valet user unlock NAME`, and `set-password` lifts the lock.
use reqwest::StatusCode;

use crate::cli::valet;
use crate::helpers::{spawn_app_in, TestApp, TestDatabase, ADMIN_PASSWORD, ADMIN_USERNAME};

/// The app on a SQLite file the CLI can open too, and the CLI's environment.
async fn app_with_cli_access() -> (TestApp, std::path::PathBuf, String) {
    let database = TestDatabase::Sqlite(tempfile::tempdir().unwrap());
    let url = database.url();
    let TestDatabase::Sqlite(dir) = &database else {
        unreachable!()
    };
    let dir = dir.path().to_owned();
    (spawn_app_in(database, &[]).await, dir, url)
}

async fn lock_out_admin(app: &TestApp) {
    for _ in 0..5 {
        let response = app.password_grant(ADMIN_USERNAME, "wrong-password").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let locked = app.password_grant(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::BAD_REQUEST,
        "the admin is locked"
    );
}

#[tokio::test]
async fn valet_user_unlock_lets_a_locked_out_admin_sign_in_again() {
    let (app, dir, url) = app_with_cli_access().await;
    lock_out_admin(&app).await;
    let output = valet(
        &dir,
        &["user", "unlock", ADMIN_USERNAME],
        "",
        &[("DATABASE_URL", url.as_str())],
    );
    assert!(output.status.success(), "{output:?}");
    let response = app.password_grant(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);

    let unknown = valet(
        &dir,
        &["user", "unlock", "nobody"],
        "",
        &[("DATABASE_URL", url.as_str())],
    );
    assert_eq!(unknown.status.code(), Some(1));
}

#[tokio::test]
async fn valet_user_set_password_lifts_a_lockout() {
    let (app, dir, url) = app_with_cli_access().await;
    lock_out_admin(&app).await;
    let output = valet(
        &dir,
        &["user", "set-password", ADMIN_USERNAME, "--password-stdin"],
        "a-brand-new-password\n",
        &[("DATABASE_URL", url.as_str())],
    );
    assert!(output.status.success(), "{output:?}");
    let response = app
        .password_grant(ADMIN_USERNAME, "a-brand-new-password")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
