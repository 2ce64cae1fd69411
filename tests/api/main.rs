//! Integration tests: one binary, each test against its own app on port 0
//! with a fresh database.
mod helpers;

mod cli;
mod config;
mod guard;
mod health;
mod interop;
mod introspect;
mod lifecycle_helpers;
mod metadata;
mod password_grant;
mod refresh_grant;
mod revoke;
mod session_expiry;
mod token_endpoint;
