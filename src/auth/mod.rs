//! Authentication services: password hashing, tokens, sessions, sign-in,
//! lockout and rate limits. Free of HTTP types; the guard that uses them
//! lives in `src/http/guard.rs` (docs/architecture.md).
pub mod bcrypt_pool;
pub mod password;
pub mod purge;
pub mod rate_limit;
pub mod refresh;
pub mod sessions;
pub mod signin;
pub mod signin_queue;
pub mod tokens;
