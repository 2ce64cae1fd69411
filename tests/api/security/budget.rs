//! The per-IP sign-in budget is kept in the database: every instance on it
//! shares one, and IPv6 clients are counted per /64.
use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, spawn_app_with_clock, TestApp};

fn wrong_grant(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app.client.post(app.url("/token")).form(&[
        ("grant_type", "password"),
        ("username", "nobody"),
        ("password", "wrong-password"),
    ]);
    if let Some(address) = forwarded_for {
        request = request.header("X-Forwarded-For", address);
    }
    request
}

#[tokio::test]
async fn twenty_attempts_at_once_on_two_instances_spend_one_shared_budget() {
    let app = spawn_app_with(&[("VALET_RATE_LIMIT_PER_MINUTE", "3")]).await;
    let other = app.spawn_second_instance().await;
    let requests = (0..20).map(|i| {
        let target = if i % 2 == 0 { &app } else { &other };
        wrong_grant(target, None).send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut judged = 0;
    for response in responses {
        let response = response.unwrap();
        match response.status() {
            StatusCode::BAD_REQUEST => judged += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let wait: u64 = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&wait), "{wait}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(judged, 3, "one budget of 3 for both instances");
}

#[tokio::test]
async fn ipv6_clients_are_counted_per_64() {
    let app = spawn_app_with(&[
        ("VALET_RATE_LIMIT_PER_MINUTE", "2"),
        ("VALET_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let mut statuses = Vec::new();
    for host in ["1", "2", "ff:1:2"] {
        let address = format!("2001:db8:1:2::{host}");
        let response = wrong_grant(&app, Some(&address)).send().await.unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let next_block = wrong_grant(&app, Some("2001:db8:1:3::1"))
        .send()
        .await
        .unwrap();
    assert_eq!(next_block.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_spent_budget_is_whole_again_once_the_clock_passes_the_minute() {
    let (app, clock) = spawn_app_with_clock(&[("VALET_RATE_LIMIT_PER_MINUTE", "2")]).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(wrong_grant(&app, None).send().await.unwrap().status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    clock.advance(60);
    let after = wrong_grant(&app, None).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::BAD_REQUEST);
}
