//! Codes (RFC 6749 §4.1.2, §4.1.3, RFC 7636 §4.6): random, stored hashed,
//! short-lived, bound to client, redirect URI and verifier, and used once —
//! a replay revokes what the first use issued.
use futures_util::future::join_all;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use valet::entities::prelude::AuthorizationCode;

use super::{code_for, pkce, redeem, register_app, REDIRECT};
use crate::client_support::{assert_invalid_client, basic, post_form};
use crate::helpers::{assert_oauth_error, spawn_app, spawn_app_with_clock};
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

#[tokio::test]
async fn a_code_is_long_random_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let code = code_for(&browser, "web", &pkce()).await;
    assert!(code.len() >= 43, "at least 256 bits, base64url");
    let rows = AuthorizationCode::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].code_hash, code);
    assert_eq!(rows[0].code_hash.len(), 64);
}

#[tokio::test]
async fn a_second_use_fails_and_revokes_the_tokens_of_the_first() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let pkce = pkce();
    let code = code_for(&browser, "web", &pkce).await;
    let first: Value = redeem(&app, "web", &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(access).await.status(), 200);

    let again = redeem(&app, "web", &code, &pkce.verifier).await;
    assert_oauth_error(again, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(app.get_me(access).await.status(), 401);
    let refreshed = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "web"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_oauth_error(refreshed, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn of_twenty_concurrent_redemptions_exactly_one_succeeds_and_is_then_revoked() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let pkce = pkce();
    let code = code_for(&browser, "web", &pkce).await;

    let responses = join_all((0..20).map(|_| redeem(&app, "web", &code, &pkce.verifier))).await;
    let mut winners = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            200 => winners.push(response.json::<Value>().await.unwrap()),
            400 => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"], "invalid_grant");
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(winners.len(), 1);
    let access = winners[0]["access_token"].as_str().unwrap();
    assert_eq!(
        app.get_me(access).await.status(),
        401,
        "revoked as a replay"
    );
}

#[tokio::test]
async fn a_code_expires_after_valet_auth_code_ttl() {
    let (app, clock) = spawn_app_with_clock(&[("VALET_AUTH_CODE_TTL", "30")]).await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let pkce = pkce();
    let code = code_for(&browser, "web", &pkce).await;
    clock.advance(31);
    let late = redeem(&app, "web", &code, &pkce.verifier).await;
    assert_oauth_error(late, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;

    let fresh = code_for(&browser, "web", &pkce).await;
    clock.advance(29);
    assert_eq!(
        redeem(&app, "web", &fresh, &pkce.verifier).await.status(),
        200
    );
}

#[tokio::test]
async fn another_client_redirect_uri_or_verifier_cannot_redeem_the_code() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    register_app(&app, "other", json!({"first_party": true})).await;
    let pkce = pkce();
    let code = code_for(&browser, "web", &pkce).await;

    let wrong = [
        vec![
            ("client_id", "other"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", pkce.verifier.as_str()),
        ],
        vec![
            ("client_id", "web"),
            ("redirect_uri", "http://127.0.0.1/cb"),
            ("code_verifier", pkce.verifier.as_str()),
        ],
        vec![
            ("client_id", "web"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "x".repeat(43).leak()),
        ],
        vec![
            ("client_id", "web"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", pkce.challenge.as_str()),
        ],
    ];
    for params in wrong {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ];
        form.extend(params.iter().copied());
        let response = post_form(&app, "/token", None, &form).await;
        assert_oauth_error(response, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    // None of those consumed it.
    assert_eq!(
        redeem(&app, "web", &code, &pkce.verifier).await.status(),
        200
    );
}

#[tokio::test]
async fn a_confidential_client_must_authenticate_to_redeem() {
    let app = spawn_app().await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    let browser = Browser::signed_in(&app, ALICE, ALICE_PASSWORD).await;
    let client = register_app(
        &app,
        "backend",
        json!({"type": "confidential", "first_party": true}),
    )
    .await;
    let secret = client["client_secret"].as_str().unwrap();
    let pkce = pkce();
    let code = code_for(&browser, "backend", &pkce).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let mut unauthenticated = form.to_vec();
    unauthenticated.push(("client_id", "backend"));
    assert_invalid_client(post_form(&app, "/token", None, &unauthenticated).await).await;
    let ok = post_form(&app, "/token", Some(&basic("backend", secret)), &form).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn the_purge_removes_unredeemed_expired_codes_and_redeemed_ones_with_their_session() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, ExprTrait, PaginatorTrait, QueryFilter};
    use valet::auth::purge::purge_expired;
    use valet::entities::{authorization_code, prelude::Session, session};

    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let now = valet::clock::now();
    let pkce = pkce();
    let redeemed = code_for(&browser, "web", &pkce).await;
    let tokens: Value = redeem(&app, "web", &redeemed, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    code_for(&browser, "web", &pkce).await; // never redeemed
    code_for(&browser, "web", &pkce).await; // never redeemed, still fresh
    let count = || AuthorizationCode::find().count(&app.db);
    assert_eq!(count().await.unwrap(), 3);

    // One unredeemed code expires; the redeemed one has expired too, but
    // its session lives: a replay must still revoke it.
    let unused_expired = AuthorizationCode::find()
        .filter(authorization_code::Column::UsedAt.is_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    AuthorizationCode::update_many()
        .col_expr(authorization_code::Column::ExpiresAt, Expr::value(now - 1))
        .filter(
            authorization_code::Column::CodeHash
                .eq(unused_expired.code_hash.as_str())
                .or(authorization_code::Column::UsedAt.is_not_null()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let purged = purge_expired(&app.db, now, 100).await.unwrap();
    assert_eq!(purged.authorization_codes, 1);
    assert_eq!(count().await.unwrap(), 2);
    let replay = redeem(&app, "web", &redeemed, &pkce.verifier).await;
    assert_oauth_error(replay, reqwest::StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        app.get_me(tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        401,
        "the kept code still revoked its session"
    );

    // Once that session has expired, its code goes with it.
    Session::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(now - 1))
        .filter(session::Column::Kind.eq("authorization_code"))
        .exec(&app.db)
        .await
        .unwrap();
    let purged = purge_expired(&app.db, now, 100).await.unwrap();
    assert_eq!((purged.sessions, purged.authorization_codes), (1, 1));
    assert_eq!(count().await.unwrap(), 1, "the fresh code stays");
}
