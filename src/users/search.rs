//! Searching the directory a page at a time (docs/users.md `GET /api/users`), for
//! the JSON API and the admin users list alike.
//!
//! `q` matches a case-insensitive *prefix* of the username, the email or the
//! full name. Each of the three is indexed as `lower(column)` (migration
//! `m20261123_000001`), and the match is written as a range on that
//! expression, which SQLite and PostgreSQL both answer from the index; a
//! substring match (`LIKE '%q%'`) would read every row on every request.
//! Only one page of rows is loaded (`LIMIT`/`OFFSET`). The total of a search
//! is a `COUNT` in SQL over the rows the indexes find; the total of the whole
//! directory is the one row of `user_count`, kept exact by triggers
//! (migration `m20261130_000001`), since a `COUNT(*)` reads every user
//! (docs/performance.md). Case folding is ASCII-only, as SQLite's `lower()` is.
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
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
    let mut query = User::find();
    let total = if needle.is_empty() {
        user_count(db).await?
    } else {
        let exact_range = db.get_database_backend() == DbBackend::Sqlite;
        query = query.filter(prefix_of_any(&needle.to_ascii_lowercase(), exact_range));
        query.clone().count(db).await?
    };
    let users = query
        .order_by_asc(user::Column::Username)
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

fn prefix_of_any(needle: &str, exact_range: bool) -> Condition {
    Condition::any()
        .add(prefix_of(user::Column::Username, needle, exact_range))
        .add(prefix_of(user::Column::Email, needle, exact_range))
        .add(prefix_of(user::Column::FullName, needle, exact_range))
}

/// `lower(col) >= needle AND lower(col) < needle || U+10FFFF` uses the
/// expression index. Unless the range is exact (byte order), a `LIKE` on
/// the rows it finds keeps the answer exact under the database collation.
fn prefix_of(column: user::Column, needle: &str, exact_range: bool) -> SimpleExpr {
    let lowered = || Expr::expr(Func::lower(Expr::col((User, column))));
    let range = lowered()
        .gte(needle)
        .and(lowered().lt(format!("{needle}\u{10FFFF}")));
    if exact_range {
        return range;
    }
    let pattern = format!("{}%", escape_like(needle));
    range.and(lowered().like(LikeExpr::new(pattern).escape('\\')))
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{escape_like, Paging};

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

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"a%b_c\d"), r"a\%b\_c\\d");
    }
}
