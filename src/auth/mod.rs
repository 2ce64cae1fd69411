//! Authentication: password hashing, tokens, sessions, sign-in, and the one
//! guard every protected route goes through.
pub mod bcrypt_pool;
pub mod csrf;
pub mod middleware;
pub mod password;
pub mod principal;
pub mod purge;
pub mod rate_limit;
pub mod refresh;
pub mod sessions;
pub mod signin;
pub mod signin_queue;
pub mod tokens;

pub use middleware::Guard;
pub use principal::{ApiCaller, Principal};
