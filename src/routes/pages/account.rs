//! `GET /account` (docs/users.md): the signed-in user's profile, the live
//! sessions (each can be ended), and the password form.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::auth::sessions;
use crate::domain::ScopeSet;
use crate::http::flash::{self, Flash};
use crate::http::page::Nav;
use crate::http::page::{render, PageError};
use crate::http::Principal;
use crate::oauth::authorize::consent;
use crate::routes::view::SessionRow;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
    nav: Nav,
    profile: Profile,
    sessions: Vec<SessionRow>,
    apps: Vec<AppRow>,
    flash: Option<Flash>,
    errors: PasswordErrors,
}

/// An app the user allowed on the consent page (OpenID Connect Core
/// §3.1.2.4), which the user may withdraw.
struct AppRow {
    client_id: String,
    name: String,
    scopes: Vec<String>,
}

struct Profile {
    username: String,
    full_name: Option<String>,
    email: Option<String>,
    scopes: Vec<String>,
}

/// Messages shown next to the password fields after a refused change.
#[derive(Default)]
pub(super) struct PasswordErrors {
    pub current: Option<String>,
    pub new: Option<String>,
    pub confirm: Option<String>,
}

impl PasswordErrors {
    pub fn any(&self) -> bool {
        self.current.is_some() || self.new.is_some() || self.confirm.is_some()
    }

    /// The first field with an error, which gets the focus.
    fn first(&self) -> &'static str {
        if self.current.is_some() {
            "current"
        } else if self.new.is_some() {
            "new"
        } else {
            "confirm"
        }
    }
}

impl AccountPage {
    /// Builds the page for the signed-in user.
    pub async fn build(
        state: &AppState,
        principal: &Principal,
        session: &Session,
        errors: PasswordErrors,
    ) -> Result<Self, PageError> {
        let user = &principal.user;
        let live = sessions::list_live(&state.db, &user.id, state.clock.now()).await?;
        let mut rows: Vec<SessionRow> = live
            .iter()
            .map(|s| SessionRow::new(s, Some(&principal.session.id)))
            .collect();
        // This browser first, then newest first (the order of `list_live`).
        rows.sort_by_key(|row| !row.current);
        let mut apps = Vec::new();
        for allowed in consent::list(&state.db, &user.id).await? {
            let name = crate::clients::find(&state.db, &allowed.client_id)
                .await?
                .map_or_else(|| allowed.client_id.clone(), |c| c.name);
            apps.push(AppRow {
                scopes: ScopeSet::from_stored(&allowed.scope)
                    .iter()
                    .map(consent::describe)
                    .collect(),
                client_id: allowed.client_id,
                name,
            });
        }
        Ok(Self {
            nav: Nav::new(principal, session)?,
            profile: Profile {
                username: user.username.clone(),
                full_name: user.full_name.clone().filter(|n| !n.is_empty()),
                email: user.email.clone().filter(|e| !e.is_empty()),
                scopes: user.scope_set().to_vec(),
            },
            sessions: rows,
            apps,
            flash: flash::take(session),
            errors,
        })
    }

    /// `autofocus` goes on this field, the first one with an error.
    fn focus(&self) -> &'static str {
        if self.errors.any() {
            self.errors.first()
        } else {
            ""
        }
    }
}

/// `GET /account`, behind `Guard::page()`.
pub async fn get_account(
    principal: Principal,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let page = AccountPage::build(&state, &principal, &session, PasswordErrors::default()).await?;
    render(StatusCode::OK, &page)
}
