/// A display name: at most 200 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.chars().count() > 200 {
            return Err("full name must be at most 200 characters".into());
        }
        if raw.chars().any(char::is_control) {
            return Err("full name must not contain control characters".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::FullName;

    #[test]
    fn trims_and_refuses_control_characters() {
        assert_eq!(FullName::parse(" Ada ").unwrap().into_inner(), "Ada");
        assert!(FullName::parse("a\u{7}").is_err());
        assert!(FullName::parse(&"a".repeat(201)).is_err());
    }
}
