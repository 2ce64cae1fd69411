//! `/admin/clients…`: the registered clients (RFC 6749 §2) in the admin UI —
//! list, create (a confidential client's secret shown once, on the answer
//! to the form), a page per client to edit it. The buttons live in
//! [`super::client_actions`]; the rules in [`crate::clients`].
use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::view::{Chrome, Timestamp};
use super::{check_csrf, chrome, refused_form, render, see_other, PageError};
use crate::clients::{self, ClientInput, ClientSecret};
use crate::entities::client;
use crate::error::AppError;
use crate::http::flash::{self, Flash};
use crate::state::AppState;
use crate::users::admin::Actor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/clients", web::get().to(get_clients))
        .route("/clients", web::post().to(post_new_client))
        .route("/new-client", web::get().to(get_new_client))
        .route("/clients/{client_id}", web::get().to(get_client))
        .route("/clients/{client_id}", web::post().to(post_client));
}

pub fn client_path(client_id: &str) -> String {
    format!("/admin/clients/{client_id}")
}

/// A client as a row of the list and the head of its page.
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    pub client_type: &'static str,
    pub grant_types: String,
    pub scopes: String,
    pub first_party: bool,
    pub disabled: bool,
    pub confidential: bool,
    pub created: Timestamp,
}

impl From<&client::Model> for ClientRow {
    fn from(c: &client::Model) -> Self {
        Self {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            client_type: c.client_type(),
            grant_types: c.grant_types.clone(),
            scopes: c.scope_set().to_string(),
            first_party: c.first_party,
            disabled: c.disabled,
            confidential: c.confidential,
            created: Timestamp::new(c.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/clients.html")]
struct ClientsPage {
    chrome: Chrome,
    clients: Vec<ClientRow>,
}

pub async fn get_clients(
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let clients = clients::list(&state.db).await?;
    let page = ClientsPage {
        chrome: chrome(&session)?,
        clients: clients.iter().map(ClientRow::from).collect(),
    };
    render(StatusCode::OK, &page)
}

/// The client form as submitted (and as shown again). Grant types are one
/// checkbox each; URIs one a line; an empty lifetime is the server default.
#[derive(Default, Deserialize)]
pub struct ClientForm {
    csrf_token: Option<String>,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    client_type: String,
    grant_authorization_code: Option<String>,
    grant_refresh_token: Option<String>,
    grant_password: Option<String>,
    grant_client_credentials: Option<String>,
    #[serde(default)]
    scopes: String,
    #[serde(default)]
    redirect_uris: String,
    #[serde(default)]
    post_logout_redirect_uris: String,
    first_party: Option<String>,
    #[serde(default)]
    access_token_ttl: String,
    #[serde(default)]
    refresh_token_ttl: String,
}

impl ClientForm {
    /// The new-client form's starting values: the registry's defaults.
    fn defaults() -> Self {
        let on = || Some("on".to_owned());
        Self {
            client_type: "public".into(),
            grant_authorization_code: on(),
            grant_refresh_token: on(),
            scopes: clients::DEFAULT_SCOPES.join(" "),
            ..Self::default()
        }
    }

    fn grant_types(&self) -> Vec<&str> {
        [
            ("authorization_code", &self.grant_authorization_code),
            ("refresh_token", &self.grant_refresh_token),
            ("password", &self.grant_password),
            ("client_credentials", &self.grant_client_credentials),
        ]
        .into_iter()
        .filter(|(_, checked)| checked.is_some())
        .map(|(grant, _)| grant)
        .collect()
    }

    fn input(&self) -> ClientInput<'_> {
        // A lifetime that is not a number fails the range check with the
        // same message as one out of range.
        let ttl = |text: &str| {
            let text = text.trim();
            Some((!text.is_empty()).then(|| text.parse::<i64>().unwrap_or(0)))
        };
        ClientInput {
            client_id: Some(self.client_id.trim()),
            name: Some(if self.name.trim().is_empty() {
                self.client_id.trim()
            } else {
                self.name.as_str()
            }),
            client_type: Some(self.client_type.as_str()),
            grant_types: Some(self.grant_types()),
            scopes: Some(self.scopes.split_whitespace().collect()),
            redirect_uris: Some(self.redirect_uris.split_whitespace().collect()),
            post_logout_redirect_uris: Some(
                self.post_logout_redirect_uris.split_whitespace().collect(),
            ),
            first_party: Some(self.first_party.is_some()),
            access_token_ttl: ttl(&self.access_token_ttl),
            refresh_token_ttl: ttl(&self.refresh_token_ttl),
            disabled: None,
        }
    }
}

impl From<&client::Model> for ClientForm {
    fn from(c: &client::Model) -> Self {
        let on = |grant: &str| c.has_grant(grant).then(|| "on".to_owned());
        let ttl = |t: Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
        Self {
            csrf_token: None,
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            client_type: c.client_type().to_owned(),
            grant_authorization_code: on("authorization_code"),
            grant_refresh_token: on("refresh_token"),
            grant_password: on("password"),
            grant_client_credentials: on("client_credentials"),
            scopes: c.scope_set().to_string(),
            redirect_uris: c.redirect_uri_list().join("\n"),
            post_logout_redirect_uris: c.post_logout_redirect_uri_list().join("\n"),
            first_party: c.first_party.then(|| "on".to_owned()),
            access_token_ttl: ttl(c.access_token_ttl),
            refresh_token_ttl: ttl(c.refresh_token_ttl),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/new_client.html")]
struct NewClientPage {
    chrome: Chrome,
    form: ClientForm,
    errors: BTreeMap<String, String>,
}

impl NewClientPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// The page that shows a secret, the only time it is ever shown.
#[derive(Template)]
#[template(path = "admin/client_secret.html")]
pub struct SecretPage {
    pub chrome: Chrome,
    pub client_id: String,
    pub secret: String,
    pub created: bool,
}

impl SecretPage {
    pub fn answer(
        session: &Session,
        status: StatusCode,
        client_id: &str,
        secret: &ClientSecret,
        created: bool,
    ) -> Result<HttpResponse, PageError> {
        let page = Self {
            chrome: chrome(session)?,
            client_id: client_id.to_owned(),
            secret: secret.expose().to_owned(),
            created,
        };
        render(status, &page)
    }
}

pub async fn get_new_client(session: Session) -> Result<HttpResponse, PageError> {
    let page = NewClientPage {
        chrome: chrome(&session)?,
        form: ClientForm::defaults(),
        errors: BTreeMap::new(),
    };
    render(StatusCode::OK, &page)
}

/// Registers the client: a public one redirects to its page; a confidential
/// one answers 201 with its secret shown once. Bad input shows the form
/// again (422, or 409 for a taken id) with a message beside each field.
pub async fn post_new_client(
    actor: Actor,
    session: Session,
    form: web::Form<ClientForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    check_csrf(&session, &form.csrf_token)?;
    let result = match clients::parse_new_client(form.input()) {
        Ok(new) => clients::create(&state.db, &actor, new).await,
        Err(e) => Err(e),
    };
    let (status, errors) = match result {
        Ok(registered) => {
            let id = registered.client.client_id.as_str();
            return match &registered.secret {
                Some(secret) => SecretPage::answer(&session, StatusCode::CREATED, id, secret, true),
                None => {
                    flash::set(&session, Flash::success(format!("Registered {id}.")));
                    Ok(see_other(&client_path(id)))
                }
            };
        }
        Err(refusal) => refused_form(refusal, "client_id")?,
    };
    let page = NewClientPage {
        chrome: chrome(&session)?,
        form,
        errors,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(path = "admin/client.html")]
struct ClientPage {
    chrome: Chrome,
    client: ClientRow,
    form: ClientForm,
    errors: BTreeMap<String, String>,
}

impl ClientPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

pub async fn get_client(
    session: Session,
    client_id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let client = clients::get(&state.db, &client_id).await?;
    let page = ClientPage {
        chrome: chrome(&session)?,
        client: ClientRow::from(&client),
        form: ClientForm::from(&client),
        errors: BTreeMap::new(),
    };
    render(StatusCode::OK, &page)
}

/// Saves the settings; bad input shows the page again (422) with the
/// messages beside the fields and the values as typed.
pub async fn post_client(
    actor: Actor,
    session: Session,
    client_id: web::Path<String>,
    form: web::Form<ClientForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut form = form.into_inner();
    check_csrf(&session, &form.csrf_token)?;
    let client = clients::get(&state.db, &client_id).await?;
    // The id and the type are not part of the edit form.
    form.client_id = client.client_id.clone();
    form.client_type = client.client_type().to_owned();
    let result = match clients::parse_update(&client, form.input()) {
        Ok(change) => clients::update(&state.db, &actor, &client, change).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(updated) => {
            let message = format!("Saved {}.", updated.client_id);
            flash::set(&session, Flash::success(message));
            Ok(see_other(&client_path(&updated.client_id)))
        }
        Err(AppError::Validation(errors)) => {
            let page = ClientPage {
                chrome: chrome(&session)?,
                client: ClientRow::from(&client),
                form,
                errors,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
