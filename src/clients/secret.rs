//! Client secrets (RFC 6749 §2.3.1): 256 random bits made by valet, shown
//! once, stored only as their SHA-256 and compared in constant time. A slow
//! password hash buys nothing for a secret of 256 random bits.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A freshly made secret. `Debug` never shows it.
pub struct ClientSecret(String);

impl ClientSecret {
    /// 32 random bytes, URL-safe base64 (43 characters).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value, for the one response or line that shows it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored.
    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `presented` is the secret whose hash is `stored`, in time that
/// does not depend on where they differ.
pub fn verify(presented: &str, stored: &str) -> bool {
    let presented = hash(presented);
    presented.len() == stored.len() && bool::from(presented.as_bytes().ct_eq(stored.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{verify, ClientSecret};

    #[test]
    fn a_secret_has_256_bits_and_verifies_only_against_its_hash() {
        let secret = ClientSecret::generate();
        assert_eq!(secret.expose().len(), 43);
        assert_ne!(secret.expose(), ClientSecret::generate().expose());
        let stored = secret.hash();
        assert!(verify(secret.expose(), &stored));
        assert!(!verify("wrong", &stored));
        assert!(!format!("{secret:?}").contains(secret.expose()));
    }
}
