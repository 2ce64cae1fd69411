//! `/docs` (docs/operating.md): Swagger UI, served by valet, signs in with
//! its Authorize dialog (the authorization code flow with PKCE through
//! valet's own sign-in page, or the password flow against `/token`) and
//! calls `/users/me`.
use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::chrome::Chrome;
use crate::{app_with_alice, fill, helpers, location, ALICE, ALICE_PASSWORD};

/// The first element matching `css`, waiting for the page's script to draw it.
async fn element(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("an element {css:?}: {e}"))
}

/// The first button of `class` after the heading of the dialog's `flow`
/// (each flow, and the bearer scheme, has its own buttons).
async fn flow_button(client: &Client, flow: &str, class: &str) -> fantoccini::elements::Element {
    let xpath = format!(
        "//h4[contains(., 'oauth2') and contains(., '{flow}')]\
         /following::button[contains(@class, 'modal-btn') and contains(@class, '{class}')][1]"
    );
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("the {flow} flow's {class} button: {e}"))
}

#[tokio::test]
async fn docs_load_without_console_errors() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/docs")).await.unwrap();
    let title = element(c, ".swagger-ui .info .title").await;
    assert!(title.text().await.unwrap().starts_with("valet"));
    element(c, "#operations-users-get_me").await;
    assert_eq!(chrome.console_errors().await, Vec::<String>::new());
    chrome.quit().await;
}

#[tokio::test]
async fn the_authorize_dialog_signs_in_and_users_me_answers_200() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/docs/")).await.unwrap();
    element(c, ".auth-wrapper .authorize")
        .await
        .click()
        .await
        .unwrap();
    element(c, "#oauth_username")
        .await
        .send_keys(ALICE)
        .await
        .unwrap();
    element(c, "#oauth_password")
        .await
        .send_keys(ALICE_PASSWORD)
        .await
        .unwrap();
    flow_button(c, "password", "authorize")
        .await
        .click()
        .await
        .unwrap();
    // Signed in: the oauth2 section says so.
    dialog_authorized(c).await;
    users_me_answers_alice(c).await;
    assert_eq!(chrome.console_errors().await, Vec::<String>::new());
    chrome.quit().await;
}

/// "Try it out" on `GET /users/me` with the token the dialog obtained.
async fn users_me_answers_alice(c: &Client) {
    element(c, "#operations-users-get_me .opblock-summary-control")
        .await
        .click()
        .await
        .unwrap();
    element(c, "#operations-users-get_me .try-out__btn")
        .await
        .click()
        .await
        .unwrap();
    element(c, "#operations-users-get_me .execute")
        .await
        .click()
        .await
        .unwrap();
    let status = element(
        c,
        "#operations-users-get_me .live-responses-table .response .response-col_status",
    )
    .await;
    assert_eq!(status.text().await.unwrap().trim(), "200");
    let body = element(
        c,
        "#operations-users-get_me .live-responses-table .microlight",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(body.contains(ALICE), "{body}");
}

/// Waits until the dialog says a flow is authorized, then closes it.
async fn dialog_authorized(c: &Client) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//*[normalize-space(text())='Authorized']"))
        .await
        .expect("the dialog says Authorized");
    element(c, ".btn-done").await.click().await.unwrap();
}

#[tokio::test]
async fn the_authorization_code_flow_signs_in_through_the_login_page() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    // A loopback issuer: valet registers its `valet-docs` client.
    let app = helpers::spawn_app_with(&[("VALET_ISSUER", "http://127.0.0.1")]).await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    let c = &chrome.client;
    c.goto(&app.url("/docs/")).await.unwrap();
    let docs_window = c.window().await.unwrap();
    element(c, ".auth-wrapper .authorize")
        .await
        .click()
        .await
        .unwrap();
    // client_id is filled in (valet-docs); ask for `openid`.
    element(c, "label[for='openid-authorizationCode-checkbox-oauth2']")
        .await
        .click()
        .await
        .unwrap();
    flow_button(c, "authorizationCode", "authorize")
        .await
        .click()
        .await
        .unwrap();
    // Swagger UI opens valet's /authorize in a popup, which asks for the
    // password on valet's own sign-in page.
    let popup = other_window(c, &docs_window).await;
    c.switch_to_window(popup).await.unwrap();
    element(c, "#username").await;
    assert!(
        location(c).await.starts_with("/login?"),
        "{}",
        location(c).await
    );
    fill(c, "username", ALICE).await;
    fill(c, "password", ALICE_PASSWORD).await;
    // The popup closes itself once done: no waiting on it after the click.
    element(c, "button[type='submit']")
        .await
        .click()
        .await
        .unwrap();
    // The popup came back to /docs/oauth2-redirect.html, handed the code to
    // the page, and closed itself; the page redeemed the code with its
    // PKCE verifier.
    c.switch_to_window(docs_window).await.unwrap();
    dialog_authorized(c).await;
    users_me_answers_alice(c).await;
    assert_eq!(chrome.console_errors().await, Vec::<String>::new());
    chrome.quit().await;
}

/// The window Swagger UI opened beside `docs_window`, once it is there.
async fn other_window(
    c: &Client,
    docs_window: &fantoccini::wd::WindowHandle,
) -> fantoccini::wd::WindowHandle {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let windows = c.windows().await.expect("the windows");
        if let Some(popup) = windows.into_iter().find(|w| w != docs_window) {
            return popup;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no popup window opened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
