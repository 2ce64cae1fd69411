//! Typed settings from the environment and `.env` (docs/configuration.md), validated once
//! before the server listens. Secrets are redacted in `Debug`.
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::domain::Alg;

/// A secret string whose `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A configuration value that could not be used; `Display` is the one line
/// printed before the process exits.
#[derive(Debug, thiserror::Error)]
#[error("invalid {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn invalid(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: Secret,
    pub db_max_connections: u32,
    pub addr: SocketAddr,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl: i64,
    pub refresh_token_ttl: i64,
    pub bcrypt_cost: u32,
    pub jwt_secret: Option<Secret>,
    pub admin_username: Option<String>,
    pub admin_password: Option<Secret>,
    pub rate_limit_per_minute: u32,
    pub trusted_proxies: Vec<IpAddr>,
    /// `VALET_SIGNING_ALG` (docs/resource-servers.md).
    pub signing_alg: Alg,
    /// `VALET_KEY_ROTATION_DAYS`; 0: only by hand.
    pub key_rotation_days: u32,
    /// `VALET_KEY_PUBLISH_SECONDS`.
    pub key_publish_seconds: i64,
    /// `VALET_UNREGISTERED_CLIENTS`: `true` for `allow` (the default).
    pub allow_unregistered_clients: bool,
    pub metrics_addr: Option<SocketAddr>,
    pub log_format: LogFormat,
    /// Sign-ins allowed to wait for a bcrypt thread (`VALET_SIGNIN_QUEUE`).
    pub signin_queue: usize,
    /// `VALET_AUTH_CODE_TTL`: authorization code lifetime, seconds
    /// (docs/sign-in-with-valet.md).
    pub auth_code_ttl: i64,
}

/// How log lines are written: plain text (the default) or one JSON object
/// a line (docs/operating.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://valet.db?mode=rwc";

impl Settings {
    /// Reads the process environment, after loading `.env` from the working
    /// directory (variables already set win over `.env`).
    pub fn from_env() -> Result<Self, ConfigError> {
        if let Err(e) = dotenvy::dotenv() {
            if !e.not_found() {
                return Err(invalid(".env", e.to_string()));
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds settings from any lookup function, so tests can pass a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
            ));
        }
        let addr_text = var("VALET_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr: SocketAddr = addr_text.parse().map_err(|_| {
            invalid(
                "VALET_ADDR",
                format!("{addr_text:?} is not an address like 127.0.0.1:8080"),
            )
        })?;
        let issuer = match var("VALET_ISSUER") {
            Some(url) => parse_issuer(&url)?,
            None => format!("http://{addr}"),
        };
        let audience = var("VALET_AUDIENCE").unwrap_or_else(|| issuer.clone());
        let jwt_secret = match var("VALET_JWT_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(invalid("VALET_JWT_SECRET", "must be at least 32 bytes"))
            }
            other => other.map(Secret::new),
        };
        let bcrypt_cost = number(&var, "VALET_BCRYPT_COST", 12u32)?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(invalid("VALET_BCRYPT_COST", "must be between 4 and 31"));
        }
        let access_token_ttl = seconds(&var, "VALET_ACCESS_TOKEN_TTL", 900)?;
        let refresh_token_ttl = seconds(&var, "VALET_REFRESH_TOKEN_TTL", 1_209_600)?;
        let db_max_connections = number(&var, "VALET_DB_MAX_CONNECTIONS", 10u32)?;
        if db_max_connections == 0 {
            return Err(invalid("VALET_DB_MAX_CONNECTIONS", "must be at least 1"));
        }
        let admin_password = var("VALET_ADMIN_PASSWORD").map(Secret::new);
        let trusted_proxies = match var("VALET_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<IpAddr>().map_err(|_| {
                        invalid(
                            "VALET_TRUSTED_PROXIES",
                            format!("{s:?} is not an IP address"),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let signing_alg = match var("VALET_SIGNING_ALG") {
            None => Alg::Rs256,
            Some(name) => Alg::parse(name.trim()).ok_or_else(|| {
                invalid(
                    "VALET_SIGNING_ALG",
                    format!("{name:?} is not one of {}", Alg::NAMES),
                )
            })?,
        };
        let metrics_addr = match var("VALET_METRICS_ADDR") {
            None => None,
            Some(text) => Some(text.trim().parse().map_err(|_| {
                invalid(
                    "VALET_METRICS_ADDR",
                    format!("{text:?} is not an address like 127.0.0.1:9090"),
                )
            })?),
        };
        let log_format = match var("VALET_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "VALET_LOG_FORMAT",
                    format!("{other:?} is neither text nor json"),
                ))
            }
        };
        Ok(Self {
            database_url: Secret::new(database_url),
            db_max_connections,
            addr,
            issuer,
            audience,
            access_token_ttl,
            refresh_token_ttl,
            bcrypt_cost,
            jwt_secret,
            admin_username: var("VALET_ADMIN_USERNAME"),
            admin_password,
            rate_limit_per_minute: number(&var, "VALET_RATE_LIMIT_PER_MINUTE", 60u32)?,
            trusted_proxies,
            signing_alg,
            key_rotation_days: number(&var, "VALET_KEY_ROTATION_DAYS", 90u32)?,
            key_publish_seconds: number(&var, "VALET_KEY_PUBLISH_SECONDS", 600i64)
                .ok()
                .filter(|s| (0..=315_360_000).contains(s))
                .ok_or_else(|| {
                    invalid(
                        "VALET_KEY_PUBLISH_SECONDS",
                        "must be a number of seconds from 0 to 315360000",
                    )
                })?,
            allow_unregistered_clients: match var("VALET_UNREGISTERED_CLIENTS").as_deref() {
                None | Some("allow") => true,
                Some("deny") => false,
                Some(_) => {
                    return Err(invalid(
                        "VALET_UNREGISTERED_CLIENTS",
                        "must be allow or deny",
                    ))
                }
            },
            metrics_addr,
            log_format,
            signin_queue: number(&var, "VALET_SIGNIN_QUEUE", 64usize)?,
            auth_code_ttl: number(&var, "VALET_AUTH_CODE_TTL", 60i64)
                .ok()
                .filter(|s| (1..=600).contains(s))
                .ok_or_else(|| {
                    invalid(
                        "VALET_AUTH_CODE_TTL",
                        "must be a number of seconds from 1 to 600",
                    )
                })?,
        })
    }

    /// An `https://` issuer means valet is served over TLS: cookies get
    /// `Secure` and responses carry HSTS.
    pub fn is_https(&self) -> bool {
        self.issuer.starts_with("https://")
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.expose().starts_with("postgres")
    }
}

