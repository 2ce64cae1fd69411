//! JWT access tokens per RFC 9068: signed with the current asymmetric key
//! (docs/resource-servers.md, `kid` in the header), or HS256 with `VALET_JWT_SECRET` in the
//! legacy shared-secret mode.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clock;
use crate::config::Settings;
use crate::domain::ScopeSet;
use crate::keys::jws::{self, Parsed, LEEWAY_SECONDS};
use crate::keys::KeyRing;

/// Largest token we try to decode; anything longer is refused unread.
const MAX_TOKEN_LEN: usize = 4096;
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
    #[error("the access token's signing key is unknown, revoked or retired")]
    UnknownKey,
}

/// Verified tokens remembered by their exact text, so that a client sending
/// one token many times pays for one signature check (RSA verification
/// costs several times the rest of a request). Expiry and the key's state
/// are still checked on every use.
const VERIFIED_CACHE_ENTRIES: usize = 4096;

/// The legacy shared-secret mode (`VALET_JWT_SECRET`): HS256, no `kid`.
struct SharedSecret {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

pub struct JwtKeys {
    ring: Option<Arc<KeyRing>>,
    shared: Option<SharedSecret>,
    verified: Mutex<HashMap<String, Verified>>,
    issuer: String,
    audience: String,
    ttl: i64,
}

/// A token whose signature, `typ`, `iss` and `aud` checked out.
#[derive(Clone)]
struct Verified {
    kid: String,
    claims: AccessClaims,
}

impl JwtKeys {
    /// Tokens signed by the keys of `ring`, or HS256 with
    /// `settings.jwt_secret` when that is set (the keys are then still
    /// published, for ID tokens).
    pub fn new_with_ring(ring: Arc<KeyRing>, settings: &Settings) -> Self {
        let secret = settings.jwt_secret.as_ref().map(|s| s.expose().as_bytes());
        Self::build(secret, Some(ring), settings)
    }

    /// HS256 with `secret` only (the legacy mode, without keys).
    pub fn new(secret: &[u8], settings: &Settings) -> Self {
        Self::build(Some(secret), None, settings)
    }

    fn build(secret: Option<&[u8]>, ring: Option<Arc<KeyRing>>, settings: &Settings) -> Self {
        let shared = secret.map(|secret| {
            // `exp` and `nbf` are checked against the injectable clock
            // (`check_times`), not jsonwebtoken's system time.
            let mut validation = Validation::new(Algorithm::HS256);
            validation.validate_exp = false;
            validation.validate_nbf = false;
            validation.set_issuer(&[&settings.issuer]);
            validation.set_audience(&[&settings.audience]);
            validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
            SharedSecret {
                encoding: EncodingKey::from_secret(secret),
                decoding: DecodingKey::from_secret(secret),
                validation,
            }
        });
        Self {
            ring,
            shared,
            verified: Mutex::new(HashMap::new()),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: settings.access_token_ttl,
        }
    }

    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    /// The signing keys, when valet has them (always, but in unit tests).
    pub fn ring(&self) -> Option<&Arc<KeyRing>> {
        self.ring.as_ref()
    }

    /// The time the keys go by: the injectable clock (tests stop it).
    pub fn now(&self) -> i64 {
        self.ring
            .as_ref()
            .map_or_else(clock::now, |ring| ring.now())
    }

    /// Reads the keys again if the copy held is stale (see `keys::ring`).
    pub async fn refresh(&self, db: &impl ConnectionTrait) {
        if let Some(ring) = &self.ring {
            ring.refresh(db).await;
        }
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
    ) -> Result<String, String> {
        let now = self.now();
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
        if let Some(shared) = &self.shared {
            let mut header = Header::new(Algorithm::HS256);
            header.typ = Some(ACCESS_TOKEN_TYP.to_owned());
            return encode(&header, &claims, &shared.encoding).map_err(|e| e.to_string());
        }
        let ring = self.ring.as_ref().ok_or("no signing keys")?;
        let keys = ring.keys();
        let key = keys.signing(now).ok_or("no signing key")?;
        let material = key.material.as_ref().ok_or("the signing key is unusable")?;
        jws::sign(material, &key.row.kid, ACCESS_TOKEN_TYP, &claims).map_err(|e| e.to_string())
    }

    /// Verifies the signature (the algorithm pinned to the key's), `typ`,
    /// `iss`, `aud`, `exp` and `nbf` (RFC 9068 §4). Says nothing about the
    /// session; the guard checks that.
    pub fn validate(&self, token: &str) -> Result<AccessClaims, TokenError> {
        self.check(token, true)
    }

