//! `/login` (empty and after a wrong password) and `/account` fit a phone
//! (390 px) and a desktop (1280 px) width: what the tests assert is that no
//! page is wider than the screen. The screenshots taken on the way are
//! artefacts for a person to look at, not compared with anything (fonts
//! differ between machines): full page, `<name>.png` in
//! `tests/browser/screenshots/`, which git ignores (docs/testing.md).
use std::path::PathBuf;

use fantoccini::Client;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use valet::entities::{prelude::User, user};

use crate::chrome::Chrome;
use crate::{app_with_alice, location, submit_login, ALICE, ALICE_PASSWORD};

const WIDTHS: [u32; 2] = [390, 1280];

#[tokio::test]
async fn login_and_account_pages_fit_phone_and_desktop_widths() {
    for width in WIDTHS {
        let Some(chrome) = Chrome::start(1280, 900).await else {
            return;
        };
        chrome.emulate(width, 900).await;
        let app = app_with_alice().await;
        User::update_many()
            .col_expr(user::Column::FullName, Expr::value("Alice Liddell"))
            .col_expr(user::Column::Email, Expr::value("alice@example.org"))
            .filter(user::Column::Username.eq(ALICE))
            .exec(&app.db)
            .await
            .unwrap();
        // An app signed in too, so the sessions list has two rows.
        app.post_token(&[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
            ("client_id", "mobile"),
        ])
        .await;
        let c = &chrome.client;

        c.goto(&app.url("/login")).await.unwrap();
        assert_fits(c, width).await;
        save(&chrome, width, &format!("login-{width}")).await;

        submit_login(c, ALICE, "not-the-password").await;
        assert_fits(c, width).await;
        save(&chrome, width, &format!("login-error-{width}")).await;

        submit_login(c, ALICE, ALICE_PASSWORD).await;
        assert_eq!(location(c).await, "/account");
        assert_fits(c, width).await;
        save(&chrome, width, &format!("account-{width}")).await;
        chrome.quit().await;
    }
}

/// Nothing sticks out sideways: no horizontal scrolling at this width.
pub async fn assert_fits(c: &Client, width: u32) {
    let inner = c.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(inner, width, "the viewport is {width} px wide");
    let scroll = c
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap();
    assert!(
        scroll.as_u64().unwrap() <= u64::from(width),
        "the page is {scroll} px wide in a {width} px viewport"
    );
}

/// A full-page screenshot written as an artefact (not compared): the
/// viewport grows to the page's height first.
pub async fn save(chrome: &Chrome, width: u32, name: &str) {
    let c = &chrome.client;
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900) as u32;
    chrome.emulate(width, height.max(600)).await;
    let png = c.screenshot().await.unwrap();
    chrome.emulate(width, 900).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
}
