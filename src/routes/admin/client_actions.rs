//! The buttons of a client's admin page, each a CSRF-checked `POST`: a new
//! secret (shown once on the answer), disable, enable, and delete behind a
//! confirmation page.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::clients::{client_path, ClientRow, SecretPage};
use super::view::Chrome;
use super::{chrome, render, see_other, Button, PageError};
use crate::clients;
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/clients/{client_id}/secret", web::post().to(post_secret))
        .route(
            "/clients/{client_id}/{switch:(?:disable|enable)}",
            web::post().to(post_disable_or_enable),
        )
        .route("/clients/{client_id}/delete", web::get().to(get_delete))
        .route("/clients/{client_id}/delete", web::post().to(post_delete));
}

/// A new secret, shown on this answer only; the old one stops at once.
pub async fn post_secret(
    button: Button,
    client_id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
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

/// `POST …/disable` or `…/enable`.
pub async fn post_disable_or_enable(
    button: Button,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let (client_id, switch) = path.into_inner();
    let disabled = switch == "disable";
    let client = clients::get(&state.db, &client_id).await?;
    clients::set_disabled(&state.db, &actor, &client, disabled).await?;
    let message = if disabled {
        format!("Disabled {client_id}; its sessions and tokens have ended.")
    } else {
        format!("Enabled {client_id}. Tokens from before the disable stay dead.")
    };
    flash::set(&session, Flash::success(message));
    Ok(see_other(&client_path(&client_id)))
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
    button: Button,
    client_id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let client = clients::get(&state.db, &client_id).await?;
    clients::delete(&state.db, &actor, &client).await?;
    let message = format!(
        "Deleted {}; its sessions and tokens have ended.",
        client.client_id
    );
    flash::set(&session, Flash::success(message));
    Ok(see_other("/admin/clients"))
}
