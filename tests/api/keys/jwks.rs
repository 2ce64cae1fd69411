//! Tokens verify with nothing but the JWKS, for each algorithm; the legacy
//! shared-secret mode.
use reqwest::StatusCode;

use super::{access_token, get_jwks, kid_of, published_kids, verify_with_jwks};
use crate::helpers::{jwt_header, spawn_app, spawn_app_with};

#[tokio::test]
async fn tokens_of_each_algorithm_verify_with_nothing_but_the_jwks() {
    for (alg, kty) in [("RS256", "RSA"), ("ES256", "EC"), ("EdDSA", "OKP")] {
        let app = spawn_app_with(&[("VALET_SIGNING_ALG", alg)]).await;
        let token = access_token(&app).await;
        let header = jwt_header(&token);
        assert_eq!(header["alg"], alg);
        assert_eq!(header["typ"], "at+jwt");
        let claims = verify_with_jwks(&app, &token)
            .await
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(claims["username"], "admin");
        let (_, body) = get_jwks(&app).await;
        let key = &body["keys"][0];
        assert_eq!(
            (
                key["kty"].as_str(),
                key["use"].as_str(),
                key["alg"].as_str()
            ),
            (Some(kty), Some("sig"), Some(alg))
        );
        assert_eq!(key["kid"], kid_of(&token).as_str());
        // Tampered: the independent verifier refuses it too.
        let mut tampered = token.clone();
        tampered.insert_str(token.find('.').unwrap() + 5, "A");
        assert!(verify_with_jwks(&app, &tampered).await.is_err(), "{alg}");
    }
}

#[tokio::test]
async fn the_jwks_holds_no_private_parameter_and_caches_less_than_the_publish_delay() {
    let app = spawn_app_with(&[("VALET_KEY_PUBLISH_SECONDS", "600")]).await;
    let (cache, body) = get_jwks(&app).await;
    let max_age: i64 = cache
        .split("max-age=")
        .nth(1)
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
        .expect("a max-age");
    assert!((1..=600).contains(&max_age), "{cache}");
    let key = body["keys"][0].as_object().unwrap();
    for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
        assert!(!key.contains_key(private), "{private} in {key:?}");
    }
    assert!(key.contains_key("n") && key.contains_key("e"));
}

#[tokio::test]
async fn the_metadata_names_the_jwks() {
    let app = spawn_app().await;
    let response = app.get("/.well-known/oauth-authorization-server").await;
    let metadata: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        metadata["jwks_uri"],
        "http://valet.test/.well-known/jwks.json"
    );
}

#[tokio::test]
async fn the_legacy_shared_secret_signs_hs256_without_kid_and_the_keys_stay_published() {
    const SECRET: &str = "a-shared-secret-of-at-least-32-bytes!";
    let app = spawn_app_with(&[("VALET_JWT_SECRET", SECRET)]).await;
    let token = access_token(&app).await;
    let header = jwt_header(&token);
    assert_eq!(header["alg"], "HS256");
    assert!(header.get("kid").is_none(), "{header}");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&["http://valet.test"]);
    validation.set_audience(&["http://valet.test"]);
    jsonwebtoken::decode::<serde_json::Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()),
        &validation,
    )
    .expect("verifies with the shared secret");
    assert_eq!(app.get_me(&token).await.status(), StatusCode::OK);
    assert_eq!(published_kids(&app).await.len(), 1);
}
