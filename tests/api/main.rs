//! Integration tests: one binary, each test against its own app on port 0
//! with a fresh database.
mod helpers;

mod bad_input;
mod cli;
mod config;
mod faults;
mod guard;
mod health;
mod instances;
mod password_grant;
mod process;
mod refresh_grant;
mod token_endpoint;
