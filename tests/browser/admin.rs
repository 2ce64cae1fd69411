//! The admin pages in a real browser (README `/admin/…`): an admin
//! creates a user through the form and that user can get a token; disabling
//! through the user page stops the user's token at once; a signed-in user
//! without the `admin` scope gets the 403 page.
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use valet::entities::{prelude::User, user};

use crate::chrome::Chrome;
use crate::helpers::{spawn_app, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::screenshots::{assert_fits, save};
use crate::{
    app_with_alice, click_button, fill, location, submit_login, text_of, ALICE, ALICE_PASSWORD,
};

const BOB: &str = "bob";
const BOB_PASSWORD: &str = "bob-password-1";

/// Clicks the link matching `css` and waits until the next page replaced
/// the one it was on (the link is gone from the document).
pub async fn follow_link(client: &Client, css: &str) {
    let link = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("a link {css:?}: {e}"));
    link.click().await.expect("clicked");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match link.attr("href").await {
            Err(e) if e.is_stale_element_reference() => return,
            Err(e) if e.to_string().contains("does not belong to the document") => return,
            Err(e) => panic!("after following {css:?}: {e}"),
            Ok(_) => {}
        }
        assert!(
            Instant::now() < deadline,
            "following {css:?} did not load a page"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The HTTP status of the page the browser is on (Navigation Timing).
pub async fn page_status(client: &Client) -> u64 {
    client
        .execute(
            "return performance.getEntriesByType('navigation')[0].responseStatus",
            vec![],
        )
        .await
        .expect("navigation timing")
        .as_u64()
        .expect("a status number")
}

/// The `value` property of the input with this id.
async fn value_of(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("an input #{id}: {e}"))
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// The texts of every element matching `css`, in document order.
pub async fn texts_of(client: &Client, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in client.find_all(Locator::Css(css)).await.expect("find all") {
        texts.push(element.text().await.expect("text"));
    }
    texts
}

/// The badges matching `css`, lowercased (the stylesheet shows them in
/// capitals).
pub async fn badges_of(client: &Client, css: &str) -> Vec<String> {
    let texts = texts_of(client, css).await;
    texts.iter().map(|t| t.to_lowercase()).collect()
}

/// Opens `path`, is sent to the login form, signs in as the admin and lands
/// back on `path`.
pub async fn admin_signs_in_at(client: &Client, app: &crate::helpers::TestApp, path: &str) {
    client.goto(&app.url(path)).await.expect("page opens");
    assert!(
        location(client).await.starts_with("/login?next="),
        "an anonymous visitor is sent to sign in"
    );
    submit_login(client, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(location(client).await, path);
}

#[tokio::test]
async fn an_admin_creates_a_user_through_the_form_and_that_user_gets_a_token() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = spawn_app().await;
    let c = &chrome.client;
    admin_signs_in_at(c, &app, "/admin/users").await;
    assert_eq!(text_of(c, "h1").await, "Users");
    assert_eq!(text_of(c, ".summary").await, "1 user");

    follow_link(c, ".admin-head a.button").await;
    assert_eq!(location(c).await, "/admin/new-user");
    assert_eq!(c.title().await.unwrap(), "New user · valet");
    fill(c, "username", BOB).await;
    fill(c, "password", BOB_PASSWORD).await;
    fill(c, "password_confirm", BOB_PASSWORD).await;
    fill(c, "email", "bob@example.org").await;
    fill(c, "full_name", "Bob Builder").await;
    fill(c, "scopes", "me users:read").await;
    click_button(c, "Create user").await;

    assert_eq!(location(c).await, "/admin/users/bob");
    assert_eq!(text_of(c, ".flash-success").await, "Created user bob.");
    assert_eq!(text_of(c, "h1").await, BOB);
    assert_eq!(badges_of(c, ".badges .badge").await, ["enabled"]);
    assert_eq!(value_of(c, "email").await, "bob@example.org");
    assert_eq!(value_of(c, "full_name").await, "Bob Builder");
    assert_eq!(value_of(c, "scopes").await, "me users:read");

    // The flash is shown once; the list now has bob.
    follow_link(c, ".admin-nav a[href='/admin/users']").await;
    assert!(c.find(Locator::Css(".flash")).await.is_err());
    assert_eq!(text_of(c, ".summary").await, "2 users");
    assert_eq!(
        texts_of(c, "table.users tbody th").await,
        [ADMIN_USERNAME, BOB]
    );

    let response = app.password_grant(BOB, BOB_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert_eq!(body["scope"], "me users:read", "{body}");
    let me = app.get_me(body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["username"], BOB);
    assert_eq!(me["email"], "bob@example.org");
    chrome.quit().await;
}

#[tokio::test]
async fn disabling_a_user_on_their_page_refuses_their_access_token_at_once() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = spawn_app().await;
    app.create_user(BOB, BOB_PASSWORD, "me").await;
    let tokens = app.tokens_for(BOB, BOB_PASSWORD).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(app.get_me(access_token).await.status(), StatusCode::OK);

    let c = &chrome.client;
    admin_signs_in_at(c, &app, "/admin/users/bob").await;
    assert_eq!(badges_of(c, ".badges .badge").await, ["enabled"]);
    // bob's app session is listed before it is ended.
    assert_eq!(texts_of(c, "table.sessions tbody tr").await.len(), 1);
    click_button(c, "Disable and sign out").await;

    assert_eq!(location(c).await, "/admin/users/bob");
    assert_eq!(
        text_of(c, ".flash-success").await,
        "Disabled bob; every session of theirs has ended."
    );
    assert_eq!(badges_of(c, ".badges .badge").await, ["disabled"]);
    assert_eq!(
        text_of(c, "#sessions-title + .empty").await,
        "No live sessions."
    );
    assert!(
        c.find(Locator::XPath("//button[normalize-space(.)='Enable']"))
            .await
            .is_ok(),
        "a disabled user's page offers Enable"
    );

    let me = app.get_me(access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let challenge = me.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.starts_with(r#"Bearer realm="valet", error="invalid_token""#),
        "{challenge}"
    );
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token", "{body}");
    // Neither the refresh token nor the password gets a new one.
    let refreshed = app.refresh(refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::BAD_REQUEST);
    let again = app.password_grant(BOB, BOB_PASSWORD).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    chrome.quit().await;
}

#[tokio::test]
async fn a_signed_in_user_without_the_admin_scope_gets_the_403_page() {
    let Some(chrome) = Chrome::start(1280, 900).await else {
        return;
    };
    let app = app_with_alice().await;
    let c = &chrome.client;
    c.goto(&app.url("/admin/users")).await.unwrap();
    assert_eq!(location(c).await, "/login?next=/admin/users");
    submit_login(c, ALICE, ALICE_PASSWORD).await;

    assert_eq!(location(c).await, "/admin/users");
    assert_eq!(page_status(c).await, 403);
    assert_eq!(c.title().await.unwrap(), "Access denied · valet");
    assert_eq!(text_of(c, ".eyebrow").await, "ERROR 403");
    assert_eq!(text_of(c, "h1").await, "Access denied");
    assert_eq!(
        text_of(c, "#error-heading + p").await,
        "Your account does not have access to this page."
    );
    assert!(
        c.find(Locator::Css("table.users")).await.is_err(),
        "no user list on the 403 page"
    );
    assert!(c.find(Locator::Css(".admin-nav")).await.is_err());

    // The other admin pages and actions are refused the same way.
    c.goto(&app.url("/admin/users/admin")).await.unwrap();
    assert_eq!(page_status(c).await, 403);
    assert_eq!(text_of(c, "h1").await, "Access denied");
    c.goto(&app.url("/admin/new-user")).await.unwrap();
    assert_eq!(page_status(c).await, 403);
    chrome.quit().await;
}

/// The users list (several users, one disabled, one locked) and a user page
/// (locked, with two live sessions, after a save) at a phone and a desktop
/// width, with screenshot artefacts `tests/browser/screenshots/admin-*.png`
/// (see `screenshots.rs`).
#[tokio::test]
async fn the_users_list_and_a_user_page_fit_phone_and_desktop_widths() {
    for width in [1280, 390] {
        let Some(chrome) = Chrome::start(1280, 900).await else {
            return;
        };
        chrome.emulate(width, 900).await;
        let app = directory_with_several_users().await;
        let c = &chrome.client;
        admin_signs_in_at(c, &app, "/admin/users").await;
        assert_eq!(text_of(c, ".summary").await, "6 users");
        save(&chrome, width, &format!("admin-users-{width}")).await;
        assert_fits(c, width).await;
        let statuses = badges_of(c, "table.users tbody td .badge").await;
        assert_eq!(
            statuses,
            ["enabled", "enabled", "disabled", "locked", "enabled", "enabled"]
        );

        follow_link(c, "table.users a[href='/admin/users/carol']").await;
        click_button(c, "Save profile").await;
        assert_eq!(text_of(c, ".flash-success").await, "Saved the profile.");
        save(&chrome, width, &format!("admin-user-{width}")).await;
        assert_fits(c, width).await;
        let badges = badges_of(c, ".badges .badge").await;
        assert_eq!(badges.len(), 2, "{badges:?}");
        assert!(badges[1].starts_with("locked until "), "{badges:?}");
        assert_eq!(texts_of(c, "table.sessions tbody tr").await.len(), 2);

        // The other admin pages fit too (no screenshots of them).
        for path in [
            "/admin/audit",
            "/admin/new-user",
            "/admin/users/carol/delete",
        ] {
            c.goto(&app.url(path)).await.unwrap();
            assert_fits(c, width).await;
        }
        chrome.quit().await;
    }
}

/// admin plus five users: alice (full profile), bob (disabled), carol
/// (locked, long email, signed in from two apps), dave (bare) and one with
/// a long username.
async fn directory_with_several_users() -> crate::helpers::TestApp {
    let app = app_with_alice().await;
    for (name, scopes) in [
        (BOB, "me"),
        ("carol", "me users:read users:write"),
        ("dave", "me"),
        ("maximilian.vonhabsburg-lothringen@example.org", "me"),
    ] {
        app.create_user(name, BOB_PASSWORD, scopes).await;
    }
    for client_id in ["mobile", "cli"] {
        let response = app
            .post_token(&[
                ("grant_type", "password"),
                ("username", "carol"),
                ("password", BOB_PASSWORD),
                ("client_id", client_id),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let profiles = [
        (ALICE, "alice@example.org", "Alice Liddell"),
        (BOB, "bob@example.org", "Bob Builder"),
        (
            "carol",
            "carol.christensen-abernathy@research.example.org",
            "Carol Christensen-Abernathy",
        ),
    ];
    for (name, email, full_name) in profiles {
        set_columns(
            &app,
            name,
            vec![
                (user::Column::Email, Expr::value(email)),
                (user::Column::FullName, Expr::value(full_name)),
            ],
        )
        .await;
    }
    set_columns(&app, BOB, vec![(user::Column::Disabled, Expr::value(true))]).await;
    let in_ten_minutes = valet::clock::now() + 600;
    set_columns(
        &app,
        "carol",
        vec![(user::Column::LockedUntil, Expr::value(in_ten_minutes))],
    )
    .await;
    app
}

async fn set_columns(
    app: &crate::helpers::TestApp,
    username: &str,
    columns: Vec<(user::Column, Expr)>,
) {
    let mut update = User::update_many().filter(user::Column::Username.eq(username));
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    update.exec(&app.db).await.expect("user updated");
}