/// A lifetime in seconds: at least 1, at most ten years.
fn seconds(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: i64,
) -> Result<i64, ConfigError> {
    let value = number(var, name, default)?;
    if (1..=315_360_000).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            name,
            "must be a number of seconds from 1 to 315360000",
        ))
    }
}

fn number<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|_| invalid(name, format!("{text:?} is not a whole number"))),
    }
}

fn parse_issuer(url: &str) -> Result<String, ConfigError> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.contains(['?', '#', ' ']) => Ok(url.to_owned()),
        _ => Err(invalid(
            "VALET_ISSUER",
            "must be an http:// or https:// URL without query or fragment",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_follow_the_spec() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.issuer, "http://127.0.0.1:8080");
        assert_eq!(s.audience, s.issuer);
        assert_eq!((s.access_token_ttl, s.refresh_token_ttl), (900, 1_209_600));
        assert_eq!(s.bcrypt_cost, 12);
        assert_eq!(s.rate_limit_per_minute, 60);
        assert!(!s.is_https());
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("VALET_BCRYPT_COST", "3"),
            ("VALET_BCRYPT_COST", "32"),
            ("VALET_BCRYPT_COST", "twelve"),
            ("VALET_ADDR", "nowhere"),
            ("VALET_ACCESS_TOKEN_TTL", "-5"),
            ("VALET_JWT_SECRET", "short"),
            ("VALET_ISSUER", "ftp://x"),
            ("DATABASE_URL", "mysql://x"),
            ("VALET_RATE_LIMIT_PER_MINUTE", "lots"),
            ("VALET_TRUSTED_PROXIES", "10.0.0.1,nope"),
            ("VALET_SIGNING_ALG", "HS256"),
            ("VALET_KEY_ROTATION_DAYS", "-1"),
            ("VALET_KEY_PUBLISH_SECONDS", "soon"),
            ("VALET_UNREGISTERED_CLIENTS", "maybe"),
            ("VALET_METRICS_ADDR", "9090"),
            ("VALET_LOG_FORMAT", "yaml"),
            ("VALET_AUTH_CODE_TTL", "0"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{var}={value}");
            assert!(err.to_string().starts_with(&format!("invalid {var}")));
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let s = settings(&[
            (
                "VALET_JWT_SECRET",
                "0123456789abcdef0123456789abcdef-secret",
            ),
            ("VALET_ADMIN_PASSWORD", "hunter2hunter2"),
            ("DATABASE_URL", "postgres://u:dbpass@h/db"),
        ])
        .unwrap();
        let debug = format!("{s:?}");
        for secret in ["-secret", "hunter2", "dbpass"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}
