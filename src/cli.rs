//! The command line (docs/configuration.md). Every `user` command changes nothing when it
//! fails, and fails with one line and exit code 1.
use std::io::BufRead;

use clap::{Args, Parser, Subcommand};

use crate::auth::password::PasswordHasher;
use crate::config::Settings;
use crate::domain::{Email, FullName, Password, ScopeSet, Username};
use crate::error::AppError;
use crate::{db, users};

mod client;
mod keys;

#[derive(Parser, Debug)]
#[command(
    name = "valet",
    version,
    about = "OAuth2 password-flow server and user directory"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage registered clients.
    #[command(subcommand)]
    Client(client::ClientCommand),
    /// Manage the signing keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Delete expired sessions, their refresh tokens and expired
    /// authorization codes now (the server does it every 10 minutes).
    Purge,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user.
    Add(AddUser),
    /// Set a user's password (ends all their sessions and lifts a lockout).
    SetPassword {
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user and end all their sessions.
    Disable { name: String },
    /// Enable a disabled user.
    Enable { name: String },
    /// Delete a user.
    Delete { name: String },
    /// List users, one a line.
    List,
    /// Lift a user's lockout after too many failed passwords.
    Unlock { name: String },
}

#[derive(Args, Debug)]
pub struct AddUser {
    pub name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub full_name: Option<String>,
    /// A scope the user may be granted; repeat for several.
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Grant the scopes admin, users:read and users:write.
    #[arg(long)]
    pub admin: bool,
    /// Create the user disabled.
    #[arg(long)]
    pub disabled: bool,
}

/// `valet purge`: what the server's purge task does, once, in the same
/// small batches (so a running server beside it is not held up).
async fn purge(conn: &sea_orm::DatabaseConnection) -> Result<(), String> {
    let purged = crate::auth::purge::purge_once(conn, crate::clock::now())
        .await
        .map_err(|e| format!("cannot purge: {e}"))?;
    println!("{purged}");
    Ok(())
}

/// Runs a `user` or `migrate` command; the `Err` is the one line to print.
pub async fn run_admin_command(settings: &Settings, command: Command) -> Result<(), String> {
    let conn = db::connect(settings)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db::migrate(&conn)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    let hasher = PasswordHasher::new(settings.bcrypt_cost);
    let user_command = match command {
        Command::Migrate => {
            println!("migrations applied");
            return Ok(());
        }
        Command::Serve => return Err("serve is not an admin command".into()),
        Command::User(c) => c,
        Command::Keys(c) => return keys::run(&conn, settings, c).await,
        Command::Client(c) => return client::run(&conn, c).await,
        Command::Purge => return purge(&conn).await,
    };
    let named = async |name: &str| users::get_by_username(&conn, name).await.map_err(message);
    match user_command {
        UserCommand::Add(add) => {
            let new = parse_new_user(add)?;
            let user = users::create(&conn, &hasher, new).await.map_err(message)?;
            println!("created user {}", user.username);
        }
        UserCommand::SetPassword {
            name,
            password_stdin,
        } => {
            let user = named(&name).await?;
            let password = read_password(password_stdin)?;
            users::set_password(&conn, &hasher, &user, &password, None)
                .await
                .map_err(message)?;
            println!("password changed for {name}; all their sessions ended");
        }
        UserCommand::Disable { ref name } | UserCommand::Enable { ref name } => {
            let disabled = matches!(user_command, UserCommand::Disable { .. });
            let user = named(name).await?;
            users::set_disabled(&conn, &user, disabled)
                .await
                .map_err(message)?;
            if disabled {
                println!("disabled {name}; all their sessions ended");
            } else {
                println!("enabled {name}");
            }
        }
        UserCommand::Delete { name } => {
            let user = named(&name).await?;
            users::delete(&conn, &user).await.map_err(message)?;
            println!("deleted {name}");
        }
        UserCommand::List => {
            for user in users::list_all(&conn).await.map_err(message)? {
                println!(
                    "{}\t{}\t{}\t{}",
                    user.username,
                    if user.disabled { "disabled" } else { "enabled" },
                    user.email.as_deref().unwrap_or("-"),
                    user.scope_set()
                );
            }
        }
        UserCommand::Unlock { name } => {
            let user = named(&name).await?;
            users::unlock(&conn, &user).await.map_err(message)?;
            println!("unlocked {name}");
        }
    }
    Ok(())
}

fn parse_new_user(add: AddUser) -> Result<users::NewUser, String> {
    let username = Username::parse(&add.name)?;
    let email = add.email.as_deref().map(Email::parse).transpose()?;
    let full_name = add.full_name.as_deref().map(FullName::parse).transpose()?;
    let mut scopes = ScopeSet::from_list(&add.scopes)?;
    if add.admin {
        for scope in ScopeSet::from_list(users::ADMIN_SCOPES)?.iter() {
            scopes.insert(crate::domain::Scope::parse(scope)?);
        }
    }
    let password = read_password(add.password_stdin)?;
    Ok(users::NewUser {
        username,
        password,
        email,
        full_name,
        scopes,
        disabled: add.disabled,
    })
}

/// One line from standard input without its line ending, or a prompt on the
/// terminal without echo.
fn read_password(from_stdin: bool) -> Result<Password, String> {
    let raw = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the passwords do not match".into());
        }
        first
    };
    Password::parse(raw)
}

fn message(e: AppError) -> String {
    match e {
        AppError::Validation(fields) => fields
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
