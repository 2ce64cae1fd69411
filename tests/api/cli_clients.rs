//! `valet client …` as the real binary, on the database of a running app,
//! so what the CLI registers is checked over HTTP.
use std::process::Output;

use reqwest::StatusCode;

use crate::cli::valet;
use crate::client_support::{assert_invalid_client, client_token};
use crate::helpers::{spawn_app, TestApp};

fn run(app: &TestApp, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let url = app.database.url();
    valet(dir.path(), args, "", &[("DATABASE_URL", url.as_str())])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_fails_with_one_line(output: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn client_add_confidential_prints_only_the_secret_which_then_authenticates() {
    let app = spawn_app().await;
    let added = run(
        &app,
        &[
            "client",
            "add",
            "orders-api",
            "--confidential",
            "--grant",
            "client_credentials",
            "--scope",
            "users:read",
            "--access-token-ttl",
            "120",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let out = stdout(&added);
    assert_eq!(out.lines().count(), 1, "{out}");
    let secret = out.trim_end();
    assert_eq!(secret.len(), 43);

    let response = client_token(&app, "orders-api", secret, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 120);

    let rotated = run(&app, &["client", "rotate-secret", "orders-api"]);
    assert!(rotated.status.success());
    let new = stdout(&rotated);
    assert_eq!(new.lines().count(), 1);
    assert_invalid_client(client_token(&app, "orders-api", secret, None).await).await;
    let response = client_token(&app, "orders-api", new.trim_end(), None).await;
    assert_eq!(response.status(), StatusCode::OK);

    let listed = stdout(&run(&app, &["client", "list"]));
    assert!(
        listed.starts_with("orders-api\tconfidential\tenabled\tclient_credentials\tusers:read"),
        "{listed}"
    );
    let shown = stdout(&run(&app, &["client", "show", "orders-api"]));
    assert!(shown.contains("access_token_ttl: 120 s"), "{shown}");
    assert!(!shown.contains(new.trim_end()));
}

#[tokio::test]
async fn a_taken_id_a_bad_value_or_an_unknown_client_is_one_line_and_exit_1() {
    let app = spawn_app().await;
    assert!(run(&app, &["client", "add", "web"]).status.success());
    assert_fails_with_one_line(&run(&app, &["client", "add", "web"]), "taken");
    assert_fails_with_one_line(&run(&app, &["client", "add", "bad id"]), "client_id");
    assert_fails_with_one_line(
        &run(
            &app,
            &[
                "client",
                "add",
                "x",
                "--redirect-uri",
                "http://example.com/cb",
            ],
        ),
        "redirect_uris",
    );
    assert_fails_with_one_line(
        &run(&app, &["client", "add", "x", "--grant", "password"]),
        "first-party",
    );
    for command in ["show", "rotate-secret", "disable", "enable", "delete"] {
        assert_fails_with_one_line(&run(&app, &["client", command, "nobody"]), "no client");
    }
    assert_fails_with_one_line(
        &run(&app, &["client", "rotate-secret", "web"]),
        "public client",
    );
    // Nothing but `web` was written.
    let listed = stdout(&run(&app, &["client", "list"]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[tokio::test]
async fn disable_enable_and_delete_from_the_cli_take_effect_at_once() {
    let app = spawn_app().await;
    let added = run(
        &app,
        &[
            "client",
            "add",
            "svc",
            "--confidential",
            "--grant",
            "client_credentials",
            "--scope",
            "users:read",
        ],
    );
    let secret = stdout(&added).trim_end().to_owned();
    let token = crate::client_support::client_access_token(&app, "svc", &secret).await;

    assert!(run(&app, &["client", "disable", "svc"]).status.success());
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_invalid_client(client_token(&app, "svc", &secret, None).await).await;
    assert!(run(&app, &["client", "enable", "svc"]).status.success());
    assert_eq!(
        app.get_with_token("/api/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        client_token(&app, "svc", &secret, None).await.status(),
        StatusCode::OK
    );
    assert!(run(&app, &["client", "delete", "svc"]).status.success());
    assert_invalid_client(client_token(&app, "svc", &secret, None).await).await;
}
