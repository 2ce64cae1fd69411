//! Registered clients as a JSON API (`/api/clients…`, RFC 6749 §2): scope
//! `admin` on every route, a Bearer token for changes (the guard refuses
//! the cookie on them), a client's own token accepted with that scope. The
//! rules live in [`crate::clients`].
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};

use crate::clients::{self, ClientInput};
use crate::domain::Scope;
use crate::entities::client;
use crate::error::AppError;
use crate::http::Guard;
use crate::state::AppState;
use crate::users::admin::Actor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let admin = || Guard::api().require(Scope::ADMIN).or_client();
    cfg.service(
        web::scope("/api/clients")
            .wrap(admin())
            .service(
                web::resource("")
                    .route(web::get().to(get_clients))
                    .route(web::post().to(post_client)),
            )
            .service(
                web::resource("/{client_id}")
                    .route(web::get().to(get_client))
                    .route(web::patch().to(patch_client))
                    .route(web::delete().to(delete_client)),
            )
            .service(web::resource("/{client_id}/secret").route(web::post().to(post_secret))),
    );
}

/// A client as the API shows it: never its secret or hash.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientView {
    client_id: String,
    name: String,
    /// `public` or `confidential`.
    #[serde(rename = "type")]
    client_type: &'static str,
    grant_types: Vec<String>,
    scopes: Vec<String>,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    first_party: bool,
    access_token_ttl: Option<i64>,
    refresh_token_ttl: Option<i64>,
    disabled: bool,
    created_at: i64,
    /// Only in the answer that made it (creation).
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
}

impl From<&client::Model> for ClientView {
    fn from(c: &client::Model) -> Self {
        Self {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            client_type: c.client_type(),
            grant_types: c.grant_list(),
            scopes: c.scope_set().to_vec(),
            redirect_uris: c.redirect_uri_list(),
            post_logout_redirect_uris: c.post_logout_redirect_uri_list(),
            first_party: c.first_party,
            access_token_ttl: c.access_token_ttl,
            refresh_token_ttl: c.refresh_token_ttl,
            disabled: c.disabled,
            created_at: c.created_at,
            client_secret: None,
        }
    }
}

/// The body of `POST` and `PATCH`: every field optional here; the service
/// says which are required. `null` for a lifetime means the server default.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    /// 1–64 of `A-Z a-z 0-9 . _ ~ -`; required on creation, never changed.
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9._~-]+$")]
    client_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    /// `public` or `confidential`; set on creation only.
    #[serde(rename = "type")]
    #[schema(pattern = "^(public|confidential)$")]
    client_type: Option<String>,
    /// Any of `authorization_code`, `refresh_token`, `password` (first-party
    /// clients only), `client_credentials` (confidential clients only).
    #[schema(schema_with = crate::routes::api_docs::grant_types_schema)]
    grant_types: Option<Vec<String>>,
    #[schema(schema_with = crate::routes::api_docs::scope_list_schema)]
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
    post_logout_redirect_uris: Option<Vec<String>>,
    first_party: Option<bool>,
    /// Seconds, 1 to 86400; `null` for the server's default.
    #[serde(default, deserialize_with = "present")]
    #[schema(minimum = 1, maximum = 86400)]
    access_token_ttl: Option<Option<i64>>,
    /// Seconds, 1 to 31536000; `null` for the server's default.
    #[serde(default, deserialize_with = "present")]
    #[schema(minimum = 1, maximum = 31536000)]
    refresh_token_ttl: Option<Option<i64>>,
    disabled: Option<bool>,
}

impl ClientBody {
    fn input(&self) -> ClientInput<'_> {
        ClientInput {
            client_id: self.client_id.as_deref(),
            name: self.name.as_deref(),
            client_type: self.client_type.as_deref(),
            grant_types: list(&self.grant_types),
            scopes: list(&self.scopes),
            redirect_uris: list(&self.redirect_uris),
            post_logout_redirect_uris: list(&self.post_logout_redirect_uris),
            first_party: self.first_party,
            access_token_ttl: self.access_token_ttl,
            refresh_token_ttl: self.refresh_token_ttl,
            disabled: self.disabled,
        }
    }
}

fn list(items: &Option<Vec<String>>) -> Option<Vec<&str>> {
    items
        .as_ref()
        .map(|l| l.iter().map(String::as_str).collect())
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Serialize, utoipa::ToSchema)]
struct ClientList {
    clients: Vec<ClientView>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct NewSecret<'a> {
    client_id: &'a str,
    client_secret: &'a str,
}

/// A JSON answer that must not be cached: it describes clients (and may
/// carry a secret).
fn json(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

/// This area's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_clients,
    post_client,
    get_client,
    patch_client,
    post_secret,
    delete_client
))]
pub struct ClientsApi;

