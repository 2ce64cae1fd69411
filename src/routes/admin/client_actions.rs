//! The buttons of a client's admin page, each a CSRF-checked `POST`: a new
//! secret (shown once on the answer), disable, enable, and delete behind a
//! confirmation page.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::clients::{client_path, ClientRow, SecretPage};
use super::view::Chrome;
use super::{check_csrf, chrome, render, see_other, PageError};
use crate::clients;
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::state::AppState;
use crate::users::admin::Actor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/clients/{client_id}/secret", web::post().to(post_secret))
        .route("/clients/{client_id}/disable", web::post().to(post_disable))
        .route("/clients/{client_id}/enable", web::post().to(post_enable))
        .route("/clients/{client_id}/delete", web::get().to(get_delete))
        .route("/clients/{client_id}/delete", web::post().to(post_delete));
}

/// A form with nothing but the CSRF token.
#[derive(Deserialize)]
pub struct ButtonForm {
    csrf_token: Option<String>,
}

/// A new secret, shown on this answer only; the old one stops at once.
pub async fn post_secret(
    _req: HttpRequest,
    actor: Actor,
    session: Session,
    client_id: web::Path<String>,
    form: web::Form<ButtonForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    let client = clients::get(&state.db, &client_id).await?;
    match clients::rotate_secret(&state.db, &actor, &client).await {
        Ok(secret) => {
            SecretPage::answer(&session, StatusCode::OK, &client.client_id, &secret, false)
        }
        Err(AppError::Conflict(message)) => {
            flash::set(&session, Flash::error(message));
            Ok(see_other(&client_path(&client.client_id)))
        }
        Err(other) => Err(other.into()),
    }
}

async fn set_disabled(
    _req: HttpRequest,
    actor: Actor,
    session: Session,
    client_id: &str,
    state: web::Data<AppState>,
    disabled: bool,
) -> Result<HttpResponse, PageError> {
    let client = clients::get(&state.db, client_id).await?;
    clients::set_disabled(&state.db, &actor, &client, disabled).await?;
    let message = if disabled {
        format!("Disabled {client_id}; its sessions and tokens have ended.")
    } else {
        format!("Enabled {client_id}. Tokens from before the disable stay dead.")
    };
    flash::set(&session, Flash::success(message));
    Ok(see_other(&client_path(client_id)))
}

pub async fn post_disable(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    client_id: web::Path<String>,
    form: web::Form<ButtonForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    set_disabled(req, actor, session, &client_id, state, true).await
}

pub async fn post_enable(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    client_id: web::Path<String>,
    form: web::Form<ButtonForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    set_disabled(req, actor, session, &client_id, state, false).await
}

#[derive(Template)]
#[template(path = "admin/delete_client.html")]
struct DeletePage {
    chrome: Chrome,
    client: ClientRow,
}

/// The confirmation page.
pub async fn get_delete(
    session: Session,
    client_id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let client = clients::get(&state.db, &client_id).await?;
    let page = DeletePage {
        chrome: chrome(&session)?,
        client: ClientRow::from(&client),
    };
    render(StatusCode::OK, &page)
}

pub async fn post_delete(
    _req: HttpRequest,
    actor: Actor,
    session: Session,
    client_id: web::Path<String>,
    form: web::Form<ButtonForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    let client = clients::get(&state.db, &client_id).await?;
    clients::delete(&state.db, &actor, &client).await?;
    let message = format!(
        "Deleted {}; its sessions and tokens have ended.",
        client.client_id
    );
    flash::set(&session, Flash::success(message));
    Ok(see_other("/admin/clients"))
}
