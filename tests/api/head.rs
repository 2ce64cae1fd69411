//! RFC 9110 §9.3.2: `HEAD` on any GET route answers GET's status and headers
//! without a body.
use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn head_on_a_page_answers_the_pages_headers_without_a_body() {
    let app = spawn_app().await;
    let get = app.client.get(app.url("/login")).send().await.unwrap();
    let head = app.client.head(app.url("/login")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    for name in ["content-type", "content-security-policy", "cache-control"] {
        assert_eq!(head.headers().get(name), get.headers().get(name), "{name}");
    }
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn head_on_the_health_check_and_the_stylesheet_answers_200() {
    let app = spawn_app().await;
    for path in ["/healthz", "/static/valet.css"] {
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn head_on_a_guarded_route_is_guarded_like_get() {
    let app = spawn_app().await;
    let head = app.client.head(app.url("/users/me")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::UNAUTHORIZED);
    assert!(head.headers().contains_key("www-authenticate"));
    let page = app.client.head(app.url("/account")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn head_on_a_post_only_endpoint_is_still_405() {
    let app = spawn_app().await;
    let head = app.client.head(app.url("/token")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_method_a_route_does_not_take_is_405_naming_the_ones_it_does() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/static/valet.css",
        "/favicon.ico",
        "/.well-known/jwks.json",
    ] {
        for method in [
            reqwest::Method::DELETE,
            reqwest::Method::PUT,
            reqwest::Method::TRACE,
        ] {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert!(
                response.headers()["allow"]
                    .to_str()
                    .unwrap()
                    .contains("GET"),
                "{path}"
            );
        }
    }
}
