//! The one guard (docs/architecture.md). It accepts a Bearer token on every guarded route
//! and the browser session cookie on pages and on safe API requests, checks
//! that the session is live and its user enabled, checks the route's scope,
//! and hands the handler a [`Principal`].
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{header, Method};
use actix_web::{web, Error, HttpMessage, HttpResponse};

use super::principal::{ApiCaller, ClientPrincipal, Credential, Principal};
use crate::auth::sessions;
use crate::error::AppError;
use crate::state::AppState;

/// Session cookie key holding the valet session id.
pub const SESSION_ID_KEY: &str = "sid";

/// Who the guarded routes answer: API clients get RFC 6750 errors, browsers
/// get redirected to the sign-in page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Api,
    Page,
}

/// Declared where routes are registered:
/// `.wrap(Guard::api().require(Scope::USERS_READ))`.
#[derive(Clone, Copy, Debug)]
pub struct Guard {
    audience: Audience,
    scope: Option<&'static str>,
    /// Whether a client's own token (`client_credentials`) is accepted.
    clients: bool,
    /// Whether a request without a Bearer token goes on unauthenticated, for
    /// a handler that authenticates clients by their secret (`/introspect`).
    client_secret_fallback: bool,
}

impl Guard {
    pub fn api() -> Self {
        Self {
            audience: Audience::Api,
            scope: None,
            clients: false,
            client_secret_fallback: false,
        }
    }

    pub fn page() -> Self {
        Self {
            audience: Audience::Page,
            scope: None,
            clients: false,
            client_secret_fallback: false,
        }
    }

    /// The scope a caller must hold for these routes.
    pub fn require(self, scope: &'static str) -> Self {
        Self {
            scope: Some(scope),
            ..self
        }
    }

    /// Also accept a client's own token holding the scope (RFC 6749 §4.4);
    /// the handler takes an [`ApiCaller`].
    pub fn or_client(self) -> Self {
        Self {
            clients: true,
            ..self
        }
    }

    /// Let a request without a Bearer token through unauthenticated (no
    /// [`ApiCaller`] in its extensions): the handler authenticates the
    /// client itself (RFC 7662 §2.1 allows either).
    pub fn or_client_secret(self) -> Self {
        Self {
            client_secret_fallback: true,
            ..self
        }
    }
}

/// Why a request was refused.
enum Refusal {
    /// No usable credentials (RFC 6750 §3.1: no error code).
    Anonymous,
    /// `Authorization` present but not a well-formed Bearer header.
    Malformed,
    /// Credentials that did not check out.
    InvalidToken(String),
    /// Authenticated, but without the route's scope.
    InsufficientScope(&'static str),
    /// A client's own token on a route that needs a user.
    UserRequired,
    /// The database could not be asked.
    Error(AppError),
}

impl<S, B> Transform<S, ServiceRequest> for Guard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = GuardMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(GuardMiddleware {
            service: Rc::new(service),
            guard: *self,
        }))
    }
}

pub struct GuardMiddleware<S> {
    service: Rc<S>,
    guard: Guard,
}

impl<S, B> Service<ServiceRequest> for GuardMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let guard = self.guard;
        Box::pin(async move {
            let fallback =
                guard.client_secret_fallback && !matches!(bearer_token(&req), Ok(Some(_)) | Err(_));
            if fallback {
                return service
                    .call(req)
                    .await
                    .map(ServiceResponse::map_into_left_body);
            }
            match authenticate(&req, guard).await {
                Ok(caller) => {
                    if let ApiCaller::User(principal) = &caller {
                        req.extensions_mut().insert(principal.clone());
                    }
                    req.extensions_mut().insert(caller);
                    service
                        .call(req)
                        .await
                        .map(ServiceResponse::map_into_left_body)
                }
                Err(refusal) => {
                    let response = refuse(&req, guard, refusal);
                    Ok(req.into_response(response).map_into_right_body())
                }
            }
        })
    }
}

async fn authenticate(req: &ServiceRequest, guard: Guard) -> Result<ApiCaller, Refusal> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| Refusal::Error(AppError::internal("no state")))?
        .clone();
    let principal = match bearer_token(req)? {
        Some(token) => match from_bearer(&state, token, guard).await? {
            ApiCaller::User(principal) => principal,
            ApiCaller::Client(client) => return Ok(ApiCaller::Client(client)),
        },
        None => {
            let cookie_allowed = guard.audience == Audience::Page
                || matches!(*req.method(), Method::GET | Method::HEAD);
            if !cookie_allowed {
                return Err(Refusal::Anonymous);
            }
            from_cookie(&state, req).await?
        }
    };
    if let Some(scope) = guard.scope {
        if !principal.scopes.contains(scope) {
            return Err(Refusal::InsufficientScope(scope));
        }
    }
    if let Err(e) = sessions::touch(&state.db, &principal.session, state.clock.now()).await {
        log::warn!("could not record session use: {e}");
    }
    Ok(ApiCaller::User(principal))
}

/// The Bearer token of `Authorization` (RFC 6750 §2.1), `None` when the
/// header is absent or uses another scheme.
fn bearer_token(req: &ServiceRequest) -> Result<Option<&str>, Refusal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| Refusal::Malformed)?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = rest.trim_matches(' ');
    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    let well_formed = !token.is_empty()
        && token.len() <= 4096
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b));
    if well_formed {
        Ok(Some(token))
    } else {
        Err(Refusal::Malformed)
    }
}

