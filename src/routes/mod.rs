//! HTTP routes other than the OAuth endpoints, one module per area.
pub mod errors;
pub mod health;
pub mod me;
