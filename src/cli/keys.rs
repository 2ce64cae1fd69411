//! `valet keys list | rotate [--now] | revoke KID` (docs/resource-servers.md).
use clap::Subcommand;

use crate::config::Settings;
use crate::keys;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// List the keys, one a line: kid, algorithm, state, created, and when
    /// the key starts or stops signing or verifying.
    List,
    /// Make a new key: published at once, signing after
    /// VALET_KEY_PUBLISH_SECONDS (with --now: at once).
    Rotate {
        #[arg(long)]
        now: bool,
    },
    /// Revoke a key: it leaves the JWKS and every token it signed is refused.
    Revoke { kid: String },
}

/// `valet keys …` (docs/resource-servers.md). Instances see the change within a second.
pub async fn run(
    conn: &sea_orm::DatabaseConnection,
    settings: &Settings,
    command: KeysCommand,
) -> Result<(), String> {
    let policy = keys::KeyPolicy::from_settings(settings);
    let now = crate::clock::now();
    match command {
        KeysCommand::List => {
            let set = keys::current(conn, &policy, now)
                .await
                .map_err(|e| e.to_string())?;
            for key in set.keys() {
                let state = set.state(&key.row.kid, now);
                let (state, when) = match state {
                    Some(keys::KeyState::Next) => {
                        ("next", format!("signs from {}", time(key.row.signs_from)))
                    }
                    Some(keys::KeyState::Active) => (
                        "active",
                        format!("signs since {}", time(key.row.signs_from)),
                    ),
                    Some(keys::KeyState::Retired { until }) => {
                        ("retired", format!("verifies until {}", time(until)))
                    }
                    Some(keys::KeyState::Expired { since }) => {
                        ("retired", format!("verifies nothing since {}", time(since)))
                    }
                    Some(keys::KeyState::Revoked) | None => (
                        "revoked",
                        format!(
                            "revoked {}",
                            key.row.revoked_at.map_or_else(String::new, time)
                        ),
                    ),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    key.row.kid,
                    key.row.alg,
                    state,
                    time(key.row.created_at),
                    when
                );
            }
        }
        KeysCommand::Rotate { now: at_once } => {
            let key = keys::rotate(conn, &policy, now, at_once)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "new key {} ({}) signs from {}",
                key.kid,
                key.alg,
                time(key.signs_from)
            );
        }
        KeysCommand::Revoke { kid } => {
            keys::revoke(conn, &policy, &kid, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("revoked key {kid}");
        }
    }
    Ok(())
}

fn time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || unix.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}
