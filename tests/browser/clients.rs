//! The clients admin pages in a real browser: an admin registers a
//! confidential backend through the form, copies the secret shown once,
//! and the backend gets a token with it; a new secret and a disable take
//! effect at once. Screenshots of the list, the form, a client page and the
//! secret page at 390 and 1280 px as artefacts (`tests/browser/screenshots/`).
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use valet::clients::{self, ClientInput};
use valet::users::admin::Actor;

use crate::admin::{admin_signs_in_at, badges_of, follow_link, page_status, texts_of};
use crate::chrome::Chrome;
use crate::helpers::{spawn_app, TestApp};
use crate::screenshots::{assert_fits, save};
use crate::{click_button, fill, location, text_of};

/// `grant_type=client_credentials` with HTTP Basic, as a backend sends it.
async fn client_credentials(app: &TestApp, id: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
}

async fn check(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("clicked");
}

async fn secret_on_page(client: &Client) -> String {
    client
        .find(Locator::Id("client_secret"))
        .await
        .expect("the secret field")
        .prop("value")
        .await
        .expect("value")
        .expect("a secret")
}

#[tokio::test]
async fn an_admin_registers_a_backend_and_its_secret_shown_once_gets_a_token() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = spawn_app().await;
    let c = &chrome.client;
    admin_signs_in_at(c, &app, "/admin/clients").await;
    assert_eq!(text_of(c, "h1").await, "Clients");
    follow_link(c, ".admin-head a.button").await;
    assert_eq!(location(c).await, "/admin/new-client");

    fill(c, "client_id", "orders-api").await;
    fill(c, "name", "Orders API").await;
    check(c, "input[name=client_type][value=confidential]").await;
    // Defaults are authorization_code + refresh_token: swap them for
    // client_credentials.
    check(c, "input[name=grant_authorization_code]").await;
    check(c, "input[name=grant_refresh_token]").await;
    check(c, "input[name=grant_client_credentials]").await;
    fill(c, "scopes", "users:read").await;
    click_button(c, "Register client").await;

    assert_eq!(page_status(c).await, 201);
    assert_eq!(text_of(c, "h1").await, "Registered orders-api");
    let secret = secret_on_page(c).await;
    assert_eq!(secret.len(), 43);
    let response = client_credentials(&app, "orders-api", &secret).await;
    assert_eq!(response.status(), StatusCode::OK);
    let token = response.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    follow_link(c, "a.button[href='/admin/clients/orders-api']").await;
    assert_eq!(
        badges_of(c, ".badges .badge").await,
        ["enabled", "confidential"]
    );
    click_button(c, "New secret").await;
    assert_eq!(text_of(c, "h1").await, "New secret for orders-api");
    let new = secret_on_page(c).await;
    assert_ne!(new, secret);
    assert_eq!(
        client_credentials(&app, "orders-api", &secret)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        client_credentials(&app, "orders-api", &new).await.status(),
        StatusCode::OK
    );

    follow_link(c, "a.button[href='/admin/clients/orders-api']").await;
    click_button(c, "Disable and end its tokens").await;
    assert_eq!(
        badges_of(c, ".badges .badge").await,
        ["disabled", "confidential"]
    );
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    chrome.quit().await;
}

/// The list, the form (after a refused submit), a client page and the
/// secret page, at a phone and a desktop width.
#[tokio::test]
async fn the_client_pages_fit_phone_and_desktop_widths() {
    for width in [1280, 390] {
        let Some(chrome) = Chrome::start(1280, 900).await else {
            return;
        };
        chrome.emulate(width, 900).await;
        let app = registry_with_several_clients().await;
        let c = &chrome.client;
        admin_signs_in_at(c, &app, "/admin/clients").await;
        assert_eq!(
            text_of(c, ".summary").await.split(':').next(),
            Some("4 clients")
        );
        assert_eq!(
            texts_of(c, "table.clients tbody th").await,
            ["billing.worker", "mobile", "orders-api", "partner-portal"]
        );
        save(&chrome, width, &format!("admin-clients-{width}")).await;
        assert_fits(c, width).await;

        c.goto(&app.url("/admin/new-client")).await.unwrap();
        // Passes the form's own checks, not the registry's rules.
        fill(c, "client_id", "desk").await;
        check(c, "input[name=grant_password]").await;
        fill(c, "redirect_uris", "http://app.example.com/callback").await;
        click_button(c, "Register client").await;
        assert_eq!(page_status(c).await, 422);
        assert_eq!(texts_of(c, ".field-error").await.len(), 2);
        save(&chrome, width, &format!("admin-new-client-{width}")).await;
        assert_fits(c, width).await;

        c.goto(&app.url("/admin/clients/mobile")).await.unwrap();
        save(&chrome, width, &format!("admin-client-{width}")).await;
        assert_fits(c, width).await;

        c.goto(&app.url("/admin/clients/orders-api")).await.unwrap();
        click_button(c, "New secret").await;
        save(&chrome, width, &format!("admin-client-secret-{width}")).await;
        assert_fits(c, width).await;

        c.goto(&app.url("/admin/clients/orders-api/delete"))
            .await
            .unwrap();
        assert_fits(c, width).await;
        chrome.quit().await;
    }
}

/// Four clients of every kind: a first-party mobile app with redirect URIs,
/// a confidential backend, a disabled worker and a partner site.
async fn registry_with_several_clients() -> TestApp {
    let app = spawn_app().await;
    let actor = Actor::new("admin", None);
    let inputs = [
        ClientInput {
            client_id: Some("mobile"),
            name: Some("Mobile app (iOS and Android)"),
            first_party: Some(true),
            grant_types: Some(vec!["authorization_code", "refresh_token", "password"]),
            scopes: Some(vec!["openid", "profile", "email", "me"]),
            redirect_uris: Some(vec![
                "com.example.mobile:/oauth2redirect",
                "http://127.0.0.1/callback",
            ]),
            access_token_ttl: Some(Some(300)),
            ..ClientInput::default()
        },
        ClientInput {
            client_id: Some("orders-api"),
            name: Some("Orders service"),
            client_type: Some("confidential"),
            grant_types: Some(vec!["client_credentials"]),
            scopes: Some(vec!["users:read", "introspect"]),
            ..ClientInput::default()
        },
        ClientInput {
            client_id: Some("billing.worker"),
            client_type: Some("confidential"),
            grant_types: Some(vec!["client_credentials"]),
            scopes: Some(vec!["users:read"]),
            disabled: Some(true),
            ..ClientInput::default()
        },
        ClientInput {
            client_id: Some("partner-portal"),
            name: Some("Partner portal at portal.partner-company.example"),
            client_type: Some("confidential"),
            redirect_uris: Some(vec![
                "https://portal.partner-company.example/oauth/callback/valet",
            ]),
            post_logout_redirect_uris: Some(vec!["https://portal.partner-company.example/"]),
            ..ClientInput::default()
        },
    ];
    for input in inputs {
        let new = clients::parse_new_client(input).expect("a valid client");
        clients::create(&app.db, &actor, new)
            .await
            .expect("registered");
    }
    app
}
