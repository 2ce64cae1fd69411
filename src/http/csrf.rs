//! CSRF tokens for state-changing forms (synchronizer token pattern): one
//! random token per browser session, kept in the encrypted session cookie,
//! sent back in a hidden `csrf_token` field and compared in constant time.
use actix_session::Session;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

use crate::error::AppError;

const SESSION_KEY: &str = "csrf";
/// Name of the hidden form field.
pub const FIELD: &str = "csrf_token";

/// The session's token, created on first use. Put it in every form.
pub fn token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(existing)) = session.get::<String>(SESSION_KEY) {
        return Ok(existing);
    }
    rotate(session)
}

/// Replaces the token (at sign-in, so a token seen before it is useless).
pub fn rotate(session: &Session) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let fresh = URL_SAFE_NO_PAD.encode(bytes);
    session
        .insert(SESSION_KEY, &fresh)
        .map_err(|e| AppError::internal_from("storing the CSRF token in the session cookie", e))?;
    Ok(fresh)
}

/// Checks a submitted token: 403 when missing or different.
pub fn verify(session: &Session, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = session.get::<String>(SESSION_KEY).ok().flatten();
    match (expected, submitted) {
        (Some(expected), Some(given))
            if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "the form has expired or did not come from this site; reload the page and try again"
                .into(),
        )),
    }
}
