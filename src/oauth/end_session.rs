//! RP-Initiated Logout 1.0: `GET /logout` shows a confirmation page (a
//! client's `POST`, §2, is sent there as a `GET`); its form posts to
//! `/logout` (`routes::pages::signout`), which signs the browser out and
//! then sends it to the client's `post_logout_redirect_uri` with `state` —
//! only when the `id_token_hint` is one valet signed and the URI is
//! registered for the client it names (§2, §3). Otherwise the browser stays
//! on valet, on a "signed out" page. A hint valet cannot verify, or one
//! naming another client than `client_id`, counts as no hint (§4: no
//! post-logout redirection): the confirmation page says so, and confirming
//! signs out and stays on valet. A malformed request (a parameter given
//! twice) is an error page.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::id_token::{self, OidcIdTokenClaims};
use super::params::FormParams;
use crate::auth::sessions;
use crate::clients;
use crate::entities::{client, user};
use crate::http::csrf;
use crate::http::form::Fields;
use crate::http::page::{error_page, render, see_other};
use crate::http::PageError;
use crate::state::AppState;

/// The hidden field the confirmation form adds, so that its answer is the
/// "signed out" page even when the request carried no parameter.
const CONFIRMED_FIELD: &str = "end_session";

/// The parameters of a logout request (§2), as sent.
#[derive(Default)]
pub struct LogoutParams {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

impl LogoutParams {
    /// A `GET /logout` query: a parameter given twice is an error.
    pub fn from_query(query: &str) -> Result<Self, String> {
        let params = FormParams::parse(query.as_bytes()).map_err(|e| e.description)?;
        let get = |name: &str| params.get(name).map(str::to_owned);
        Ok(Self {
            id_token_hint: get("id_token_hint"),
            client_id: get("client_id"),
            post_logout_redirect_uri: get("post_logout_redirect_uri"),
            state: get("state"),
        })
    }

    /// The parameters as a `GET /logout` query.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("id_token_hint", &self.id_token_hint),
            ("client_id", &self.client_id),
            ("post_logout_redirect_uri", &self.post_logout_redirect_uri),
            ("state", &self.state),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        query.finish()
    }

    /// A form posted to `/logout`: `None` for the plain sign-out button of
    /// valet's own pages, which carries none of these fields.
    pub fn from_fields(fields: &Fields) -> Option<Self> {
        let get = |name: &str| {
            fields
                .get(name)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let params = Self {
            id_token_hint: get("id_token_hint"),
            client_id: get("client_id"),
            post_logout_redirect_uri: get("post_logout_redirect_uri"),
            state: get("state"),
        };
        let any = fields.get(CONFIRMED_FIELD).is_some()
            || params.id_token_hint.is_some()
            || params.client_id.is_some()
            || params.post_logout_redirect_uri.is_some()
            || params.state.is_some();
        any.then_some(params)
    }
}

/// A logout request, checked.
pub struct CheckedLogout {
    /// The hint, when valet signed it and it agrees with `client_id`.
    hint: Option<OidcIdTokenClaims>,
    client: Option<client::Model>,
    /// The registered URI with `state`, when valet may redirect there.
    destination: Option<String>,
    /// Why a hint that was sent is ignored, for the confirmation page.
    distrusted: Option<&'static str>,
}

/// §2, §3: the hint must be valet's and agree with `client_id`; the
/// redirect needs that hint and a URI registered for its client, exactly.
/// A hint that fails is ignored, and so is the client it or `client_id`
/// names (§4: no redirection; nothing the request says is trusted).
pub async fn check(state: &AppState, params: &LogoutParams) -> Result<CheckedLogout, PageError> {
    let mut hint = None;
    let mut distrusted = None;
    if let Some(raw) = params.id_token_hint.as_deref() {
        match id_token::read_hint(state, raw) {
            Some(claims)
                if params
                    .client_id
                    .as_ref()
                    .is_some_and(|id| *id != claims.aud) =>
            {
                distrusted = Some(
                    "The sign-out request names another application (client_id) than its ID token.",
                );
            }
            Some(claims) => hint = Some(claims),
            None => {
                distrusted = Some(
                    "The sign-out request carries an ID token (id_token_hint) that valet did not \
                     issue or can no longer verify.",
                );
            }
        }
    }
    let client_id = match distrusted {
        Some(_) => None,
        None => hint.as_ref().map(|h| &h.aud).or(params.client_id.as_ref()),
    };
    let client = match client_id {
        Some(id) => clients::find(&state.db, id).await?.filter(|c| !c.disabled),
        None => None,
    };
    let registered = |uri: &String| {
        client
            .as_ref()
            .is_some_and(|c| c.post_logout_redirect_uri_list().contains(uri))
    };
    let destination = match &params.post_logout_redirect_uri {
        Some(uri) if hint.is_some() && registered(uri) => {
            Some(with_state(uri, params.state.as_deref()))
        }
        _ => None,
    };
    Ok(CheckedLogout {
        hint,
        client,
        destination,
        distrusted,
    })
}

#[derive(Template)]
#[template(path = "logout.html")]
struct ConfirmationPage<'a> {
    csrf: String,
    params: &'a LogoutParams,
    client_name: Option<&'a str>,
    username: Option<&'a str>,
    returns: bool,
    distrusted: Option<&'a str>,
}

