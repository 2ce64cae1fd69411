//! "Apps with access" on `/account`: withdrawing what the user allowed an
//! app on the consent page, which also ends that app's sessions.
use actix_web::{web, HttpResponse};

use crate::auth::sessions;
use crate::http::flash::{self, Flash};
use crate::http::form::CheckedForm;
use crate::http::page::{see_other, PageError};
use crate::http::Principal;
use crate::oauth::authorize::consent;
use crate::state::AppState;

/// `POST /account/apps/{client_id}/withdraw`, behind `Guard::page()`.
pub async fn post_withdraw_app(
    principal: Principal,
    path: web::Path<String>,
    form: CheckedForm,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let session = form.session;
    let client_id = path.into_inner();
    let user_id = &principal.user.id;
    if consent::withdraw(&state.db, user_id, &client_id).await? {
        sessions::revoke_for_user_and_client(&state.db, user_id, &client_id).await?;
        flash::set(
            &session,
            Flash::success("The app no longer has access and has been signed out."),
        );
    } else {
        flash::set(&session, Flash::error("That app had no access."));
    }
    Ok(see_other("/account"))
}
