//! ID tokens (OpenID Connect Core §2, §3.1.3.6, §12.2) from the code and
//! refresh grants, verified with the JWKS alone.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde_json::Value;
use valet::entities::{prelude::Session, session};

use super::{
    alice_with_profile, expected_at_hash, register_web, sign_in_with, text, verify_id_token, NONCE,
};
use crate::authorize::{authorize_path, pkce, redeem, redirect_params, REDIRECT};
use crate::helpers::{jwt_header, spawn_app, spawn_app_with};
use crate::pages::{ALICE, ALICE_PASSWORD};

/// The browser session's `created_at`: when Alice signed in on valet.
async fn browser_sign_in_time(app: &crate::helpers::TestApp) -> i64 {
    Session::find()
        .filter(session::Column::Kind.eq("browser"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a browser session")
        .created_at
}

#[tokio::test]
async fn the_id_token_of_each_algorithm_verifies_and_carries_the_oidc_claims() {
    for alg in ["RS256", "ES256", "EdDSA"] {
        let app = spawn_app_with(&[("VALET_SIGNING_ALG", alg)]).await;
        register_web(&app).await;
        let browser = alice_with_profile(&app).await;
        let tokens = sign_in_with(&browser, "openid me").await;
        let id_token = text(&tokens, "id_token");
        let access_token = text(&tokens, "access_token");

        let header = jwt_header(id_token);
        assert_eq!(header["alg"], alg);
        let claims = verify_id_token(&app, id_token).await;
        let access = crate::helpers::jwt_claims(access_token);
        assert_eq!(claims["iss"], "http://valet.test", "{alg}");
        assert_eq!(claims["sub"], access["sub"], "the user id");
        assert_eq!(claims["aud"], "web");
        assert_eq!(claims["azp"], "web");
        assert_eq!(claims["nonce"], NONCE, "the nonce as sent");
        assert_eq!(
            text(&claims, "at_hash"),
            expected_at_hash(alg, access_token),
            "{alg}"
        );
        assert_eq!(claims["sid"], access["sid"], "the session of the tokens");
        assert_eq!(claims["auth_time"], browser_sign_in_time(&app).await);
        let iat = claims["iat"].as_i64().unwrap();
        assert!(claims["exp"].as_i64().unwrap() > iat);
        // Without profile and email, no claims about the person.
        for absent in ["preferred_username", "name", "email"] {
            assert!(claims.get(absent).is_none(), "{absent} in {claims}");
        }
    }
}

#[tokio::test]
async fn profile_and_email_add_their_claims_to_the_id_token() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "openid profile email").await;
    let claims = verify_id_token(&app, text(&tokens, "id_token")).await;
    assert_eq!(claims["preferred_username"], ALICE);
    assert_eq!(claims["name"], "Alice Liddell");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(tokens["scope"], "email openid profile");
}

#[tokio::test]
async fn without_openid_there_is_no_id_token() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "me").await;
    assert!(tokens.get("id_token").is_none(), "{tokens}");
}

#[tokio::test]
async fn a_refresh_brings_a_new_id_token_without_the_nonce_and_with_the_first_auth_time() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "openid profile me").await;
    let first = verify_id_token(&app, text(&tokens, "id_token")).await;

    let refreshed: Value = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "web"),
            ("refresh_token", text(&tokens, "refresh_token")),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["scope"], "me openid profile", "openid is kept");
    let access_token = text(&refreshed, "access_token");
    let again = verify_id_token(&app, text(&refreshed, "id_token")).await;
    for same in ["iss", "sub", "aud", "azp", "auth_time", "sid"] {
        assert_eq!(again[same], first[same], "{same}");
    }
    assert!(again.get("nonce").is_none(), "Core §12.2: {again}");
    assert_eq!(
        text(&again, "at_hash"),
        expected_at_hash("RS256", access_token)
    );
    assert_eq!(again["preferred_username"], ALICE);

    // A refresh narrowed to leave out openid gets no ID token.
    let narrowed: Value = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "web"),
            ("refresh_token", text(&refreshed, "refresh_token")),
            ("scope", "me"),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(narrowed["scope"], "me");
    assert!(narrowed.get("id_token").is_none(), "{narrowed}");
}

