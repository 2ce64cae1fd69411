//! Operating valet (docs/operating.md): Prometheus metrics on their own
//! listener and JSON log lines.
use std::collections::HashMap;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::process::ValetProcess;

/// Samples of a Prometheus text exposition, keyed by `name{labels}` as
/// written; panics on a line that is not a comment or `series value`, or a
/// sample whose family has no `# TYPE`.
fn parse_exposition(text: &str) -> HashMap<String, f64> {
    let mut typed = Vec::new();
    let mut samples = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            typed.push(rest.split(' ').next().unwrap().to_owned());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("`series value`");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value of {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            typed.iter().any(|family| name.starts_with(family.as_str())),
            "{name} has no # TYPE line"
        );
        samples.insert(series.to_owned(), value);
    }
    samples
}

async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let address = app.metrics_address.as_ref().expect("a metrics listener");
    let response = reqwest::get(format!("{address}/metrics")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse_exposition(&response.text().await.unwrap())
}

async fn spawn_app_with_metrics() -> TestApp {
    spawn_app_with(&[("VALET_METRICS_ADDR", "127.0.0.1:0")]).await
}

#[tokio::test]
async fn metrics_count_grants_failures_lockouts_and_routes_by_pattern() {
    let app = spawn_app_with_metrics().await;
    app.create_user("alice", "alice-password-1", "me").await;
    let admin = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let alice = app.tokens_for("alice", "alice-password-1").await;
    app.refresh(alice["refresh_token"].as_str().unwrap()).await;
    for _ in 0..5 {
        app.password_grant("alice", "wrong-password-1").await;
    }
    let token = admin["access_token"].as_str().unwrap();
    let found = app.get_with_token("/api/users/alice", token).await;
    assert_eq!(found.status(), StatusCode::OK);
    app.get_with_token("/api/users/nobody", token).await;

    let samples = scrape(&app).await;
    let value = |series: &str| samples.get(series).copied();
    assert_eq!(
        value(r#"valet_tokens_issued_total{grant_type="password"}"#),
        Some(2.0)
    );
    assert_eq!(
        value(r#"valet_tokens_issued_total{grant_type="refresh_token"}"#),
        Some(1.0)
    );
    assert_eq!(value("valet_signin_failures_total"), Some(5.0));
    assert_eq!(value("valet_lockouts_total"), Some(1.0));
    assert_eq!(
        value(
            r#"valet_http_requests_total{route="/api/users/{username}",method="GET",status="200"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            r#"valet_http_requests_total{route="/api/users/{username}",method="GET",status="404"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        value(r#"valet_http_request_duration_seconds_count{route="/api/users/{username}"}"#),
        Some(2.0)
    );
    assert_eq!(
        value(r#"valet_http_requests_total{route="/token",method="POST",status="400"}"#),
        Some(5.0)
    );
    assert!(value("valet_signin_queue_depth").is_some());
    assert!(value(r#"valet_db_pool_connections{state="idle"}"#).is_some());
    assert!(value(r#"valet_db_pool_connections{state="active"}"#).is_some());
    assert!(
        samples
            .keys()
            .all(|series| !series.contains("alice") && !series.contains("nobody")),
        "a raw path became a label: {samples:?}"
    );
}

#[tokio::test]
async fn twenty_requests_at_once_are_each_counted() {
    let app = spawn_app_with_metrics().await;
    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    let answers = join_all((0..20).map(|_| app.get_me(token))).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
    let samples = scrape(&app).await;
    assert_eq!(
        samples.get(r#"valet_http_requests_total{route="/users/me",method="GET",status="200"}"#),
        Some(&20.0)
    );
}

#[tokio::test]
async fn unknown_paths_share_one_label_and_the_metrics_listener_serves_nothing_else() {
    let app = spawn_app_with_metrics().await;
    for path in ["/no/such/page", "/another-one"] {
        assert_eq!(app.get(path).await.status(), StatusCode::NOT_FOUND);
    }
    let samples = scrape(&app).await;
    assert_eq!(
        samples.get(r#"valet_http_requests_total{route="unmatched",method="GET",status="404"}"#),
        Some(&2.0)
    );
    let metrics = app.metrics_address.clone().unwrap();
    let client = reqwest::Client::new();
    for (method, path) in [("GET", "/"), ("GET", "/users/me"), ("POST", "/metrics")] {
        let response = client
            .request(method.parse().unwrap(), format!("{metrics}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    // The public listener does not serve metrics.
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_metrics_addr_there_is_no_metrics_listener() {
    let app = spawn_app().await;
    assert!(app.metrics_address.is_none());
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn json_log_lines_parse_carry_the_request_fields_and_no_secret() {
    let database = crate::helpers::TestDatabase::create().await;
    let url = database.url();
    let mut valet = ValetProcess::start(&[
        ("DATABASE_URL", url.as_str()),
        ("VALET_ADMIN_USERNAME", ADMIN_USERNAME),
        ("VALET_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("VALET_LOG_FORMAT", "json"),
        ("RUST_LOG", "trace"),
    ]);
    let client = reqwest::Client::new();
    let pair: Value = client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = pair["access_token"].as_str().unwrap().to_owned();
    let refresh = pair["refresh_token"].as_str().unwrap().to_owned();
    let me = client
        .get(valet.url("/users/me?access_token=in-the-query"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let refreshed: Value = client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    client
        .post(valet.url("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", "wrong-password-x"),
        ])
        .send()
        .await
        .unwrap();
    let lines = valet.log_until(|line| line.contains(r#""status":400"#));

    let parsed: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    for line in &parsed {
        for field in ["ts", "level", "target", "msg"] {
            assert!(line[field].is_string(), "{field} missing: {line}");
        }
    }
    let me_line = parsed
        .iter()
        .find(|line| line["route"] == "/users/me")
        .expect("a line for GET /users/me");
    assert_eq!(me_line["method"], "GET");
    assert_eq!(me_line["status"], 200);
    assert_eq!(me_line["ip"], "127.0.0.1");
    assert!(me_line["duration_ms"].as_f64().unwrap() >= 0.0);

    let log = lines.join("\n");
    let signature = access.rsplit('.').next().unwrap();
    for secret in [
        ADMIN_PASSWORD,
        "wrong-password-x",
        "in-the-query",
        signature,
        refresh.as_str(),
        refreshed["refresh_token"].as_str().unwrap(),
    ] {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
}
