//! `GET /admin/users`: the users table with search and paging.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::view::{Chrome, Pager, UserRow};
use super::{chrome, render, PageError};
use crate::state::AppState;
use crate::users::{self, Paging};

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    q: String,
    users: Vec<UserRow>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

pub async fn get_users(
    query: web::Query<ListQuery>,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let paging = Paging::parse(query.page.as_deref(), None)?;
    let q = query.q.as_deref().unwrap_or("").trim().to_owned();
    let found = users::search(&state.db, &q, paging).await?;
    let now = state.clock.now();
    let page = UsersPage {
        chrome: chrome(&session)?,
        users: found.users.iter().map(|u| UserRow::new(u, now)).collect(),
        pager: Pager::new("/admin/users", ("q", &q), paging, found.total),
        q,
    };
    render(StatusCode::OK, &page)
}
