//! valet driven by a third-party OAuth 2.0 client: the `oauth2` crate
//! (ramosbugs/oauth2-rs), configured from valet's RFC 8414 metadata.
//!
//! The crate refuses non-https revocation and introspection URLs (RFC 7009
//! §2, RFC 7662 §4), so the app runs under an `https://valet.test` issuer
//! and the HTTP transport handed to the crate (`helpers::transport`) plays
//! the TLS-terminating proxy: it forwards `https://valet.test/...` to the
//! test server.
use oauth2::basic::{
    BasicClient, BasicErrorResponseType, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    ClientId, ClientSecret, IntrospectionUrl, RequestTokenError, ResourceOwnerPassword,
    ResourceOwnerUsername, RevocationUrl, Scope, StandardRevocableToken,
    TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{transport, TestApp, TransportError, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::lifecycle_helpers::{introspector_token, spawn_lifecycle_app};

const ISSUER: &str = "https://valet.test";

/// The app under an https issuer, and its RFC 8414 metadata as the client
/// would discover it.
async fn discover() -> (TestApp, Value) {
    let app = spawn_lifecycle_app(&[("VALET_ISSUER", ISSUER)]).await;
    let response = app.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(response.status(), StatusCode::OK);
    let metadata: Value = response.json().await.unwrap();
    assert_eq!(metadata["issuer"], ISSUER);
    (app, metadata)
}

fn endpoint(metadata: &Value, field: &str) -> String {
    metadata[field].as_str().expect(field).to_owned()
}

#[tokio::test]
async fn the_oauth2_crate_signs_in_refreshes_and_revokes() {
    let (app, metadata) = discover().await;
    let http = transport(&app, ISSUER, None);
    // A public client authenticating with HTTP Basic and an empty secret.
    let client = BasicClient::new(ClientId::new("mobile".into()))
        .set_client_secret(ClientSecret::new(String::new()))
        .set_token_uri(TokenUrl::new(endpoint(&metadata, "token_endpoint")).unwrap())
        .set_revocation_url(
            RevocationUrl::new(endpoint(&metadata, "revocation_endpoint")).unwrap(),
        );
    let username = ResourceOwnerUsername::new(ADMIN_USERNAME.into());
    let password = ResourceOwnerPassword::new(ADMIN_PASSWORD.into());

    // RFC 6749 §4.3: the password grant.
    let first = client
        .exchange_password(&username, &password)
        .add_scope(Scope::new("users:read".into()))
        .request_async(&http)
        .await
        .expect("password grant");
    assert_eq!(first.token_type(), &BasicTokenType::Bearer);
    assert_eq!(first.expires_in().map(|d| d.as_secs()), Some(900));
    assert_eq!(first.scopes(), Some(&vec![Scope::new("users:read".into())]));
    let me = app.get_me(first.access_token().secret()).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(
        me.json::<Value>().await.unwrap()["username"],
        ADMIN_USERNAME
    );

    // RFC 6749 §6: refresh, which rotates the refresh token.
    let first_refresh = first.refresh_token().expect("a refresh token").clone();
    let second = client
        .exchange_refresh_token(&first_refresh)
        .request_async(&http)
        .await
        .expect("refresh grant");
    assert_ne!(
        second.access_token().secret(),
        first.access_token().secret()
    );
    let second_refresh = second.refresh_token().expect("a new refresh token").clone();
    assert_ne!(second_refresh.secret(), first_refresh.secret());
    assert_eq!(
        app.get_me(second.access_token().secret()).await.status(),
        StatusCode::OK
    );

    // RFC 7009: revoke the refresh token; the whole session ends.
    let revocable: StandardRevocableToken = second_refresh.clone().into();
    client
        .revoke_token(revocable)
        .expect("https revocation URL")
        .request_async(&http)
        .await
        .expect("revocation");
    assert_eq!(
        app.get_me(second.access_token().secret()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let after = client
        .exchange_refresh_token(&second_refresh)
        .request_async(&http)
        .await;
    assert_invalid_grant(after);
}

#[tokio::test]
async fn a_wrong_password_surfaces_as_the_crates_invalid_grant() {
    let (app, metadata) = discover().await;
    let http = transport(&app, ISSUER, None);
    let client = BasicClient::new(ClientId::new("mobile".into()))
        .set_token_uri(TokenUrl::new(endpoint(&metadata, "token_endpoint")).unwrap());

    let result = client
        .exchange_password(
            &ResourceOwnerUsername::new(ADMIN_USERNAME.into()),
            &ResourceOwnerPassword::new("not-the-password".into()),
        )
        .request_async(&http)
        .await;

    assert_invalid_grant(result);
}

#[tokio::test]
async fn the_oauth2_crate_reads_valet_introspection_answers() {
    let (app, metadata) = discover().await;
    let tokens = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let access = oauth2::AccessToken::new(tokens["access_token"].as_str().unwrap().into());
    // A resource server: authenticates with its own token holding `introspect`.
    let http = transport(&app, ISSUER, Some(introspector_token(&app).await));
    let resource_server = BasicClient::new(ClientId::new("orders-api".into()))
        .set_introspection_url(
            IntrospectionUrl::new(endpoint(&metadata, "introspection_endpoint")).unwrap(),
        );

    let active: BasicTokenIntrospectionResponse = resource_server
        .introspect(&access)
        .request_async(&http)
        .await
        .expect("introspection");

    assert!(active.active());
    assert_eq!(active.username(), Some(ADMIN_USERNAME));
    assert_eq!(active.token_type(), Some(&BasicTokenType::Bearer));
    assert_eq!(active.iss(), Some(ISSUER));
    assert_eq!(active.aud(), Some(&vec![ISSUER.to_owned()]));
    let scopes: Vec<String> = active
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes, ["admin", "users:read", "users:write"]);
    assert!(active.exp().unwrap() > active.iat().unwrap());

    let revoked = reqwest::Client::new()
        .post(app.url("/revoke"))
        .form(&[("token", access.secret().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let inactive = resource_server
        .introspect(&access)
        .request_async(&http)
        .await
        .expect("introspection");
    assert!(!inactive.active());
    assert_eq!(inactive.username(), None);
}

/// The crate's typed RFC 6749 §5.2 error, code `invalid_grant`.
fn assert_invalid_grant<T: std::fmt::Debug>(
    result: Result<T, RequestTokenError<TransportError, oauth2::basic::BasicErrorResponse>>,
) {
    match result {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(
                error.error(),
                &BasicErrorResponseType::InvalidGrant,
                "{error:?}"
            );
            assert!(error.error_description().is_some());
        }
        other => panic!("expected the server's invalid_grant, got {other:?}"),
    }
}

/// RFC 6749 §4.4 through the crate, once per client authentication method
/// valet advertises for a confidential client.
#[tokio::test]
async fn the_oauth2_crate_gets_client_credentials_tokens_with_each_auth_method() {
    let (app, metadata) = discover().await;
    let methods = metadata["token_endpoint_auth_methods_supported"].clone();
    let secret = crate::client_support::register_backend(&app, "orders~api", &["users:read"]).await;
    let http = transport(&app, ISSUER, None);
    for (auth_type, advertised) in [
        (oauth2::AuthType::BasicAuth, "client_secret_basic"),
        (oauth2::AuthType::RequestBody, "client_secret_post"),
    ] {
        assert!(
            methods.as_array().unwrap().contains(&advertised.into()),
            "{methods}"
        );
        let client = BasicClient::new(ClientId::new("orders~api".into()))
            .set_client_secret(ClientSecret::new(secret.clone()))
            .set_auth_type(auth_type.clone())
            .set_token_uri(TokenUrl::new(endpoint(&metadata, "token_endpoint")).unwrap());
        let token = client
            .exchange_client_credentials()
            .add_scope(Scope::new("users:read".into()))
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{advertised}: {e:?}"));
        assert_eq!(token.token_type(), &BasicTokenType::Bearer);
        assert!(token.refresh_token().is_none());
        let users = app
            .get_with_token("/api/users", token.access_token().secret())
            .await;
        assert_eq!(users.status(), StatusCode::OK, "{advertised}");

        let wrong = BasicClient::new(ClientId::new("orders~api".into()))
            .set_client_secret(ClientSecret::new("not-the-secret".into()))
            .set_auth_type(auth_type)
            .set_token_uri(TokenUrl::new(endpoint(&metadata, "token_endpoint")).unwrap())
            .exchange_client_credentials()
            .request_async(&http)
            .await;
        match wrong {
            Err(RequestTokenError::ServerResponse(error)) => assert_eq!(
                error.error(),
                &BasicErrorResponseType::InvalidClient,
                "{error:?}"
            ),
            other => panic!("expected invalid_client, got {other:?}"),
        }
    }
}
