//! `valet client …` (RFC 6749 §2 registration from the command line): the
//! same service and rules as the admin pages and `/api/clients`. A taken
//! id, a bad value or an unknown client is one line and exit code 1, with
//! nothing written. A new secret is printed alone on standard output.
use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;

use crate::clients::{self, ClientInput};
use crate::entities::client;
use crate::users::admin::Actor;

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Register a client.
    Add(AddClient),
    /// List clients, one a line.
    List,
    /// Show one client.
    Show { id: String },
    /// Make a new secret (printed once); the old one stops working.
    RotateSecret { id: String },
    /// Disable a client, ending its sessions and tokens.
    Disable { id: String },
    /// Enable a disabled client (nothing it had revives).
    Enable { id: String },
    /// Delete a client, ending its sessions and tokens.
    Delete { id: String },
}

#[derive(Args, Debug)]
pub struct AddClient {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// A client with a secret (printed once on standard output).
    #[arg(long)]
    pub confidential: bool,
    /// A grant type; repeat for several (default: authorization_code refresh_token).
    #[arg(long = "grant")]
    pub grants: Vec<String>,
    /// A scope its tokens may carry; repeat for several (default: openid profile email).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    #[arg(long = "post-logout-redirect-uri")]
    pub post_logout_redirect_uris: Vec<String>,
    /// A first-party app: no consent screen; may have the password grant.
    #[arg(long)]
    pub first_party: bool,
    #[arg(long, value_name = "SECONDS")]
    pub access_token_ttl: Option<i64>,
    #[arg(long, value_name = "SECONDS")]
    pub refresh_token_ttl: Option<i64>,
}

/// A repeated option: left out means the default.
fn nonempty(values: &[String]) -> Option<Vec<&str>> {
    (!values.is_empty()).then(|| values.iter().map(String::as_str).collect())
}

/// The operator at the terminal, as the audit log names them.
fn operator() -> Actor {
    Actor::new("cli", None)
}

/// Runs one client command; the `Err` is the one line to print.
pub async fn run(conn: &DatabaseConnection, command: ClientCommand) -> Result<(), String> {
    let message = super::message;
    match command {
        ClientCommand::Add(add) => {
            let new = clients::parse_new_client(ClientInput {
                client_id: Some(&add.id),
                name: add.name.as_deref(),
                client_type: Some(if add.confidential {
                    "confidential"
                } else {
                    "public"
                }),
                grant_types: nonempty(&add.grants),
                scopes: nonempty(&add.scopes),
                redirect_uris: nonempty(&add.redirect_uris),
                post_logout_redirect_uris: nonempty(&add.post_logout_redirect_uris),
                first_party: Some(add.first_party),
                access_token_ttl: Some(add.access_token_ttl),
                refresh_token_ttl: Some(add.refresh_token_ttl),
                disabled: None,
            })
            .map_err(message)?;
            let registered = clients::create(conn, &operator(), new)
                .await
                .map_err(message)?;
            eprintln!("created client {}", registered.client.client_id);
            if let Some(secret) = registered.secret {
                println!("{}", secret.expose());
            }
        }
        ClientCommand::List => {
            for client in clients::list(conn).await.map_err(message)? {
                println!("{}", summary(&client));
            }
        }
        ClientCommand::Show { id } => {
            let client = clients::get(conn, &id).await.map_err(message)?;
            print_details(&client);
        }
        ClientCommand::RotateSecret { id } => {
            let client = clients::get(conn, &id).await.map_err(message)?;
            let secret = clients::rotate_secret(conn, &operator(), &client)
                .await
                .map_err(message)?;
            eprintln!("new secret for {id}; the old one no longer works");
            println!("{}", secret.expose());
        }
        ClientCommand::Disable { id } => switch(conn, &id, true).await?,
        ClientCommand::Enable { id } => switch(conn, &id, false).await?,
        ClientCommand::Delete { id } => {
            let client = clients::get(conn, &id).await.map_err(message)?;
            clients::delete(conn, &operator(), &client)
                .await
                .map_err(message)?;
            println!("deleted {id}");
        }
    }
    Ok(())
}

/// One line: id, type, state, grants, scopes.
fn summary(client: &client::Model) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        client.client_id,
        client.client_type(),
        if client.disabled {
            "disabled"
        } else {
            "enabled"
        },
        client.grant_types,
        client.scope_set()
    )
}

fn print_details(client: &client::Model) {
    let ttl = |t: Option<i64>| t.map_or("default".to_owned(), |t| format!("{t} s"));
    let or_none = |v: &str| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.to_owned()
        }
    };
    println!("client_id: {}", client.client_id);
    println!("name: {}", client.name);
    println!("type: {}", client.client_type());
    println!("disabled: {}", client.disabled);
    println!("first_party: {}", client.first_party);
    println!("grant_types: {}", client.grant_types);
    println!("scopes: {}", or_none(&client.scopes));
    println!("redirect_uris: {}", or_none(&client.redirect_uris));
    println!(
        "post_logout_redirect_uris: {}",
        or_none(&client.post_logout_redirect_uris)
    );
    println!("access_token_ttl: {}", ttl(client.access_token_ttl));
    println!("refresh_token_ttl: {}", ttl(client.refresh_token_ttl));
    println!("created_at: {}", client.created_at);
}

/// `valet client disable` or `enable`.
async fn switch(conn: &DatabaseConnection, id: &str, disabled: bool) -> Result<(), String> {
    let client = clients::get(conn, id).await.map_err(super::message)?;
    clients::set_disabled(conn, &operator(), &client, disabled)
        .await
        .map_err(super::message)?;
    if disabled {
        println!("disabled {id}; its sessions and tokens ended");
    } else {
        println!("enabled {id}");
    }
    Ok(())
}
