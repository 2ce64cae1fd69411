//! One-shot messages shown on the page after a post-redirect-get.
use actix_session::Session;
use serde::{Deserialize, Serialize};

const SESSION_KEY: &str = "flash";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// `success` or `error`, used as a CSS class.
    pub kind: String,
    pub message: String,
}

impl Flash {
    pub fn success(message: impl Into<String>) -> Self {
        Self {
            kind: "success".into(),
            message: message.into(),
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self {
            kind: "error".into(),
            message: message.into(),
        }
    }
}

/// Stores a message for the next page.
pub fn set(session: &Session, flash: Flash) {
    if let Err(e) = session.insert(SESSION_KEY, flash) {
        log::warn!("could not store a flash message: {e}");
    }
}

/// Takes the stored message, if any; it is shown once.
pub fn take(session: &Session) -> Option<Flash> {
    session.remove_as::<Flash>(SESSION_KEY).and_then(Result::ok)
}
