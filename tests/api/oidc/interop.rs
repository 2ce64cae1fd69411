//! valet as an OpenID Provider for a third-party relying party: the
//! `openidconnect` crate (ramosbugs/openidconnect-rs) discovers valet,
//! builds the authorization URL with PKCE and a nonce, exchanges the code,
//! verifies the ID token (signature from the JWKS, `iss`, `aud`, `exp`,
//! `nonce`, `at_hash`) and reads UserInfo. The person's part — signing in
//! and allowing the app — is a browser driven over HTTP (forms, CSRF
//! tokens, cookies). Its HTTP client (`helpers::transport`) sends
//! `http://valet.test/...` to the test app.
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

use super::{alice_with_profile, hidden_fields};
use crate::authorize::{register_app, REDIRECT};
use crate::helpers::{spawn_app_with, transport};
use crate::pages::{Browser, ALICE, ALICE_PASSWORD};

const ISSUER: &str = "http://valet.test";

/// The person's part, in a browser: open the authorization URL, sign in
/// on `/login`, allow the app on the consent page; the redirect's query.
async fn sign_in_and_allow(browser: &Browser<'_>, authorize_url: &str) -> Vec<(String, String)> {
    let path = authorize_url.strip_prefix(ISSUER).expect("valet's URL");
    let to_login = browser.get(path).await;
    assert_eq!(to_login.status(), 303);
    let login = to_login.headers()["location"].to_str().unwrap().to_owned();
    let next: String = form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes())
        .find(|(n, _)| n == "next")
        .expect("next")
        .1
        .into_owned();
    let signed_in = browser.sign_in_to(ALICE, ALICE_PASSWORD, Some(&next)).await;
    crate::helpers::assert_is_redirect_to(&signed_in, &next);

    let consent = browser.get(&next).await;
    assert_eq!(consent.status(), 200, "the consent page");
    let html = consent.text().await.unwrap();
    assert!(html.contains("Allow The web app?"), "{html}");
    let mut form = hidden_fields(&html);
    form.push(("decision".into(), "allow".into()));
    let allowed = browser
        .post_form("/authorize/consent", &form_ref(&form))
        .await;
    assert_eq!(allowed.status(), 303);
    let location = allowed.headers()["location"].to_str().unwrap();
    let (target, query) = location.split_once('?').expect("a query");
    assert_eq!(target, REDIRECT);
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn form_ref(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{name} in {params:?}"))
}

#[tokio::test]
async fn an_openidconnect_relying_party_signs_a_user_in_with_each_algorithm() {
    for (alg, core_alg) in [
        ("RS256", CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256),
        ("ES256", CoreJwsSigningAlgorithm::EcdsaP256Sha256),
        ("EdDSA", CoreJwsSigningAlgorithm::EdDsa),
    ] {
        let app = spawn_app_with(&[("VALET_SIGNING_ALG", alg)]).await;
        // A third-party app: not first-party, so the user is asked.
        register_app(&app, "web", json!({})).await;
        alice_with_profile(&app).await;
        let http = transport(&app, ISSUER, None);

        let metadata =
            CoreProviderMetadata::discover_async(IssuerUrl::new(ISSUER.into()).unwrap(), &http)
                .await
                .expect("discovery");
        let client =
            CoreClient::from_provider_metadata(metadata, ClientId::new("web".into()), None)
                .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, csrf, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();

        let browser = Browser::new(&app);
        let back = sign_in_and_allow(&browser, url.as_str()).await;
        assert_eq!(param(&back, "state"), csrf.secret(), "{alg}");
        assert_eq!(param(&back, "iss"), ISSUER);

        let tokens = client
            .exchange_code(AuthorizationCode::new(param(&back, "code").into()))
            .expect("a token endpoint")
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{alg}: code exchange: {e:?}"));
        let id_token = tokens.id_token().expect("an ID token");
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(vec![core_alg.clone()]);
        let claims = id_token
            .claims(&verifier, &nonce)
            .unwrap_or_else(|e| panic!("{alg}: the ID token does not verify: {e:?}"));
        let expected_hash = claims.access_token_hash().expect("at_hash");
        let actual_hash = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(&actual_hash, expected_hash, "{alg}");
        assert_eq!(claims.preferred_username().map(|u| u.as_str()), Some(ALICE));
        assert_eq!(
            claims.email().map(|e| e.as_str()),
            Some("alice@example.com")
        );
        assert!(claims.auth_time().is_some());

        let userinfo: CoreUserInfoClaims = client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .expect("a userinfo endpoint")
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{alg}: userinfo: {e:?}"));
        assert_eq!(userinfo.subject(), claims.subject());
        assert_eq!(
            userinfo.email().map(|e| e.as_str()),
            Some("alice@example.com")
        );
        let name = userinfo
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str());
        assert_eq!(name, Some("Alice Liddell"));
    }
}
