//! Client identification at the token endpoint (RFC 6749 §2.3.1). Every
//! client is public for now: any `client_id` is accepted and recorded.
use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::params::FormParams;
use super::OAuthError;

const MAX_CLIENT_ID_LEN: usize = 255;

/// The client's id from HTTP Basic or the `client_id` body parameter, if
/// either is given. Both given and different is an error.
pub fn identify(req: &HttpRequest, params: &FormParams) -> Result<Option<String>, OAuthError> {
    let from_header = basic_client_id(req)?;
    let from_body = params.get("client_id").map(str::to_owned);
    let client_id = match (from_header, from_body) {
        (Some(a), Some(b)) if a != b => {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the one in the Authorization header",
            ))
        }
        (a, b) => a.or(b),
    };
    match client_id {
        Some(id) if id.len() > MAX_CLIENT_ID_LEN || id.chars().any(char::is_control) => Err(
            OAuthError::invalid_request("client_id must be at most 255 printable characters"),
        ),
        other => Ok(other),
    }
}

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))`. A header
/// with another scheme is ignored; a broken Basic header is `invalid_client`.
fn basic_client_id(req: &HttpRequest) -> Result<Option<String>, OAuthError> {
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
    let (id, _secret) = decoded.split_once(':').ok_or_else(bad)?;
    let id: String = form_urlencoded::parse(format!("id={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    Ok(Some(id).filter(|id| !id.is_empty()))
}
