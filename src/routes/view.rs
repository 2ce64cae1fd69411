//! How stored times and sessions are shown, the same on the account page
//! and the admin pages.
use std::fmt;

use crate::entities::session;

/// A time shown to people, with its machine-readable form for `<time>`.
/// Displays as its text.
pub struct Timestamp {
    pub text: String,
    pub iso: String,
}

impl Timestamp {
    /// A UNIX time as `2026-11-23 14:05 UTC`.
    pub fn new(unix_seconds: i64) -> Self {
        match chrono::DateTime::from_timestamp(unix_seconds, 0) {
            Some(at) => Self {
                text: at.format("%Y-%m-%d %H:%M UTC").to_string(),
                iso: at.to_rfc3339(),
            },
            None => Self {
                text: "unknown".into(),
                iso: String::new(),
            },
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One live session as a row of a sessions table.
pub struct SessionRow {
    pub id: String,
    /// The id's first block, enough to tell sessions apart.
    pub short_id: String,
    /// "This browser", "Web browser" or "App: <client>".
    pub label: String,
    pub current: bool,
    pub kind: String,
    pub client: Option<String>,
    pub ip: Option<String>,
    pub created: Timestamp,
    pub last_used: Timestamp,
    pub expires: Timestamp,
}

impl SessionRow {
    /// `current_id`: the session of the request, if the list is the
    /// viewer's own.
    pub fn new(s: &session::Model, current_id: Option<&str>) -> Self {
        let current = current_id == Some(s.id.as_str());
        let label = match (current, s.kind.as_str(), s.client_id.as_deref()) {
            (true, _, _) => "This browser".to_owned(),
            (false, "browser", _) => "Web browser".to_owned(),
            (false, _, Some(client)) => format!("App: {client}"),
            (false, _, None) => "App".to_owned(),
        };
        Self {
            id: s.id.clone(),
            short_id: s.id.chars().take(8).collect(),
            label,
            current,
            kind: s.kind.clone(),
            client: s.client_id.clone(),
            ip: s.ip.clone(),
            created: Timestamp::new(s.created_at),
            last_used: Timestamp::new(s.last_used_at),
            expires: Timestamp::new(s.expires_at),
        }
    }
}
