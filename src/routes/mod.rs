//! HTTP routes other than the OAuth token endpoint, one module per area.
pub mod admin;
pub mod api_clients;
pub mod api_docs;
pub mod api_users;
pub mod health;
pub mod me;
pub mod metrics;
pub mod pages;
pub mod view;
