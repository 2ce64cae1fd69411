use std::collections::BTreeSet;
use std::fmt;

/// One scope-token (RFC 6749 §3.3): `1*( %x21 / %x23-5B / %x5D-7E )`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

impl Scope {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.len() <= 128
            && raw
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(format!("{raw:?} is not a valid scope (RFC 6749 §3.3)"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Administer valet: users, clients and keys; grant any scope
    /// (docs/users.md).
    pub const ADMIN: &'static str = "admin";
    /// Read the user directory.
    pub const USERS_READ: &'static str = "users:read";
    /// Change the user directory.
    pub const USERS_WRITE: &'static str = "users:write";
    /// Introspect tokens (RFC 7662 §2.1: the caller must be authorised).
    pub const INTROSPECT: &'static str = "introspect";
    /// An OpenID Connect request (OpenID Connect Core §3.1.2.1).
    pub const OPENID: &'static str = "openid";
    /// The profile claims (OpenID Connect Core §5.4).
    pub const PROFILE: &'static str = "profile";
    /// The email claims (OpenID Connect Core §5.4).
    pub const EMAIL: &'static str = "email";
}

/// Scopes a client may be granted on its registration alone: they name
/// claims about the user, not powers (OpenID Connect Core §5.4, §3.1.2.1).
pub const IDENTITY_SCOPES: [&str; 3] = [Scope::OPENID, Scope::PROFILE, Scope::EMAIL];

/// A set of scopes, written as RFC 6749 §3.3 space-delimited text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// Parses a `scope` parameter: tokens separated by single spaces
    /// (RFC 6749 §3.3). Empty text is the empty set.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Ok(Self::default());
        }
        raw.split(' ')
            .map(Scope::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Reads the space-separated form stored in the database, ignoring any
    /// token that would not parse.
    pub fn from_stored(raw: &str) -> Self {
        Self(
            raw.split_whitespace()
                .filter_map(|s| Scope::parse(s).ok())
                .collect(),
        )
    }

    pub fn from_list<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> Result<Self, String> {
        items
            .into_iter()
            .map(|s| Scope::parse(s.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.intersection(&other.0).cloned().collect())
    }

    /// This set with the identity scopes added: what a user may be granted
    /// through `/authorize` besides the scopes the user holds.
    pub fn with_identity_scopes(&self) -> ScopeSet {
        let mut all = self.clone();
        for s in IDENTITY_SCOPES {
            all.0.insert(Scope(s.to_owned()));
        }
        all
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn insert(&mut self, scope: Scope) {
        self.0.insert(scope);
    }

    pub fn remove(&mut self, scope: &str) {
        self.0.retain(|s| s.as_str() != scope);
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(Scope::as_str)
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ScopeSet;

    #[test]
    fn parses_space_delimited_scope_tokens() {
        let set = ScopeSet::parse("users:read me").unwrap();
        assert_eq!(set.to_string(), "me users:read");
        assert!(ScopeSet::parse("").unwrap().is_empty());
    }

    #[test]
    fn refuses_malformed_scope_text() {
        for bad in ["a  b", " a", "a ", "quo\"te", "back\\slash", "tab\tx", "é"] {
            assert!(ScopeSet::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn subset_and_intersection_work_as_sets() {
        let user = ScopeSet::parse("a b c").unwrap();
        assert!(ScopeSet::parse("b a").unwrap().is_subset(&user));
        assert!(!ScopeSet::parse("a d").unwrap().is_subset(&user));
        let both = user.intersection(&ScopeSet::parse("c d").unwrap());
        assert_eq!(both.to_string(), "c");
    }
}
