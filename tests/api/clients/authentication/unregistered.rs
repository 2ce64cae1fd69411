//! `VALET_UNREGISTERED_CLIENTS=allow|deny` at `/token`.
use super::*;

#[tokio::test]
async fn under_allow_an_unregistered_or_absent_client_may_use_the_password_grant() {
    let app = spawn_app().await;
    for authorization in [None, Some("Basic Og==")] {
        let response = post_form(
            &app,
            "/token",
            authorization,
            &[
                ("grant_type", "password"),
                ("username", ADMIN_USERNAME),
                ("password", ADMIN_PASSWORD),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{authorization:?}");
        let body: Value = response.json().await.unwrap();
        assert!(jwt_claims(body["access_token"].as_str().unwrap())
            .get("client_id")
            .is_none());
    }
    let named = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", "some-app"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
        ])
        .await;
    let body: Value = named.json().await.unwrap();
    assert_eq!(
        jwt_claims(body["access_token"].as_str().unwrap())["client_id"],
        "some-app"
    );
}

#[tokio::test]
async fn under_deny_every_token_request_must_name_a_registered_client() {
    let app = spawn_app_with(&[("VALET_UNREGISTERED_CLIENTS", "deny")]).await;
    let sign_in = |client: Option<&'static str>, authorization: Option<&'static str>| {
        let app = &app;
        async move {
            let mut params = vec![
                ("grant_type", "password"),
                ("username", ADMIN_USERNAME),
                ("password", ADMIN_PASSWORD),
            ];
            if let Some(id) = client {
                params.push(("client_id", id));
            }
            post_form(app, "/token", authorization, &params).await
        }
    };
    assert_invalid_client(sign_in(None, None).await).await;
    assert_invalid_client(sign_in(None, Some("Basic Og==")).await).await;
    assert_invalid_client(sign_in(Some("some-app"), None).await).await;
    let refresh = app
        .post_token(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .await;
    assert_invalid_client(refresh).await;

    // The test admin registers an app through the CLI's service (no token
    // can be had over HTTP without one).
    use valet::clients::{self, ClientInput};
    use valet::users::admin::Actor;
    let new = clients::parse_new_client(ClientInput {
        client_id: Some("console"),
        first_party: Some(true),
        grant_types: Some(vec!["password", "refresh_token"]),
        scopes: Some(vec!["admin", "users:read", "users:write"]),
        ..ClientInput::default()
    })
    .unwrap();
    clients::create(&app.db, &Actor::new("cli", None), new)
        .await
        .unwrap();
    let response = sign_in(Some("console"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let refreshed = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "console"),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(refreshed.status(), StatusCode::OK);
}
