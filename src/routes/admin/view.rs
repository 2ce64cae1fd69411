//! What the admin templates show, prepared from the stored rows so the
//! templates stay free of logic.
use crate::clock;
use crate::entities::{audit_event, session, user};
use crate::http::flash::Flash;
use crate::users::Paging;

/// Shared by every admin page: the flash message, the top bar and the
/// CSRF token.
pub struct Chrome {
    pub flash: Option<Flash>,
    pub nav: crate::http::page::Nav,
    pub csrf_token: String,
}

/// A user as a row of the users table and the head of the user page.
pub struct UserRow {
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub scopes: String,
    pub disabled: bool,
    pub locked_until: Option<String>,
    pub created: String,
}

impl From<&user::Model> for UserRow {
    fn from(u: &user::Model) -> Self {
        Self {
            username: u.username.clone(),
            email: u.email.clone().unwrap_or_default(),
            full_name: u.full_name.clone().unwrap_or_default(),
            scopes: u.scope_set().to_string(),
            disabled: u.disabled,
            locked_until: u.is_locked(clock::now()).then(|| when(u.locked_until)),
            created: when(u.created_at),
        }
    }
}

pub struct SessionRow {
    pub id: String,
    pub short_id: String,
    pub kind: String,
    pub client: String,
    pub ip: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
}

impl From<&session::Model> for SessionRow {
    fn from(s: &session::Model) -> Self {
        Self {
            id: s.id.clone(),
            short_id: s.id.chars().take(8).collect(),
            kind: s.kind.clone(),
            client: s.client_id.clone().unwrap_or_else(|| "—".into()),
            ip: s.ip.clone().unwrap_or_else(|| "—".into()),
            created: when(s.created_at),
            last_used: when(s.last_used_at),
            expires: when(s.expires_at),
        }
    }
}

pub struct EventRow {
    pub at: String,
    pub kind: String,
    pub actor: String,
    pub subject: String,
    pub ip: String,
    pub client: String,
    pub detail: String,
}

impl From<&audit_event::Model> for EventRow {
    fn from(e: &audit_event::Model) -> Self {
        let dash = || "—".to_owned();
        Self {
            at: when(e.at),
            kind: e.kind.replace('_', " "),
            actor: e.actor.clone().unwrap_or_else(dash),
            subject: e.subject.clone().unwrap_or_else(dash),
            ip: e.ip.clone().unwrap_or_else(dash),
            client: e.client_id.clone().unwrap_or_else(dash),
            detail: e.detail.clone(),
        }
    }
}

/// Previous/next links that keep the other query parameters.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the path; `filter` the other parameter, if any, as
    /// `(name, value)`.
    pub fn new(base: &str, filter: (&str, &str), paging: Paging, total: u64) -> Self {
        let pages = paging.page_count(total);
        let link = |page: u64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if !filter.1.is_empty() {
                query.append_pair(filter.0, filter.1);
            }
            query.append_pair("page", &page.to_string());
            format!("{base}?{}", query.finish())
        };
        Self {
            page: paging.page,
            pages,
            total,
            prev: (paging.page > 1).then(|| link((paging.page - 1).min(pages))),
            next: (paging.page < pages).then(|| link(paging.page + 1)),
        }
    }
}

/// A UNIX time as `2026-11-23 14:05 UTC`.
pub fn when(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}
