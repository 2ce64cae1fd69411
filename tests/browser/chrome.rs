//! A headless Chromium driven over WebDriver: one chromedriver on a free
//! localhost port per test, a fresh profile, torn down when dropped. When
//! chromedriver or Chromium is not installed, [`Chrome::start`] says so in
//! one line (once per run) and the caller skips.
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use tokio::sync::{Mutex, MutexGuard};

/// One browser at a time: the machine is small and Chromium is not.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());
static SKIP_NOTICE: Once = Once::new();

pub struct Chrome {
    pub client: Client,
    port: u16,
    driver: Child,
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

impl Chrome {
    /// Starts chromedriver and a headless Chromium at `width`×`height`;
    /// `None` when either program is missing.
    pub async fn start(width: u32, height: u32) -> Option<Self> {
        let driver_bin = binary("VALET_CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium_bin = binary("VALET_CHROMIUM", "/usr/bin/chromium");
        let missing: Vec<String> = [&driver_bin, &chromium_bin]
            .iter()
            .filter(|path| !path.is_file())
            .map(|path| path.display().to_string())
            .collect();
        if !missing.is_empty() {
            // CI sets this so that a missing browser fails instead of skipping.
            assert!(
                std::env::var_os("VALET_REQUIRE_BROWSER").is_none(),
                "VALET_REQUIRE_BROWSER is set but {} is missing",
                missing.join(" and ")
            );
            SKIP_NOTICE.call_once(|| {
                // Straight to stderr: the test harness hides `eprintln!` of passing tests.
                let _ = writeln!(
                    std::io::stderr(),
                    "browser tests skipped: {} not found (apt-get install chromium chromium-driver)",
                    missing.join(" and ")
                );
            });
            return None;
        }
        let turn = ONE_AT_A_TIME.lock().await;
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so dropping kills Chromium with it.
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        wait_until_ready(port).await;

        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_bin,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-breakpad",
                    "--hide-scrollbars",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session in Chromium");
        Some(Self {
            client,
            port,
            driver,
            _profile: profile,
            _turn: turn,
        })
    }

    /// Makes the page area exactly `width`×`height` CSS pixels, as on a
    /// device of that size (`mobile` below 600 px, so the viewport meta tag
    /// applies). Chromium's window cannot be narrower than 500 px, so this
    /// goes through the DevTools protocol (`Emulation.setDeviceMetricsOverride`).
    pub async fn emulate(&self, width: u32, height: u32) {
        let session = self
            .client
            .session_id()
            .await
            .unwrap()
            .expect("a session id");
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
            self.port
        );
        let response = reqwest::Client::new()
            .post(url)
            .json(&json!({
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            }))
            .send()
            .await
            .expect("chromedriver answers");
        assert!(
            response.status().is_success(),
            "device metrics not set: {}",
            response.text().await.unwrap_or_default()
        );
    }

    /// The console messages of level SEVERE (errors, CSP violations, failed
    /// loads) since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let session = self
            .client
            .session_id()
            .await
            .unwrap()
            .expect("a session id");
        let url = format!("http://127.0.0.1:{}/session/{session}/se/log", self.port);
        let answer: serde_json::Value = reqwest::Client::new()
            .post(url)
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("a JSON log");
        answer["value"]
            .as_array()
            .expect("log entries")
            .iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].to_string())
            .collect()
    }

    /// Ends the browser session cleanly (the drop then only stops the driver).
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        // The group holds chromedriver and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

async fn wait_until_ready(port: u16) {
    let status = format!("http://127.0.0.1:{port}/status");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = reqwest::get(&status).await {
            if response.status().is_success() {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not answer on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
