//! Logging without secrets (docs/operating.md): one line per request with
//! the path only, never the query string (it could hold a token) or any
//! header; plain text, or one JSON object a line under
//! `VALET_LOG_FORMAT=json`. The same observation feeds the metrics.
use std::io::Write;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use serde_json::Value;

use crate::config::LogFormat;
use crate::metrics::UNMATCHED_ROUTE;
use crate::state::AppState;

/// Target of the per-request lines, for `RUST_LOG` filters.
pub const REQUEST_TARGET: &str = "valet::request";

/// Logs and counts every request: method, route pattern, status, duration
/// and client address. Wraps the whole application, so the duration covers
/// every other middleware.
pub async fn observe_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let route = req.match_pattern();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let ip = state
        .as_ref()
        .and_then(|state| crate::http::client_ip::client_ip(req.request(), &state.settings))
        .map_or_else(|| "-".to_owned(), |ip| ip.to_string());
    let result = next.call(req).await;
    let status = match &result {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    }
    .as_u16();
    let seconds = started.elapsed().as_secs_f64();
    let route = route.as_deref().unwrap_or(UNMATCHED_ROUTE);
    if let Some(state) = &state {
        state
            .metrics
            .http_request(route, method.as_str(), status, seconds);
    }
    let duration_ms = (seconds * 1e6).round() / 1e3;
    log::info!(
        target: REQUEST_TARGET,
        method = method.as_str(),
        route = route,
        status = status,
        duration_ms = duration_ms,
        ip = ip.as_str();
        "{ip} \"{method} {path}\" {status} {duration_ms}ms"
    );
    result
}

/// Sets up env_logger: `RUST_LOG` or `info`, with sqlx's per-statement
/// logging turned down, in the configured format.
pub fn init(format: LogFormat) {
    let env = env_logger::Env::default().default_filter_or("info,sqlx=warn");
    let mut builder = env_logger::Builder::from_env(env);
    if format == LogFormat::Json {
        builder.format(|buf, record| writeln!(buf, "{}", json_line(record)));
    }
    let _ = builder.try_init();
}

/// `ts`, `level`, `target`, `msg` in that order, then the record's
/// key-value pairs: one JSON object, no newline inside.
fn json_line(record: &log::Record<'_>) -> String {
    let mut line = Fields(String::from("{"));
    let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    line.push("ts", ts.into());
    line.push("level", record.level().as_str().into());
    line.push("target", record.target().into());
    line.push("msg", record.args().to_string().into());
    let _ = record.key_values().visit(&mut line);
    line.0.push('}');
    line.0
}

struct Fields(String);

impl Fields {
    fn push(&mut self, key: &str, value: Value) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&Value::from(key).to_string());
        self.0.push(':');
        self.0.push_str(&value.to_string());
    }
}

impl<'kvs> log::kv::VisitSource<'kvs> for Fields {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let value = if let Some(n) = value.to_u64() {
            n.into()
        } else if let Some(n) = value.to_i64() {
            n.into()
        } else if let Some(x) = value.to_f64() {
            x.into()
        } else if let Some(b) = value.to_bool() {
            b.into()
        } else {
            value.to_string().into()
        };
        self.push(key.as_str(), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::json_line;

    #[test]
    fn a_json_line_starts_with_the_fixed_fields_and_carries_the_pairs() {
        let line = json_line(
            &log::Record::builder()
                .args(format_args!("a \"quoted\"\nmessage"))
                .level(log::Level::Info)
                .target("valet::request")
                .key_values(&[("status", 200u16)])
                .build(),
        );
        assert!(line.starts_with(r#"{"ts":""#), "{line}");
        assert!(!line.contains('\n'));
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["level"], "INFO");
        assert_eq!(parsed["msg"], "a \"quoted\"\nmessage");
        assert_eq!(parsed["status"], 200);
        let keys: Vec<&str> = ["\"ts\"", "\"level\"", "\"target\"", "\"msg\"", "\"status\""]
            .into_iter()
            .collect();
        let positions: Vec<usize> = keys.iter().map(|k| line.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
}