    /// Like [`validate`](Self::validate) but accepts a token past its `exp`:
    /// for revocation (RFC 7009 §2.1), where an expired token still names
    /// the session to end.
    pub fn validate_allowing_expired(&self, token: &str) -> Result<AccessClaims, TokenError> {
        self.check(token, false)
    }

    /// [`validate`](Self::validate) (or, with `enforce_expiry` false,
    /// [`validate_allowing_expired`](Self::validate_allowing_expired)) after
    /// making sure the keys held are fresh: a token naming a key this
    /// instance has not seen yet makes it read the keys again.
    pub async fn validate_fresh(
        &self,
        db: &impl ConnectionTrait,
        token: &str,
        enforce_expiry: bool,
    ) -> Result<AccessClaims, TokenError> {
        self.refresh(db).await;
        match self.check(token, enforce_expiry) {
            Err(TokenError::UnknownKey) => {
                if let Some(ring) = &self.ring {
                    ring.reload_for_unknown_kid(db).await;
                }
                self.check(token, enforce_expiry)
            }
            other => other,
        }
    }

    fn check(&self, token: &str, enforce_expiry: bool) -> Result<AccessClaims, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Invalid);
        }
        let now = self.now();
        if let Some(shared) = &self.shared {
            let claims = decode_shared(token, &shared.decoding, &shared.validation)?;
            return check_times(&claims, now, enforce_expiry).map(|()| claims);
        }
        let ring = self.ring.as_ref().ok_or(TokenError::Invalid)?;
        let keys = ring.keys();
        let cached = self
            .verified
            .lock()
            .ok()
            .and_then(|cache| cache.get(token).cloned());
        let verified = match cached {
            Some(verified) => verified,
            None => {
                let verified = self.verify_signed(token, &keys, now)?;
                if let Ok(mut cache) = self.verified.lock() {
                    if cache.len() >= VERIFIED_CACHE_ENTRIES {
                        cache.clear();
                    }
                    cache.insert(token.to_owned(), verified.clone());
                }
                verified
            }
        };
        // Checked on every use, cached or not: the key may have been revoked
        // or have left its window since.
        if keys.verifier(&verified.kid, now).is_none() {
            return Err(TokenError::UnknownKey);
        }
        check_times(&verified.claims, now, enforce_expiry)?;
        Ok(verified.claims)
    }

    /// The signature, `typ`, `iss` and `aud` of a token signed by one of
    /// the keys.
    fn verify_signed(
        &self,
        token: &str,
        keys: &crate::keys::KeySet,
        now: i64,
    ) -> Result<Verified, TokenError> {
        let parsed = Parsed::parse(token).ok_or(TokenError::Invalid)?;
        let kid = parsed.header.kid.as_deref().ok_or(TokenError::Invalid)?;
        let key = keys.verifier(kid, now).ok_or(TokenError::UnknownKey)?;
        let payload = parsed.verified_payload(key).ok_or(TokenError::Invalid)?;
        if !is_access_token_typ(parsed.header.typ.as_deref()) {
            return Err(TokenError::WrongType);
        }
        let claims: AccessClaims =
            serde_json::from_slice(&payload).map_err(|_| TokenError::Invalid)?;
        if claims.iss != self.issuer || claims.aud != self.audience {
            return Err(TokenError::WrongIssuerOrAudience);
        }
        Ok(Verified {
            kid: kid.to_owned(),
            claims,
        })
    }
}

/// `exp` (unless `enforce_expiry` is false) and `nbf` against the clock,
/// with [`LEEWAY_SECONDS`] either way (RFC 7519 §4.1.4, §4.1.5).
fn check_times(claims: &AccessClaims, now: i64, enforce_expiry: bool) -> Result<(), TokenError> {
    if enforce_expiry && claims.exp < now - LEEWAY_SECONDS {
        return Err(TokenError::Expired);
    }
    if claims.nbf > now + LEEWAY_SECONDS {
        return Err(TokenError::NotYetValid);
    }
    Ok(())
}

/// RFC 9068 §2.1: `at+jwt`, or its full media type.
fn is_access_token_typ(typ: Option<&str>) -> bool {
    let typ = typ.unwrap_or("");
    typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYP) || typ.eq_ignore_ascii_case("application/at+jwt")
}

fn decode_shared(
    token: &str,
    key: &DecodingKey,
    validation: &Validation,
) -> Result<AccessClaims, TokenError> {
    use jsonwebtoken::errors::ErrorKind;
    let data = decode::<AccessClaims>(token, key, validation).map_err(|e| match e.kind() {
        ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => TokenError::WrongIssuerOrAudience,
        _ => TokenError::Invalid,
    })?;
    if !is_access_token_typ(data.header.typ.as_deref()) {
        return Err(TokenError::WrongType);
    }
    Ok(data.claims)
}
