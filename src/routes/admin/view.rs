//! What the admin templates show, prepared from the stored rows so the
//! templates stay free of logic.
use crate::entities::{audit_event, user};
use crate::http::flash::Flash;
pub use crate::routes::view::{SessionRow, Timestamp};
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
    pub locked_until: Option<Timestamp>,
    pub created: Timestamp,
}

impl UserRow {
    /// `now`: the time the lock is judged at.
    pub fn new(u: &user::Model, now: i64) -> Self {
        Self {
            username: u.username.clone(),
            email: u.email.clone().unwrap_or_default(),
            full_name: u.full_name.clone().unwrap_or_default(),
            scopes: u.scope_set().to_string(),
            disabled: u.disabled,
            locked_until: u.is_locked(now).then(|| Timestamp::new(u.locked_until)),
            created: Timestamp::new(u.created_at),
        }
    }
}

pub struct EventRow {
    pub at: Timestamp,
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
            at: Timestamp::new(e.at),
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
