//! The OAuth 2.0 endpoints (RFC 6749): the token endpoint with one file per
//! grant, and the error JSON of §5.2; OpenID Connect on top (ID tokens,
//! UserInfo, RP-Initiated Logout).
pub mod authorize;
pub mod client;
pub mod end_session;
pub mod error;
pub mod form_action;
#[cfg(test)]
mod fuzz_tests;
pub mod grants;
pub mod id_token;
pub mod lifecycle;
pub mod openapi;
pub mod params;
pub mod response;
pub mod token;
pub mod userinfo;

pub use error::OAuthError;
