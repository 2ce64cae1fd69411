/// An email address: one `@` with text on both sides, no spaces, at most 254
/// characters. Deliverability is not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let valid = raw.len() <= 254
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(raw.split_once('@'), Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("email must look like name@example.com".into())
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn parses_plain_addresses_and_refuses_junk() {
        assert!(Email::parse("a@b.c").is_ok());
        for bad in ["", "a", "@b", "a@", "a@b@c", "a b@c", "a@\u{7}b"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
