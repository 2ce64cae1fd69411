//! Turning what the JSON API, an admin form or the CLI says about a client
//! into checked values, with one message per bad field (422
//! `validation_failed`), so all three apply the same rules.
use std::collections::BTreeMap;

use crate::domain::{ClientId, RedirectUri, ScopeSet};
use crate::entities::client;
use crate::error::AppError;
use crate::users::input_fields::collect;

/// The grant types a client may be registered for, in their stored order.
pub const GRANT_TYPES: [&str; 4] = [
    "authorization_code",
    "refresh_token",
    "password",
    "client_credentials",
];
/// Without a choice: the authorization code grant and refresh tokens.
pub const DEFAULT_GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];
/// Without a choice, a client's tokens may carry no more than these.
pub const DEFAULT_SCOPES: [&str; 3] = crate::domain::IDENTITY_SCOPES;
/// Longest access token lifetime a client may set: one day.
pub const MAX_ACCESS_TOKEN_TTL: i64 = 86_400;
/// Longest refresh token lifetime a client may set: one year.
pub const MAX_REFRESH_TOKEN_TTL: i64 = 365 * 86_400;
const MAX_NAME_CHARS: usize = 100;

/// What a caller said about a client; `None` is "not given" (the default on
/// creation, unchanged on update). A lifetime of `Some(None)` means "use the
/// server's default".
#[derive(Debug, Default)]
pub struct ClientInput<'a> {
    pub client_id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub client_type: Option<&'a str>,
    pub grant_types: Option<Vec<&'a str>>,
    pub scopes: Option<Vec<&'a str>>,
    pub redirect_uris: Option<Vec<&'a str>>,
    pub post_logout_redirect_uris: Option<Vec<&'a str>>,
    pub first_party: Option<bool>,
    pub access_token_ttl: Option<Option<i64>>,
    pub refresh_token_ttl: Option<Option<i64>>,
    pub disabled: Option<bool>,
}

/// Everything about a client but its id and type, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSettings {
    pub name: String,
    pub grant_types: Vec<&'static str>,
    pub scopes: ScopeSet,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub first_party: bool,
    pub access_token_ttl: Option<i64>,
    pub refresh_token_ttl: Option<i64>,
}

/// A client to register.
#[derive(Debug)]
pub struct NewClient {
    pub client_id: ClientId,
    pub confidential: bool,
    pub settings: ClientSettings,
    pub disabled: bool,
}

/// A change to a registered client: its new settings and, if given, its
/// new `disabled`.
#[derive(Debug)]
pub struct ClientUpdate {
    pub settings: ClientSettings,
    pub disabled: Option<bool>,
}

