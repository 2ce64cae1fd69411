//! A database that goes away answers 503, and valet recovers by itself when
//! it is back. Needs a PostgreSQL 15 it can stop and start, so it is
//! `#[ignore]`d under plain `cargo test` and run by the PostgreSQL suite:
//! `scripts/with-postgres.sh cargo test --test api -- --include-ignored`.
use std::path::PathBuf;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app_in, TestDatabase, ADMIN_PASSWORD, ADMIN_USERNAME};

const PGBIN: &str = "/usr/lib/postgresql/15/bin";

/// A private PostgreSQL cluster on its own port, removed on drop.
struct PgCluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl PgCluster {
    fn available() -> bool {
        std::env::var("VALET_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
            && PathBuf::from(PGBIN).join("initdb").exists()
    }

    fn create() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let chown = Command::new("chown")
            .arg("postgres")
            .arg(dir.path())
            .status()
            .expect("chown runs");
        assert!(chown.success());
        let data = dir.path().join("data");
        pg(&[
            "initdb",
            "-D",
            data.to_str().unwrap(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ]);
        let cluster = Self { dir, port };
        cluster.start();
        cluster
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        pg(&[
            "pg_ctl",
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-o",
            &options,
            "-w",
            "start",
        ]);
    }

    fn stop(&self) {
        let data = self.dir.path().join("data");
        pg(&[
            "pg_ctl",
            "-D",
            data.to_str().unwrap(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(format!("{PGBIN}/pg_ctl"))
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn pg(args: &[&str]) {
    let program = format!("{PGBIN}/{}", args[0]);
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--", &program])
        .args(&args[1..])
        .output()
        .expect("runuser runs");
    assert!(
        output.status.success(),
        "{} failed: {}",
        args[0],
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL 15: scripts/with-postgres.sh cargo test --test api -- --include-ignored"]
async fn a_stopped_database_gives_503s_and_valet_recovers_when_it_is_back() {
    assert!(
        PgCluster::available(),
        "run under scripts/with-postgres.sh, with PostgreSQL 15 at {PGBIN}"
    );
    let cluster = PgCluster::create();
    let database = TestDatabase::create_on_server(cluster.url()).await;
    let app = spawn_app_in(database, &[]).await;
    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(token).await.status(), StatusCode::OK);
    let browser = crate::pages::Browser::signed_in(&app, ADMIN_USERNAME, ADMIN_PASSWORD).await;

    cluster.stop();

    let page = browser.get("/account").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html"), "a page, not JSON: {html}");
    assert!(
        !html.to_lowercase().contains("sqlx") && !html.contains("postgres"),
        "{html}"
    );

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let me = app.get_me(token).await;
    assert_eq!(me.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    let grant = app.password_grant(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(grant.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = grant.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");

    cluster.start();

    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/healthz").await.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(recovered, "healthz never came back");
    assert_eq!(app.get_me(token).await.status(), StatusCode::OK);
    app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(browser.get("/account").await.status(), StatusCode::OK);
}
