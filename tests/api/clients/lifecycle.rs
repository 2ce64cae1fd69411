//! Disabling, deleting and rotating under load; client authentication at
//! `/revoke` and `/introspect`.
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api};
use crate::client_support::{
    assert_invalid_client, basic, client_access_token, client_token, patch_client, post_form,
    register, register_backend, register_first_party_app,
};
use crate::helpers::{assert_oauth_error, spawn_app};

async fn sign_in_with(app: &crate::helpers::TestApp, client_id: &str) -> Value {
    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", client_id),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn disabling_a_client_ends_its_tokens_and_sessions_on_every_instance_for_good() {
    let app = spawn_app().await;
    let second = app.spawn_second_instance().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let client_token = client_access_token(&app, "svc", &secret).await;
    let user_tokens = sign_in_with(&app, "mobile").await;
    let user_access = user_tokens["access_token"].as_str().unwrap();
    assert_eq!(
        second
            .get_with_token("/api/users", &client_token)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(second.get_me(user_access).await.status(), StatusCode::OK);

    for id in ["svc", "mobile"] {
        let response = patch_client(&app, id, json!({"disabled": true})).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    for instance in [&app, &second] {
        let refused = instance.get_with_token("/api/users", &client_token).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token"));
        assert_eq!(
            instance.get_me(user_access).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Enabling again revives none of them.
    for id in ["svc", "mobile"] {
        patch_client(&app, id, json!({"disabled": false})).await;
    }
    assert_eq!(
        second
            .get_with_token("/api/users", &client_token)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        second.get_me(user_access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = second
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "mobile"),
            (
                "refresh_token",
                user_tokens["refresh_token"].as_str().unwrap(),
            ),
        ])
        .await;
    assert_oauth_error(refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
    // New tokens work again.
    let fresh = client_access_token(&app, "svc", &secret).await;
    assert_eq!(
        second.get_with_token("/api/users", &fresh).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn deleting_a_client_ends_its_tokens_and_a_new_client_of_that_id_revives_nothing() {
    let app = spawn_app().await;
    let second = app.spawn_second_instance().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let client_token = client_access_token(&app, "svc", &secret).await;
    let user_access = sign_in_with(&app, "mobile").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let admin = admin_token(&app).await;
    for id in ["svc", "mobile"] {
        let deleted = api(
            &app,
            Method::DELETE,
            &format!("/api/clients/{id}"),
            &admin,
            None,
        )
        .await;
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    }
    register_backend(&app, "svc", &["users:read"]).await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    for instance in [&app, &second] {
        assert_eq!(
            instance
                .get_with_token("/api/users", &client_token)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            instance.get_me(&user_access).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn sign_ins_racing_a_disable_leave_no_live_token_behind() {
    let app = spawn_app().await;
    register_first_party_app(&app, "mobile", &["me"]).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let admin = admin_token(&app).await;

    let sign_ins = (0..20).map(|_| {
        app.post_token(&[
            ("grant_type", "password"),
            ("client_id", "mobile"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ])
    });
    let disable = api(
        &app,
        Method::PATCH,
        "/api/clients/mobile",
        &admin,
        Some(json!({"disabled": true})),
    );
    let (responses, disabled) = tokio::join!(join_all(sign_ins), disable);
    assert_eq!(disabled.status(), StatusCode::OK);
    let mut issued = Vec::new();
    for response in responses {
        let status = response.status();
        assert!(
            status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
            "{status}"
        );
        if status == StatusCode::OK {
            let body: Value = response.json().await.unwrap();
            issued.push(body["access_token"].as_str().unwrap().to_owned());
        }
    }
    for token in issued {
        assert_eq!(app.get_me(&token).await.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn after_a_rotation_commits_the_old_secret_never_works_again() {
    let app = spawn_app().await;
    let old = register_backend(&app, "svc", &["users:read"]).await;
    let admin = admin_token(&app).await;

    let racing = (0..20).map(|_| client_token(&app, "svc", &old, None));
    let rotate = api(&app, Method::POST, "/api/clients/svc/secret", &admin, None);
    let (during, rotated) = tokio::join!(join_all(racing), rotate);
    assert_eq!(rotated.status(), StatusCode::OK);
    for response in during {
        let status = response.status();
        assert!(
            status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
            "{status}"
        );
    }
    // Once the rotation has answered, 20 requests at once with the old
    // secret all fail, and the new one works.
    let after = join_all((0..20).map(|_| client_token(&app, "svc", &old, None))).await;
    for response in after {
        assert_invalid_client(response).await;
    }
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["client_secret"].as_str().unwrap();
    assert_eq!(
        client_token(&app, "svc", new, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_confidential_client_introspects_with_its_secret_when_it_holds_introspect() {
    let app = spawn_app().await;
    let rs_secret = register_backend(&app, "orders-api", &["introspect"]).await;
    let other_secret = register_backend(&app, "nosy", &["users:read"]).await;
    app.create_user("alice", "alice-password-1", "me").await;
    let user_token = app.tokens_for("alice", "alice-password-1").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let client_token = client_access_token(&app, "nosy", &other_secret).await;

    for (token, sub) in [(&user_token, None), (&client_token, Some("nosy"))] {
        let by_basic = post_form(
            &app,
            "/introspect",
            Some(&basic("orders-api", &rs_secret)),
            &[("token", token)],
        )
        .await;
        assert_eq!(by_basic.status(), StatusCode::OK);
        let body: Value = by_basic.json().await.unwrap();
        assert_eq!(body["active"], true, "{body}");
        if let Some(sub) = sub {
            assert_eq!(body["sub"], sub);
            assert_eq!(body["client_id"], sub);
            assert!(body.get("username").is_none());
        } else {
            assert_eq!(body["username"], "alice");
        }
    }
    let by_post = post_form(
        &app,
        "/introspect",
        None,
        &[
            ("client_id", "orders-api"),
            ("client_secret", &rs_secret),
            ("token", &user_token),
        ],
    )
    .await;
    assert_eq!(by_post.status(), StatusCode::OK);

    // A client whose scopes lack introspect is refused; so is a wrong secret.
    let nosy = post_form(
        &app,
        "/introspect",
        Some(&basic("nosy", &other_secret)),
        &[("token", &user_token)],
    )
    .await;
    assert_oauth_error(nosy, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let wrong = post_form(
        &app,
        "/introspect",
        Some(&basic("orders-api", "wrong")),
        &[("token", &user_token)],
    )
    .await;
    assert_invalid_client(wrong).await;
    // A client's own token with introspect works as a Bearer token too.
    let rs_token = client_access_token(&app, "orders-api", &rs_secret).await;
    let by_bearer = reqwest::Client::new()
        .post(app.url("/introspect"))
        .bearer_auth(&rs_token)
        .form(&[("token", &user_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(by_bearer.status(), StatusCode::OK);

    // Disabled: its token is inactive at once.
    patch_client(&app, "nosy", json!({"disabled": true})).await;
    let after = post_form(
        &app,
        "/introspect",
        Some(&basic("orders-api", &rs_secret)),
        &[("token", &client_token)],
    )
    .await;
    let body: Value = after.json().await.unwrap();
    assert_eq!(body, json!({"active": false}));
}

#[tokio::test]
async fn a_confidential_client_must_authenticate_to_revoke_its_tokens() {
    let app = spawn_app().await;
    let created = register(
        &app,
        json!({"client_id": "portal", "type": "confidential", "first_party": true,
               "grant_types": ["password", "refresh_token"], "scopes": ["me"]}),
    )
    .await;
    let secret = created["client_secret"].as_str().unwrap();
    app.create_user("alice", "alice-password-1", "me").await;
    let tokens: Value = post_form(
        &app,
        "/token",
        Some(&basic("portal", secret)),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password-1"),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();

    let anonymous = post_form(&app, "/revoke", None, &[("token", refresh)]).await;
    assert_invalid_client(anonymous).await;
    let no_secret = post_form(
        &app,
        "/revoke",
        None,
        &[("token", refresh), ("client_id", "portal")],
    )
    .await;
    assert_invalid_client(no_secret).await;
    assert_eq!(app.get_me(access).await.status(), StatusCode::OK);

    let revoked = post_form(
        &app,
        "/revoke",
        Some(&basic("portal", secret)),
        &[("token", refresh)],
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(app.get_me(access).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_client_revokes_its_own_client_credentials_tokens_and_no_one_elses() {
    let app = spawn_app().await;
    let secret = register_backend(&app, "svc", &["users:read"]).await;
    let other = register_backend(&app, "other", &["users:read"]).await;
    let token = client_access_token(&app, "svc", &secret).await;

    let by_other = post_form(
        &app,
        "/revoke",
        Some(&basic("other", &other)),
        &[("token", &token)],
    )
    .await;
    assert_oauth_error(by_other, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::OK
    );

    let revoked = post_form(
        &app,
        "/revoke",
        Some(&basic("svc", &secret)),
        &[("token", &token)],
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
