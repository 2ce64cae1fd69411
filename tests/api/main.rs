//! Integration tests: one binary, each test against its own app on port 0
//! with a fresh database.
mod helpers;

mod admin_pages;
mod admin_support;
mod api_users;
mod audit;
mod audit_rollback;
mod authorize;
mod bad_input;
mod cli;
mod cli_clients;
mod client_support;
mod clients;
mod config;
mod docs_client;
mod faults;
mod guard;
mod head;
mod health;
mod instances;
mod interop;
mod introspect;
mod keys;
mod lifecycle_helpers;
mod metadata;
mod oidc;
mod openapi;
mod operations;
mod pages;
mod password_grant;
mod process;
mod refresh_grant;
mod revoke;
mod security;
mod session_expiry;
mod token_endpoint;
