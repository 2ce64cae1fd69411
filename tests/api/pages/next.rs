//! `next` after sign-in is followed only to a local path (README).
use super::{app_with_alice, Browser, ALICE, ALICE_PASSWORD};
use crate::helpers::assert_is_redirect_to;

#[tokio::test]
async fn anything_but_a_local_path_lands_on_the_account_page() {
    let app = app_with_alice().await;
    for next in [
        "//evil.example",
        "//evil.example/account",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http://evil.example/",
        "https://evil.example/account",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\t/evil.example",
        "/\r\n/evil.example",
        " //evil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "",
    ] {
        let browser = Browser::new(&app);
        let response = browser.sign_in_to(ALICE, ALICE_PASSWORD, Some(next)).await;
        assert_eq!(response.status(), 303, "next={next:?}");
        assert_is_redirect_to(&response, "/account");
    }
}

#[tokio::test]
async fn a_local_path_with_a_query_is_followed_as_given() {
    let app = app_with_alice().await;
    for next in ["/", "/account", "/admin/users?q=al&page=2", "/users/me"] {
        let browser = Browser::new(&app);
        let response = browser.sign_in_to(ALICE, ALICE_PASSWORD, Some(next)).await;
        assert_is_redirect_to(&response, next);
    }
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in_and_then_back_to_the_page() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app);
    let response = browser.get("/account?tab=1").await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/login?next=/account%3Ftab%3D1");

    let html = browser.get(&location).await.text().await.unwrap();
    assert!(
        html.contains(r#"name="next" value="/account?tab=1""#),
        "{html}"
    );
    let csrf = super::csrf_in(&html);
    let response = browser
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
                ("next", "/account?tab=1"),
            ],
        )
        .await;
    assert_is_redirect_to(&response, "/account?tab=1");
}
