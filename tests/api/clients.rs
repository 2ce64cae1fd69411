//! Registered clients (RFC 6749 §2): the `/api/clients` registry, client
//! authentication at `/token`, `/revoke` and `/introspect`, the
//! `client_credentials` grant, and what disabling or deleting a client does.
mod admin_pages;
mod authentication;
mod client_credentials;
mod lifecycle;
mod registry;
