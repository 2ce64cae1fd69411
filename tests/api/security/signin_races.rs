//! Sign-in under concurrency: the lock is decided with the verdict, and a
//! sign-in whose account changed while bcrypt ran opens no session.
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::Value;
use tokio::sync::mpsc;
use valet::auth::password::PasswordHasher;
use valet::auth::sessions;
use valet::domain::{Password, ScopeSet, Username};
use valet::entities::{audit_event, prelude::AuditEvent, prelude::User, user};
use valet::users::{self, NewUser};

use crate::helpers::{spawn_app_with, TestApp};

const PASSWORD: &str = "the-right-password";
/// A cost that makes one verification take long enough (even in a release
/// build) for twenty of them to overlap.
const SLOW_COST: &str = "8";

async fn create_user_at_cost(app: &TestApp, username: &str, cost: u32) {
    let new = NewUser {
        username: Username::parse(username).unwrap(),
        password: Password::parse(PASSWORD.to_owned()).unwrap(),
        email: None,
        full_name: None,
        scopes: ScopeSet::parse("me").unwrap(),
        disabled: false,
    };
    users::create(&app.db, &PasswordHasher::new(cost), new)
        .await
        .unwrap();
}

/// Sends a password grant from its own task; its status and body arrive
/// on `done`.
fn spawn_grant(
    app: &TestApp,
    username: &str,
    password: &str,
    done: mpsc::UnboundedSender<(StatusCode, Value)>,
) {
    let request = app.client.post(app.url("/token")).form(&[
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ]);
    tokio::spawn(async move {
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        let _ = done.send((status, body));
    });
}

async fn wrong_password_events(app: &TestApp) -> usize {
    AuditEvent::find()
        .filter(audit_event::Column::Detail.eq("wrong password"))
        .all(&app.db)
        .await
        .unwrap()
        .len()
}

/// Twenty wrong guesses at once (split over `apps`), and the right password
/// sent as soon as the first guess is answered, while the others still wait
/// for bcrypt: at most five guesses are judged and the right one is refused.
async fn guesses_then_the_right_password(apps: &[&TestApp]) {
    let (done, mut answers) = mpsc::unbounded_channel();
    for i in 0..20 {
        spawn_grant(
            apps[i % apps.len()],
            "victim",
            "a-wrong-guess",
            done.clone(),
        );
    }
    let first = answers.recv().await.unwrap();
    let (right_done, mut right_answer) = mpsc::unbounded_channel();
    spawn_grant(apps[0], "victim", PASSWORD, right_done);
    let mut statuses = vec![first.0];
    for _ in 1..20 {
        statuses.push(answers.recv().await.unwrap().0);
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::BAD_REQUEST),
        "{statuses:?}"
    );
    let (status, body) = right_answer.recv().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");

    assert_eq!(wrong_password_events(apps[0]).await, 5);
    let after = apps[0].password_grant("victim", PASSWORD).await;
    assert_eq!(after.status(), StatusCode::BAD_REQUEST, "still locked");
}

#[tokio::test]
async fn concurrent_guesses_lock_after_five_and_the_right_password_racing_the_lock_is_refused() {
    let app = spawn_app_with(&[("VALET_BCRYPT_COST", SLOW_COST)]).await;
    create_user_at_cost(&app, "victim", 8).await;
    guesses_then_the_right_password(&[&app]).await;
}

#[tokio::test]
async fn concurrent_guesses_on_two_instances_share_one_lock() {
    let app = spawn_app_with(&[("VALET_BCRYPT_COST", SLOW_COST)]).await;
    let other = app.spawn_second_instance().await;
    create_user_at_cost(&app, "victim", 8).await;
    guesses_then_the_right_password(&[&app, &other]).await;
}

/// A change to the account made while sign-ins wait for bcrypt, the way the
/// command line makes it (straight through the user service, so that it
/// lands at once instead of queueing for bcrypt behind the sign-ins).
#[derive(Clone, Copy)]
enum Change {
    Password,
    DisableThenEnable,
    Delete,
}

/// Twenty sign-ins with the right password at once; as soon as the first is
/// answered (the others read the user and wait for bcrypt), the account
/// changes. Once all are answered (and a disable undone), no token they got
/// may work, and none is a 500.
async fn sign_ins_racing(change: Change) {
    let app = spawn_app_with(&[("VALET_BCRYPT_COST", SLOW_COST)]).await;
    create_user_at_cost(&app, "victim", 8).await;
    let new_hash = bcrypt::hash("a-new-password-1", 4).unwrap();
    let (done, mut answers) = mpsc::unbounded_channel();
    for _ in 0..20 {
        spawn_grant(&app, "victim", PASSWORD, done.clone());
    }
    let mut answered = vec![answers.recv().await.unwrap()];
    let victim = users::get_by_username(&app.db, "victim").await.unwrap();
    match change {
        Change::Password => {
            let txn = app.db.begin().await.unwrap();
            User::update_many()
                .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
                .filter(user::Column::Id.eq(victim.id.as_str()))
                .exec(&txn)
                .await
                .unwrap();
            sessions::revoke_all_for_user(&txn, &victim.id, None)
                .await
                .unwrap();
            txn.commit().await.unwrap();
        }
        Change::DisableThenEnable => users::set_disabled(&app.db, &victim, true).await.unwrap(),
        Change::Delete => users::delete(&app.db, &victim).await.unwrap(),
    }
    for _ in 1..20 {
        answered.push(answers.recv().await.unwrap());
    }
    // Enabled again only once every sign-in is answered: none may revive.
    if let Change::DisableThenEnable = change {
        users::set_disabled(&app.db, &victim, false).await.unwrap();
    }
    for (status, body) in answered {
        match status {
            StatusCode::OK => {
                let token = body["access_token"].as_str().unwrap();
                let me = app.get_me(token).await;
                assert_eq!(
                    me.status(),
                    StatusCode::UNAUTHORIZED,
                    "a sign-in outlived the change"
                );
                let refresh = app.refresh(body["refresh_token"].as_str().unwrap()).await;
                assert_eq!(refresh.status(), StatusCode::BAD_REQUEST);
            }
            StatusCode::BAD_REQUEST => assert_eq!(body["error"], "invalid_grant", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
}

#[tokio::test]
async fn a_sign_in_racing_a_password_change_opens_no_lasting_session() {
    sign_ins_racing(Change::Password).await;
}

#[tokio::test]
async fn a_sign_in_racing_a_disable_does_not_survive_the_enable() {
    sign_ins_racing(Change::DisableThenEnable).await;
}

#[tokio::test]
async fn a_sign_in_racing_a_delete_is_invalid_grant_never_a_500() {
    sign_ins_racing(Change::Delete).await;
}

#[tokio::test]
async fn a_hash_made_at_another_cost_is_replaced_at_the_next_sign_in() {
    let app = spawn_app_with(&[("VALET_BCRYPT_COST", "5")]).await;
    create_user_at_cost(&app, "old", 4).await;
    let wrong = app.password_grant("old", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(stored_hash(&app, "old").await.starts_with("$2b$04$"));

    app.tokens_for("old", PASSWORD).await;
    let hash = stored_hash(&app, "old").await;
    assert!(hash.starts_with("$2b$05$"), "{hash}");
    app.tokens_for("old", PASSWORD).await;
}

async fn stored_hash(app: &TestApp, username: &str) -> String {
    User::find()
        .filter(user::Column::Username.eq(username))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}
