//! `GET`, `PATCH` and `DELETE /api/users/{username}` (docs/users.md).
use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer};

use super::json;
use crate::domain::{Password, ScopeSet};
use crate::error::AppError;
use crate::routes::me::UserView;
use crate::state::AppState;
use crate::users::admin::Actor;
use crate::users::{self, UserUpdate};

#[utoipa::path(
    get, path = "/api/users/{username}", tag = "users",
    summary = "One user (scope `users:read`)",
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        crate::routes::api_docs::ReadRefusals,
        crate::routes::api_docs::NoSuchUser,
    ),
    security(("bearer" = []), ("oauth2" = ["users:read"]))
)]
pub async fn get_user(
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    Ok(json(StatusCode::OK, &UserView::from(&user)))
}

/// The fields `PATCH` may change; `null` clears `email` and `full_name`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchUser {
    /// `name@example.com`; blank or `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(max_length = 254)]
    email: Option<Option<String>>,
    /// At most 200 characters; blank or `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(max_length = 200)]
    full_name: Option<Option<String>>,
    #[schema(schema_with = crate::routes::api_docs::scope_list_schema)]
    scopes: Option<Vec<String>>,
    disabled: Option<bool>,
    /// At least 8 characters and at most 72 bytes in UTF-8 (bcrypt's limit).
    #[schema(min_length = 8, max_length = 72)]
    password: Option<String>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// docs/users.md: changes email, full_name, scopes, disabled or password. A new
/// password meets the policy and ends every session of the user, as a
/// disable does; the last enabled admin keeps `admin` and stays enabled (409).
#[utoipa::path(
    patch, path = "/api/users/{username}", tag = "users",
    summary = "Change a user (scope `users:write`)",
    params(("username" = String, Path)),
    request_body = PatchUser,
    responses(
        (status = 200, description = "The changed user", body = UserView),
        (status = 401, description = "No valid Bearer token", body = crate::http::errors::BearerErrorBody),
        (status = 403, description = "`insufficient_scope`, or a change that needs `admin`",
         body = crate::http::errors::BearerErrorBody),
        crate::routes::api_docs::NoSuchUser,
        (status = 409, description = "The last admin would lose `admin`", body = crate::routes::api_docs::ApiErrorBody),
        (status = 422, description = "`validation_failed`", body = crate::routes::api_docs::ApiErrorBody),
        crate::routes::api_docs::BodyRefusals,
    ),
    security(("bearer" = []), ("oauth2" = ["users:write"]))
)]
pub async fn patch_user(
    actor: Actor,
    username: web::Path<String>,
    body: web::Json<PatchUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let changes = parse_patch(body.into_inner())?;
    let user = users::get_by_username(&state.db, &username).await?;
    let updated =
        users::admin::update_user(&state.db, &state.hasher, &actor, &user, changes).await?;
    Ok(json(StatusCode::OK, &UserView::from(&updated)))
}

fn parse_patch(body: PatchUser) -> Result<UserUpdate, AppError> {
    use users::input_fields::{collect, optional_email, optional_full_name};
    let mut errors = BTreeMap::new();
    let changes = UserUpdate {
        email: body
            .email
            .and_then(|raw| optional_email(&mut errors, "email", raw.as_deref())),
        full_name: body
            .full_name
            .and_then(|raw| optional_full_name(&mut errors, "full_name", raw.as_deref())),
        scopes: body
            .scopes
            .and_then(|list| collect(&mut errors, "scopes", ScopeSet::from_list(&list))),
        disabled: body.disabled,
        password: body
            .password
            .and_then(|raw| collect(&mut errors, "password", Password::parse(raw))),
    };
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// docs/users.md: 204; the user's sessions and tokens go with them.
#[utoipa::path(
    delete, path = "/api/users/{username}", tag = "users",
    summary = "Delete a user (scope `users:write`)",
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Deleted, with every session"),
        crate::routes::api_docs::WriteRefusals,
        crate::routes::api_docs::NoSuchUser,
        (status = 409, description = "The last admin", body = crate::routes::api_docs::ApiErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = ["users:write"]))
)]
pub async fn delete_user(
    actor: Actor,
    username: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = users::get_by_username(&state.db, &username).await?;
    users::admin::delete_user(&state.db, &actor, &user).await?;
    Ok(HttpResponse::NoContent()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .finish())
}
