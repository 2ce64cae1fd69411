//! Delegation (docs/security.md): a caller without `admin` may only grant
//! scopes it holds itself; granting `admin` or `introspect`, and any change
//! to a user who holds `admin`, need `admin`, which may grant any scope. So
//! `users:write` alone never leads to `admin`.
use crate::domain::{Scope, ScopeSet};
use crate::entities::user;
use crate::error::AppError;

use super::update::ADMIN_SCOPE;

/// Scopes only an admin may grant, whatever else the caller holds.
const ADMIN_ONLY: [&str; 2] = [ADMIN_SCOPE, Scope::INTROSPECT];

/// Whether a caller holding `held` may give a user the scopes in `after`
/// that the user did not have `before` (none, for a new user). Refused:
/// 403 naming the first scope it may not grant.
pub fn may_grant(held: &ScopeSet, before: &ScopeSet, after: &ScopeSet) -> Result<(), AppError> {
    if held.contains(ADMIN_SCOPE) {
        return Ok(());
    }
    for scope in after.iter().filter(|s| !before.contains(s)) {
        if ADMIN_ONLY.contains(&scope) {
            return Err(AppError::Forbidden(format!(
                "granting the scope {scope} needs the scope {ADMIN_SCOPE}"
            )));
        }
        if !held.contains(scope) {
            return Err(AppError::Forbidden(format!(
                "granting the scope {scope} needs a token that holds {scope} (or {ADMIN_SCOPE})"
            )));
        }
    }
    Ok(())
}

/// Whether a caller holding `held` may change, reset, unlock, sign out,
/// disable or delete `target`: a user who holds `admin` needs `admin`.
pub fn may_act_on(held: &ScopeSet, target: &user::Model) -> Result<(), AppError> {
    if !held.contains(ADMIN_SCOPE) && target.scope_set().contains(ADMIN_SCOPE) {
        return Err(AppError::Forbidden(format!(
            "{} holds the scope {ADMIN_SCOPE}: changing them needs the scope {ADMIN_SCOPE}",
            target.username
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::may_grant;
    use crate::domain::ScopeSet;

    fn set(s: &str) -> ScopeSet {
        ScopeSet::parse(s).unwrap()
    }

    #[test]
    fn a_caller_grants_only_what_it_holds_and_never_admin_or_introspect() {
        let writer = set("users:write me");
        assert!(may_grant(&writer, &set(""), &set("me")).is_ok());
        assert!(may_grant(&writer, &set("x"), &set("x me")).is_ok());
        for scope in ["admin", "introspect", "users:read"] {
            let err = may_grant(&writer, &set(""), &set(scope)).unwrap_err();
            assert!(err.to_string().contains(scope), "{err}");
        }
        assert!(may_grant(&set("admin"), &set(""), &set("admin introspect x")).is_ok());
    }
}
