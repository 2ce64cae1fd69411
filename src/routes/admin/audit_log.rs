//! `GET /admin/audit` (docs/users.md): the audit log, newest first, a page at a
//! time, optionally only the events of one user (as actor or subject).
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::view::{Chrome, EventRow, Pager};
use super::{chrome, render, PageError};
use crate::audit;
use crate::state::AppState;
use crate::users::Paging;

const EVENTS_PER_PAGE: &str = "50";

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    user: String,
    events: Vec<EventRow>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    user: Option<String>,
    page: Option<String>,
}

pub async fn get_audit(
    query: web::Query<AuditQuery>,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let paging = Paging::parse(query.page.as_deref(), Some(EVENTS_PER_PAGE))?;
    let user = query.user.as_deref().unwrap_or("").trim().to_owned();
    let filter = (!user.is_empty()).then_some(user.as_str());
    let (events, total) = audit::page(&state.db, filter, paging).await?;
    let page = AuditPage {
        chrome: chrome(&session)?,
        events: events.iter().map(EventRow::from).collect(),
        pager: Pager::new("/admin/audit", ("user", &user), paging, total),
        user,
    };
    render(StatusCode::OK, &page)
}
