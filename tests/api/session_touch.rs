//! A session's "last used" time is written at most once a minute, however
//! many of its requests arrive at once: the first write counts and the
//! others change nothing (no queue of writes on one row).
use sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{spawn_app_with_clock, text, TestApp};

/// From now on, the database counts every write of `last_used_at`.
async fn count_touches(app: &TestApp) {
    let statements: &[&str] = match app.db.get_database_backend() {
        DbBackend::Postgres => &[
            "CREATE TABLE touch_log (n INTEGER)",
            "CREATE FUNCTION log_touch() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN INSERT INTO touch_log VALUES (1); RETURN NEW; END $$",
            "CREATE TRIGGER log_touch AFTER UPDATE OF last_used_at ON sessions
             FOR EACH ROW EXECUTE FUNCTION log_touch()",
        ],
        _ => &[
            "CREATE TABLE touch_log (n INTEGER)",
            "CREATE TRIGGER log_touch AFTER UPDATE OF last_used_at ON sessions
             BEGIN INSERT INTO touch_log VALUES (1); END",
        ],
    };
    for statement in statements {
        app.db.execute_unprepared(statement).await.unwrap();
    }
}

async fn touches(app: &TestApp) -> i64 {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM touch_log",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn twenty_requests_of_a_stale_session_at_once_write_its_time_once() {
    let (app, clock) = spawn_app_with_clock(&[]).await;
    app.create_user("ann", "ann-password", "me").await;
    let tokens = app.tokens_for("ann", "ann-password").await;
    let access = text(&tokens, "access_token").to_owned();
    count_touches(&app).await;

    clock.advance(61);
    let requests = (0..20).map(|_| app.get_me(&access));
    for response in futures_util::future::join_all(requests).await {
        assert_eq!(response.status(), reqwest::StatusCode::OK);
    }
    assert_eq!(touches(&app).await, 1);

    // Within the minute nothing more is written; after it, once more.
    app.get_me(&access).await;
    assert_eq!(touches(&app).await, 1);
    clock.advance(60);
    app.get_me(&access).await;
    assert_eq!(touches(&app).await, 2);
}