#[tokio::test]
async fn max_age_makes_an_old_sign_in_sign_in_again_and_auth_time_says_when() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    // The browser signed in an hour ago.
    Session::update_many()
        .col_expr(
            session::Column::CreatedAt,
            Expr::col(session::Column::CreatedAt).sub(3600),
        )
        .filter(session::Column::Kind.eq("browser"))
        .exec(&app.db)
        .await
        .unwrap();
    let an_hour_ago = browser_sign_in_time(&app).await;

    let pkce = pkce();
    let request = authorize_path(
        "web",
        &pkce.challenge,
        &[("max_age", "600"), ("nonce", NONCE)],
    );
    let asked = browser.get(&request).await;
    let login = asked.headers()["location"].to_str().unwrap().to_owned();
    assert!(login.starts_with("/login?"), "{login}");
    let next: String = form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes())
        .find(|(n, _)| n == "next")
        .unwrap()
        .1
        .into_owned();
    let csrf = browser.csrf_from(&login).await;
    browser
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    let back = browser.get(&next).await;
    let code = redirect_params(&back, REDIRECT)["code"].clone();
    let tokens: Value = redeem(&app, "web", &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_id_token(&app, text(&tokens, "id_token")).await;
    let auth_time = claims["auth_time"].as_i64().unwrap();
    assert!(
        auth_time >= an_hour_ago + 3600 - 5,
        "the new sign-in: {auth_time} vs {an_hour_ago}"
    );
    assert!(auth_time <= claims["iat"].as_i64().unwrap());
    assert_eq!(claims["nonce"], NONCE, "the nonce survives the sign-in");
}

#[tokio::test]
async fn id_tokens_stay_asymmetric_when_access_tokens_use_a_shared_secret() {
    let app = spawn_app_with(&[("VALET_JWT_SECRET", crate::lifecycle_helpers::JWT_SECRET)]).await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let tokens = sign_in_with(&browser, "openid").await;
    assert_eq!(jwt_header(text(&tokens, "access_token"))["alg"], "HS256");
    let id_token = text(&tokens, "id_token");
    assert_eq!(jwt_header(id_token)["alg"], "RS256");
    let claims = verify_id_token(&app, id_token).await;
    assert_eq!(
        text(&claims, "at_hash"),
        expected_at_hash("RS256", text(&tokens, "access_token"))
    );
}

#[tokio::test]
async fn max_age_zero_asks_to_sign_in_again() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let response = browser
        .get(&authorize_path(
            "web",
            &pkce().challenge,
            &[("max_age", "0")],
        ))
        .await;
    assert_eq!(response.status(), 303);
    let login = response.headers()["location"].to_str().unwrap();
    assert!(login.starts_with("/login?"), "Core §3.1.2.1: {login}");
    assert!(!login.contains("max_age"), "the way back drops it: {login}");
}

#[tokio::test]
async fn an_id_token_hint_must_name_the_signed_in_user() {
    let app = spawn_app().await;
    register_web(&app).await;
    let browser = alice_with_profile(&app).await;
    let alices = sign_in_with(&browser, "openid").await;
    app.create_user("bob", "bob-password-1", "me").await;
    let bob = crate::pages::Browser::signed_in(&app, "bob", "bob-password-1").await;
    let challenge = pkce().challenge;
    let with_hint = |prompt: &str| {
        authorize_path(
            "web",
            &challenge,
            &[
                ("id_token_hint", text(&alices, "id_token")),
                ("prompt", prompt),
            ],
        )
    };

    // Alice's own hint: straight back with a code, even with prompt=none.
    let own = browser.get(&with_hint("none")).await;
    assert!(redirect_params(&own, REDIRECT).contains_key("code"));
    // In Bob's browser it names someone else (Core §3.1.2.1).
    let other = bob.get(&with_hint("none")).await;
    assert_eq!(redirect_params(&other, REDIRECT)["error"], "login_required");
    let asked = bob.get(&with_hint("")).await;
    let login = asked.headers()["location"].to_str().unwrap();
    assert!(login.starts_with("/login?"), "{login}");
    assert!(!login.contains("id_token_hint"), "{login}");
    // A hint valet did not sign counts as naming no one.
    let forged = authorize_path(
        "web",
        &challenge,
        &[("id_token_hint", "e30.e30.c2ln"), ("prompt", "none")],
    );
    assert_eq!(
        redirect_params(&browser.get(&forged).await, REDIRECT)["error"],
        "login_required"
    );
}
