//! `GET /api/users` (list and search) and `POST /api/users` (create).
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::json;
use crate::error::AppError;
use crate::routes::me::UserView;
use crate::state::AppState;
use crate::users::admin::Actor;
use crate::users::{self, NewUserInput, Paging};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Matches a prefix of the username, email or full name.
    q: Option<String>,
    /// From 1.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    page: Option<String>,
    /// Default 20, at most 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserList {
    users: Vec<UserView>,
    total: u64,
    page: u64,
    per_page: u64,
}

/// docs/users.md: `{"users": […], "total", "page", "per_page"}`; `q` matches a
/// prefix of the username, email or full name; bad paging is a 400.
#[utoipa::path(
    get, path = "/api/users", tag = "users",
    summary = "List and search users (scope `users:read`)",
    params(ListParams),
    responses(
        (status = 200, description = "One page of users", body = UserList),
        (status = 400, description = "Bad paging", body = crate::routes::api_docs::ApiErrorBody),
        crate::routes::api_docs::ReadRefusals,
    ),
    security(("bearer" = []), ("oauth2" = ["users:read"]))
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 1–64 letters, digits and `. _ - @`.
    #[schema(
        required = true,
        min_length = 1,
        max_length = 64,
        pattern = r"^[A-Za-z0-9._@-]+$"
    )]
    username: Option<String>,
    /// At least 8 characters and at most 72 bytes in UTF-8 (bcrypt's limit).
    #[schema(required = true, min_length = 8, max_length = 72)]
    password: Option<String>,
    /// `name@example.com`; blank means none.
    #[schema(max_length = 254)]
    email: Option<String>,
    /// At most 200 characters, no control characters; blank means none.
    #[schema(max_length = 200)]
    full_name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::routes::api_docs::scope_list_schema)]
    scopes: Vec<String>,
    #[serde(default)]
    disabled: bool,
}

/// docs/users.md: 201 with the user, 409 when the name is taken, 422 with a
/// message per bad field.
#[utoipa::path(
    post, path = "/api/users", tag = "users",
    summary = "Create a user (scope `users:write`)",
    request_body = CreateUser,
    responses(
        (status = 201, description = "The new user", body = UserView),
        crate::routes::api_docs::BodyRefusals,
        (status = 401, description = "No valid Bearer token", body = crate::http::errors::BearerErrorBody),
        (status = 403, description = "`insufficient_scope`, or a scope the caller may not grant",
         body = crate::http::errors::BearerErrorBody),
        (status = 409, description = "The username is taken", body = crate::routes::api_docs::ApiErrorBody),
        (status = 422, description = "`validation_failed` with a message per field",
         body = crate::routes::api_docs::ApiErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = ["users:write"]))
)]
pub async fn post_user(
    actor: Actor,
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
    let created = users::admin::create_user(&state.db, &state.hasher, &actor, new).await?;
    let mut response = json(StatusCode::CREATED, &UserView::from(&created));
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/users/{}", created.username))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
