//! Under an https issuer the session cookie is host-bound: `__Host-` prefix,
//! `Secure`, `Path=/`, no `Domain`.
use reqwest::StatusCode;

use crate::helpers::spawn_app_with;

#[tokio::test]
async fn under_an_https_issuer_the_session_cookie_is_a_host_cookie() {
    let app = spawn_app_with(&[("VALET_ISSUER", "https://valet.test")]).await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.contains("valet_session="))
        .expect("a session cookie");
    assert!(cookie.starts_with("__Host-valet_session="), "{cookie}");
    let attributes: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.iter().any(|a| a == "secure"), "{cookie}");
    assert!(attributes.iter().any(|a| a == "path=/"), "{cookie}");
    assert!(
        !attributes.iter().any(|a| a.starts_with("domain")),
        "{cookie}"
    );
}

#[tokio::test]
async fn under_an_http_issuer_the_session_cookie_keeps_its_plain_name() {
    let app = spawn_app_with(&[]).await;
    let response = app.get("/login").await;
    let names: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        names.iter().any(|v| v.starts_with("valet_session=")),
        "{names:?}"
    );
}
