//! The authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 9207, OpenID
//! Connect Core §3.1.2): `GET`/`POST /authorize` signs the user in through
//! `/login`, asks for consent unless the client is first-party, and sends
//! the browser back to the client with a code.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::sessions;
use crate::domain::ScopeSet;
use crate::entities::{session, user};
use crate::http::csrf;
use crate::http::guard::SESSION_ID_KEY;
use crate::http::page::{error_page, render, see_other};
use crate::http::PageError;
use crate::state::AppState;

pub mod code;
pub mod consent;
mod redirect;
pub mod request;

use redirect::{client_error, to_client, with_query};
use request::{AuthorizationRequest, Refusal};

/// Registers `/authorize` and the consent form's target.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/authorize")
            .route(web::get().to(get_authorize))
            .route(web::post().to(post_authorize)),
    )
    .service(web::resource("/authorize/consent").route(web::post().to(post_consent)));
}

/// The redirect URI a sign-in on `/login?next=/authorize?…` ends at, when
/// that request checks out: the login page names its origin in
/// `form-action` (`oauth::form_action`).
pub async fn client_redirect_of(state: &AppState, next: Option<&str>) -> Option<String> {
    let query = next?.strip_prefix("/authorize?")?;
    request::read(state, query)
        .await
        .ok()
        .map(|r| r.redirect_uri)
}

/// `GET /authorize` (RFC 6749 §4.1.1).
pub async fn get_authorize(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    authorize(req.query_string(), &session, &state).await
}

/// `POST /authorize`, form-encoded (OpenID Connect Core §3.1.2.1): the
/// same request, sent on as a `GET`. A form posted from the client's site
/// carries no `SameSite=Lax` session cookie; the top-level `GET` after the
/// 303 does, so a signed-in user is known (and `prompt=none` answers
/// truly). The parameters are encoded again, repeats kept, so the `GET`
/// checks exactly what was posted.
pub async fn post_authorize(body: web::Bytes) -> HttpResponse {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(form_urlencoded::parse(&body));
    see_other(&format!("/authorize?{}", query.finish()))
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    csrf: String,
    client_name: &'a str,
    username: &'a str,
    scopes: Vec<String>,
    request: &'a str,
}

async fn authorize(
    raw: &str,
    session: &Session,
    state: &AppState,
) -> Result<HttpResponse, PageError> {
    let request = match request::read(state, raw).await {
        Ok(request) => request,
        Err(refusal) => return refused(state, refusal),
    };
    let Some((browser, user)) = signed_in(session, state).await? else {
        return sign_in_first(state, &request, raw, false);
    };
    let now = state.clock.now();
    // OpenID Connect Core §3.1.2.1: max_age=0 is prompt=login.
    let too_old = request
        .max_age
        .is_some_and(|max_age| max_age == 0 || now - browser.created_at > max_age);
    if request.prompt.login || too_old || !hint_names(state, &request, &user) {
        return sign_in_first(state, &request, raw, true);
    }
    let scope = granted_scope(&request, &user);
    if needs_consent(state, &request, &user, &scope).await? {
        if request.prompt.none {
            return Ok(to_client(
                state,
                &client_error(
                    &request,
                    "consent_required",
                    "the user has not allowed this application",
                ),
            ));
        }
        let scopes = scope.iter().map(consent::describe).collect();
        let page = ConsentPage {
            csrf: csrf::token(session)?,
            client_name: &request.client.name,
            username: &user.username,
            scopes,
            request: &without_prompt(raw),
        };
        let mut response = render(StatusCode::OK, &page)?;
        crate::oauth::form_action::allow_redirect_to(&mut response, &request.redirect_uri);
        return Ok(response);
    }
    issue_code(state, &request, &user, &browser, &scope).await
}

/// `POST /authorize/consent`: Allow or Deny, CSRF-checked. The request is
/// checked again from the start, as if it had just arrived.
pub async fn post_consent(
    form: crate::http::form::CheckedForm,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let crate::http::form::CheckedForm { fields, session } = form;
    let raw = fields.text("request");
    let request = match request::read(&state, raw).await {
        Ok(request) => request,
        Err(refusal) => return refused(&state, refusal),
    };
    let Some((browser, user)) = signed_in(&session, &state).await? else {
        return sign_in_first(&state, &request, raw, false);
    };
    if fields.text("decision") != "allow" {
        return Ok(to_client(
            &state,
            &client_error(&request, "access_denied", "the user denied the request"),
        ));
    }
    let scope = granted_scope(&request, &user);
    consent::remember(
        &state.db,
        &user.id,
        &request.client.client_id,
        &scope,
        state.clock.now(),
    )
    .await?;
    issue_code(&state, &request, &user, &browser, &scope).await
}

