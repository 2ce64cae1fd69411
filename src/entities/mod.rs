//! SeaORM entities, one per table. Times are UNIX seconds.
pub mod audit_event;
pub mod authorization_code;
pub mod client;
pub mod consent;
pub mod key;
pub mod prelude;
pub mod refresh_token;
pub mod session;
pub mod signin_attempt;
pub mod signing_key;
pub mod user;
