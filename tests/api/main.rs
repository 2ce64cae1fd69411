//! Integration tests: one binary, each test against its own app on port 0
//! with a fresh database.
mod helpers;

mod cli;
mod config;
mod guard;
mod health;
mod password_grant;
mod refresh_grant;
mod token_endpoint;
mod admin_pages;
mod admin_support;
mod api_users;
mod audit;
