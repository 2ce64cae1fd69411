//! Which page of a list: the `page` and `per_page` parameters of the users
//! list, the admin pages and the audit log (docs/users.md).
use crate::error::AppError;

/// `per_page` when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 20;
/// The largest `per_page` (docs/users.md).
pub const MAX_PER_PAGE: u64 = 100;

/// Which page: `page` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl Paging {
    /// Parses `page` (from 1) and `per_page` (1 to 100); absent values take
    /// the defaults, anything else is a 400 naming the parameter.
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, AppError> {
        let page = match page {
            None => 1,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=u64::from(u32::MAX)).contains(p))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "page must be a whole number from 1 to {}",
                        u32::MAX
                    ))
                })?,
        };
        let per_page = match per_page {
            None => DEFAULT_PER_PAGE,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "per_page must be a whole number from 1 to {MAX_PER_PAGE}"
                    ))
                })?,
        };
        Ok(Self { page, per_page })
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// How many pages `total` rows fill (at least 1).
    pub fn page_count(&self, total: u64) -> u64 {
        Ord::max(total.div_ceil(self.per_page), 1)
    }
}
