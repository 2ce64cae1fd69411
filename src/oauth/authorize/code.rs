//! Authorization codes (RFC 6749 §4.1.2, §10.5): 256 random bits, stored as
//! their SHA-256, living `VALET_AUTH_CODE_TTL` seconds, redeemed once.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::request::AuthorizationRequest;
use crate::auth::refresh;
use crate::domain::ScopeSet;
use crate::entities::authorization_code;
use crate::entities::prelude::AuthorizationCode;

/// Stores a new code for `user_id` and returns its value.
pub async fn issue(
    db: &impl ConnectionTrait,
    request: &AuthorizationRequest,
    user_id: &str,
    scope: &ScopeSet,
    auth_time: i64,
    now: i64,
    ttl: i64,
) -> Result<String, DbErr> {
    let (value, hash) = refresh::generate();
    authorization_code::ActiveModel {
        code_hash: Set(hash),
        client_id: Set(request.client.client_id.clone()),
        user_id: Set(user_id.to_owned()),
        redirect_uri: Set(request.redirect_uri.clone()),
        scope: Set(scope.to_string()),
        code_challenge: Set(request.code_challenge.clone()),
        nonce: Set(request.nonce.clone()),
        auth_time: Set(auth_time),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        session_id: Set(None),
    }
    .insert(db)
    .await?;
    Ok(value)
}

/// The stored code for a presented value, used or not.
pub async fn find(
    db: &impl ConnectionTrait,
    value: &str,
) -> Result<Option<authorization_code::Model>, DbErr> {
    if value.len() > 512 {
        return Ok(None);
    }
    AuthorizationCode::find_by_id(refresh::hash(value))
        .one(db)
        .await
}

/// Marks the code used; `false` when another redemption got there first.
/// Of any number of concurrent calls exactly one UPDATE matches.
pub async fn consume(db: &impl ConnectionTrait, code_hash: &str, now: i64) -> Result<bool, DbErr> {
    let result = AuthorizationCode::update_many()
        .col_expr(authorization_code::Column::UsedAt, Expr::value(now))
        .filter(authorization_code::Column::CodeHash.eq(code_hash))
        .filter(authorization_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the session a redemption opened, for a replay to revoke.
pub async fn record_session(
    db: &impl ConnectionTrait,
    code_hash: &str,
    session_id: &str,
) -> Result<(), DbErr> {
    AuthorizationCode::update_many()
        .col_expr(
            authorization_code::Column::SessionId,
            Expr::value(session_id),
        )
        .filter(authorization_code::Column::CodeHash.eq(code_hash))
        .exec(db)
        .await
        .map(|_| ())
}

/// The code whose redemption opened `session_id`, if one did.
pub async fn redeemed_for(
    db: &impl ConnectionTrait,
    session_id: &str,
) -> Result<Option<authorization_code::Model>, DbErr> {
    AuthorizationCode::find()
        .filter(authorization_code::Column::SessionId.eq(session_id))
        .one(db)
        .await
}

/// RFC 7636 §4.6: BASE64URL(SHA-256(ASCII(code_verifier))) equals the
/// challenge, compared in constant time; the verifier is 43–128
/// unreserved characters (§4.1).
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    well_formed && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::verifier_matches;

    #[test]
    fn the_rfc_7636_example_verifies() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(verifier, challenge));
        assert!(!verifier_matches(challenge, challenge));
        assert!(!verifier_matches("short", challenge));
    }
}
