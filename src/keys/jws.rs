//! JWS compact serialization (RFC 7515 §7.1) with valet's keys: sign with
//! the key that signs now, verify with the key the `kid` names, its
//! algorithm pinned (RFC 8725 §3.1).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::material::{Alg, KeyError, KeyMaterial};

/// Clock skew tolerated on `exp` and `nbf` (docs/security.md: at most 5 seconds).
pub const LEEWAY_SECONDS: i64 = 5;

/// The JOSE header valet writes (RFC 7515 §4.1).
#[derive(Serialize)]
struct OutHeader<'a> {
    alg: &'static str,
    typ: &'a str,
    kid: &'a str,
}

/// The JOSE header as read from a presented token. Unknown members are
/// ignored except `crit`, which names extensions valet does not understand
/// (RFC 7515 §4.1.11: such a JWS must be rejected).
#[derive(Deserialize)]
pub struct InHeader {
    pub alg: String,
    pub kid: Option<String>,
    pub typ: Option<String>,
    crit: Option<serde_json::Value>,
}

/// Signs `claims` with `key` under `kid`.
pub fn sign(
    key: &KeyMaterial,
    kid: &str,
    typ: &str,
    claims: &impl Serialize,
) -> Result<String, KeyError> {
    let header = OutHeader {
        alg: key.alg().as_str(),
        typ,
        kid,
    };
    let to_json = |e: serde_json::Error| KeyError(e.to_string());
    let mut token = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(to_json)?);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims).map_err(to_json)?, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// A compact JWS split into its parts, nothing checked yet but its shape.
pub struct Parsed<'a> {
    pub header: InHeader,
    signing_input: &'a str,
    payload: &'a str,
    signature: Vec<u8>,
}

impl<'a> Parsed<'a> {
    pub fn parse(token: &'a str) -> Option<Self> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let header: InHeader =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.crit.is_some() {
            return None;
        }
        Some(Self {
            header,
            signing_input,
            payload,
            signature: URL_SAFE_NO_PAD.decode(signature).ok()?,
        })
    }

    /// The payload, when `key` verifies the signature and the header's
    /// `alg` is the key's own.
    pub fn verified_payload(&self, key: &KeyMaterial) -> Option<Vec<u8>> {
        if Alg::parse(&self.header.alg) != Some(key.alg())
            || !key.verify(self.signing_input.as_bytes(), &self.signature)
        {
            return None;
        }
        URL_SAFE_NO_PAD.decode(self.payload).ok()
    }
}
