//! `POST /account/password` (docs/users.md): current, new and confirm. The
//! current password goes through the same check as a sign-in (lockout
//! included); a change ends every other session of the user (docs/users.md).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::account::{AccountPage, PasswordErrors};
use crate::auth::password::unreadable_hash;
use crate::auth::signin::{check_password, Attempt, SignInError};
use crate::auth::signin_queue::RETRY_AFTER_SECONDS;
use crate::domain::Password;
use crate::http::client_ip::ClientIp;
use crate::http::flash::{self, Flash};
use crate::http::form::CheckedForm;
use crate::http::page::{render, see_other, PageError};
use crate::http::Principal;
use crate::state::AppState;
use crate::users;

pub async fn post_password(
    req: HttpRequest,
    principal: Principal,
    form: CheckedForm,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let CheckedForm { fields, session } = form;
    let current = fields.text("current_password");
    let new = fields.text("new_password");
    let confirm = fields.text("confirm_password");

    let mut errors = PasswordErrors::default();
    let password = if new.is_empty() {
        errors.new = Some("Enter a new password.".into());
        None
    } else {
        Password::parse(new.to_owned())
            .map_err(|e| errors.new = Some(sentence(&e)))
            .ok()
    };
    if errors.new.is_none() && confirm != new {
        errors.confirm = Some("The two new passwords do not match.".into());
    }
    let ip = ClientIp::of(&req).text();
    if current.is_empty() {
        errors.current = Some("Enter your current password.".into());
    } else {
        let attempt = Attempt {
            username: &principal.user.username,
            password: current,
            ip: ip.as_deref(),
            client_id: None,
        };
        match check_password(&state.signin(), &attempt).await {
            Ok(_) => {}
            Err(SignInError::InvalidCredentials | SignInError::Disabled) => {
                errors.current = Some("The current password is incorrect.".into());
            }
            Err(SignInError::Unavailable(e)) if unreadable_hash(attempt.username, &e) => {
                errors.current = Some("The current password is incorrect.".into());
            }
            Err(SignInError::Busy) => {
                return Ok(crate::http::page::signin_busy(RETRY_AFTER_SECONDS));
            }
            Err(SignInError::Unavailable(e)) => return Err(e.into()),
        }
    }
    let password = match password {
        Some(password) if !errors.any() => password,
        _ => {
            let page = AccountPage::build(&state, &principal, &session, errors).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };

    users::change_own_password(
        &state.db,
        &state.hasher,
        &principal.user,
        &password,
        &principal.session.id,
        ip.as_deref(),
    )
    .await?;
    flash::set(
        &session,
        Flash::success("Your password has been changed. Every other session has been signed out."),
    );
    Ok(see_other("/account"))
}

/// `password must be …` → `Password must be ….`
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
