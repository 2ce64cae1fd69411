//! Reading and checking an authorization request (RFC 6749 §4.1.1, RFC 7636
//! §4.3, OpenID Connect Core §3.1.2.1). Until the client and its redirect
//! URI are known good, problems are shown on valet's own page
//! (RFC 6749 §4.1.2.1); after that they go back to the client.
use sea_orm::DbErr;

use crate::error::AppError;

use crate::clients;
use crate::domain::ScopeSet;
use crate::entities::client;
use crate::oauth::params::FormParams;
use crate::state::AppState;

/// A request whose client, redirect URI and parameters checked out.
#[derive(Debug)]
pub struct AuthorizationRequest {
    pub client: client::Model,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scope: ScopeSet,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// OpenID Connect Core §3.1.2.1: an ID token naming the user expected.
    pub id_token_hint: Option<String>,
}

/// OpenID Connect Core §3.1.2.1 `prompt`, a space-separated set.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// Why a request is refused, and where the user learns it.
#[derive(Debug)]
pub enum Refusal {
    /// The redirect URI cannot be trusted: a 400 page on valet.
    Page(String),
    /// RFC 6749 §4.1.2.1: back to the client with `error` and `state`.
    Client(ClientError),
    Error(AppError),
}

/// An error sent to the client's redirect URI.
#[derive(Debug)]
pub struct ClientError {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub error: &'static str,
    pub description: String,
}

impl From<DbErr> for Refusal {
    fn from(e: DbErr) -> Self {
        Self::Error(e.into())
    }
}

/// Parses `raw` (the query string of a GET, the body of a POST) and checks
/// it against the client's registration.
pub async fn read(state: &AppState, raw: &str) -> Result<AuthorizationRequest, Refusal> {
    let params = FormParams::parse(raw.as_bytes()).map_err(|e| Refusal::Page(e.description))?;
    let client_id = params.get("client_id").ok_or_else(|| {
        Refusal::Page("The request does not name the application (client_id is missing).".into())
    })?;
    let client =
        match clients::find(&state.db, client_id)
            .await
            .map_err(Refusal::Error)?
        {
            Some(client) if !client.disabled && client.has_grant("authorization_code") => client,
            _ => return Err(Refusal::Page(
                "The application is unknown, disabled, or not allowed to sign users in this way."
                    .into(),
            )),
        };
    let redirect_uri = registered_redirect(&client, params.get("redirect_uri"))?;
    let state_param = params.get("state").map(str::to_owned);
    let fail = |error: &'static str, description: &str| {
        Refusal::Client(ClientError {
            redirect_uri: redirect_uri.clone(),
            state: state_param.clone(),
            error,
            description: description.to_owned(),
        })
    };

    match params.get("response_type") {
        None => return Err(fail("invalid_request", "response_type is missing")),
        Some("code") => {}
        Some(_) => {
            return Err(fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    // OpenID Connect Core §3.1.2.6: request objects and dynamic
    // registration are not supported, and are said to be rather than ignored.
    for (param, error) in [
        ("request", "request_not_supported"),
        ("request_uri", "request_uri_not_supported"),
        ("registration", "registration_not_supported"),
    ] {
        if params.get(param).is_some() {
            return Err(fail(
                error,
                &format!("the {param} parameter is not supported"),
            ));
        }
    }
    // RFC 7636 §4.3, RFC 9700 §2.1.1: PKCE with S256, of every client.
    let code_challenge = params.get("code_challenge").ok_or_else(|| {
        fail(
            "invalid_request",
            "code_challenge is missing (PKCE, RFC 7636)",
        )
    })?;
    if params.get("code_challenge_method") != Some("S256") {
        return Err(fail(
            "invalid_request",
            "code_challenge_method must be S256 (plain is not accepted)",
        ));
    }
    if !is_s256_challenge(code_challenge) {
        return Err(fail(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
        ));
    }
    let prompt = parse_prompt(params.get("prompt"))
        .ok_or_else(|| fail("invalid_request", "prompt must be none, login or consent"))?;
    let max_age = match params.get("max_age") {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| fail("invalid_request", "max_age must be a number of seconds"))?,
        ),
    };
    let scope = match params.get("scope") {
        Some(text) => ScopeSet::parse(text).map_err(|e| fail("invalid_scope", &e))?,
        None => client.scope_set(),
    };
    if !scope.is_subset(&client.scope_set()) {
        return Err(fail(
            "invalid_scope",
            "the requested scope exceeds what this application may ask for",
        ));
    }
    Ok(AuthorizationRequest {
        redirect_uri: redirect_uri.clone(),
        state: state_param.clone(),
        scope,
        code_challenge: code_challenge.to_owned(),
        nonce: params.get("nonce").map(str::to_owned),
        prompt,
        max_age,
        login_hint: params.get("login_hint").map(str::to_owned),
        id_token_hint: params.get("id_token_hint").map(str::to_owned),
        client,
    })
}