/// `GET /logout` (§2).
pub async fn get_logout(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    match LogoutParams::from_query(req.query_string()) {
        Ok(params) => confirmation(&session, &state, &params).await,
        Err(why) => Ok(refused(&why)),
    }
}

/// The confirmation page (§2: the OP asks the user whether to sign out),
/// the request's parameters carried in its form.
pub async fn confirmation(
    session: &Session,
    state: &AppState,
    params: &LogoutParams,
) -> Result<HttpResponse, PageError> {
    let checked = check(state, params).await?;
    let signed_in = match session.get::<String>(crate::http::guard::SESSION_ID_KEY) {
        Ok(Some(sid)) => sessions::find_live(&state.db, &sid, state.clock.now()).await?,
        _ => None,
    };
    let page = ConfirmationPage {
        csrf: csrf::token(session)?,
        params,
        client_name: checked.client.as_ref().map(|c| c.name.as_str()),
        username: signed_in.as_ref().map(|(_, user)| user.username.as_str()),
        returns: checked.destination.is_some(),
        distrusted: checked.distrusted,
    };
    let mut response = render(StatusCode::OK, &page)?;
    if let Some(destination) = &checked.destination {
        super::form_action::allow_redirect_to(&mut response, destination);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "signed_out.html")]
struct SignedOutPage<'a> {
    client_name: Option<&'a str>,
}

/// After the browser was signed out (`user`: who it was): ends the
/// client's session the hint names when it is that user's (§2: logging
/// the user out of the OP ends what the client holds too), then redirects
/// to the checked destination or shows the "signed out" page.
pub async fn finish(
    state: &AppState,
    checked: CheckedLogout,
    user: Option<&user::Model>,
) -> Result<HttpResponse, PageError> {
    if let (Some(hint), Some(user)) = (&checked.hint, user) {
        if hint.sub == user.id {
            sessions::revoke(&state.db, &hint.sid).await?;
        }
    }
    if let Some(destination) = &checked.destination {
        return Ok(see_other(destination));
    }
    let page = SignedOutPage {
        client_name: checked.client.as_ref().map(|c| c.name.as_str()),
    };
    render(StatusCode::OK, &page)
}

fn refused(message: &str) -> HttpResponse {
    error_page(
        StatusCode::BAD_REQUEST,
        "This sign-out request cannot be used",
        message,
    )
}

/// `uri` with `state` added to its query (§3).
fn with_state(uri: &str, state: Option<&str>) -> String {
    let Some(state) = state else {
        return uri.to_owned();
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("state", state);
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.finish())
}
