use actix_web::HttpResponse;
use serde::Serialize;

use crate::entities::user;
use crate::http::Principal;

/// A user as the API shows it: never the hash or lockout counters.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub disabled: bool,
    pub scopes: Vec<String>,
}

impl From<&user::Model> for UserView {
    fn from(user: &user::Model) -> Self {
        Self {
            id: user.id.clone(),
            username: user.username.clone(),
            email: user.email.clone(),
            full_name: user.full_name.clone(),
            disabled: user.disabled,
            scopes: user.scope_set().to_vec(),
        }
    }
}

/// `GET /users/me` (README): the signed-in user, for any valid token.
#[utoipa::path(
    get, path = "/users/me", tag = "users",
    summary = "The signed-in user",
    responses(
        (status = 200, description = "The user behind the token", body = UserView),
        (status = 401, description = "No valid Bearer token (RFC 6750 §3.1)",
         body = crate::http::errors::BearerErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn get_me(principal: Principal) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(UserView::from(&principal.user))
}
