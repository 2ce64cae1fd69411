//! Sign in with valet in a real browser (RFC 6749 §4.1, RFC 8252 §7.3): an
//! app on a loopback port sends the browser to `/authorize`; the person
//! signs in, allows the app on the consent page, and the browser lands back
//! at the app with a code that the app then redeems. Screenshots of the
//! consent page at 390 and 1280 px as artefacts (`tests/browser/screenshots/`).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use valet::clients::{self, ClientInput};
use valet::entities::{prelude::User, user};
use valet::users::admin::Actor;

use crate::chrome::Chrome;
use crate::helpers::TestApp;
use crate::screenshots::{assert_fits, save};
use crate::{app_with_alice, click_button, location, submit_login, text_of, ALICE, ALICE_PASSWORD};

const WIDTHS: [u32; 2] = [390, 1280];

/// The app's end of the redirect: a loopback listener (RFC 8252 §7.3) that
/// answers every request with a small page. Returns its port.
async fn app_callback_listener() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let body = "<!doctype html><title>Photo app</title><h1>Signed in</h1>";
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    port
}

/// A public app with a loopback redirect URI (third-party unless
/// `first_party`), and Alice's name and address.
async fn register_photo_app(app: &TestApp, first_party: bool, post_logout: Option<&str>) {
    let input = ClientInput {
        post_logout_redirect_uris: post_logout.map(|uri| vec![uri]),
        client_id: Some("photos"),
        name: Some("Photo Printing Co."),
        first_party: Some(first_party),
        grant_types: Some(vec!["authorization_code", "refresh_token"]),
        scopes: Some(vec!["openid", "profile", "email", "me"]),
        redirect_uris: Some(vec!["http://127.0.0.1/callback"]),
        ..ClientInput::default()
    };
    let new = clients::parse_new_client(input).expect("a valid client");
    clients::create(&app.db, &Actor::new("admin", None), new)
        .await
        .expect("registered");
    User::update_many()
        .col_expr(user::Column::FullName, Expr::value("Alice Liddell"))
        .col_expr(user::Column::Email, Expr::value("alice@example.org"))
        .filter(user::Column::Username.eq(ALICE))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_app_signs_a_user_in_through_the_browser_and_redeems_the_code() {
    for width in WIDTHS {
        let Some(chrome) = Chrome::start(1280, 900).await else {
            return;
        };
        chrome.emulate(width, 900).await;
        let app = app_with_alice().await;
        register_photo_app(&app, false, None).await;
        let port = app_callback_listener().await;
        let request = AppRequest::new(port);
        let c = &chrome.client;

        c.goto(&app.url(&request.path())).await.unwrap();
        assert!(location(c).await.starts_with("/login?next=%2Fauthorize"));
        submit_login(c, ALICE, ALICE_PASSWORD).await;

        assert!(location(c).await.starts_with("/authorize?"));
        assert_eq!(text_of(c, "h1").await, "Allow Photo Printing Co.?");
        let asks = text_of(c, ".scope-list").await;
        assert!(asks.contains("email address"), "{asks}");
        let focused = c.active_element().await.unwrap();
        assert_eq!(
            focused.text().await.unwrap(),
            "Allow",
            "Allow has the focus"
        );
        // The keyboard reaches Deny next.
        focused
            .send_keys(&fantoccini::key::Key::Tab.to_string())
            .await
            .unwrap();
        let next = c.active_element().await.unwrap();
        assert_eq!(next.text().await.unwrap(), "Deny");
        assert_fits(c, width).await;
        save(&chrome, width, &format!("consent-{width}")).await;
        let errors: Vec<String> = chrome
            .console_errors()
            .await
            .into_iter()
            .filter(|e| !e.contains("favicon.ico"))
            .collect();
        assert!(
            errors.is_empty(),
            "the consent page loads cleanly: {errors:?}"
        );

        click_button(c, "Allow").await;
        request.assert_back_with_a_code_that_redeems(&app, c).await;
        chrome.quit().await;
    }
}

#[tokio::test]
async fn a_first_party_app_signs_a_user_in_without_a_consent_page_and_out_again() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let port = app_callback_listener().await;
    let bye = format!("http://127.0.0.1:{port}/bye");
    register_photo_app(&app, true, Some(&bye)).await;
    let request = AppRequest::new(port);
    let c = &chrome.client;
    c.goto(&app.url(&request.path())).await.unwrap();
    submit_login(c, ALICE, ALICE_PASSWORD).await;
    let tokens = request.assert_back_with_a_code_that_redeems(&app, c).await;

    // RP-Initiated Logout: the confirmation, then back at the app.
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs([
        ("id_token_hint", tokens["id_token"].as_str().unwrap()),
        ("post_logout_redirect_uri", bye.as_str()),
        ("state", "bye-state"),
    ]);
    c.goto(&app.url(&format!("/logout?{}", query.finish())))
        .await
        .unwrap();
    assert_eq!(text_of(c, "h1").await, "Sign out of valet?");
    click_button(c, "Sign out").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.as_str(), format!("{bye}?state=bye-state"));
    c.goto(&app.url("/account")).await.unwrap();
    assert!(location(c).await.starts_with("/login"), "signed out");
    chrome.quit().await;
}

/// The app's side: its authorization request and the code exchange.
struct AppRequest {
    port: u16,
    redirect_uri: String,
    verifier: String,
}

impl AppRequest {
    fn new(port: u16) -> Self {
        Self {
            port,
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
            verifier: format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4()),
        }
    }

    /// `/authorize?…` with PKCE, a state and a nonce.
    fn path(&self) -> String {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()));
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs([
            ("response_type", "code"),
            ("client_id", "photos"),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("scope", "openid profile email me"),
            ("state", "af0ifjsldkj"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]);
        format!("/authorize?{}", query.finish())
    }

    /// The browser is on the app's page with `code`, `state` and `iss`,
    /// and the code redeems for tokens with an ID token.
    async fn assert_back_with_a_code_that_redeems(
        &self,
        app: &TestApp,
        c: &fantoccini::Client,
    ) -> Value {
        let url = c.current_url().await.unwrap();
        assert_eq!(url.port(), Some(self.port), "back at the app: {url}");
        assert_eq!(url.path(), "/callback");
        let params: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(params["state"], "af0ifjsldkj");
        assert_eq!(params["iss"], "http://valet.test");
        assert_eq!(text_of(c, "h1").await, "Signed in");

        let tokens = app
            .post_token(&[
                ("grant_type", "authorization_code"),
                ("client_id", "photos"),
                ("code", &params["code"]),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", &self.verifier),
            ])
            .await;
        assert_eq!(tokens.status(), 200, "the code redeems");
        let tokens: Value = tokens.json().await.unwrap();
        assert_eq!(tokens["scope"], "email me openid profile");
        assert!(tokens["id_token"].is_string());
        tokens
    }
}
