use std::fmt;

/// A registered client's id (RFC 6749 §2.2): 1–64 characters of the URL
/// unreserved set `A-Z a-z 0-9 . _ ~ -` (RFC 3986 §2.3), so it needs no
/// escaping in a URL, a form or a Basic header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("a client id is 1 to 64 characters of letters, digits and . _ ~ -".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ClientId;

    #[test]
    fn accepts_the_unreserved_characters_only() {
        for good in ["mobile", "a.b_c~d-e", "X9", &"a".repeat(64)] {
            assert!(ClientId::parse(good).is_ok(), "{good:?}");
        }
        for bad in ["", "has space", "a:b", "a/b", "é", "a%20", &"a".repeat(65)] {
            assert!(ClientId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
