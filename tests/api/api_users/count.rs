//! The users list's `total` without `q` comes from `user_count`, kept by
//! triggers (docs/performance.md): exact under concurrent writes, across
//! instances, and on a database that had users before the migration.
use futures_util::future::join_all;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

use super::*;

async fn listed_total(app: &TestApp, token: &str) -> u64 {
    let body = json_of(
        api(app, Method::GET, "/api/users?per_page=1", token, None).await,
        StatusCode::OK,
    )
    .await;
    body["total"].as_u64().unwrap()
}

/// The maintained count and a real `COUNT(*)`, read from the database.
async fn stored_counts(app: &TestApp) -> (i64, i64) {
    let backend = app.db.get_database_backend();
    let sql = "SELECT (SELECT total FROM user_count WHERE id = 1) AS kept, \
               (SELECT count(*) FROM users) AS counted";
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get::<i64>("", "kept").unwrap(),
        row.try_get::<i64>("", "counted").unwrap(),
    )
}

fn new_user(name: String) -> serde_json::Value {
    json!({"username": name, "password": "long-password-1"})
}

#[tokio::test]
async fn the_total_stays_exact_under_twenty_creations_and_twenty_deletions_at_once() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for i in 0..20 {
        let created = create(&app, &token, new_user(format!("old{i}"))).await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    assert_eq!(listed_total(&app, &token).await, 21);

    let names: Vec<(String, String)> = (0..20)
        .map(|i| (format!("new{i}"), format!("/api/users/old{i}")))
        .collect();
    let creations = names
        .iter()
        .map(|(name, _)| create(&app, &token, new_user(name.clone())));
    let deletions = names
        .iter()
        .map(|(_, path)| api(&app, Method::DELETE, path, &token, None));
    let (created, deleted) =
        futures_util::future::join(join_all(creations), join_all(deletions)).await;

    assert!(created.iter().all(|r| r.status() == StatusCode::CREATED));
    assert!(deleted.iter().all(|r| r.status() == StatusCode::NO_CONTENT));
    assert_eq!(listed_total(&app, &token).await, 21);
    assert_eq!(stored_counts(&app).await, (21, 21));
}

#[tokio::test]
async fn two_instances_creating_and_deleting_at_once_keep_one_exact_total() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    let token = admin_token(&one).await;
    for i in 0..10 {
        let created = create(&one, &token, new_user(format!("old{i}"))).await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }

    let paths: Vec<String> = (0..10).map(|i| format!("/api/users/old{i}")).collect();
    let creations = (0..20).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        create(app, &token, new_user(format!("new{i}")))
    });
    let deletions = paths.iter().enumerate().map(|(i, path)| {
        let app = if i % 2 == 0 { &two } else { &one };
        api(app, Method::DELETE, path, &token, None)
    });
    let (created, deleted) =
        futures_util::future::join(join_all(creations), join_all(deletions)).await;

    assert!(created.iter().all(|r| r.status() == StatusCode::CREATED));
    assert!(deleted.iter().all(|r| r.status() == StatusCode::NO_CONTENT));
    assert_eq!(listed_total(&one, &token).await, 21);
    assert_eq!(listed_total(&two, &token).await, 21);
    assert_eq!(stored_counts(&one).await, (21, 21));
}

#[tokio::test]
async fn the_migration_counts_the_users_a_database_already_has() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    app.create_user("bob", "bob-password-1", "me").await;
    // Back to the schema before `user_count`, then a user added there.
    let migrations = Migrator::migrations();
    let position = migrations
        .iter()
        .position(|m| m.name() == "m20261130_000001_user_count")
        .expect("the user_count migration");
    let steps = (migrations.len() - position) as u32;
    Migrator::down(&app.db, Some(steps)).await.unwrap();
    app.create_user("carol", "carol-password-1", "me").await;

    Migrator::up(&app.db, None).await.unwrap();

    assert_eq!(listed_total(&app, &token).await, 3);
    assert_eq!(stored_counts(&app).await, (3, 3));
}
