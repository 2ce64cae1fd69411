//! Answers that send the browser back to the client (RFC 6749 §4.1.2,
//! §4.1.2.1) with `state` and `iss` (RFC 9207).
use actix_web::HttpResponse;

use super::request::{AuthorizationRequest, ClientError};
use crate::http::page::see_other;
use crate::state::AppState;

/// An error for the client about `request`.
pub fn client_error(
    request: &AuthorizationRequest,
    error: &'static str,
    description: &str,
) -> ClientError {
    ClientError {
        redirect_uri: request.redirect_uri.clone(),
        state: request.state.clone(),
        error,
        description: description.to_owned(),
    }
}

/// RFC 6749 §4.1.2.1 with RFC 9207's `iss`: 303 to the client.
pub fn to_client(state: &AppState, error: &ClientError) -> HttpResponse {
    let mut params = vec![
        ("error", error.error),
        ("error_description", error.description.as_str()),
    ];
    if let Some(s) = &error.state {
        params.push(("state", s));
    }
    params.push(("iss", &state.settings.issuer));
    see_other(&with_query(&error.redirect_uri, &params))
}

/// `uri` with `params` added to its query (RFC 6749 §3.1.2 keeps an
/// existing query).
pub fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.finish())
}
