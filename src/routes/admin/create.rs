//! `GET /admin/new-user` (the form) and `POST /admin/users` (create). The
//! form lives outside `/admin/users/…` so that a user named `new` keeps a
//! page of their own.
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::view::Chrome;
use super::{check_csrf, chrome, refused_form, render, see_other, user_path, PageError};
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::state::AppState;
use crate::users::admin::Actor;
use crate::users::{self, NewUserInput};

#[derive(Template)]
#[template(path = "admin/new_user.html")]
struct NewUserPage {
    chrome: Chrome,
    form: NewUserForm,
    errors: BTreeMap<String, String>,
}

impl NewUserPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// The form as submitted; the passwords are never sent back to the page.
#[derive(Default, Deserialize)]
pub struct NewUserForm {
    csrf_token: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    scopes: String,
    disabled: Option<String>,
}

pub async fn get_new_user(session: Session) -> Result<HttpResponse, PageError> {
    let page = NewUserPage {
        chrome: chrome(&session)?,
        form: NewUserForm::default(),
        errors: BTreeMap::new(),
    };
    render(StatusCode::OK, &page)
}

/// Creates the user and redirects to their page; bad input shows the form
/// again (422, or 409 for a taken name) with a message beside each field.
pub async fn post_new_user(
    actor: Actor,
    session: Session,
    form: web::Form<NewUserForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    check_csrf(&session, &form.csrf_token)?;
    let parsed = users::parse_new_user(NewUserInput {
        username: Some(form.username.trim()),
        password: Some(&form.password),
        email: Some(&form.email),
        full_name: Some(&form.full_name),
        scopes: form.scopes.split_whitespace().collect(),
        disabled: form.disabled.is_some(),
    });
    let mismatch = form.password != form.password_confirm;
    let result = match parsed {
        Ok(_) if mismatch => Err(AppError::field("password_confirm", "the passwords differ")),
        Ok(new) => users::admin::create_user(&state.db, &state.hasher, &actor, new).await,
        Err(e) => Err(e),
    };
    let (status, mut errors) = match result {
        Ok(created) => {
            let message = format!("Created user {}.", created.username);
            flash::set(&session, Flash::success(message));
            return Ok(see_other(&user_path(&created.username)));
        }
        Err(refusal) => refused_form(refusal, "username")?,
    };
    if mismatch && status == StatusCode::UNPROCESSABLE_ENTITY {
        errors.insert("password_confirm".into(), "the passwords differ".into());
    }
    let page = NewUserPage {
        chrome: chrome(&session)?,
        form: NewUserForm {
            password: String::new(),
            password_confirm: String::new(),
            ..form
        },
        errors,
    };
    render(status, &page)
}
