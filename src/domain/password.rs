use std::fmt;

/// A new password that passes the policy (docs/users.md): at least 8 characters and
/// at most 72 bytes, bcrypt's limit. Longer is refused, never cut.
/// `Debug` never shows the value.
#[derive(Clone)]
pub struct Password(String);

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 72;

impl Password {
    pub fn parse(raw: String) -> Result<Self, String> {
        if raw.chars().count() < MIN_CHARS {
            return Err(format!("password must be at least {MIN_CHARS} characters"));
        }
        if raw.len() > MAX_BYTES {
            return Err(format!(
                "password must be at most {MAX_BYTES} bytes (bcrypt's limit); this one is {} bytes",
                raw.len()
            ));
        }
        if raw.contains('\0') {
            return Err("password must not contain NUL characters".into());
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn accepts_eight_characters_up_to_72_bytes() {
        assert!(Password::parse("12345678".into()).is_ok());
        assert!(Password::parse("x".repeat(72)).is_ok());
    }

    #[test]
    fn refuses_short_and_over_72_bytes_with_a_clear_message() {
        assert!(Password::parse("1234567".into()).is_err());
        let err = Password::parse("é".repeat(37)).unwrap_err();
        assert!(err.contains("72 bytes"), "{err}");
    }

    #[test]
    fn debug_redacts_the_value() {
        let p = Password::parse("supersecret".into()).unwrap();
        assert!(!format!("{p:?}").contains("supersecret"));
    }
}