#[utoipa::path(
    get, path = "/api/clients", tag = "clients", summary = "Every client (scope `admin`)",
    responses(
        (status = 200, description = "The clients", body = ClientList),
        crate::routes::api_docs::AdminRefusals,
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn get_clients(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let clients = clients::list(&state.db).await?;
    let body = ClientList {
        clients: clients.iter().map(ClientView::from).collect(),
    };
    Ok(json(StatusCode::OK, &body))
}

/// 201 with the client and, for a confidential one, `client_secret` — the
/// only time it is shown. 409 on a taken id, 422 on bad fields.
#[utoipa::path(
    post, path = "/api/clients", tag = "clients", summary = "Register a client (scope `admin`)",
    request_body = ClientBody,
    responses(
        (status = 201, description = "The client, with `client_secret` once if confidential",
         body = ClientView),
        crate::routes::api_docs::BodyRefusals,
        crate::routes::api_docs::AdminRefusals,
        (status = 409, description = "The client_id is taken", body = crate::routes::api_docs::ApiErrorBody),
        (status = 422, description = "`validation_failed`", body = crate::routes::api_docs::ApiErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn post_client(
    actor: Actor,
    body: web::Json<ClientBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let new = clients::parse_new_client(body.input())?;
    let registered = clients::create(&state.db, &actor, new).await?;
    let mut view = ClientView::from(&registered.client);
    view.client_secret = registered.secret.map(|s| s.expose().to_owned());
    let mut response = json(StatusCode::CREATED, &view);
    let location = format!("/api/clients/{}", registered.client.client_id);
    if let Ok(location) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[utoipa::path(
    get, path = "/api/clients/{client_id}", tag = "clients", summary = "One client (scope `admin`)",
    params(("client_id" = String, Path)),
    responses(
        (status = 200, description = "The client, never its secret", body = ClientView),
        crate::routes::api_docs::AdminRefusals,
        crate::routes::api_docs::NoSuchClient,
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn get_client(
    client_id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let client = clients::get(&state.db, &client_id).await?;
    Ok(json(StatusCode::OK, &ClientView::from(&client)))
}

/// Changes any field but the id and the type; `disabled: true` ends the
/// client's sessions and tokens.
#[utoipa::path(
    patch, path = "/api/clients/{client_id}", tag = "clients", summary = "Change a client (scope `admin`)",
    params(("client_id" = String, Path)),
    request_body = ClientBody,
    responses(
        (status = 200, description = "The changed client", body = ClientView),
        crate::routes::api_docs::AdminRefusals,
        crate::routes::api_docs::NoSuchClient,
        (status = 422, description = "`validation_failed`", body = crate::routes::api_docs::ApiErrorBody),
        crate::routes::api_docs::BodyRefusals,
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn patch_client(
    actor: Actor,
    client_id: web::Path<String>,
    body: web::Json<ClientBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let client = clients::get(&state.db, &client_id).await?;
    let change = clients::parse_update(&client, body.input())?;
    let updated = clients::update(&state.db, &actor, &client, change).await?;
    Ok(json(StatusCode::OK, &ClientView::from(&updated)))
}

/// A new secret, shown once; the old one stops working at once.
#[utoipa::path(
    post, path = "/api/clients/{client_id}/secret", tag = "clients",
    summary = "A new secret for a confidential client (scope `admin`)",
    params(("client_id" = String, Path)),
    responses(
        (status = 200, description = "The new secret, shown once", body = NewSecret),
        crate::routes::api_docs::AdminRefusals,
        crate::routes::api_docs::NoSuchClient,
        (status = 409, description = "A public client has no secret", body = crate::routes::api_docs::ApiErrorBody),
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn post_secret(
    actor: Actor,
    client_id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let client = clients::get(&state.db, &client_id).await?;
    let secret = clients::rotate_secret(&state.db, &actor, &client).await?;
    let body = NewSecret {
        client_id: &client.client_id,
        client_secret: secret.expose(),
    };
    Ok(json(StatusCode::OK, &body))
}

#[utoipa::path(
    delete, path = "/api/clients/{client_id}", tag = "clients", summary = "Delete a client (scope `admin`)",
    params(("client_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted; its sessions and tokens end"),
        crate::routes::api_docs::AdminRefusals,
        crate::routes::api_docs::NoSuchClient,
    ),
    security(("bearer" = []), ("oauth2" = ["admin"]))
)]
pub async fn delete_client(
    actor: Actor,
    client_id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let client = clients::get(&state.db, &client_id).await?;
    clients::delete(&state.db, &actor, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}
