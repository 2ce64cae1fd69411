use std::fmt;

/// A username (docs/users.md): 1–64 characters, ASCII letters, digits and `._-@`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("username must not be empty".into());
        }
        if raw.chars().count() > 64 {
            return Err("username must be at most 64 characters".into());
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
        {
            return Err(format!(
                "username may contain only letters, digits and . _ - @ (found {bad:?})"
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Username;

    #[test]
    fn accepts_the_allowed_characters() {
        for ok in ["a", "alice", "bob.smith", "c_d-e", "eve@example.com", "X9"] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        assert!(Username::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_empty_long_and_odd_names() {
        for bad in [
            "",
            "has space",
            "semi;colon",
            "slash/",
            "é",
            "tab\t",
            "nul\0",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }
}
