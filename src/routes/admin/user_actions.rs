//! The buttons of the user page, each a CSRF-checked `POST` answered by a
//! redirect back with a flash message: disable, enable, reset password,
//! unlock, sign out everywhere, end one session, and delete behind a
//! confirmation page.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::user_page::answer;
use super::view::{Chrome, UserRow};
use super::{check_csrf, chrome, render, see_other, Button, PageError};
use crate::domain::Password;
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::state::AppState;
use crate::users::admin::Actor;
use crate::users::{self, UserUpdate};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/users/{username}/{switch:(?:disable|enable)}",
        web::post().to(post_disable_or_enable),
    )
    .route("/users/{username}/password", web::post().to(post_password))
    .route("/users/{username}/unlock", web::post().to(post_unlock))
    .route("/users/{username}/sign-out", web::post().to(post_sign_out))
    .route(
        "/users/{username}/sessions/{session_id}/end",
        web::post().to(post_end_session),
    )
    .route("/users/{username}/delete", web::get().to(get_delete))
    .route("/users/{username}/delete", web::post().to(post_delete));
}

async fn set_disabled(
    ctx: Button,
    username: &str,
    disabled: bool,
) -> Result<HttpResponse, PageError> {
    let user = users::get_by_username(&ctx.state.db, username).await?;
    let changes = UserUpdate {
        disabled: Some(disabled),
        ..UserUpdate::default()
    };
    let actor = &ctx.actor;
    let result = users::admin::update_user(&ctx.state.db, &ctx.state.hasher, actor, &user, changes)
        .await
        .map(|_| {
            if disabled {
                format!("Disabled {username}; every session of theirs has ended.")
            } else {
                format!("Enabled {username}.")
            }
        });
    answer(&ctx.session, username, result)
}

/// `POST …/disable` or `…/enable`.
pub async fn post_disable_or_enable(
    button: Button,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (username, switch) = path.into_inner();
    set_disabled(button, &username, switch == "disable").await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf_token: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Sets a new password (the policy applies) and ends every session of the
/// user (docs/users.md).
pub async fn post_password(
    actor: Actor,
    session: Session,
    username: web::Path<String>,
    form: web::Form<PasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    check_csrf(&session, &form.csrf_token)?;
    let user = users::get_by_username(&state.db, &username).await?;
    let result = if form.password != form.password_confirm {
        Err(AppError::field("password", "the two passwords differ"))
    } else {
        match Password::parse(form.password) {
            Err(message) => Err(AppError::field("password", message)),
            Ok(password) => {
                let changes = UserUpdate {
                    password: Some(password),
                    ..UserUpdate::default()
                };
                users::admin::update_user(&state.db, &state.hasher, &actor, &user, changes)
                    .await
                    .map(|_| {
                        format!(
                            "Set a new password for {username}; every session of theirs has ended."
                        )
                    })
            }
        }
    };
    answer(&session, &username, result)
}

pub async fn post_unlock(
    button: Button,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let user = users::get_by_username(&state.db, &username).await?;
    let result = users::admin::unlock_user(&state.db, &actor, &user)
        .await
        .map(|()| format!("Unlocked {username}: they can sign in again."));
    answer(&session, &username, result)
}

pub async fn post_sign_out(
    button: Button,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let user = users::get_by_username(&state.db, &username).await?;
    let result = users::admin::sign_out_everywhere(&state.db, &actor, &user)
        .await
        .map(|ended| format!("Signed {username} out everywhere ({ended} sessions ended)."));
    answer(&session, &username, result)
}

pub async fn post_end_session(
    button: Button,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let (username, session_id) = path.into_inner();
    let user = users::get_by_username(&state.db, &username).await?;
    let result = users::admin::end_session(&state.db, &actor, &user, &session_id)
        .await
        .map(|()| "Ended the session.".to_owned());
    answer(&session, &username, result)
}

#[derive(Template)]
#[template(path = "admin/delete.html")]
struct DeletePage {
    chrome: Chrome,
    user: UserRow,
}

/// The confirmation step before a delete.
pub async fn get_delete(
    username: web::Path<String>,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = users::get_by_username(&state.db, &username).await?;
    let page = DeletePage {
        chrome: chrome(&session)?,
        user: UserRow::new(&user, state.clock.now()),
    };
    render(StatusCode::OK, &page)
}

pub async fn post_delete(
    button: Button,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (actor, session, state) = button.into_parts();
    let user = users::get_by_username(&state.db, &username).await?;
    match users::admin::delete_user(&state.db, &actor, &user).await {
        Ok(()) => {
            flash::set(
                &session,
                Flash::success(format!("Deleted user {username}.")),
            );
            Ok(see_other("/admin/users"))
        }
        Err(e) => answer(&session, &username, Err(e)),
    }
}
