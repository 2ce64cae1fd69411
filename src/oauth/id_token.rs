//! ID tokens (OpenID Connect Core §2, §3.1.3.6, §5.4, §12.2), signed by the
//! same asymmetric keys as access tokens (RFC 7515, `kid` in the header),
//! even when access tokens use `VALET_JWT_SECRET`.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

use super::response::TokenResponse;
use super::OAuthError;
use crate::auth::tokens::ACCESS_TOKEN_TYP;
use crate::domain::{Scope, ScopeSet};
use crate::entities::{session, user};
use crate::error::AppError;
use crate::keys::jws::{self, Parsed};
use crate::keys::Alg;
use crate::state::AppState;

/// The `typ` header of valet's ID tokens (RFC 7519 §5.1).
const ID_TOKEN_TYP: &str = "JWT";
/// Longest `id_token_hint` read; valet's own ID tokens are far shorter.
const MAX_HINT_LEN: usize = 8192;

/// Core §2 and §5.1: the claims of valet's ID tokens.
#[derive(Debug, Serialize, Deserialize)]
pub struct OidcIdTokenClaims {
    pub iss: String,
    /// The user's id (a `public` subject, Core §8).
    pub sub: String,
    /// The client's id; also `azp` (Core §2).
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    /// When the user last signed in on valet's pages (Core §2).
    pub auth_time: i64,
    /// As sent to `/authorize`; never on a refreshed ID token (Core §12.2).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nonce: Option<String>,
    /// Core §3.1.3.6: binds the ID token to the access token beside it.
    pub at_hash: String,
    /// The session the tokens belong to, as in the access token.
    pub sid: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email: Option<String>,
}

/// What an ID token says beyond the user and the access token.
pub struct IdTokenInput<'a> {
    pub client_id: &'a str,
    pub session_id: &'a str,
    pub auth_time: i64,
    pub nonce: Option<&'a str>,
    /// The granted scope: `profile` and `email` add their claims (Core §5.4).
    pub scope: &'a ScopeSet,
    /// Seconds until `exp`.
    pub lifetime: i64,
}

/// The sign-in an ID token tells of: when the user signed in on valet's
/// pages, and the `nonce` of the authorization request (none on refresh).
pub struct Authentication<'a> {
    pub auth_time: i64,
    pub nonce: Option<&'a str>,
}

/// Core §3.1.3.3, §12.2: adds an ID token to `response` when its scope
/// holds `openid` and its session belongs to a client (the `aud`).
pub fn attach(
    state: &AppState,
    response: &mut TokenResponse,
    user: &user::Model,
    session: &session::Model,
    scope: &ScopeSet,
    authentication: &Authentication<'_>,
    lifetime: i64,
) -> Result<(), OAuthError> {
    let Some(client_id) = session.client_id.as_deref() else {
        return Ok(());
    };
    if !scope.contains(Scope::OPENID) {
        return Ok(());
    }
    let input = IdTokenInput {
        client_id,
        session_id: &session.id,
        auth_time: authentication.auth_time,
        nonce: authentication.nonce,
        scope,
        lifetime,
    };
    response.id_token = Some(issue(state, user, &response.access_token, &input)?);
    Ok(())
}

/// Signs an ID token about `user` to go with `access_token`.
pub fn issue(
    state: &AppState,
    user: &user::Model,
    access_token: &str,
    input: &IdTokenInput<'_>,
) -> Result<String, OAuthError> {
    let internal = |why: &str| OAuthError::from(AppError::internal(format!("ID token: {why}")));
    let ring = state
        .jwt
        .ring()
        .ok_or_else(|| internal("no signing keys"))?;
    let now = ring.now();
    let keys = ring.keys();
    let key = keys
        .signing(now)
        .ok_or_else(|| internal("no signing key"))?;
    let material = key
        .material
        .as_ref()
        .ok_or_else(|| internal("the signing key is unusable"))?;
    let profile = input.scope.contains(Scope::PROFILE);
    let claims = OidcIdTokenClaims {
        iss: state.settings.issuer.clone(),
        sub: user.id.clone(),
        aud: input.client_id.to_owned(),
        azp: input.client_id.to_owned(),
        exp: now + input.lifetime,
        iat: now,
        auth_time: input.auth_time,
        nonce: input.nonce.map(str::to_owned),
        at_hash: at_hash(material.alg(), access_token),
        sid: input.session_id.to_owned(),
        preferred_username: profile.then(|| user.username.clone()),
        name: user.full_name.clone().filter(|_| profile),
        email: user
            .email
            .clone()
            .filter(|_| input.scope.contains(Scope::EMAIL)),
    };
    jws::sign(material, &key.row.kid, ID_TOKEN_TYP, &claims).map_err(|e| internal(&e.0))
}

/// Core §3.1.3.6: base64url of the left half of the hash of the access
/// token, the hash being the one of the ID token's `alg` (SHA-512 for
/// Ed25519, as the OpenID Foundation's conformance suite expects).
pub fn at_hash(alg: Alg, access_token: &str) -> String {
    let digest = match alg {
        Alg::EdDsa => Sha512::digest(access_token.as_bytes()).to_vec(),
        Alg::Rs256 | Alg::Es256 => Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// The claims of an ID token valet signed with a key that still verifies,
/// for its own issuer; `exp` is not checked (RP-Initiated Logout 1.0 §2
/// accepts an expired `id_token_hint`). An access token is not one.
pub fn read_hint(state: &AppState, token: &str) -> Option<OidcIdTokenClaims> {
    if token.len() > MAX_HINT_LEN {
        return None;
    }
    let ring = state.jwt.ring()?;
    let parsed = Parsed::parse(token)?;
    if parsed
        .header
        .typ
        .as_deref()
        .is_some_and(|typ| typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYP))
    {
        return None;
    }
    let kid = parsed.header.kid.as_deref()?;
    let keys = ring.keys();
    let key = keys.verifier(kid, ring.now())?;
    let payload = parsed.verified_payload(key)?;
    let claims: OidcIdTokenClaims = serde_json::from_slice(&payload).ok()?;
    (claims.iss == state.settings.issuer).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::{at_hash, Alg};

    #[test]
    fn at_hash_is_the_left_half_of_the_algorithms_hash() {
        // OpenID Connect Core §A.3's example access token and at_hash (RS256).
        assert_eq!(
            at_hash(Alg::Rs256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(at_hash(Alg::EdDsa, "x").len(), 43);
    }
}
