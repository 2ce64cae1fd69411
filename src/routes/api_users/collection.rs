//! `GET /api/users` (list and search) and `POST /api/users` (create).
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{actor, json};
use crate::auth::ApiCaller;
use crate::error::AppError;
use crate::routes::me::UserView;
use crate::state::AppState;
use crate::users::{self, NewUserInput, Paging};

#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

#[derive(Serialize)]
struct UserList {
    users: Vec<UserView>,
    total: u64,
    page: u64,
    per_page: u64,
}

/// SPEC §4: `{"users": […], "total", "page", "per_page"}`; `q` matches a
/// prefix of the username, email or full name; bad paging is a 400.
pub async fn get_users(
    params: web::Query<ListParams>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let paging = Paging::parse(params.page.as_deref(), params.per_page.as_deref())?;
    let found = users::search(&state.db, params.q.as_deref().unwrap_or(""), paging).await?;
    let body = UserList {
        users: found.users.iter().map(UserView::from).collect(),
        total: found.total,
        page: paging.page,
        per_page: paging.per_page,
    };
    Ok(json(StatusCode::OK, &body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    username: Option<String>,
    password: Option<String>,
    email: Option<String>,
    full_name: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    disabled: bool,
}

/// SPEC §4: 201 with the user, 409 when the name is taken, 422 with a
/// message per bad field.
pub async fn post_user(
    req: HttpRequest,
    principal: ApiCaller,
    body: web::Json<CreateUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let new = users::parse_new_user(NewUserInput {
        username: body.username.as_deref(),
        password: body.password.as_deref(),
        email: body.email.as_deref(),
        full_name: body.full_name.as_deref(),
        scopes: body.scopes.iter().map(String::as_str).collect(),
        disabled: body.disabled,
    })?;
    let actor = actor(&req, &principal, &state);
    let created = users::admin::create_user(&state.db, &state.hasher, &actor, new).await?;
    let mut response = json(StatusCode::CREATED, &UserView::from(&created));
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/users/{}", created.username))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