async fn from_bearer(state: &AppState, token: &str, guard: Guard) -> Result<ApiCaller, Refusal> {
    let claims = state
        .jwt
        .validate_fresh(&state.db, token, true)
        .await
        .map_err(|e| Refusal::InvalidToken(e.to_string()))?;
    if claims.is_client_token() {
        if !guard.clients {
            return Err(Refusal::UserRequired);
        }
        let client = from_client_token(state, &claims).await?;
        if let Some(scope) = guard.scope {
            if !client.scopes.contains(scope) {
                return Err(Refusal::InsufficientScope(scope));
            }
        }
        return Ok(ApiCaller::Client(client));
    }
    let (session, user) = sessions::find_live(&state.db, &claims.sid, state.clock.now())
        .await
        .map_err(|e| Refusal::Error(e.into()))?
        .filter(|(_, user)| user.id == claims.sub)
        .ok_or_else(|| Refusal::InvalidToken("the access token has been revoked".into()))?;
    // A scope taken from the user since the token was issued is not honoured;
    // the identity scopes need no holding (OpenID Connect Core §5.4).
    let scopes = crate::domain::ScopeSet::from_stored(&claims.scope)
        .intersection(&user.scope_set().with_identity_scopes());
    Ok(ApiCaller::User(Principal {
        user,
        session,
        scopes,
        credential: Credential::Bearer,
    }))
}

/// A client's own token is live while its client exists, is enabled and is
/// of the generation the token was minted under (disabling starts a new
/// one), so a disable or delete counts at the next request on every
/// instance. Scopes taken from the client since are not honoured.
async fn from_client_token(
    state: &AppState,
    claims: &crate::auth::tokens::AccessClaims,
) -> Result<ClientPrincipal, Refusal> {
    let client = crate::clients::find(&state.db, &claims.sub)
        .await
        .map_err(Refusal::Error)?
        .filter(|c| !c.disabled && c.generation == claims.sid)
        .ok_or_else(|| Refusal::InvalidToken("the access token has been revoked".into()))?;
    let scopes =
        crate::domain::ScopeSet::from_stored(&claims.scope).intersection(&client.scope_set());
    Ok(ClientPrincipal { client, scopes })
}

async fn from_cookie(state: &AppState, req: &ServiceRequest) -> Result<Principal, Refusal> {
    let cookie_session = req.get_session();
    let session_id = match cookie_session.get::<String>(SESSION_ID_KEY) {
        Ok(Some(id)) => id,
        _ => return Err(Refusal::Anonymous),
    };
    match sessions::find_live(&state.db, &session_id, state.clock.now()).await {
        Ok(Some((session, user))) => Ok(Principal {
            scopes: user.scope_set(),
            user,
            session,
            credential: Credential::Cookie,
        }),
        Ok(None) => {
            // Revoked, expired, or its user is gone: sign the browser out.
            cookie_session.purge();
            Err(Refusal::Anonymous)
        }
        Err(e) => Err(Refusal::Error(e.into())),
    }
}

fn refuse(req: &ServiceRequest, guard: Guard, refusal: Refusal) -> HttpResponse {
    use actix_web::ResponseError;
    match (guard.audience, refusal) {
        (Audience::Page, Refusal::Error(e)) => crate::http::page_for(&e),
        (_, Refusal::Error(e)) => e.error_response(),
        (Audience::Page, Refusal::Anonymous) => {
            let next = req
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned();
            let target = format!("/login?next={}", encode_next(&next));
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish()
        }
        (Audience::Page, Refusal::InsufficientScope(_) | Refusal::UserRequired) => {
            crate::http::errors::forbidden_page()
        }
        (_, refusal) => bearer_error(refusal),
    }
}

/// Percent-encodes a path for the `next` query parameter, leaving `/` and
/// the RFC 3986 unreserved characters readable: `/login?next=/account`.
fn encode_next(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// RFC 6750 §3.1's answer to a request without credentials, for a handler
/// behind [`Guard::or_client_secret`] that found no client either.
pub fn anonymous_api_response() -> HttpResponse {
    bearer_error(Refusal::Anonymous)
}

/// RFC 6750 §3 answers for the resource side.
fn bearer_error(refusal: Refusal) -> HttpResponse {
    use actix_web::http::StatusCode;
    let (status, challenge, error, description) = match refusal {
        Refusal::Anonymous => (
            StatusCode::UNAUTHORIZED,
            r#"Bearer realm="valet""#.to_owned(),
            "unauthorized",
            "authentication required".to_owned(),
        ),
        Refusal::Malformed => (
            StatusCode::BAD_REQUEST,
            r#"Bearer realm="valet", error="invalid_request", error_description="malformed Authorization header""#.to_owned(),
            "invalid_request",
            "malformed Authorization header".to_owned(),
        ),
        Refusal::InvalidToken(description) => (
            StatusCode::UNAUTHORIZED,
            format!(r#"Bearer realm="valet", error="invalid_token", error_description="{description}""#),
            "invalid_token",
            description,
        ),
        Refusal::InsufficientScope(scope) => (
            StatusCode::FORBIDDEN,
            format!(r#"Bearer realm="valet", error="insufficient_scope", scope="{scope}""#),
            "insufficient_scope",
            format!("this request needs the scope {scope}"),
        ),
        Refusal::UserRequired => (
            StatusCode::FORBIDDEN,
            r#"Bearer realm="valet", error="insufficient_scope", error_description="this request needs a user's token, not a client's own""#.to_owned(),
            "insufficient_scope",
            "this request needs a user's token, not a client's own".to_owned(),
        ),
        Refusal::Error(e) => return actix_web::ResponseError::error_response(&e),
    };
    HttpResponse::build(status)
        .insert_header((header::WWW_AUTHENTICATE, challenge))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"error": error, "error_description": description}))
}
