//! The authenticated caller, put in request extensions by the guard.
use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use crate::domain::ScopeSet;
use crate::entities::{session, user};
use crate::error::AppError;

/// How the caller authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer` (RFC 6750 §2.1).
    Bearer,
    /// The browser session cookie.
    Cookie,
}

/// The user, the session, and the scopes granted to this request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: user::Model,
    pub session: session::Model,
    pub scopes: ScopeSet,
    pub credential: Credential,
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    /// Only routes behind the guard can take a `Principal`; elsewhere this is
    /// a wiring mistake, reported as an internal error.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .ok_or_else(|| AppError::Internal("route is not behind the guard".into())),
        )
    }
}
