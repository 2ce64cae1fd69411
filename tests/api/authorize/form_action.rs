//! Browsers apply `form-action` to the redirects that follow a form (CSP
//! Level 3 §6.3.1): the pages whose form ends at a client name its origin,
//! and no other page does (tests/browser/authorize.rs shows it in Chromium).
use serde_json::json;

use super::{authorize_path, pkce, register_app};
use crate::helpers::spawn_app;
use crate::pages::Browser;

const STRICT: &str = "form-action 'self';";

fn policy(response: &reqwest::Response) -> String {
    response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_consent_and_login_pages_of_a_request_allow_its_redirect_origin() {
    let app = spawn_app().await;
    register_app(&app, "thirdparty", json!({})).await;
    let request = authorize_path(
        "thirdparty",
        &pkce().challenge,
        &[("redirect_uri", "http://127.0.0.1:4567/cb")],
    );
    let anonymous = Browser::new(&app);
    let to_login = anonymous.get(&request).await;
    let login = to_login.headers()["location"].to_str().unwrap().to_owned();
    let login_page = anonymous.get(&login).await;
    assert_eq!(login_page.status(), 200);
    let widened = policy(&login_page);
    assert!(
        widened.contains("form-action 'self' http://127.0.0.1:4567;"),
        "{widened}"
    );
    assert!(widened.contains("frame-ancestors 'none'"), "{widened}");

    let browser = super::alice(&app).await;
    let consent = browser.get(&request).await;
    assert_eq!(consent.status(), 200);
    assert!(policy(&consent).contains("form-action 'self' http://127.0.0.1:4567;"));

    // Other pages, and a login for a request that does not check out, keep
    // the strict policy.
    for path in [
        "/login".to_owned(),
        "/login?next=/account".to_owned(),
        format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(
                authorize_path("nope", &pkce().challenge, &[]).as_bytes()
            )
            .collect::<String>()
        ),
    ] {
        let page = Browser::new(&app).get(&path).await;
        assert!(policy(&page).contains(STRICT), "{path}: {}", policy(&page));
    }
    assert!(policy(&browser.get("/account").await).contains(STRICT));
}
