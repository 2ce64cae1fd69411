//! One application error for handlers and services. Bodies never carry
//! internal text: database and other internal errors are logged, and the
//! client sees a generic message (the JSON answer is `http::api_error`).
use std::collections::BTreeMap;

use sea_orm::DbErr;

/// A boxed cause, kept for the log.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("validation failed")]
    Validation(BTreeMap<String, String>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    /// The database cannot be reached: 503, and the caller may retry.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// A database error that is valet's fault (a bug or a broken schema).
    #[error("database error")]
    Database(#[source] DbErr),
    /// bcrypt failed: a stored hash that is not a bcrypt hash, or hashing
    /// itself failed.
    #[error("password hashing")]
    Hash(#[from] bcrypt::BcryptError),
    /// A page template that did not render.
    #[error("rendering a page")]
    Template(#[from] askama::Error),
    /// Anything else valet should not have run into: what failed, and why.
    #[error("{what}")]
    Internal {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
}

impl AppError {
    /// A 422 for a single field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(name.to_owned(), message.into())]))
    }

    /// A fault of valet itself, with no underlying error to keep.
    pub fn internal(what: impl Into<String>) -> Self {
        Self::Internal {
            what: what.into(),
            source: None,
        }
    }

    /// A fault of valet itself, caused by `source` (logged with its chain).
    pub fn internal_from(what: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Internal {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    /// Whether this is a 500: valet's own fault, logged as an error.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Self::Database(_) | Self::Hash(_) | Self::Template(_) | Self::Internal { .. }
        )
    }

    /// Logs a 500 or 503 with its whole cause chain; nothing for a 4xx,
    /// whose message the client sees.
    pub fn log(&self) {
        match self {
            Self::Unavailable(_) => log::warn!("{}", chain(self)),
            e if e.is_internal() => log::error!("internal error: {}", chain(self)),
            _ => {}
        }
    }
}

/// `error: cause: cause…`, for a log line.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether a database error means the database cannot be reached (503) rather
/// than a bug (500), judged by the driver's error kind: no connection to be
/// had, a connection that broke, or the server saying it is going away
/// (PostgreSQL class 08 and 57P01–57P03, too many connections 53300) or
/// busy (SQLite `SQLITE_BUSY` and `SQLITE_LOCKED`).
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            driver_unavailable(e)
        }
        _ => false,
    }
}

/// SQLite's `SQLITE_BUSY` or `SQLITE_LOCKED`, however the error came
/// (connecting, executing or querying): another connection holds a lock.
pub fn is_sqlite_busy(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(e.as_ref(), Error::Database(db) if sqlite_busy(db.as_ref()))
        }
        _ => false,
    }
}

/// The primary result code (the low byte of the extended one) is
/// `SQLITE_BUSY` (5) or `SQLITE_LOCKED` (6).
fn sqlite_busy(db: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
        && db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

fn driver_unavailable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>() {
                let code = pg.code();
                code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
            } else {
                sqlite_busy(db.as_ref())
            }
        }
        _ => false,
    }
}

/// A unique-constraint violation, the mark of a lost race for a name.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Database(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::sqlx;
    use sea_orm::{DbErr, RuntimeErr};

    use super::{is_sqlite_busy, is_unavailable};

    fn query(err: sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(err)))
    }

    #[test]
    fn a_lost_connection_is_unavailable() {
        assert!(is_unavailable(&query(sqlx::Error::PoolClosed)));
        assert!(is_unavailable(&query(sqlx::Error::PoolTimedOut)));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unavailable(&query(sqlx::Error::Io(refused))));
    }

    #[test]
    fn a_message_that_merely_mentions_closing_is_a_bug_not_an_outage() {
        let bug = DbErr::Custom("the ledger is closed: io error in my code".into());
        assert!(!is_unavailable(&bug));
        let decode = query(sqlx::Error::ColumnNotFound("closed".into()));
        assert!(!is_unavailable(&decode));
    }

    #[tokio::test]
    async fn a_database_another_connection_holds_is_busy_by_its_code_not_its_text() {
        use sqlx::sqlite::SqliteConnectOptions;
        use sqlx::ConnectOptions;
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("busy.db"))
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::ZERO);
        let mut holder = options.connect().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut holder)
            .await
            .unwrap();
        let mut other = options.connect().await.unwrap();
        let busy = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .unwrap_err();
        assert!(is_sqlite_busy(&DbErr::Conn(RuntimeErr::SqlxError(
            Arc::new(busy)
        ))));
        let text = DbErr::Custom("(code: 5) database is locked".into());
        assert!(!is_sqlite_busy(&text));
    }
}
