//! Client authentication (RFC 6749 §2.3.1, §3.2.1): deciding, from the id
//! and secret a request carried, which registered client is calling, or
//! that it is an unregistered one.
use sea_orm::ConnectionTrait;

use super::secret;
use crate::entities::client;
use crate::error::AppError;

/// What the request presented, however it was sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub client_id: String,
    /// `None` or empty: no secret (a public client may send an empty one).
    pub secret: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Who is calling.
#[derive(Clone, Debug)]
pub enum Caller {
    /// A registered client that proved who it is (a confidential one with
    /// its secret).
    Registered(Box<client::Model>),
    /// No client id, or one that is not registered, without a secret.
    Unregistered(Option<String>),
}

impl Caller {
    pub fn client_id(&self) -> Option<&str> {
        match self {
            Self::Registered(client) => Some(&client.client_id),
            Self::Unregistered(id) => id.as_deref(),
        }
    }

    pub fn registered(&self) -> Option<&client::Model> {
        match self {
            Self::Registered(client) => Some(client.as_ref()),
            Self::Unregistered(_) => None,
        }
    }
}

/// Why authentication failed: the text of an `invalid_client` answer.
#[derive(Debug)]
pub enum Refused {
    Client(&'static str),
    Unavailable(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::Unavailable(e)
    }
}

/// Checks `credentials` against the registry. `allow_unregistered`: whether
/// an id that is not registered (or none) may go on as [`Caller::Unregistered`].
pub async fn authenticate(
    db: &impl ConnectionTrait,
    credentials: Option<Credentials>,
    allow_unregistered: bool,
) -> Result<Caller, Refused> {
    let Some(Credentials { client_id, secret }) = credentials else {
        return if allow_unregistered {
            Ok(Caller::Unregistered(None))
        } else {
            Err(Refused::Client(
                "this server requires a registered client_id",
            ))
        };
    };
    let secret = secret.filter(|s| !s.is_empty());
    let Some(client) = super::find(db, &client_id).await? else {
        return match secret {
            None if allow_unregistered => Ok(Caller::Unregistered(Some(client_id))),
            _ => Err(Refused::Client("unknown client")),
        };
    };
    if client.disabled {
        return Err(Refused::Client("the client is disabled"));
    }
    match (&client.secret_hash, secret) {
        (None, None) => Ok(Caller::Registered(Box::new(client))),
        (None, Some(_)) => Err(Refused::Client("a public client has no secret; send none")),
        (Some(_), None) => Err(Refused::Client(
            "this client must authenticate with its secret",
        )),
        (Some(stored), Some(given)) if secret::verify(&given, stored) => {
            Ok(Caller::Registered(Box::new(client)))
        }
        (Some(_), Some(_)) => Err(Refused::Client("client authentication failed")),
    }
}

/// Whether a caller may use a token bound to a client, or why not.
#[derive(Debug, PartialEq, Eq)]
pub enum Binding {
    Allowed,
    /// The caller is, or names, another client.
    OtherClient,
    /// The token's client is registered and must prove it is the caller.
    MustAuthenticate,
}

/// Whether the caller (`registered` after authentication, `given` the id
/// it named) may present a token issued to `bound`: for a refresh token
/// (RFC 6749 §6) and for revocation (RFC 7009 §2.1). A token bound to no
/// client is anyone's; one bound to a registered client that needs proof
/// (`needs_proof`) wants that client authenticated.
pub async fn binding(
    db: &impl ConnectionTrait,
    bound: Option<&str>,
    registered: Option<&client::Model>,
    given: Option<&str>,
    needs_proof: impl Fn(&client::Model) -> bool,
) -> Result<Binding, AppError> {
    let Some(bound) = bound else {
        return Ok(Binding::Allowed);
    };
    if let Some(client) = registered {
        return Ok(if client.client_id == bound {
            Binding::Allowed
        } else {
            Binding::OtherClient
        });
    }
    if given.is_some_and(|given| given != bound) {
        return Ok(Binding::OtherClient);
    }
    Ok(match super::find(db, bound).await? {
        Some(client) if needs_proof(&client) => Binding::MustAuthenticate,
        _ => Binding::Allowed,
    })
}
