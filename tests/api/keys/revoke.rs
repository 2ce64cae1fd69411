//! `valet keys revoke` (docs/resource-servers.md): the key leaves the JWKS and its tokens are
//! refused; the key that signs cannot be revoked.
use valet::keys::{self, StoreError};

use super::{
    access_token, assert_accepted, assert_invalid_token, kid_of, now_of, policy_of, published_kids,
    rotate,
};
use crate::helpers::spawn_app_with_clock;

#[tokio::test]
async fn a_revoked_key_leaves_the_jwks_and_its_tokens_are_refused_on_every_instance() {
    let (one, clock) = spawn_app_with_clock(&[]).await;
    let two = one.spawn_second_instance().await;
    let old_token = access_token(&one).await;
    let old = kid_of(&old_token);
    rotate(&one, true).await;
    clock.advance(1);
    assert_accepted(&two, &old_token).await;

    keys::revoke(&one.db, &policy_of(&one), &old, now_of(&one))
        .await
        .expect("a replaced key can be revoked");
    clock.advance(1);
    assert_invalid_token(&one, &old_token).await;
    assert_invalid_token(&two, &old_token).await;
    assert!(!published_kids(&one).await.contains(&old));
    assert!(!published_kids(&two).await.contains(&old));
}

#[tokio::test]
async fn the_key_that_signs_cannot_be_revoked() {
    let (app, _clock) = spawn_app_with_clock(&[]).await;
    let token = access_token(&app).await;
    let kid = kid_of(&token);
    let refused = keys::revoke(&app.db, &policy_of(&app), &kid, now_of(&app)).await;
    assert!(
        matches!(refused, Err(StoreError::SigningKey(_))),
        "{refused:?}"
    );
    let unknown = keys::revoke(&app.db, &policy_of(&app), "nope", now_of(&app)).await;
    assert!(
        matches!(unknown, Err(StoreError::UnknownKid(_))),
        "{unknown:?}"
    );
    assert_accepted(&app, &token).await;
}