/// Checks every field of a new client, reporting all bad ones at once.
pub fn parse_new_client(input: ClientInput<'_>) -> Result<NewClient, AppError> {
    let mut errors = BTreeMap::new();
    let client_id = match input.client_id {
        None => {
            errors.insert("client_id".into(), "client_id is required".into());
            None
        }
        Some(raw) => collect(&mut errors, "client_id", ClientId::parse(raw)),
    };
    let confidential = match input.client_type.unwrap_or("public") {
        "public" => false,
        "confidential" => true,
        _ => {
            errors.insert("type".into(), "type is public or confidential".into());
            false
        }
    };
    let defaults = Stored {
        name: input.client_id.unwrap_or_default().to_owned(),
        grant_types: DEFAULT_GRANT_TYPES.iter().map(|g| g.to_string()).collect(),
        scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
        ..Stored::default()
    };
    let settings = settings(&mut errors, &input, defaults, confidential);
    match (client_id, settings) {
        (Some(client_id), Some(settings)) if errors.is_empty() => Ok(NewClient {
            client_id,
            confidential,
            settings,
            disabled: input.disabled.unwrap_or(false),
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Checks a change to `client`: the given fields replace the stored ones
/// and the result must pass the same rules as a new client. The id and the
/// type cannot change.
pub fn parse_update(
    client: &client::Model,
    input: ClientInput<'_>,
) -> Result<ClientUpdate, AppError> {
    let mut errors = BTreeMap::new();
    if input.client_id.is_some_and(|id| id != client.client_id) {
        errors.insert("client_id".into(), "the client id cannot change".into());
    }
    if input.client_type.is_some_and(|t| t != client.client_type()) {
        errors.insert("type".into(), "the client type cannot change".into());
    }
    let stored = Stored {
        name: client.name.clone(),
        grant_types: client.grant_list(),
        scopes: client.scope_set().to_vec(),
        redirect_uris: client.redirect_uri_list(),
        post_logout_redirect_uris: client.post_logout_redirect_uri_list(),
        first_party: client.first_party,
        access_token_ttl: client.access_token_ttl,
        refresh_token_ttl: client.refresh_token_ttl,
    };
    let settings = settings(&mut errors, &input, stored, client.confidential);
    match settings {
        Some(settings) if errors.is_empty() => Ok(ClientUpdate {
            settings,
            disabled: input.disabled,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The values a field falls back to when the input leaves it out.
#[derive(Default)]
struct Stored {
    name: String,
    grant_types: Vec<String>,
    scopes: Vec<String>,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    first_party: bool,
    access_token_ttl: Option<i64>,
    refresh_token_ttl: Option<i64>,
}

fn settings(
    errors: &mut BTreeMap<String, String>,
    input: &ClientInput<'_>,
    stored: Stored,
    confidential: bool,
) -> Option<ClientSettings> {
    let owned = |list: &Option<Vec<&str>>, fallback: Vec<String>| {
        list.as_ref()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .unwrap_or(fallback)
    };
    let name = input.name.map(str::to_owned).unwrap_or(stored.name);
    let name = collect(errors, "name", parse_name(&name));
    let first_party = input.first_party.unwrap_or(stored.first_party);
    let grants = owned(&input.grant_types, stored.grant_types);
    let grant_types = collect(
        errors,
        "grant_types",
        parse_grant_types(&grants, first_party, confidential),
    );
    let scopes = owned(&input.scopes, stored.scopes);
    let scopes = collect(errors, "scopes", ScopeSet::from_list(&scopes));
    let uris = owned(&input.redirect_uris, stored.redirect_uris);
    let redirect_uris = collect(errors, "redirect_uris", parse_uris(&uris));
    let uris = owned(
        &input.post_logout_redirect_uris,
        stored.post_logout_redirect_uris,
    );
    let post_logout_redirect_uris = collect(errors, "post_logout_redirect_uris", parse_uris(&uris));
    let mut ttl = |field, given: Option<Option<i64>>, stored, max| {
        collect(errors, field, parse_ttl(given.unwrap_or(stored), max))
    };
    let access_token_ttl = ttl(
        "access_token_ttl",
        input.access_token_ttl,
        stored.access_token_ttl,
        MAX_ACCESS_TOKEN_TTL,
    );
    let refresh_token_ttl = ttl(
        "refresh_token_ttl",
        input.refresh_token_ttl,
        stored.refresh_token_ttl,
        MAX_REFRESH_TOKEN_TTL,
    );
    Some(ClientSettings {
        name: name?,
        grant_types: grant_types?,
        scopes: scopes?,
        redirect_uris: redirect_uris?,
        post_logout_redirect_uris: post_logout_redirect_uris?,
        first_party,
        access_token_ttl: access_token_ttl?,
        refresh_token_ttl: refresh_token_ttl?,
    })
}

fn parse_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a name is 1 to {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("a name cannot hold control characters".into());
    }
    Ok(name.to_owned())
}

/// Known grant types, deduplicated, in [`GRANT_TYPES`] order. `password`
/// needs a first-party client (RFC 6749 §4.3 "a high degree of trust"),
/// `client_credentials` a confidential one (§4.4).
fn parse_grant_types(
    raw: &[String],
    first_party: bool,
    confidential: bool,
) -> Result<Vec<&'static str>, String> {
    if let Some(unknown) = raw.iter().find(|g| !GRANT_TYPES.contains(&g.as_str())) {
        let unknown: String = unknown.chars().take(40).collect();
        return Err(format!(
            "unknown grant type {unknown:?}; use {}",
            GRANT_TYPES.join(", ")
        ));
    }
    if raw.is_empty() {
        return Err("a client needs at least one grant type".into());
    }
    let has = |g: &str| raw.iter().any(|r| r == g);
    if has("password") && !first_party {
        return Err("the password grant is only for first-party clients (RFC 6749 §4.3)".into());
    }
    if has("client_credentials") && !confidential {
        return Err("client_credentials is only for confidential clients (RFC 6749 §4.4)".into());
    }
    Ok(GRANT_TYPES.iter().copied().filter(|g| has(g)).collect())
}

fn parse_uris(raw: &[String]) -> Result<Vec<RedirectUri>, String> {
    let mut uris: Vec<RedirectUri> = Vec::with_capacity(raw.len());
    for item in raw {
        let uri = RedirectUri::parse(item)?;
        if !uris.contains(&uri) {
            uris.push(uri);
        }
    }
    Ok(uris)
}

fn parse_ttl(raw: Option<i64>, max: i64) -> Result<Option<i64>, String> {
    match raw {
        Some(seconds) if !(1..=max).contains(&seconds) => {
            Err(format!("a lifetime is 1 to {max} seconds"))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_new_client, ClientInput};
    use crate::error::AppError;

    #[test]
    fn reports_every_bad_field_at_once() {
        let input = ClientInput {
            client_id: Some("bad id"),
            grant_types: Some(vec!["password", "implicit"]),
            redirect_uris: Some(vec!["http://example.com/cb"]),
            access_token_ttl: Some(Some(0)),
            ..ClientInput::default()
        };
        let Err(AppError::Validation(fields)) = parse_new_client(input) else {
            panic!("expected a validation error");
        };
        let names: Vec<_> = fields.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "access_token_ttl",
                "client_id",
                "grant_types",
                "redirect_uris"
            ]
        );
    }

    #[test]
    fn defaults_are_a_public_client_with_code_and_refresh() {
        let client = parse_new_client(ClientInput {
            client_id: Some("web"),
            ..ClientInput::default()
        })
        .unwrap();
        assert!(!client.confidential);
        assert_eq!(client.settings.name, "web");
        assert_eq!(
            client.settings.grant_types,
            ["authorization_code", "refresh_token"]
        );
        assert_eq!(client.settings.scopes.to_string(), "email openid profile");
    }

    #[test]
    fn password_needs_first_party_and_client_credentials_needs_a_secret() {
        let refused = |input: ClientInput| matches!(parse_new_client(input), Err(AppError::Validation(f)) if f.contains_key("grant_types"));
        assert!(refused(ClientInput {
            client_id: Some("a"),
            grant_types: Some(vec!["password"]),
            ..ClientInput::default()
        }));
        assert!(refused(ClientInput {
            client_id: Some("a"),
            grant_types: Some(vec!["client_credentials"]),
            ..ClientInput::default()
        }));
        assert!(parse_new_client(ClientInput {
            client_id: Some("a"),
            client_type: Some("confidential"),
            first_party: Some(true),
            grant_types: Some(vec!["client_credentials", "password"]),
            ..ClientInput::default()
        })
        .is_ok());
    }
}
