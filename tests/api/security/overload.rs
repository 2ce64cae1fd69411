//! Sign-ins beyond `VALET_SIGNIN_QUEUE` waiting for bcrypt are refused at
//! once with 503 `temporarily_unavailable` and `Retry-After`.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app_with, ADMIN_PASSWORD, ADMIN_USERNAME};

#[tokio::test]
async fn sign_ins_beyond_the_queue_are_refused_at_once_with_retry_after() {
    // Cost 10: each sign-in holds a bcrypt thread long enough for twenty
    // sent at once to find the threads busy.
    let app = spawn_app_with(&[("VALET_SIGNIN_QUEUE", "0"), ("VALET_BCRYPT_COST", "10")]).await;
    let requests = (0..20).map(|_| {
        app.client
            .post(app.url("/token"))
            .form(&[
                ("grant_type", "password"),
                ("username", ADMIN_USERNAME),
                ("password", ADMIN_PASSWORD),
            ])
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let (mut signed_in, mut refused) = (0, 0);
    for response in responses {
        let response = response.unwrap();
        match response.status() {
            StatusCode::OK => signed_in += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                refused += 1;
                assert_eq!(response.headers()["retry-after"], "1");
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"], "temporarily_unavailable", "{body}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        signed_in >= 1,
        "the queue admits as many as there are bcrypt threads"
    );
    assert!(refused >= 1, "twenty at once overflow a queue of 0");
}
