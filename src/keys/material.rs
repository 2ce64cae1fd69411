//! Key material of one signing key, kept parsed: aws-lc-rs signs with a kept
//! key pair and verifies with a kept public key, so no request pays a key
//! parse (jsonwebtoken hands the key bytes over on every call).
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RsaKeyPair,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;

pub use crate::domain::Alg;

/// A key that could not be made or read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

fn key_error(what: &str) -> impl Fn(aws_lc_rs::error::Unspecified) -> KeyError + '_ {
    move |_| KeyError(format!("cannot {what}"))
}

/// A new key: its private half (PKCS#8 DER) to store.
pub fn generate(alg: Alg) -> Result<Vec<u8>, KeyError> {
    Ok(match alg {
        Alg::Rs256 => RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(key_error("generate an RSA key"))?
            .as_der()
            .map_err(key_error("encode an RSA key"))?
            .as_ref()
            .to_vec(),
        Alg::Es256 => EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(key_error("generate a P-256 key"))?
            .to_pkcs8v1()
            .map_err(key_error("encode a P-256 key"))?
            .as_ref()
            .to_vec(),
        Alg::EdDsa => Ed25519KeyPair::generate()
            .map_err(key_error("generate an Ed25519 key"))?
            .to_pkcs8v1()
            .map_err(key_error("encode an Ed25519 key"))?
            .as_ref()
            .to_vec(),
    })
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// One key, parsed once: it signs, verifies, and describes itself as a JWK.
pub struct KeyMaterial {
    alg: Alg,
    pair: Pair,
    verifier: ParsedPublicKey,
    jwk: Jwk,
}

/// The public half as a JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub alg: &'static str,
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

impl KeyMaterial {
    /// Parses a stored private key (PKCS#8 DER) of `alg`.
    pub fn from_pkcs8(alg: Alg, kid: &str, pkcs8: &[u8]) -> Result<Self, KeyError> {
        let rejected = |e: aws_lc_rs::error::KeyRejected| KeyError(format!("key {kid}: {e}"));
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = Jwk {
            kty: "",
            use_: "sig",
            alg: alg.as_str(),
            kid: kid.to_owned(),
            n: None,
            e: None,
            crv: None,
            x: None,
            y: None,
        };
        let (pair, verifier) = match alg {
            Alg::Rs256 => {
                let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(rejected)?;
                let public = pair.public_key();
                jwk.kty = "RSA";
                jwk.n = Some(b64(public.modulus().big_endian_without_leading_zero()));
                jwk.e = Some(b64(public.exponent().big_endian_without_leading_zero()));
                let verifier =
                    ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public.as_ref())
                        .map_err(rejected)?;
                (Pair::Rsa(pair), verifier)
            }
            Alg::Es256 => {
                let pair =
                    EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8)
                        .map_err(rejected)?;
                // An uncompressed point: 0x04, then x and y (SEC 1 §2.3.3).
                let point = pair.public_key().as_ref();
                jwk.kty = "EC";
                jwk.crv = Some("P-256");
                jwk.x = point.get(1..33).map(b64);
                jwk.y = point.get(33..65).map(b64);
                let verifier = ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .map_err(rejected)?;
                (Pair::Ec(pair), verifier)
            }
            Alg::EdDsa => {
                let pair = Ed25519KeyPair::from_pkcs8(pkcs8).map_err(rejected)?;
                let public = pair.public_key().as_ref();
                jwk.kty = "OKP";
                jwk.crv = Some("Ed25519");
                jwk.x = Some(b64(public));
                let verifier =
                    ParsedPublicKey::new(&signature::ED25519, public).map_err(rejected)?;
                (Pair::Ed(pair), verifier)
            }
        };
        Ok(Self {
            alg,
            pair,
            verifier,
            jwk,
        })
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The JWS signature of `message` (RFC 7518 §3.3, §3.4; RFC 8037 §3.1).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.pair {
            Pair::Rsa(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(key_error("sign with RSA"))?;
                Ok(signature)
            }
            Pair::Ec(pair) => Ok(pair
                .sign(&SystemRandom::new(), message)
                .map_err(key_error("sign with P-256"))?
                .as_ref()
                .to_vec()),
            Pair::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifier.verify_sig(message, signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_signs_and_verifies_its_own_signatures_only() {
        for alg in [Alg::Rs256, Alg::Es256, Alg::EdDsa] {
            let key = KeyMaterial::from_pkcs8(alg, "k", &generate(alg).unwrap()).unwrap();
            let signature = key.sign(b"header.claims").unwrap();
            assert!(key.verify(b"header.claims", &signature), "{alg:?}");
            assert!(!key.verify(b"header.claimz", &signature), "{alg:?}");
            assert_eq!(Alg::parse(alg.as_str()), Some(alg));
        }
    }
}
