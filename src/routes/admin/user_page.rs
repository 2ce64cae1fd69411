//! `GET /admin/users/{username}`: a user's details, forms for every admin
//! action, and their live sessions; `POST` saves email, name and scopes.
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::view::{Chrome, SessionRow, UserRow};
use super::{check_csrf, chrome, render, see_other, user_path, PageError};
use crate::domain::ScopeSet;
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::http::page::join_fields;
use crate::http::Principal;
use crate::state::AppState;
use crate::users::admin::Actor;
use crate::users::input_fields::{collect, optional_email, optional_full_name};
use crate::users::{self, UserUpdate};

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    chrome: Chrome,
    user: UserRow,
    sessions: Vec<SessionRow>,
    is_self: bool,
}

pub async fn get_user(
    principal: Principal,
    username: web::Path<String>,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let sessions = users::live_sessions(&state.db, &user, state.clock.now()).await?;
    let page = UserPage {
        chrome: chrome(&session)?,
        is_self: user.id == principal.user.id,
        user: UserRow::new(&user, state.clock.now()),
        sessions: sessions.iter().map(|s| SessionRow::new(s, None)).collect(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct ProfileForm {
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    scopes: String,
}

/// Saves email, full name and scopes; a blank email or name clears it.
pub async fn post_profile(
    actor: Actor,
    username: web::Path<String>,
    session: Session,
    form: web::Form<ProfileForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    let user = users::get_by_username(&state.db, &username).await?;
    let mut errors = BTreeMap::new();
    let scopes: Vec<&str> = form.scopes.split_whitespace().collect();
    let changes = UserUpdate {
        email: optional_email(&mut errors, "email", Some(&form.email)),
        full_name: optional_full_name(&mut errors, "full_name", Some(&form.full_name)),
        scopes: collect(&mut errors, "scopes", ScopeSet::from_list(&scopes)),
        ..UserUpdate::default()
    };
    let result = if errors.is_empty() {
        users::admin::update_user(&state.db, &state.hasher, &actor, &user, changes)
            .await
            .map(|_| "Saved the profile.".to_owned())
    } else {
        Err(AppError::Validation(errors))
    };
    answer(&session, &user.username, result)
}

/// Post-redirect-get back to the user's page with the outcome as a flash
/// message. Refusals the admin can act on (bad input, the last-admin rule)
/// become an error flash; anything else is an error page.
pub(super) fn answer(
    session: &Session,
    username: &str,
    result: Result<String, AppError>,
) -> Result<HttpResponse, PageError> {
    let flash = match result {
        Ok(message) => Flash::success(message),
        Err(AppError::Validation(fields)) => Flash::error(join_fields(&fields)),
        Err(AppError::Conflict(message)) => Flash::error(message),
        Err(other) => return Err(other.into()),
    };
    flash::set(session, flash);
    Ok(see_other(&user_path(username)))
}
