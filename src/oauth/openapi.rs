//! The OAuth endpoints in the OpenAPI document (docs/operating.md). Their
//! bodies are parsed strictly by [`super::params::FormParams`]; the form
//! types here describe those parameters, one schema per grant type.
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

/// `grant_type=password` (RFC 6749 §4.3.2).
#[derive(Deserialize, ToSchema)]
pub struct PasswordGrant {
    pub username: String,
    pub password: String,
    /// Space-separated; a subset of the user's scopes. Default: all of them.
    pub scope: Option<String>,
    /// May also be sent with HTTP Basic (RFC 6749 §2.3.1).
    pub client_id: Option<String>,
    /// A confidential client's secret, unless sent with HTTP Basic.
    pub client_secret: Option<String>,
}

/// `grant_type=refresh_token` (RFC 6749 §6).
#[derive(Deserialize, ToSchema)]
pub struct RefreshTokenGrant {
    pub refresh_token: String,
    /// A subset of the scopes originally granted.
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// `grant_type=client_credentials` (RFC 6749 §4.4.2): a confidential client
/// authenticating with its secret (HTTP Basic, or these two fields).
#[derive(Deserialize, ToSchema)]
pub struct ClientCredentialsGrant {
    /// Within the client's registered scopes. Default: all of them.
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5): the
/// code from `/authorize`, the same `redirect_uri`, the PKCE verifier, and
/// the client (authenticated if confidential).
#[derive(Deserialize, ToSchema)]
pub struct AuthorizationCodeGrant {
    pub code: String,
    pub redirect_uri: String,
    pub code_verifier: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// The body of `POST /token`, `application/x-www-form-urlencoded`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    AuthorizationCode(AuthorizationCodeGrant),
    Password(PasswordGrant),
    RefreshToken(RefreshTokenGrant),
    ClientCredentials(ClientCredentialsGrant),
}

/// `POST /revoke` (RFC 7009 §2.1) and `POST /introspect` (RFC 7662 §2.1).
#[derive(Deserialize, ToSchema)]
pub struct TokenForm {
    #[schema(min_length = 1)]
    pub token: String,
    pub token_type_hint: Option<TokenTypeHint>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenTypeHint {
    AccessToken,
    RefreshToken,
}

/// RFC 6749 §5.2 error codes, and the two valet adds for overload.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    TooManyRequests,
    TemporarilyUnavailable,
    ServerError,
}

/// RFC 6749 §5.2 error response, with `Cache-Control: no-store`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"error": "invalid_grant", "error_description": "the username or password is incorrect"}))]
pub struct OAuthErrorBody {
    pub error: OAuthErrorCode,
    pub error_description: String,
}

#[derive(OpenApi)]
#[openapi(paths(
    super::token::post_token,
    super::lifecycle::revoke::post_revoke,
    super::lifecycle::introspect::post_introspect,
    super::lifecycle::metadata::get_metadata,
    super::lifecycle::metadata::get_metadata_for_path,
    super::lifecycle::jwks::get_jwks,
    super::lifecycle::discovery::get_openid_configuration,
    super::userinfo::get_userinfo,
    super::userinfo::post_userinfo,
))]
pub struct OAuthApi;
