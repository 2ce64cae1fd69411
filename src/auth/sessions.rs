//! Sign-in sessions (docs/security.md): every successful sign-in opens one; refresh
//! tokens and access tokens belong to it; revoking it ends all of them.
use std::sync::OnceLock;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QueryTrait, SelectTwoModel, SelectorTrait, Set, Statement,
};
use uuid::Uuid;

use crate::clock;
use crate::entities::prelude::{Session, User};
use crate::entities::{session, user};

/// How a session was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// `POST /token` with the password grant.
    Password,
    /// `POST /login` in a browser.
    Browser,
    /// `POST /token` redeeming an authorization code (RFC 6749 §4.1.3).
    AuthorizationCode,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Browser => "browser",
            Self::AuthorizationCode => "authorization_code",
        }
    }
}

/// Opens a session for `user` at `now` that lives for `ttl` seconds.
pub async fn open(
    db: &impl ConnectionTrait,
    user: &user::Model,
    kind: SessionKind,
    client_id: Option<&str>,
    ip: Option<&str>,
    ttl: i64,
    now: i64,
) -> Result<session::Model, DbErr> {
    session::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        user_id: Set(user.id.clone()),
        client_id: Set(client_id.map(str::to_owned)),
        kind: Set(kind.as_str().to_owned()),
        ip: Set(ip.map(str::to_owned)),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(now + ttl),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
}

/// The session and its user, when the session is live at `now` (not
/// revoked, not expired) and its user exists and is enabled. Runs on every authenticated
/// request, always against the database, so a revocation by any instance
/// counts at the next request (docs/users.md).
pub async fn find_live(
    db: &impl ConnectionTrait,
    session_id: &str,
    now: i64,
) -> Result<Option<(session::Model, user::Model)>, DbErr> {
    let backend = db.get_database_backend();
    let statement =
        Statement::from_sql_and_values(backend, find_live_sql(backend), [session_id.into()]);
    let found = match db.query_one_raw(statement).await? {
        Some(row) => SelectTwoModel::<session::Model, user::Model>::from_raw_query_result(row)?,
        None => return Ok(None),
    };
    Ok(match found {
        (session, Some(user)) if session.is_live(now) && !user.disabled => Some((session, user)),
        _ => None,
    })
}

/// The SQL of [`find_live`]: the session joined with its user, by primary
/// key. Built once per backend, since only the bound session id changes
/// (building it took a few dozen allocations per request). It has
/// no `LIMIT ?` (what `.one()` adds): SQLite re-prepares a statement whose
/// LIMIT is a bound parameter on every run, as its planner reads the value.
fn find_live_sql(backend: DbBackend) -> &'static str {
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    static MYSQL: OnceLock<String> = OnceLock::new();
    let cell = match backend {
        DbBackend::Sqlite => &SQLITE,
        DbBackend::Postgres => &POSTGRES,
        _ => &MYSQL,
    };
    cell.get_or_init(|| {
        Session::find_by_id("")
            .find_also_related(User)
            .build(backend)
            .sql
    })
}

/// Ends one session. Returns whether it was live before.
pub async fn revoke(db: &impl ConnectionTrait, session_id: &str) -> Result<bool, DbErr> {
    let result = Session::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(clock::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Ends every session of a user, except `keep` when given. Returns how many
/// were ended.
pub async fn revoke_all_for_user(
    db: &impl ConnectionTrait,
    user_id: &str,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut query = Session::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(clock::now()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// The sessions of a user live at `now`, newest first.
pub async fn list_live(
    db: &impl ConnectionTrait,
    user_id: &str,
    now: i64,
) -> Result<Vec<session::Model>, DbErr> {
    Session::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
}

/// How often a session's "last used" time is written, in seconds.
const TOUCH_INTERVAL: i64 = 60;

/// Records that a session was used at `now`; writes at most once a minute
/// per session so that reads stay reads. Every request of a busy session
/// that read the same stale time comes here at once, on every instance:
/// the condition lets the first write count and makes the others no-ops,
/// instead of a queue of writes on one row (on PostgreSQL each would wait
/// for the row lock and leave a dead row version behind).
pub async fn touch(
    db: &impl ConnectionTrait,
    session: &session::Model,
    now: i64,
) -> Result<(), DbErr> {
    if now - session.last_used_at < TOUCH_INTERVAL {
        return Ok(());
    }
    Session::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .filter(session::Column::Id.eq(&session.id))
        .filter(session::Column::LastUsedAt.lte(now - TOUCH_INTERVAL))
        .exec(db)
        .await
        .map(|_| ())
}

/// Sets a session's "last used" time.
pub async fn record_use(
    db: &impl ConnectionTrait,
    session_id: &str,
    now: i64,
) -> Result<(), DbErr> {
    Session::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends every session `user_id` opened through `client_id` (withdrawing an
/// app's access). Returns how many were ended.
pub async fn revoke_for_user_and_client(
    db: &impl ConnectionTrait,
    user_id: &str,
    client_id: &str,
) -> Result<u64, DbErr> {
    Ok(Session::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(clock::now()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ClientId.eq(client_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
