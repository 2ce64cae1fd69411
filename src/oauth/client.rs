//! Client authentication at `/token`, `/revoke` and `/introspect` (RFC 6749
//! §2.3.1): `client_secret_basic` (HTTP Basic over the form-urlencoded id
//! and secret), `client_secret_post` (`client_id` and `client_secret` in the
//! body), or a public client's bare `client_id`. The registry decides the
//! rest (see [`crate::clients::authenticate`]).
use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::params::FormParams;
use super::OAuthError;
use crate::clients::authenticate::{self, Caller, Credentials, Refused};
use crate::state::AppState;

const MAX_CLIENT_ID_LEN: usize = 255;

/// Authenticates the caller of an OAuth endpoint. `allow_unregistered`:
/// whether a request naming no registered client may go on.
pub async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
    params: &FormParams,
    allow_unregistered: bool,
) -> Result<Caller, OAuthError> {
    let credentials = credentials(req, params)?;
    authenticate::authenticate(&state.db, credentials, allow_unregistered)
        .await
        .map_err(|refused| match refused {
            Refused::Client(why) => OAuthError::invalid_client(why),
            Refused::Unavailable(e) => e.into(),
        })
}

/// The client's id and secret from HTTP Basic or the body, if any. Both
/// methods at once is `invalid_request` (RFC 6749 §2.3: "MUST NOT use more
/// than one authentication method in each request").
pub fn credentials(
    req: &HttpRequest,
    params: &FormParams,
) -> Result<Option<Credentials>, OAuthError> {
    let from_header = basic_credentials(req)?;
    let body_id = params.get("client_id");
    let body_secret = params.get("client_secret");
    let credentials = match (from_header, body_id, body_secret) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "use one client authentication method: HTTP Basic or client_secret in the body, not both",
            ))
        }
        (Some(basic), Some(id), None) if basic.client_id != id => {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the one in the Authorization header",
            ))
        }
        (Some(basic), _, None) => Some(basic),
        (None, Some(id), secret) => Some(Credentials {
            client_id: id.to_owned(),
            secret: secret.map(str::to_owned),
        }),
        (None, None, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "client_secret was sent without client_id",
            ))
        }
        (None, None, None) => None,
    };
    match credentials {
        Some(c)
            if c.client_id.len() > MAX_CLIENT_ID_LEN
                || c.client_id.chars().any(char::is_control) =>
        {
            Err(OAuthError::invalid_request(
                "client_id must be at most 255 printable characters",
            ))
        }
        other => Ok(other),
    }
}

/// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`
/// (RFC 6749 §2.3.1, RFC 7617). A header with another scheme is ignored; a
/// broken Basic header is `invalid_client`. An empty id with an empty
/// secret (`Basic Og==`) names no client.
fn basic_credentials(req: &HttpRequest) -> Result<Option<Credentials>, OAuthError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client("the Basic Authorization header is malformed");
    let value = value.to_str().map_err(|_| bad())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let (id, secret) = (
        form_decode(id).ok_or_else(bad)?,
        form_decode(secret).ok_or_else(bad)?,
    );
    match (id.is_empty(), secret.is_empty()) {
        (true, true) => Ok(None),
        (true, false) => Err(bad()),
        _ => Ok(Some(Credentials {
            client_id: id,
            secret: Some(secret).filter(|s| !s.is_empty()),
        })),
    }
}

/// `application/x-www-form-urlencoded` decoding of one value (`+` is a
/// space, `%XX` a byte); `None` when the bytes are not UTF-8.
fn form_decode(raw: &str) -> Option<String> {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("v={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
        .into_bytes();
    let text = String::from_utf8(bytes).ok()?;
    (!text.contains('\u{FFFD}')).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::form_decode;

    #[test]
    fn basic_values_are_form_urlencoded() {
        assert_eq!(form_decode("a%7Eb").as_deref(), Some("a~b"));
        assert_eq!(form_decode("p%3Aw+d").as_deref(), Some("p:w d"));
        assert_eq!(form_decode("%ff"), None);
        // `&` and `=` inside a value stay in it.
        assert_eq!(form_decode("x%26y%3Dz").as_deref(), Some("x&y=z"));
    }
}
