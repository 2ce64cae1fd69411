//! `GET /openapi.json`, the OpenAPI 3.1 document of every JSON endpoint,
//! built from the handlers' annotations and types, and `GET /docs`, Swagger
//! UI over it, bundled in the binary (docs/operating.md). An endpoint joins
//! the document with a `#[utoipa::path]` on its handler and one line in its
//! area's `paths(...)` list below or beside its routes.
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::openapi::security::{
    AuthorizationCode, ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password,
    Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::clients::docs_client::DOCS_CLIENT_ID;
use crate::domain::Scope;
use crate::error::AppError;
use crate::http::errors::BearerErrorBody;

/// Swagger UI needs inline styles and `data:` images; everything it loads
/// comes from valet itself. Every other page keeps the strict policy.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(get_openapi))
        .route("/docs", web::get().to(get_docs_root))
        .route("/docs/{file:.*}", web::get().to(get_docs_file));
}

/// The JSON error of the API routes: `not_found`, `conflict`,
/// `invalid_request`, `forbidden`, `validation_failed` (with `fields`),
/// `temporarily_unavailable`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"error": "validation_failed", "fields": {"username": "is taken"}}))]
pub struct ApiErrorBody {
    pub error: String,
    pub error_description: Option<String>,
    /// For `validation_failed`: a message per bad field.
    pub fields: Option<BTreeMap<String, String>>,
}

/// A list of scope-tokens (RFC 6749 §3.3: `1*( %x21 / %x23-5B / %x5D-7E )`,
/// at most 128 bytes each), as [`crate::domain::Scope::parse`] accepts them.
pub fn scope_list_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let token = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^[\x21\x23-\x5B\x5D-\x7E]+$"))
        .max_length(Some(128));
    ArrayBuilder::new().items(token).build()
}

/// A client's grant types: at least one, each a grant valet knows.
pub fn grant_types_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let grant = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(crate::clients::GRANT_TYPES));
    ArrayBuilder::new().items(grant).min_items(Some(1)).build()
}

/// The refusals every `/api/clients` route shares (RFC 6750 §3.1).
#[derive(utoipa::IntoResponses)]
pub enum AdminRefusals {
    #[response(status = 401, description = "No valid token")]
    NoToken(BearerErrorBody),
    #[response(status = 403, description = "`insufficient_scope`: needs `admin`")]
    NotAdmin(BearerErrorBody),
}

/// The refusals every `/api/users` read shares (RFC 6750 §3.1).
#[derive(utoipa::IntoResponses)]
pub enum ReadRefusals {
    #[response(status = 401, description = "No valid token")]
    NoToken(BearerErrorBody),
    #[response(status = 403, description = "`insufficient_scope`")]
    Scope(BearerErrorBody),
}

/// The refusals of a change through `/api/users` (RFC 6750 §3.1).
#[derive(utoipa::IntoResponses)]
pub enum WriteRefusals {
    #[response(status = 401, description = "No valid Bearer token")]
    NoToken(BearerErrorBody),
    #[response(status = 403, description = "`insufficient_scope`")]
    Scope(BearerErrorBody),
}

/// No user of the name the path gives.
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "No such user")]
pub struct NoSuchUser(pub ApiErrorBody);

/// No client of the id the path gives.
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "No such client")]
pub struct NoSuchClient(pub ApiErrorBody);

/// A JSON body the API cannot read.
#[derive(utoipa::IntoResponses)]
pub enum BodyRefusals {
    #[response(status = 400, description = "Unreadable JSON or an unknown field")]
    Unreadable(ApiErrorBody),
    #[response(status = 415, description = "Not application/json")]
    NotJson(ApiErrorBody),
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "valet",
        description = "OAuth2 authorization server and user directory. \
            Authorize as a user of valet (the authorization code flow with PKCE, \
            or the password flow; client `valet-docs`), then try the API."
    ),
    paths(crate::routes::me::get_me, crate::routes::health::get_healthz),
    modifiers(&SecuritySchemes),
    tags(
        (name = "oauth", description = "Tokens: RFC 6749, 7009, 7662, 8414; OpenID Connect"),
        (name = "users", description = "The user directory"),
        (name = "clients", description = "Registered clients (RFC 6749 §2)"),
        (name = "operations", description = "Health"),
    )
)]
struct ApiDoc;

/// `oauth2` with valet's own endpoints (relative, so the page works under
/// any host name), and `bearer` for a token obtained elsewhere.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        const VALET_SCOPES: [(&str, &str); 4] = [
            (
                Scope::ADMIN,
                "Administer users and clients; grant any scope",
            ),
            (Scope::USERS_READ, "Read the user directory"),
            (Scope::USERS_WRITE, "Change the user directory"),
            (Scope::INTROSPECT, "Introspect tokens (RFC 7662)"),
        ];
        const OPENID_SCOPES: [(&str, &str); 3] = [
            (
                Scope::OPENID,
                "Sign in with OpenID Connect: an ID token and /userinfo",
            ),
            (
                Scope::PROFILE,
                "The user's name and username (OpenID Connect Core §5.4)",
            ),
            (
                Scope::EMAIL,
                "The user's email address (OpenID Connect Core §5.4)",
            ),
        ];
        let scopes = || Scopes::from_iter(VALET_SCOPES);
        let with_openid = || Scopes::from_iter(VALET_SCOPES.into_iter().chain(OPENID_SCOPES));
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::new([
                Flow::AuthorizationCode(AuthorizationCode::with_refresh_url(
                    "/authorize",
                    "/token",
                    with_openid(),
                    "/token",
                )),
                Flow::Password(Password::with_refresh_url("/token", scopes(), "/token")),
                Flow::ClientCredentials(ClientCredentials::new("/token", scopes())),
            ])),
        );
    }
}

/// The whole document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = ApiDoc::openapi();
        document.merge(crate::oauth::openapi::OAuthApi::openapi());
        document.merge(crate::routes::api_users::UsersApi::openapi());
        document.merge(crate::routes::api_clients::ClientsApi::openapi());
        document
    })
}

pub async fn get_openapi() -> Result<HttpResponse, AppError> {
    let body = document()
        .to_json()
        .map_err(|e| AppError::internal_from("writing the OpenAPI document", e))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// Swagger UI's files are relative to the directory.
pub async fn get_docs_root() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

fn swagger_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // The page's own public client (`valet-docs`): the code flow
            // with PKCE comes back to /docs/oauth2-redirect.html; the
            // password flow sends `Authorization: Basic dmFsZXQtZG9jczo=`
            // (the id, no secret). Cleared in the dialog, Swagger UI sends
            // `Basic Og==`: no client, an unregistered one to valet.
            let oauth = utoipa_swagger_ui::oauth::Config::new()
                .client_id(DOCS_CLIENT_ID)
                .app_name("valet /docs")
                .use_pkce_with_authorization_code_grant(true);
            Arc::new(
                utoipa_swagger_ui::Config::with_oauth_config(["/openapi.json"], oauth)
                    .validator_url("none"),
            )
        })
        .clone()
}

pub async fn get_docs_file(
    req: HttpRequest,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let served = utoipa_swagger_ui::serve(&file, swagger_config())
        .map_err(|e| AppError::internal_from("serving Swagger UI", e.to_string()))?;
    let Some(found) = served else {
        return Ok(crate::http::errors::not_found(req).await);
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(found.content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if found.gzpipped {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    Ok(response.body(found.bytes.into_owned()))
}
