//! Prometheus metrics (docs/operating.md), kept per application and
//! rendered in the Prometheus text exposition format for the separate
//! `VALET_METRICS_ADDR` listener (`routes::metrics`), never the public one.
use std::sync::Arc;
use std::time::Duration;

use metrics::{Key, Label, Level, Metadata, Recorder, SharedString};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};
use sea_orm::{DatabaseConnection, DatabaseConnectionType};

const REQUESTS: &str = "valet_http_requests_total";
const DURATION: &str = "valet_http_request_duration_seconds";
const TOKENS_ISSUED: &str = "valet_tokens_issued_total";
const SIGNIN_FAILURES: &str = "valet_signin_failures_total";
const LOCKOUTS: &str = "valet_lockouts_total";
const SIGNIN_QUEUE: &str = "valet_signin_queue_depth";
const DB_POOL: &str = "valet_db_pool_connections";

/// Latency buckets in seconds: from a cached `/users/me` to a bcrypt sign-in
/// at a high cost.
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The route label of a request that matched no route, so that scans of
/// random paths cannot grow the number of series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

const METADATA: Metadata<'static> = Metadata::new("valet", Level::INFO, Some(module_path!()));

/// The application's metrics, or nothing when `VALET_METRICS_ADDR` is not
/// set (every method is then a no-op).
#[derive(Clone, Default)]
pub struct Metrics(Option<Arc<PrometheusRecorder>>);

impl Metrics {
    pub fn disabled() -> Self {
        Self(None)
    }

    /// A recorder of its own (not the process-wide one of the `metrics`
    /// crate), so that two applications in one process count apart.
    pub fn enabled() -> Result<Self, String> {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), DURATION_BUCKETS)
            .map_err(|e| format!("cannot set up metrics: {e}"))?
            .build_recorder();
        for (name, help) in [
            (
                REQUESTS,
                "HTTP requests answered, by route pattern, method and status",
            ),
            (DURATION, "Time to answer an HTTP request, by route pattern"),
            (TOKENS_ISSUED, "Tokens issued at /token, by grant type"),
            (
                SIGNIN_FAILURES,
                "Refused password sign-ins (/token and /login)",
            ),
            (LOCKOUTS, "Accounts locked after too many failed passwords"),
            (SIGNIN_QUEUE, "Password checks waiting for a bcrypt thread"),
            (
                DB_POOL,
                "Database pool connections, by state (active, idle)",
            ),
        ] {
            recorder.describe_counter(name.into(), None, SharedString::const_str(help));
        }
        let metrics = Self(Some(Arc::new(recorder)));
        // Counters start at zero, so that rate() sees their first increase.
        for grant_type in [
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials",
        ] {
            metrics.add(tokens_issued(grant_type), 0);
        }
        metrics.add(Key::from_static_name(SIGNIN_FAILURES), 0);
        metrics.add(Key::from_static_name(LOCKOUTS), 0);
        Ok(metrics)
    }

    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    /// One answered request; `route` is the pattern, never the raw path.
    pub fn http_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Some(recorder) = &self.0 else { return };
        let route = Label::new("route", route.to_owned());
        let requests = Key::from_parts(
            REQUESTS,
            vec![
                route.clone(),
                Label::new("method", method.to_owned()),
                Label::new("status", status.to_string()),
            ],
        );
        recorder.register_counter(&requests, &METADATA).increment(1);
        let duration = Key::from_parts(DURATION, vec![route]);
        recorder
            .register_histogram(&duration, &METADATA)
            .record(seconds);
    }

    pub fn token_issued(&self, grant_type: &str) {
        self.add(tokens_issued(grant_type), 1);
    }

    pub fn signin_failure(&self) {
        self.add(Key::from_static_name(SIGNIN_FAILURES), 1);
    }

    pub fn lockout(&self) {
        self.add(Key::from_static_name(LOCKOUTS), 1);
    }

    fn add(&self, key: Key, n: u64) {
        if let Some(recorder) = &self.0 {
            recorder.register_counter(&key, &METADATA).increment(n);
        }
    }

    /// The exposition text, with the gauges read at this moment.
    /// `signins` is the number of sign-ins admitted now (checking a password
    /// or waiting to).
    pub fn render(&self, db: &DatabaseConnection, signins: usize) -> String {
        let Some(recorder) = &self.0 else {
            return String::new();
        };
        let gauge = |key: Key, value: f64| recorder.register_gauge(&key, &METADATA).set(value);
        gauge(Key::from_static_name(SIGNIN_QUEUE), signins as f64);
        let (size, idle) = pool_connections(db);
        for (state, value) in [("active", size.saturating_sub(idle)), ("idle", idle)] {
            gauge(
                Key::from_parts(DB_POOL, vec![Label::from_static_parts("state", state)]),
                value as f64,
            );
        }
        recorder.handle().render()
    }

    /// Drains histogram buffers now and then, so memory stays bounded
    /// between scrapes.
    pub fn spawn_upkeep(&self) {
        if let Some(recorder) = &self.0 {
            let handle = recorder.handle();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(5));
                loop {
                    tick.tick().await;
                    handle.run_upkeep();
                }
            });
        }
    }
}

/// `grant_type` is one valet supports: the label's values stay few.
fn tokens_issued(grant_type: &str) -> Key {
    Key::from_parts(
        TOKENS_ISSUED,
        vec![Label::new("grant_type", grant_type.to_owned())],
    )
}

/// Open connections and idle ones among them.
fn pool_connections(db: &DatabaseConnection) -> (usize, usize) {
    match &db.inner {
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        _ => (0, 0),
    }
}
