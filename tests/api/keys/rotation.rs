//! Rotation on a stopped clock (docs/resource-servers.md): a new key is published first and
//! signs from the configured moment, on every instance at once; the key it
//! replaces verifies until its last token has expired, then leaves the JWKS.
use serde_json::json;

use super::{
    access_token, assert_accepted, assert_invalid_token, kid_of, now_of, published_kids, rotate,
    sign_with_stored_key, stored_key_count, verify_with_jwks,
};
use crate::helpers::{jwt_claims, spawn_app_with_clock};

const SETTINGS: &[(&str, &str)] = &[
    ("VALET_KEY_PUBLISH_SECONDS", "600"),
    ("VALET_ACCESS_TOKEN_TTL", "900"),
];

#[tokio::test]
async fn a_rotation_publishes_the_new_key_first_and_switches_at_the_configured_moment() {
    let (app, clock) = spawn_app_with_clock(SETTINGS).await;
    let old_token = access_token(&app).await;
    let old = kid_of(&old_token);

    let new = rotate(&app, false).await;
    clock.advance(1); // the keys are read again at most a second later
    assert_eq!(published_kids(&app).await, [old.clone(), new.clone()]);
    assert_eq!(kid_of(&access_token(&app).await), old, "not signing yet");

    clock.advance(598);
    assert_eq!(kid_of(&access_token(&app).await), old, "one second early");
    clock.advance(1);
    let new_token = access_token(&app).await;
    assert_eq!(kid_of(&new_token), new, "signs from the configured moment");

    // Tokens of both keys work, for valet and for a JWKS verifier.
    assert_accepted(&app, &old_token).await;
    assert_accepted(&app, &new_token).await;
    verify_with_jwks(&app, &old_token).await.unwrap();
    verify_with_jwks(&app, &new_token).await.unwrap();
}

#[tokio::test]
async fn rotate_now_signs_at_once_and_earlier_tokens_keep_working() {
    let (app, clock) = spawn_app_with_clock(SETTINGS).await;
    let old_token = access_token(&app).await;
    let new = rotate(&app, true).await;
    clock.advance(1);
    assert_eq!(kid_of(&access_token(&app).await), new);
    assert_accepted(&app, &old_token).await;
    assert_eq!(published_kids(&app).await.len(), 2);
}

#[tokio::test]
async fn a_replaced_key_verifies_until_its_last_token_expires_then_leaves_the_jwks() {
    let (app, clock) = spawn_app_with_clock(SETTINGS).await;
    let old = kid_of(&access_token(&app).await);
    rotate(&app, true).await;
    // A token of the old key that claims to live for a day: the key's
    // window, not the token's claims, decides.
    let mut claims = jwt_claims(&access_token(&app).await);
    claims["exp"] = json!(now_of(&app) + 86_400);
    let long_lived = sign_with_stored_key(&app, &old, &old, &claims).await;

    clock.advance(900 + 5 - 1); // token lifetime + leeway, less a second
    assert_accepted(&app, &long_lived).await;
    assert!(published_kids(&app).await.contains(&old));
    clock.advance(1);
    assert_invalid_token(&app, &long_lived).await;
    assert!(!published_kids(&app).await.contains(&old));
}

#[tokio::test]
async fn two_instances_switch_keys_together_and_accept_each_others_tokens() {
    let (one, clock) = spawn_app_with_clock(SETTINGS).await;
    let two = one.spawn_second_instance().await;
    let new = rotate(&one, false).await;
    clock.advance(600);
    let from_one = access_token(&one).await;
    let from_two = access_token(&two).await;
    assert_eq!((kid_of(&from_one), kid_of(&from_two)), (new.clone(), new));
    assert_accepted(&two, &from_one).await;
    assert_accepted(&one, &from_two).await;
}

#[tokio::test]
async fn a_key_made_by_one_instance_is_accepted_at_once_by_another() {
    // rotate --now lands in the database; the instance that reads it first
    // signs with it, and the other one reads the keys again on meeting its kid.
    let (one, _clock) = spawn_app_with_clock(SETTINGS).await;
    let two = one.spawn_second_instance().await;
    assert_eq!(published_kids(&two).await.len(), 1);
    let new = rotate(&one, true).await;
    let three = one.spawn_second_instance().await;
    let token = access_token(&three).await;
    assert_eq!(kid_of(&token), new);
    assert_accepted(&two, &token).await;
}

#[tokio::test]
async fn a_restart_keeps_the_keys() {
    let (app, _clock) = spawn_app_with_clock(SETTINGS).await;
    let token = access_token(&app).await;
    let restarted = app.spawn_second_instance().await;
    drop(app);
    assert_accepted(&restarted, &token).await;
    assert_eq!(kid_of(&access_token(&restarted).await), kid_of(&token));
    assert_eq!(stored_key_count(&restarted).await, 1);
}

#[tokio::test]
async fn a_new_signing_algorithm_takes_effect_at_the_next_start() {
    let (app, clock) = spawn_app_with_clock(SETTINGS).await;
    let rsa_token = access_token(&app).await;
    let restarted = app
        .spawn_instance_with(&[("VALET_SIGNING_ALG", "EdDSA")])
        .await;
    let ed_token = access_token(&restarted).await;
    assert_eq!(crate::helpers::jwt_header(&ed_token)["alg"], "EdDSA");
    assert_accepted(&restarted, &rsa_token).await;
    clock.advance(905);
    assert_eq!(published_kids(&restarted).await, [kid_of(&ed_token)]);
    // The instance still configured for RS256 does not take the key back
    // while it runs: both sign with the EdDSA key, and no key is added.
    assert_eq!(kid_of(&access_token(&app).await), kid_of(&ed_token));
    clock.advance(5);
    access_token(&app).await;
    access_token(&restarted).await;
    assert_eq!(stored_key_count(&app).await, 2);
}

#[tokio::test]
async fn a_client_with_longer_lived_tokens_keeps_the_replaced_key_verifying_longer() {
    let (app, clock) = spawn_app_with_clock(SETTINGS).await;
    crate::client_support::register(
        &app,
        json!({"client_id": "slow-app", "access_token_ttl": 3600}),
    )
    .await;
    let old = kid_of(&access_token(&app).await);
    rotate(&app, true).await;
    let mut claims = jwt_claims(&access_token(&app).await);
    claims["exp"] = json!(now_of(&app) + 86_400);
    let long_lived = sign_with_stored_key(&app, &old, &old, &claims).await;

    clock.advance(3600 + 5 - 1);
    assert_accepted(&app, &long_lived).await;
    clock.advance(1);
    assert_invalid_token(&app, &long_lived).await;
}
