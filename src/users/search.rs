//! Searching the directory a page at a time (docs/users.md `GET /api/users`), for
//! the JSON API and the admin users list alike.
//!
//! `q` matches a case-insensitive *prefix* of the username, the email or the
//! full name. Each of the three is indexed as `lower(column)` (migrations
//! `m20261123_000001`, `m20261130_000002`), and the match is written as a
//! byte-order range on that expression, which SQLite and PostgreSQL both
//! answer from the index alone; a
//! substring match (`LIKE '%q%'`) would read every row on every request.
//! Only one page of rows is loaded (`LIMIT`/`OFFSET`). The total of a search
//! is a `COUNT` in SQL over the rows the indexes find; the total of the whole
//! directory is the one row of `user_count`, kept exact by triggers
//! (migration `m20261130_000001`), since a `COUNT(*)` reads every user
//! (docs/performance.md). Case folding is ASCII-only, as SQLite's `lower()` is.
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IdenStatic,
    Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::domain::Paging;
use crate::entities::prelude::User;
use crate::entities::user;
use crate::error::AppError;

/// Longest `q` taken; a username is at most 64 characters, an email 254.
const MAX_QUERY_CHARS: usize = 254;

/// One page of users, by username, and how many match in all.
#[derive(Debug)]
pub struct UserPage {
    pub users: Vec<user::Model>,
    pub total: u64,
    pub paging: Paging,
}

/// Users whose username, email or full name starts with `q` (ignoring ASCII
/// case), ordered by username; a blank `q` matches everyone.
pub async fn search(
    db: &DatabaseConnection,
    q: &str,
    paging: Paging,
) -> Result<UserPage, AppError> {
    let needle: String = q.trim().chars().take(MAX_QUERY_CHARS).collect();
    let backend = db.get_database_backend();
    let mut query = User::find();
    let total = if needle.is_empty() {
        query = query.order_by_asc(user::Column::Username);
        user_count(db).await?
    } else {
        query = query.filter(prefix_of_any(&needle.to_ascii_lowercase(), backend));
        let total = query.clone().count(db).await?;
        query = query.order_by(matches_by_username(backend), Order::Asc);
        total
    };
    let users = query
        .limit(paging.per_page)
        .offset(paging.offset())
        .all(db)
        .await?;
    Ok(UserPage {
        users,
        total,
        paging,
    })
}

/// How many users there are, from the row the triggers on `users` keep.
async fn user_count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let sql = "SELECT total FROM user_count WHERE id = 1";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the user_count row".into()))?;
    let total: i64 = row.try_get("", "total")?;
    u64::try_from(total).map_err(|_| DbErr::Custom(format!("user_count is {total}")))
}

/// The order of a search's matches: by username, sorted after they are
/// found. SQLite's planner does that by itself; PostgreSQL's may instead
/// walk the username index in order, testing each user until a page is
/// full, which reads every user that sorts before the first match (390 ms
/// for a prefix matching 10 % of a million users, docs/performance.md).
/// `username || ''` orders the same way but no index provides it, so the
/// matches come from the search indexes and only they are sorted.
fn matches_by_username(backend: DbBackend) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => Expr::cust(r#""users"."username" || ''"#),
        _ => Expr::col((User, user::Column::Username)),
    }
}

fn prefix_of_any(needle: &str, backend: DbBackend) -> Condition {
    Condition::any()
        .add(prefix_of(user::Column::Username, needle, backend))
        .add(prefix_of(user::Column::Email, needle, backend))
        .add(prefix_of(user::Column::FullName, needle, backend))
}

/// `lower(col) >= needle AND lower(col) < needle || U+10FFFF`, compared in
/// byte order, is exactly "starts with `needle`" and is answered by the
/// expression index alone. SQLite compares bytes; on PostgreSQL the
/// expression is `COLLATE "C"`, as its indexes are (migration
/// `m20261130_000002`), since under another collation the range would not
/// be exact and every row found would need a second check.
fn prefix_of(column: user::Column, needle: &str, backend: DbBackend) -> SimpleExpr {
    let lowered = || match backend {
        DbBackend::Postgres => Expr::cust(format!(
            r#"lower("users"."{}") COLLATE "C""#,
            column.as_str()
        )),
        _ => Expr::expr(Func::lower(Expr::col((User, column)))),
    };
    lowered()
        .gte(needle)
        .and(lowered().lt(format!("{needle}\u{10FFFF}")))
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn paging_defaults_and_bounds() {
        assert_eq!(Paging::parse(None, None).unwrap(), Paging::default());
        assert_eq!(Paging::parse(Some("3"), Some("100")).unwrap().offset(), 200);
        for (page, per_page) in [
            ("0", "20"),
            ("x", "20"),
            ("1", "0"),
            ("1", "101"),
            ("-1", "5"),
        ] {
            assert!(
                Paging::parse(Some(page), Some(per_page)).is_err(),
                "{page} {per_page}"
            );
        }
    }

    #[test]
    fn page_count_rounds_up_and_is_at_least_one() {
        let paging = Paging::default();
        assert_eq!(paging.page_count(0), 1);
        assert_eq!(paging.page_count(20), 1);
        assert_eq!(paging.page_count(21), 2);
    }
}
