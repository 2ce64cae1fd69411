//! README's command line, run as the real binary against a temp database.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `valet args…` in `dir` (so no stray .env is read) with its own
/// SQLite database, feeding `stdin`.
pub fn valet(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_valet"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cli.db?mode=rwc", dir.display()),
        )
        .env("VALET_BCRYPT_COST", "4")
        .env("VALET_ADMIN_PASSWORD", "admin-password-1")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("valet runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("valet finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit code 1 and exactly one line on standard error.
fn assert_fails_with_one_line(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(output));
    let err = stderr(output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
}

fn add_user(dir: &Path, name: &str, password: &str, extra: &[&str]) -> Output {
    let mut args = vec!["user", "add", name, "--password-stdin"];
    args.extend_from_slice(extra);
    valet(dir, &args, &format!("{password}\n"), &[])
}

#[test]
fn user_add_creates_a_user_that_list_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = add_user(
        dir.path(),
        "alice",
        "correct-horse",
        &[
            "--email",
            "alice@example.com",
            "--full-name",
            "Alice A",
            "--scope",
            "me",
            "--scope",
            "orders:read",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = valet(dir.path(), &["user", "list"], "", &[]);
    assert!(list.status.success());
    let line = stdout(&list)
        .lines()
        .find(|l| l.starts_with("alice"))
        .map(str::to_owned)
        .expect("alice is listed");
    assert!(
        line.contains("alice@example.com") && line.contains("me orders:read"),
        "{line}"
    );
    assert!(line.contains("enabled"));
}

#[test]
fn user_add_admin_grants_the_admin_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let out = add_user(
        dir.path(),
        "root2",
        "correct-horse",
        &["--admin", "--disabled"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&valet(dir.path(), &["user", "list"], "", &[]));
    let line = list.lines().find(|l| l.starts_with("root2")).unwrap();
    assert!(line.contains("admin users:read users:write"), "{line}");
    assert!(line.contains("disabled"), "{line}");
}

#[test]
fn a_duplicate_name_fails_with_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(add_user(dir.path(), "alice", "correct-horse", &[])
        .status
        .success());
    let out = add_user(dir.path(), "alice", "other-password", &["--email", "x@y.z"]);
    assert_fails_with_one_line(&out, "taken");
    let list = stdout(&valet(dir.path(), &["user", "list"], "", &[]));
    assert_eq!(list.lines().filter(|l| l.starts_with("alice")).count(), 1);
    assert!(!list.contains("x@y.z"));
}

#[test]
fn a_refused_password_fails_with_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let short = add_user(dir.path(), "bob", "short", &[]);
    assert_fails_with_one_line(&short, "at least 8");
    let long = add_user(dir.path(), "bob", &"x".repeat(73), &[]);
    assert_fails_with_one_line(&long, "72 bytes");
    let list = stdout(&valet(dir.path(), &["user", "list"], "", &[]));
    assert!(!list.lines().any(|l| l.starts_with("bob")), "{list}");
}

#[test]
fn a_bad_username_or_email_fails_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    assert_fails_with_one_line(
        &add_user(dir.path(), "has space", "correct-horse", &[]),
        "username",
    );
    assert_fails_with_one_line(
        &add_user(dir.path(), "carol", "correct-horse", &["--email", "nope"]),
        "email",
    );
}

#[test]
fn commands_on_an_unknown_user_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["user", "disable", "ghost"],
        vec!["user", "enable", "ghost"],
        vec!["user", "delete", "ghost"],
        vec!["user", "set-password", "ghost", "--password-stdin"],
    ] {
        let out = valet(dir.path(), &args, "new-password-1\n", &[]);
        assert_fails_with_one_line(&out, "ghost");
    }
}

#[test]
fn disable_enable_set_password_and_delete_change_the_user() {
    let dir = tempfile::tempdir().unwrap();
    assert!(add_user(dir.path(), "dave", "correct-horse", &[])
        .status
        .success());
    let list = |d: &Path| stdout(&valet(d, &["user", "list"], "", &[]));
    assert!(valet(dir.path(), &["user", "disable", "dave"], "", &[])
        .status
        .success());
    assert!(list(dir.path())
        .lines()
        .any(|l| l.starts_with("dave\tdisabled")));
    assert!(valet(dir.path(), &["user", "enable", "dave"], "", &[])
        .status
        .success());
    assert!(list(dir.path())
        .lines()
        .any(|l| l.starts_with("dave\tenabled")));
    let set = valet(
        dir.path(),
        &["user", "set-password", "dave", "--password-stdin"],
        "brand-new-pass\r\n",
        &[],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let short = valet(
        dir.path(),
        &["user", "set-password", "dave", "--password-stdin"],
        "short\n",
        &[],
    );
    assert_fails_with_one_line(&short, "at least 8");
    assert!(valet(dir.path(), &["user", "delete", "dave"], "", &[])
        .status
        .success());
    assert!(!list(dir.path()).lines().any(|l| l.starts_with("dave")));
}

#[test]
fn migrate_applies_the_schema_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = valet(dir.path(), &["migrate"], "", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("cli.db").exists());
}

#[tokio::test]
async fn purge_deletes_expired_sessions_now_and_keeps_live_ones() {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use valet::entities::{session, user};

    let dir = tempfile::tempdir().unwrap();
    assert!(add_user(dir.path(), "alice", "alice-password-1", &[])
        .status
        .success());
    let url = format!("sqlite://{}/cli.db", dir.path().display());
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let alice = user::Entity::find()
        .filter(user::Column::Username.eq("alice"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let now = valet::clock::now();
    for (id, expires_at) in [("expired", now - 10), ("live", now + 1000)] {
        session::ActiveModel {
            id: Set(id.into()),
            user_id: Set(alice.id.clone()),
            client_id: Set(None),
            kind: Set("password".into()),
            ip: Set(None),
            created_at: Set(now - 100),
            last_used_at: Set(now - 100),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let output = valet(dir.path(), &["purge"], "", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "purged 1 expired sessions, 0 refresh tokens and 0 authorization codes\n"
    );
    let left: Vec<String> = session::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, ["live"]);
}
