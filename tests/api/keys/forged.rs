//! Forged tokens: unknown kid, `alg: none`, HS256 keyed with the RSA public
//! key, and a kid of another algorithm (RFC 8725 §2.1, §3.1).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::{
    access_token, assert_accepted, assert_invalid_token, get_jwks, kid_of, sign_with_stored_key,
};
use crate::helpers::{jwt_claims, jwt_header, spawn_app};

/// `token` with its header replaced by `header` and its signature kept.
fn with_header(token: &str, header: &Value) -> String {
    let rest = &token[token.find('.').unwrap()..];
    format!("{}{rest}", URL_SAFE_NO_PAD.encode(header.to_string()))
}

#[tokio::test]
async fn forged_tokens_are_invalid_tokens() {
    let rsa = spawn_app().await;
    let token = access_token(&rsa).await;
    let kid = kid_of(&token);
    let mut header = jwt_header(&token);

    // An unknown kid.
    header["kid"] = "not-a-key-of-valet".into();
    assert_invalid_token(&rsa, &with_header(&token, &header)).await;

    // alg: none, with and without a signature.
    let claims = URL_SAFE_NO_PAD.encode(jwt_claims(&token).to_string());
    for alg in ["none", "None", "NONE"] {
        let none = json!({"alg": alg, "typ": "at+jwt", "kid": kid});
        let unsigned = format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(none.to_string()));
        assert_invalid_token(&rsa, &unsigned).await;
        assert_invalid_token(&rsa, &with_header(&token, &none)).await;
    }

    // HS256 keyed with the published RSA key, in the forms a confused
    // verifier might use as the HMAC secret.
    let (_, jwks) = get_jwks(&rsa).await;
    let jwk = &jwks["keys"][0];
    let modulus = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.typ = Some("at+jwt".into());
    hs_header.kid = Some(kid.clone());
    for secret in [jwk.to_string().into_bytes(), modulus] {
        let forged = jsonwebtoken::encode(
            &hs_header,
            &jwt_claims(&token),
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .unwrap();
        assert_invalid_token(&rsa, &forged).await;
    }

    // A kid of another algorithm: an ES256 key made by a restart with
    // VALET_SIGNING_ALG=ES256; tokens signed by either key under the
    // other's kid are refused, each key's own tokens accepted.
    let ec = rsa
        .spawn_instance_with(&[("VALET_SIGNING_ALG", "ES256")])
        .await;
    let ec_token = access_token(&ec).await;
    let ec_kid = kid_of(&ec_token);
    assert_ne!(ec_kid, kid);
    let claims = jwt_claims(&ec_token);
    assert_accepted(
        &ec,
        &sign_with_stored_key(&ec, &ec_kid, &ec_kid, &claims).await,
    )
    .await;
    assert_accepted(&ec, &sign_with_stored_key(&ec, &kid, &kid, &claims).await).await;
    assert_invalid_token(
        &ec,
        &sign_with_stored_key(&ec, &ec_kid, &kid, &claims).await,
    )
    .await;
    assert_invalid_token(
        &ec,
        &sign_with_stored_key(&ec, &kid, &ec_kid, &claims).await,
    )
    .await;
}
