//! `GET /login` and `POST /login` (docs/users.md). A browser sign-in runs the same
//! check as the password grant (`auth::signin`: bcrypt off the async
//! threads, lockout, audit) and opens a valet session (docs/security.md) that the
//! session cookie names.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::next::{landing, local_path};
use super::session_error;
use crate::audit::{self, AuditKind, Event};
use crate::auth::password::unreadable_hash;
use crate::auth::sessions::{self, SessionKind};
use crate::auth::signin::{check_password, Attempt, SignInError};
use crate::auth::signin_queue::RETRY_AFTER_SECONDS;
use crate::http::client_ip::ClientIp;
use crate::http::csrf;
use crate::http::flash::{self, Flash};
use crate::http::form::{query_param, Fields};
use crate::http::guard::SESSION_ID_KEY;
use crate::http::page::{render, see_other, signin_busy, too_many_requests, PageError};
use crate::state::AppState;

/// The one message for an unknown user, a wrong password and a locked
/// account (docs/security.md: the answers must not tell them apart).
pub const GENERIC_FAILURE: &str = "The username or password is incorrect.";
/// Only someone who gave the right password learns this.
pub const DISABLED: &str = "This account is disabled. Ask an administrator to enable it.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: String,
    next: Option<&'a str>,
    username: &'a str,
    /// A sign-in failure about both fields, shown above them.
    error: Option<&'a str>,
    username_error: Option<&'a str>,
    password_error: Option<&'a str>,
    flash: Option<Flash>,
}

impl LoginPage<'_> {
    /// The ids that describe an input, for `aria-describedby`.
    /// (Askama hands template fields over by reference.)
    fn described_by(&self, field_error: &Option<&str>, id: &'static str) -> Option<&'static str> {
        if field_error.is_some() {
            Some(id)
        } else {
            self.error.map(|_| "signin-error")
        }
    }

    /// Whether focus starts on the password (the username is already known).
    fn focus_password(&self) -> bool {
        !self.username.is_empty() && self.username_error.is_none()
    }
}

/// `GET /login`: the form, with `next` carried along when it is local. A
/// browser already signed in goes straight on.
pub async fn get_login(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let next = query_param(req.query_string(), "next");
    let next = next.as_deref().and_then(local_path);
    // OpenID Connect Core §3.1.2.1 `login_hint`, passed on by /authorize.
    let hint = query_param(req.query_string(), "login_hint").unwrap_or_default();
    // `/authorize` with `prompt=login` or `max_age` asks for the password
    // again even of a signed-in browser (OpenID Connect Core §3.1.2.1).
    let reauthenticate = query_param(req.query_string(), "prompt").as_deref() == Some("login");
    if let (false, Ok(Some(sid))) = (reauthenticate, session.get::<String>(SESSION_ID_KEY)) {
        if sessions::find_live(&state.db, &sid, state.clock.now())
            .await?
            .is_some()
        {
            return Ok(see_other(landing(next)));
        }
    }
    let page = LoginPage {
        csrf: csrf::token(&session)?,
        next,
        username: hint.get(..hint.len().min(64)).unwrap_or(""),
        error: None,
        username_error: None,
        password_error: None,
        flash: flash::take(&session),
    };
    render_form(&state, StatusCode::OK, &page).await
}

/// Renders the form. When it signs in for an `/authorize` request, the
/// client's redirect URI joins `form-action`: the redirects after the form
/// end there (`oauth::form_action`).
async fn render_form(
    state: &AppState,
    status: StatusCode,
    page: &LoginPage<'_>,
) -> Result<HttpResponse, PageError> {
    let mut response = render(status, page)?;
    if let Some(uri) = crate::oauth::authorize::client_redirect_of(state, page.next).await {
        crate::oauth::form_action::allow_redirect_to(&mut response, &uri);
    }
    Ok(response)
}

/// `POST /login`: rate limit, CSRF, then the shared password check. Success
/// answers `303` to `next` (when local) or `/account`; failure shows the
/// form again with one generic message and the username kept.
pub async fn post_login(
    req: HttpRequest,
    body: web::Bytes,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let ip = ClientIp::of(&req).0;
    if let Some(ip) = ip {
        let budget = state
            .rate_limiter
            .check(&state.db, ip, state.clock.now_ms())
            .await?;
        if let Err(retry_after) = budget {
            return Ok(too_many_requests(retry_after));
        }
    }
    let fields = Fields::parse(&body);
    csrf::verify(&session, fields.get(csrf::FIELD))?;
    let next = local_path(fields.text("next"));
    let username = fields.text("username").trim();
    let password = fields.text("password");
    let mut page = LoginPage {
        csrf: csrf::token(&session)?,
        next,
        username,
        error: None,
        username_error: username.is_empty().then_some("Enter your username."),
        password_error: password.is_empty().then_some("Enter your password."),
        flash: None,
    };
    if page.username_error.is_some() || page.password_error.is_some() {
        return render_form(&state, StatusCode::UNPROCESSABLE_ENTITY, &page).await;
    }

    let ip = ip.map(|ip| ip.to_string());
    let attempt = Attempt {
        username,
        password,
        ip: ip.as_deref(),
        client_id: None,
    };
    let confirmed = match check_password(&state.signin(), &attempt).await {
        Ok(verified) => verified
            .confirm(&state.signin(), &attempt)
            .await
            .map(|txn| (verified.user, txn)),
        Err(e) => Err(e),
    };
    let (user, txn) = match confirmed {
        Ok(confirmed) => confirmed,
        Err(SignInError::InvalidCredentials) => {
            page.error = Some(GENERIC_FAILURE);
            return render_form(&state, StatusCode::UNPROCESSABLE_ENTITY, &page).await;
        }
        Err(SignInError::Unavailable(e)) if unreadable_hash(username, &e) => {
            page.error = Some(GENERIC_FAILURE);
            return render_form(&state, StatusCode::UNPROCESSABLE_ENTITY, &page).await;
        }
        Err(SignInError::Disabled) => {
            page.error = Some(DISABLED);
            return render_form(&state, StatusCode::UNPROCESSABLE_ENTITY, &page).await;
        }
        Err(SignInError::Busy) => return Ok(signin_busy(RETRY_AFTER_SECONDS)),
        Err(SignInError::Unavailable(e)) => return Err(e.into()),
    };

    // A session this browser held before (another account, say) ends here.
    if let Ok(Some(previous)) = session.get::<String>(SESSION_ID_KEY) {
        sessions::revoke(&txn, &previous).await?;
    }
    let opened = sessions::open(
        &txn,
        &user,
        SessionKind::Browser,
        None,
        ip.as_deref(),
        state.settings.refresh_token_ttl,
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    // No session fixation: a fresh cookie and a fresh CSRF token.
    session.clear();
    session.renew();
    session
        .insert(SESSION_ID_KEY, &opened.id)
        .map_err(session_error)?;
    csrf::rotate(&session)?;
    audit::record(
        &state.db,
        AuditKind::SignIn,
        Event {
            subject: Some(&user.username),
            ip: ip.as_deref(),
            detail: "browser sign-in",
            ..Event::default()
        },
    )
    .await;
    Ok(see_other(landing(next)))
}