async fn signed_in(
    session: &Session,
    state: &AppState,
) -> Result<Option<(session::Model, user::Model)>, PageError> {
    match session.get::<String>(SESSION_ID_KEY) {
        Ok(Some(sid)) => Ok(sessions::find_live(&state.db, &sid, state.clock.now()).await?),
        _ => Ok(None),
    }
}

/// The requested scopes the user may have: identity scopes need only the
/// client's registration (checked already), others the user's own.
fn granted_scope(request: &AuthorizationRequest, user: &user::Model) -> ScopeSet {
    request
        .scope
        .intersection(&user.scope_set().with_identity_scopes())
}

async fn needs_consent(
    state: &AppState,
    request: &AuthorizationRequest,
    user: &user::Model,
    scope: &ScopeSet,
) -> Result<bool, PageError> {
    if request.client.first_party {
        return Ok(false);
    }
    if request.prompt.consent {
        return Ok(true);
    }
    let remembered = consent::remembered(&state.db, &user.id, &request.client.client_id).await?;
    Ok(!remembered.is_some_and(|allowed| scope.is_subset(&allowed)))
}

async fn issue_code(
    state: &AppState,
    request: &AuthorizationRequest,
    user: &user::Model,
    browser: &session::Model,
    scope: &ScopeSet,
) -> Result<HttpResponse, PageError> {
    let code = code::issue(
        &state.db,
        request,
        &user.id,
        scope,
        browser.created_at,
        state.clock.now(),
        state.settings.auth_code_ttl,
    )
    .await?;
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        params.push(("state", s));
    }
    params.push(("iss", &state.settings.issuer));
    Ok(see_other(&with_query(&request.redirect_uri, &params)))
}

/// OpenID Connect Core §3.1.2.1: an `id_token_hint` must be one of valet's
/// ID tokens about the signed-in user; otherwise the user signs in again
/// (`prompt=none`: `login_required`).
fn hint_names(state: &AppState, request: &AuthorizationRequest, user: &user::Model) -> bool {
    request.id_token_hint.as_deref().is_none_or(|hint| {
        crate::oauth::id_token::read_hint(state, hint).is_some_and(|claims| claims.sub == user.id)
    })
}

/// Sends the browser to `/login`, which comes back here. `prompt=none`
/// may not show a page: `login_required` instead. The way back drops
/// `prompt=login`, `max_age` and `id_token_hint`, which the sign-in about
/// to happen meets.
fn sign_in_first(
    state: &AppState,
    request: &AuthorizationRequest,
    raw: &str,
    again: bool,
) -> Result<HttpResponse, PageError> {
    if request.prompt.none {
        return Ok(to_client(
            state,
            &client_error(request, "login_required", "the user is not signed in"),
        ));
    }
    let back = format!("/authorize?{}", without_prompt(raw));
    let mut login = form_urlencoded::Serializer::new(String::new());
    login.append_pair("next", &back);
    if again {
        login.append_pair("prompt", "login");
    }
    if let Some(hint) = &request.login_hint {
        login.append_pair("login_hint", hint);
    }
    Ok(see_other(&format!("/login?{}", login.finish())))
}

/// The request's parameters again, without `prompt` (but `consent`),
/// `max_age` and `id_token_hint`.
fn without_prompt(raw: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        match &*name {
            "max_age" | "id_token_hint" => {}
            "prompt" => {
                if value.split(' ').any(|v| v == "consent") {
                    out.append_pair("prompt", "consent");
                }
            }
            _ => {
                out.append_pair(&name, &value);
            }
        }
    }
    out.finish()
}

fn refused(state: &AppState, refusal: Refusal) -> Result<HttpResponse, PageError> {
    match refusal {
        Refusal::Page(message) => Ok(error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in request cannot be used",
            &message,
        )),
        Refusal::Client(error) => Ok(to_client(state, &error)),
        Refusal::Error(e) => Err(e.into()),
    }
}
