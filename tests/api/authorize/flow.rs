//! Signing in through `/login` and coming back to the request; `prompt`,
//! `max_age` and `login_hint` (OpenID Connect Core §3.1.2.1).
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde_json::{json, Value};
use valet::entities::{prelude::Session, session};

use super::{
    authorize_path, code_for, pkce, redeem, redirect_params, register_app, REDIRECT, STATE,
};
use crate::helpers::spawn_app;
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

#[tokio::test]
async fn an_anonymous_visitor_signs_in_on_the_login_page_and_comes_back_with_a_code() {
    let app = spawn_app().await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let browser = Browser::new(&app);
    let pkce = pkce();
    let request = authorize_path("web", &pkce.challenge, &[]);

    let response = browser.get(&request).await;
    assert_eq!(response.status(), 303);
    let login = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(login.starts_with("/login?next="), "{login}");
    let next: String = form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes())
        .find(|(n, _)| n == "next")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(next, request);

    let signed_in = browser.sign_in_to(ALICE, ALICE_PASSWORD, Some(&next)).await;
    crate::helpers::assert_is_redirect_to(&signed_in, &next);
    let back = browser.get(&next).await;
    let params = redirect_params(&back, REDIRECT);
    assert_eq!(params["state"], STATE);
    assert_eq!(params["iss"], "http://valet.test");

    let tokens = redeem(&app, "web", &params["code"], &pkce.verifier).await;
    assert_eq!(tokens.status(), 200);
    assert_eq!(tokens.headers()["cache-control"], "no-store");
    let tokens: Value = tokens.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "me openid");
    let me = app.get_me(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), 200);
    // The session is listed on the account page, and refresh rotates.
    let page = browser.account_page().await;
    assert!(page.contains("web"), "the app's session is listed");
    let refreshed = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "web"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(refreshed.status(), 200);
}

#[tokio::test]
async fn prompt_none_without_a_sign_in_is_login_required() {
    let app = spawn_app().await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let response = Browser::new(&app)
        .get(&authorize_path(
            "web",
            &pkce().challenge,
            &[("prompt", "none")],
        ))
        .await;
    let params = redirect_params(&response, REDIRECT);
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], STATE);
}

#[tokio::test]
async fn prompt_login_asks_again_and_then_issues_the_code() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let response = browser
        .get(&authorize_path(
            "web",
            &pkce().challenge,
            &[("prompt", "login")],
        ))
        .await;
    assert_eq!(response.status(), 303);
    let login = response.headers()["location"].to_str().unwrap().to_owned();
    let next: String = form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes())
        .find(|(n, _)| n == "next")
        .unwrap()
        .1
        .into_owned();
    assert!(!next.contains("prompt"), "{next}");
    // The form is shown even though the browser is signed in.
    let csrf = browser.csrf_from(&login).await;
    let signed_in = browser
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
    crate::helpers::assert_is_redirect_to(&signed_in, &next);
    assert!(redirect_params(&browser.get(&next).await, REDIRECT).contains_key("code"));
}

#[tokio::test]
async fn a_sign_in_older_than_max_age_asks_again() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
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
    let challenge = pkce().challenge;
    let old = browser
        .get(&authorize_path("web", &challenge, &[("max_age", "600")]))
        .await;
    assert_eq!(old.status(), 303);
    assert!(old.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?"));
    let recent_enough = browser
        .get(&authorize_path("web", &challenge, &[("max_age", "7200")]))
        .await;
    assert!(redirect_params(&recent_enough, REDIRECT).contains_key("code"));
}

#[tokio::test]
async fn login_hint_fills_in_the_username() {
    let app = spawn_app().await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let browser = Browser::new(&app);
    let response = browser
        .get(&authorize_path(
            "web",
            &pkce().challenge,
            &[("login_hint", "bob")],
        ))
        .await;
    let login = response.headers()["location"].to_str().unwrap().to_owned();
    let page = browser.get(&login).await.text().await.unwrap();
    assert!(page.contains(r#"value="bob""#), "{page}");
}

#[tokio::test]
async fn a_scope_the_user_lacks_is_left_out_of_the_grant() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(
        &app,
        "web",
        json!({"first_party": true, "scopes": ["openid", "me", "users:read"]}),
    )
    .await;
    let pkce = pkce();
    let response = browser
        .get(&authorize_path(
            "web",
            &pkce.challenge,
            &[("scope", "openid me users:read")],
        ))
        .await;
    let code = redirect_params(&response, REDIRECT)["code"].clone();
    let tokens: Value = redeem(&app, "web", &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["scope"], "me openid");
    let _ = code_for;
}

#[tokio::test]
async fn a_posted_request_is_sent_on_as_the_same_get_request() {
    let app = spawn_app().await;
    let browser = super::alice(&app).await;
    register_app(&app, "web", json!({"first_party": true})).await;
    let pkce = pkce();
    let path = authorize_path("web", &pkce.challenge, &[("prompt", "none")]);
    let query = path.strip_prefix("/authorize?").unwrap();
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    // OpenID Connect Core §3.1.2.1: a form posted from the app's site,
    // which carries no SameSite=Lax cookie.
    let cross_site = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted = cross_site
        .post(app.url("/authorize"))
        .form(&params)
        .send()
        .await
        .unwrap();
    crate::helpers::assert_is_redirect_to(&posted, &path);
    // The browser follows with its cookie: signed in, so prompt=none works.
    let params = redirect_params(&browser.get(&path).await, REDIRECT);
    let tokens = redeem(&app, "web", &params["code"], &pkce.verifier).await;
    assert_eq!(tokens.status(), 200);
}
