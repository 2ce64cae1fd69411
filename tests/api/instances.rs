//! docs/security.md: several valet instances on one database share users, keys,
//! refresh tokens, lockouts and revocations.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, TestDatabase};
use crate::process::ValetProcess;

fn field<'a>(body: &'a Value, name: &str) -> &'a str {
    body[name].as_str().unwrap()
}

#[tokio::test]
async fn a_token_issued_by_one_instance_is_accepted_by_the_other() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    one.create_user("alice", "correct-horse", "me").await;
    let pair = one.tokens_for("alice", "correct-horse").await;
    assert_eq!(
        two.get_me(field(&pair, "access_token")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_refresh_token_rotates_on_the_other_instance_and_reuse_is_caught_on_either() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    one.create_user("alice", "correct-horse", "").await;
    let first = one.tokens_for("alice", "correct-horse").await;
    let second: Value = two
        .refresh(field(&first, "refresh_token"))
        .await
        .json()
        .await
        .unwrap();
    assert!(second["access_token"].is_string(), "{second}");
    // The old token comes back at instance one: theft, the session ends.
    assert_eq!(
        one.refresh(field(&first, "refresh_token")).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        two.get_me(field(&second, "access_token")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        two.refresh(field(&second, "refresh_token")).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn disable_and_password_change_on_one_instance_take_effect_on_the_other() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    one.create_user("alice", "correct-horse", "").await;
    one.create_user("bob", "correct-horse", "").await;
    let alice = one.tokens_for("alice", "correct-horse").await;
    let bob = one.tokens_for("bob", "correct-horse").await;

    let user = valet::users::get_by_username(&one.db, "alice")
        .await
        .unwrap();
    valet::users::set_disabled(&one.db, &user, true)
        .await
        .unwrap();
    assert_eq!(
        two.get_me(field(&alice, "access_token")).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let user = valet::users::get_by_username(&one.db, "bob").await.unwrap();
    let password = valet::domain::Password::parse("another-pass".into()).unwrap();
    let hasher = valet::auth::password::PasswordHasher::new(4);
    valet::users::set_password(&one.db, &hasher, &user, &password, None)
        .await
        .unwrap();
    assert_eq!(
        two.get_me(field(&bob, "access_token")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        two.password_grant("bob", "correct-horse").await.status(),
        StatusCode::BAD_REQUEST
    );
    two.tokens_for("bob", "another-pass").await;
}

#[tokio::test]
async fn a_lockout_earned_on_one_instance_holds_on_the_other() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    one.create_user("alice", "correct-horse", "").await;
    for _ in 0..5 {
        one.password_grant("alice", "wrong-horse").await;
    }
    assert_eq!(
        two.password_grant("alice", "correct-horse").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn two_hundred_concurrent_password_grants_on_one_account_all_succeed() {
    // A sign-in queue that holds them all: this is about the database, not
    // about overload (docs/security.md).
    let app = spawn_app_with(&[("VALET_SIGNIN_QUEUE", "200")]).await;
    app.create_user("alice", "correct-horse", "").await;
    let requests = (0..200).map(|_| app.password_grant("alice", "correct-horse"));
    let responses = futures_util::future::join_all(requests).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status()).collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn two_processes_starting_together_on_a_new_database_create_one_admin_and_one_key() {
    let database = TestDatabase::create().await;
    let url = database.url();
    let env = [("DATABASE_URL", url.as_str())];
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| ValetProcess::start(&env));
        let b = s.spawn(|| ValetProcess::start(&env));
        (a.join().unwrap(), b.join().unwrap())
    });
    let created: Vec<&String> = a
        .log
        .iter()
        .chain(b.log.iter())
        .filter(|l| l.contains("created the first admin"))
        .collect();
    assert_eq!(created.len(), 1, "{created:#?}");
    let password = created[0]
        .split("with password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the generated password is printed once")
        .to_owned();
    // Either process accepts the printed password and the other's tokens:
    // both use the one signing key stored in the database.
    let client = reqwest::Client::new();
    let pair: Value = client
        .post(a.url("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", &password),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = client
        .get(b.url("/users/me"))
        .bearer_auth(field(&pair, "access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    // A revocation at one process holds at the other on the next request.
    let revoked = client
        .post(a.url("/revoke"))
        .form(&[("token", field(&pair, "refresh_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let me = client
        .get(b.url("/users/me"))
        .bearer_auth(field(&pair, "access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sigterm_drains_in_flight_requests_and_exits_zero() {
    let database = TestDatabase::create().await;
    let url = database.url();
    // A real bcrypt cost keeps the sign-in in flight while SIGTERM arrives;
    // the metrics listener tells when it is.
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let mut valet = ValetProcess::start(&[
        ("DATABASE_URL", url.as_str()),
        ("VALET_BCRYPT_COST", "13"),
        ("VALET_ADMIN_PASSWORD", "admin-password-1"),
        ("VALET_METRICS_ADDR", metrics_addr.as_str()),
    ]);
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn(
        client
            .post(valet.url("/token"))
            .form(&[
                ("grant_type", "password"),
                ("username", "admin"),
                ("password", "admin-password-1"),
            ])
            .send(),
    );
    let metrics = format!("http://{metrics_addr}/metrics");
    loop {
        let text = client
            .get(&metrics)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !text.contains("valet_signin_queue_depth 0") {
            assert!(text.contains("valet_signin_queue_depth 1"), "{text}");
            break;
        }
        tokio::task::yield_now().await;
    }
    valet.terminate();
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(valet.wait(), Some(0));
}

#[tokio::test]
async fn fifty_concurrent_creations_of_one_username_give_one_201_and_409s() {
    let one = spawn_app().await;
    let two = one.spawn_second_instance().await;
    let pair = one.tokens_for("admin", "admin-password-1").await;
    let token = field(&pair, "access_token");
    let client = reqwest::Client::new();
    let requests = (0..50).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        client
            .post(app.url("/api/users"))
            .bearer_auth(token)
            .json(&serde_json::json!({"username": "racer", "password": format!("password-{i:03}")}))
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    for response in responses {
        match response.unwrap().status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
    let list: Value = client
        .get(one.url("/api/users?q=racer"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}
