//! HTTP plumbing every handler uses and that uses no handler
//! (docs/architecture.md): the guard and the [`Principal`] it hands over,
//! the client-IP and actor extractors, CSRF, flash messages, the one HTML
//! renderer with its error page and `see_other`, the page form parser, the
//! answers for requests no handler takes, and the static files.
pub mod api_error;
pub mod client_ip;
pub mod csrf;
pub mod errors;
pub mod flash;
pub mod form;
pub mod guard;
pub mod page;
pub mod principal;
pub mod static_files;

pub use guard::Guard;
pub use page::{error_page, page_for, render, see_other, PageError};
pub use principal::{ApiCaller, Principal};

/// The policy of every response but `/docs` (docs/security.md). A page whose form
/// leads on to a client widens `form-action` (`oauth::form_action`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
