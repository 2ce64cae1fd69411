//! RFC 6749 §3.1: request parameters must not be included more than once.
use reqwest::StatusCode;

use crate::helpers::{assert_oauth_error, spawn_app, ADMIN_PASSWORD, ADMIN_USERNAME};

#[tokio::test]
async fn a_repeated_parameter_with_an_empty_second_copy_is_an_invalid_request() {
    let app = spawn_app().await;
    for body in [
        format!("grant_type=password&grant_type=&username={ADMIN_USERNAME}&password={ADMIN_PASSWORD}"),
        format!("grant_type=password&username={ADMIN_USERNAME}&password={ADMIN_PASSWORD}&scope=&scope=admin"),
    ] {
        let response = app
            .post_token_raw("application/x-www-form-urlencoded", body)
            .await;
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
}
