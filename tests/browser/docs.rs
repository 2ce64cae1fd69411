//! `/docs` (docs/operating.md): Swagger UI, served by valet, signs in with
//! its Authorize dialog (the password flow against valet's own `/token`)
//! and calls `/users/me`.
use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::chrome::Chrome;
use crate::{app_with_alice, ALICE, ALICE_PASSWORD};

/// The first element matching `css`, waiting for the page's script to draw it.
async fn element(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("an element {css:?}: {e}"))
}

/// The first button of `class` after the heading of the dialog's password
/// flow (the bearer scheme and the client credentials flow have their own).
async fn password_flow_button(client: &Client, class: &str) -> fantoccini::elements::Element {
    let xpath = format!(
        "//h4[contains(., 'oauth2') and contains(., 'password')]\
         /following::button[contains(@class, 'modal-btn') and contains(@class, '{class}')][1]"
    );
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("the password flow's {class} button: {e}"))
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
    password_flow_button(c, "authorize")
        .await
        .click()
        .await
        .unwrap();
    // Signed in: the oauth2 section says so.
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//*[normalize-space(text())='Authorized']"))
        .await
        .expect("the dialog says Authorized");
    element(c, ".btn-done").await.click().await.unwrap();

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
    assert_eq!(chrome.console_errors().await, Vec::<String>::new());
    chrome.quit().await;
}
