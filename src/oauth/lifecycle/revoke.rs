//! `POST /revoke`: token revocation (RFC 7009). Revoking either kind of
//! token ends the session it belongs to, so the access token, every refresh
//! token and the browser cookie of that sign-in stop working (docs/resource-servers.md).
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::EntityTrait;

use super::{recognise, Expiry, Presented};
use crate::audit::{self, AuditKind, Event};
use crate::auth::sessions;
use crate::clients;
use crate::clients::authenticate::{binding, Binding, Caller};
use crate::entities::prelude::{Session, User};
use crate::http::client_ip::ClientIp;
use crate::oauth::params::FormParams;
use crate::oauth::{client, OAuthError};
use crate::state::AppState;
use crate::users::admin::Actor;

/// RFC 7009 §2.1: `token` and an optional `token_type_hint`, the client
/// identified as at the token endpoint. §2.2: 200 with an empty body for
/// every well-formed request, also when the token is unknown, expired or
/// already revoked, so the answer reveals nothing about the token.
#[utoipa::path(
    post, path = "/revoke", tag = "oauth",
    summary = "Revoke a token and its session (RFC 7009)",
    request_body(content = crate::oauth::openapi::TokenForm,
                 content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, unknown or already revoked: the same empty answer"),
        (status = 400, description = "`invalid_request`, or `invalid_grant` for a token of \
         another client", body = crate::oauth::openapi::OAuthErrorBody),
        (status = 401, description = "`invalid_client`", body = crate::oauth::openapi::OAuthErrorBody),
    ),
    security(())
)]
pub async fn post_revoke(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let params = FormParams::from_request(&req, &body)?;
    let token = params.required("token")?;
    // RFC 7009 §2.1: a confidential client authenticates; others name
    // themselves or not.
    let caller = client::authenticate(&state, &req, &params, true).await?;
    let hint = params.get("token_type_hint");

    let session_id = match recognise(&state, token, hint, Expiry::Ignore).await? {
        Some(Presented::Access(claims)) if claims.is_client_token() => {
            end_client_tokens(&state, &caller, &claims.sub, &req).await?;
            None
        }
        Some(Presented::Access(claims)) => Some(claims.sid),
        Some(Presented::Refresh(row)) => Some(row.session_id),
        None => None,
    };
    if let Some(session_id) = session_id {
        end_session(&state, &session_id, &caller, &req).await?;
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .finish())
}

/// A client's own token can only be revoked by that client, and ends every
/// token it got through `client_credentials`: they share its generation.
async fn end_client_tokens(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    req: &HttpRequest,
) -> Result<(), OAuthError> {
    let Some(client) = caller.registered().filter(|c| c.client_id == client_id) else {
        return Err(OAuthError::invalid_grant(
            "the token was issued to another client",
        ));
    };
    let ip = ClientIp::of(req).0;
    clients::end_own_tokens(&state.db, &Actor::client(&client.client_id, ip), client).await?;
    Ok(())
}

/// Revokes the session a presented token belongs to. RFC 7009 §2.1: a
/// token issued to another client is refused (`invalid_grant`, as RFC 6749
/// §5.2 names a grant "issued to another client"); a request without a
/// client id is a public client that may revoke its own token.
async fn end_session(
    state: &AppState,
    session_id: &str,
    caller: &Caller,
    req: &HttpRequest,
) -> Result<(), OAuthError> {
    let client_id = caller.client_id();
    let Some((session, user)) = Session::find_by_id(session_id)
        .find_also_related(User)
        .one(&state.db)
        .await?
    else {
        // Already purged: nothing left to end.
        return Ok(());
    };
    let bound = session.client_id.as_deref();
    match binding(&state.db, bound, caller.registered(), client_id, |c| {
        c.confidential
    })
    .await?
    {
        Binding::Allowed => {}
        Binding::OtherClient => {
            return Err(OAuthError::invalid_grant(
                "the token was issued to another client",
            ))
        }
        Binding::MustAuthenticate => {
            return Err(OAuthError::invalid_client(
                "the token belongs to a confidential client: authenticate as it",
            ))
        }
    }
    if sessions::revoke(&state.db, &session.id).await? {
        let ip = ClientIp::of(req).text();
        audit::record(
            &state.db,
            AuditKind::SignOut,
            Event {
                subject: user.as_ref().map(|u| u.username.as_str()),
                ip: ip.as_deref(),
                client_id: session.client_id.as_deref(),
                detail: "session ended by token revocation (RFC 7009)",
                ..Event::default()
            },
        )
        .await;
    }
    Ok(())
}
