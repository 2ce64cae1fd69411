//! Ending sessions from the browser: `POST /logout` (docs/users.md: ends the
//! session and so its refresh tokens; also the confirmation of OpenID
//! Connect RP-Initiated Logout 1.0) and ending one of your own sessions
//! from the account page.
use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::audit::{self, AuditKind, Event};
use crate::auth::sessions;
use crate::entities::user;
use crate::http::client_ip::ClientIp;
use crate::http::flash::{self, Flash};
use crate::http::form::{CheckedForm, Fields};
use crate::http::guard::SESSION_ID_KEY;
use crate::http::page::{see_other, PageError};
use crate::http::{csrf, Principal};
use crate::oauth::end_session::{self, LogoutParams};
use crate::state::AppState;

/// `POST /logout`. Not behind the guard, so a browser whose session has
/// already ended can still clear its cookie; the CSRF token is still checked.
/// The form of the RP-Initiated Logout confirmation page goes on to
/// `oauth::end_session`; a client's own POST of a logout request is sent
/// to that page.
pub async fn post_logout(
    req: HttpRequest,
    body: web::Bytes,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let fields = Fields::parse(&body);
    let logout = LogoutParams::from_fields(&fields);
    if let (Some(params), None) = (&logout, fields.get(csrf::FIELD)) {
        // A client's cross-site POST carries no SameSite=Lax cookie: the
        // page would not know who is signed in (and would replace the
        // cookie). A top-level GET carries it.
        return Ok(see_other(&format!("/logout?{}", params.to_query())));
    }
    csrf::verify(&session, fields.get(csrf::FIELD))?;
    let checked = match &logout {
        Some(params) => Some(end_session::check(&state, params).await?),
        None => None,
    };
    let user = sign_out(&req, &session, &state).await?;
    match checked {
        Some(checked) => end_session::finish(&state, checked, user.as_ref()).await,
        None => {
            flash::set(&session, Flash::success("You have signed out."));
            Ok(see_other("/login"))
        }
    }
}

/// Ends the browser's session, if it has one, and forgets the cookie's
/// contents; returns the user who was signed in.
async fn sign_out(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
) -> Result<Option<user::Model>, PageError> {
    let mut signed_out = None;
    if let Ok(Some(sid)) = session.get::<String>(SESSION_ID_KEY) {
        let found = sessions::find_live(&state.db, &sid, state.clock.now()).await?;
        if sessions::revoke(&state.db, &sid).await? {
            let ip = ClientIp::of(req).text();
            let username = found.as_ref().map(|(_, user)| user.username.as_str());
            audit::record(
                &state.db,
                AuditKind::SignOut,
                Event {
                    actor: username,
                    subject: username,
                    ip: ip.as_deref(),
                    detail: "browser sign-out",
                    ..Event::default()
                },
            )
            .await;
        }
        signed_out = found.map(|(_, user)| user);
    }
    forget_session(session);
    Ok(signed_out)
}

/// `POST /account/sessions/{id}/end`, behind `Guard::page()`: ends one of
/// the signed-in user's live sessions. An id that is not one of them (ended
/// already, or another user's) changes nothing.
pub async fn post_end_session(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    form: CheckedForm,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let session = form.session;
    let id = path.into_inner();
    let own = sessions::list_live(&state.db, &principal.user.id, state.clock.now())
        .await?
        .into_iter()
        .any(|s| s.id == id);
    if !own {
        flash::set(&session, Flash::error("That session had already ended."));
        return Ok(see_other("/account"));
    }
    sessions::revoke(&state.db, &id).await?;
    let ip = ClientIp::of(&req).text();
    let username = principal.user.username.as_str();
    audit::record(
        &state.db,
        AuditKind::SignOut,
        Event {
            actor: Some(username),
            subject: Some(username),
            ip: ip.as_deref(),
            detail: "ended a session from the account page",
            ..Event::default()
        },
    )
    .await;
    if id == principal.session.id {
        forget_session(&session);
        flash::set(&session, Flash::success("You have signed out."));
        return Ok(see_other("/login"));
    }
    flash::set(&session, Flash::success("The session has been ended."));
    Ok(see_other("/account"))
}

/// Drops everything the cookie held (the session id and the CSRF token)
/// and issues a fresh cookie, which then carries only the flash message.
fn forget_session(session: &Session) {
    session.clear();
    session.renew();
}
