//! Sessions expire with the refresh TTL (docs/security.md) and expired ones are purged.

use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use valet::auth::purge::{purge_expired, Purged};
use valet::clock::{self, Clock};
use valet::entities::prelude::{RefreshToken, Session};
use valet::entities::{refresh_token, session};

use crate::helpers::{
    assert_oauth_error, spawn_app, spawn_app_with_clock, ADMIN_PASSWORD, ADMIN_USERNAME,
};
use crate::lifecycle_helpers::claims_of;

fn text<'a>(tokens: &'a Value, field: &str) -> &'a str {
    tokens[field].as_str().unwrap()
}

#[tokio::test]
async fn a_session_past_the_refresh_ttl_refuses_both_its_tokens() {
    let (app, clock) = spawn_app_with_clock(&[("VALET_REFRESH_TOKEN_TTL", "1")]).await;
    let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let access = text(&tokens, "access_token");
    // The access token itself is good for 900 s; only the session ends.
    assert!(claims_of(access)["exp"].as_i64().unwrap() - clock.now() > 800);

    clock.advance(2);

    let me = app.get_me(access).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let challenge = me.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
    let refresh = app.refresh(text(&tokens, "refresh_token")).await;
    assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn purge_deletes_expired_sessions_with_their_refresh_tokens_and_keeps_live_ones() {
    let app = spawn_app().await;
    let mut expired_sids = Vec::new();
    for _ in 0..5 {
        let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
        expired_sids.push(
            claims_of(text(&tokens, "access_token"))["sid"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        // One rotation, so each session holds a used and an unused token.
        let rotated = app.refresh(text(&tokens, "refresh_token")).await;
        assert_eq!(rotated.status(), StatusCode::OK);
    }
    let live = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let now = clock::now();
    Session::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(now - 1))
        .filter(session::Column::Id.is_in(expired_sids.clone()))
        .exec(&app.db)
        .await
        .unwrap();

    // A batch of 2 makes the purge loop over several batches.
    let purged = purge_expired(&app.db, now, 2).await.unwrap();

    assert_eq!(
        purged,
        Purged {
            sessions: 5,
            refresh_tokens: 10,
            authorization_codes: 0,
        }
    );
    let left_sessions = Session::find()
        .filter(session::Column::Id.is_in(expired_sids.clone()))
        .count(&app.db)
        .await
        .unwrap();
    let left_tokens = RefreshToken::find()
        .filter(refresh_token::Column::SessionId.is_in(expired_sids))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!((left_sessions, left_tokens), (0, 0));
    assert_eq!(Session::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(
        app.get_me(text(&live, "access_token")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.refresh(text(&live, "refresh_token")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn purge_with_nothing_expired_deletes_nothing() {
    let app = spawn_app().await;
    let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;

    let purged = purge_expired(&app.db, clock::now(), 100).await.unwrap();

    assert_eq!(purged, Purged::default());
    assert_eq!(
        app.get_me(text(&tokens, "access_token")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_of_a_purged_session_is_refused_and_revoking_it_is_still_200() {
    let app = spawn_app().await;
    let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    Session::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(clock::now() - 1))
        .exec(&app.db)
        .await
        .unwrap();
    purge_expired(&app.db, clock::now(), 100).await.unwrap();

    assert_eq!(
        app.get_me(text(&tokens, "access_token")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app.refresh(text(&tokens, "refresh_token")).await;
    assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let revoke =
        crate::lifecycle_helpers::revoke(&app, &[("token", text(&tokens, "access_token"))]).await;
    assert_eq!(revoke.status(), StatusCode::OK);
}
