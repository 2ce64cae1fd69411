//! The authenticated caller, put in request extensions by the guard.
use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use crate::domain::ScopeSet;
use crate::entities::{session, user};
use crate::error::AppError;
use crate::users::admin::Actor;

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
        ready(from_guard::<Principal>(req))
    }
}

/// A client acting for itself with its `client_credentials` token (RFC 6749
/// §4.4), on a route that accepts clients.
#[derive(Clone, Debug)]
pub struct ClientPrincipal {
    pub client: crate::entities::client::Model,
    pub scopes: ScopeSet,
}

/// Whoever the guard let through on a route that accepts clients' own
/// tokens as well as users'.
#[derive(Clone, Debug)]
pub enum ApiCaller {
    User(Principal),
    Client(ClientPrincipal),
}

impl ApiCaller {
    pub fn scopes(&self) -> &ScopeSet {
        match self {
            Self::User(p) => &p.scopes,
            Self::Client(c) => &c.scopes,
        }
    }

    /// The admin-action actor for the audit log: the user, or the client.
    pub fn actor(&self, ip: Option<std::net::IpAddr>) -> Actor {
        let actor = match self {
            Self::User(p) => Actor::new(&p.user.username, ip),
            Self::Client(c) => Actor::client(&c.client.client_id, ip),
        };
        actor.holding(self.scopes().clone())
    }
}

impl FromRequest for ApiCaller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_guard::<ApiCaller>(req))
    }
}

/// The caller of a guarded route as the actor of an admin action, for the
/// audit log: who (user or client), from which address, holding which scopes.
pub fn actor(req: &HttpRequest) -> Result<Actor, AppError> {
    let caller = from_guard::<ApiCaller>(req)?;
    Ok(caller.actor(super::client_ip::ClientIp::of(req).0))
}

impl FromRequest for Actor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(actor(req))
    }
}

/// What the guard put in the request. Only routes behind the guard can take
/// it; elsewhere this is a wiring mistake, reported as an internal error.
fn from_guard<T: Clone + 'static>(req: &HttpRequest) -> Result<T, AppError> {
    req.extensions()
        .get::<T>()
        .cloned()
        .ok_or_else(|| AppError::internal("route is not behind the guard"))
}
