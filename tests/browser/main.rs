//! End-to-end tests of the sign-in pages in a real headless Chromium
//! (README), driven over WebDriver. Skipped, with one line saying so, when
//! chromedriver or Chromium is not installed; see `chrome.rs`.
#[path = "../api/helpers/app.rs"]
mod helpers;

mod admin;
mod authorize;
mod chrome;
mod clients;
mod docs;
mod flows;
mod screenshots;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use helpers::TestApp;

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "alice-password-1";

/// The path and query of the page the browser is on.
pub async fn location(client: &Client) -> String {
    let url = client.current_url().await.expect("current url");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Types into the input with this id.
pub async fn fill(client: &Client, id: &str, text: &str) {
    let input = client.find(Locator::Id(id)).await.expect("input present");
    input.clear().await.expect("input cleared");
    input.send_keys(text).await.expect("typed");
}

/// Clicks the button with this visible text and waits until the page it
/// was on has been replaced (the button is gone from the document), so the
/// next look at the page sees the answer to the form.
pub async fn click_button(client: &Client, text: &str) {
    let xpath = format!("//button[normalize-space(.)='{text}']");
    let button = client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("a {text:?} button: {e}"));
    button.click().await.expect("clicked");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match button.attr("type").await {
            Err(e) if e.is_stale_element_reference() => return,
            // Chromium's wording when the old page's node is already gone.
            Err(e) if e.to_string().contains("does not belong to the document") => return,
            Err(e) => panic!("after clicking {text:?}: {e}"),
            Ok(_) => {}
        }
        assert!(
            Instant::now() < deadline,
            "clicking {text:?} did not load a page"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The visible text of the first element matching `css`.
pub async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("an element {css:?}: {e}"))
        .text()
        .await
        .expect("text")
}

/// Signs in through the login form the browser is on.
pub async fn submit_login(client: &Client, username: &str, password: &str) {
    fill(client, "username", username).await;
    fill(client, "password", password).await;
    click_button(client, "Sign in").await;
}

pub async fn app_with_alice() -> TestApp {
    let app = helpers::spawn_app().await;
    app.create_user(ALICE, ALICE_PASSWORD, "me").await;
    app
}
