//! Request logging without secrets: the path only, never the query string
//! (it could hold a token) or any header.
use actix_web::middleware::Logger;

pub fn request_logger() -> Logger {
    Logger::new(r#"%a "%{request}xi" %s %b %Dms"#)
        .custom_request_replace("request", |req| format!("{} {}", req.method(), req.path()))
}

/// Sets up env_logger: `RUST_LOG` or `info`, with sqlx's per-statement
/// logging turned down.
pub fn init() {
    let env = env_logger::Env::default().default_filter_or("info,sqlx=warn");
    let _ = env_logger::Builder::from_env(env).try_init();
}