/// RFC 6749 §3.1.2.3: the redirect URI given must be one registered, by
/// exact match, except for the port of a loopback `http` URI (RFC 8252
/// §7.3). Without one, a client with exactly one registered uses it.
fn registered_redirect(client: &client::Model, given: Option<&str>) -> Result<String, Refusal> {
    let registered = client.redirect_uri_list();
    match given {
        None if registered.len() == 1 => Ok(registered[0].clone()),
        None => Err(Refusal::Page(
            "The request does not say where to send you back (redirect_uri is missing).".into(),
        )),
        Some(given) if registered.iter().any(|r| redirect_matches(r, given)) => {
            Ok(given.to_owned())
        }
        Some(_) => Err(Refusal::Page(
            "The address to send you back to (redirect_uri) is not registered for this application."
                .into(),
        )),
    }
}

/// Exact string match, or the same loopback URI on another port.
pub fn redirect_matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    match (
        without_loopback_port(registered),
        without_loopback_port(given),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `http://127.0.0.1:PORT/rest` or `http://[::1]:PORT/rest` without the
/// port; `None` for anything else.
fn without_loopback_port(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("http://")?;
    let (host, after_host) = if let Some(r) = rest.strip_prefix("[::1]") {
        ("[::1]", r)
    } else {
        ("127.0.0.1", rest.strip_prefix("127.0.0.1")?)
    };
    let path_start = after_host.find(['/', '?']).unwrap_or(after_host.len());
    let (port, path) = after_host.split_at(path_start);
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    port_ok.then(|| format!("http://{host}{path}"))
}

/// RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is 43 characters.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn parse_prompt(raw: Option<&str>) -> Option<Prompt> {
    let mut prompt = Prompt::default();
    for value in raw.unwrap_or("").split(' ').filter(|v| !v.is_empty()) {
        match value {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "consent" => prompt.consent = true,
            _ => return None,
        }
    }
    // Core §3.1.2.1: none with any other value is an error.
    if prompt.none && (prompt.login || prompt.consent) {
        return None;
    }
    Some(prompt)
}

#[cfg(test)]
mod tests {
    use super::{parse_prompt, redirect_matches};

    #[test]
    fn loopback_redirects_match_on_any_port_and_nothing_else_loosely() {
        assert!(redirect_matches(
            "http://127.0.0.1/cb",
            "http://127.0.0.1:51234/cb"
        ));
        assert!(redirect_matches(
            "http://[::1]:8080/cb",
            "http://[::1]:9/cb"
        ));
        assert!(redirect_matches(
            "https://app.example/cb",
            "https://app.example/cb"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1/cb",
            "http://127.0.0.1:1/cb2"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1/cb",
            "http://127.0.0.1.evil/cb"
        ));
        assert!(!redirect_matches(
            "https://app.example/cb",
            "https://app.example/cb/"
        ));
        assert!(!redirect_matches(
            "https://app.example:1/cb",
            "https://app.example:2/cb"
        ));
    }

    #[test]
    fn prompt_none_cannot_be_combined() {
        assert!(parse_prompt(Some("none login")).is_none());
        assert!(parse_prompt(Some("select_account")).is_none());
        assert!(parse_prompt(Some("login consent")).is_some_and(|p| p.login && p.consent));
    }
}
