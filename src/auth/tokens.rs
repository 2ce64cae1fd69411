//! JWT access tokens per RFC 9068, signed with HS256.
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clock;
use crate::config::Settings;
use crate::domain::ScopeSet;

/// Largest token we try to decode; anything longer is refused unread.
const MAX_TOKEN_LEN: usize = 4096;
/// Clock skew tolerated on `exp` and `nbf` (SPEC §3: at most 5 seconds).
const LEEWAY_SECONDS: u64 = 5;
/// RFC 9068 §2.1: the `typ` header of a JWT access token.
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// Claims of an access token (RFC 9068 §2.2 plus `sid` and `username`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub client_id: Option<String>,
    /// Absent from a client's own token (RFC 6749 §4.4), whose `sub` is
    /// its `client_id`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub username: Option<String>,
    /// The session of a user's token; the client's generation for a
    /// client's own token.
    pub sid: String,
}

impl AccessClaims {
    /// Whether this is a client's own token (`client_credentials`) rather
    /// than one acting for a user.
    pub fn is_client_token(&self) -> bool {
        self.username.is_none()
    }
}

/// Why a token was refused; the text goes into `error_description`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid yet")]
    NotYetValid,
    #[error("the access token is malformed or its signature is invalid")]
    Invalid,
    #[error("the access token is not valid for this server")]
    WrongIssuerOrAudience,
    #[error("the token is not an access token (typ must be at+jwt)")]
    WrongType,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], settings: &Settings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: settings.access_token_ttl,
        }
    }

    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    /// Signs an access token (RFC 9068 §2) that lives `ttl` seconds: for a
    /// user's session, or with `username` `None`, a client's own token
    /// whose `subject` is the client id.
    pub fn issue(
        &self,
        subject: &str,
        username: Option<&str>,
        session_id: &str,
        scope: &ScopeSet,
        client_id: Option<&str>,
        ttl: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = clock::now();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: subject.to_owned(),
            aud: self.audience.clone(),
            exp: now + ttl,
            iat: now,
            nbf: now,
            jti: Uuid::new_v4().to_string(),
            scope: scope.to_string(),
            client_id: client_id.map(str::to_owned),
            username: username.map(str::to_owned),
            sid: session_id.to_owned(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(ACCESS_TOKEN_TYP.to_owned());
        encode(&header, &claims, &self.encoding)
    }

    /// Verifies signature (HS256 only), `typ`, `iss`, `aud`, `exp` and `nbf`
    /// (RFC 9068 §4). Says nothing about the session; the guard checks that.
    pub fn validate(&self, token: &str) -> Result<AccessClaims, TokenError> {
        self.decode_with(token, &self.validation)
    }

    /// Like [`validate`](Self::validate) but accepts a token past its `exp`:
    /// for revocation (RFC 7009 §2.1), where an expired token still names
    /// the session to end.
    pub fn validate_allowing_expired(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let mut validation = self.validation.clone();
        validation.validate_exp = false;
        self.decode_with(token, &validation)
    }

    fn decode_with(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<AccessClaims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Invalid);
        }
        let data =
            decode::<AccessClaims>(token, &self.decoding, validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::ExpiredSignature => TokenError::Expired,
                    ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                    ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                        TokenError::WrongIssuerOrAudience
                    }
                    _ => TokenError::Invalid,
                }
            })?;
        let typ = data.header.typ.as_deref().unwrap_or("");
        if !(typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYP)
            || typ.eq_ignore_ascii_case("application/at+jwt"))
        {
            return Err(TokenError::WrongType);
        }
        Ok(data.claims)
    }
}
