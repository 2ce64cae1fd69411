//! The HTTP client handed to the third-party OAuth and OpenID libraries
//! (`oauth2`, and `openidconnect`, which uses the same `oauth2` types):
//! requests for the issuer's URL go to the test app, the way a proxy in
//! front of valet would forward them. The crates' own reqwest integration
//! is off (it would pull another reqwest and a TLS stack).
use std::future::Future;
use std::pin::Pin;

use oauth2::{HttpClientError, HttpRequest, HttpResponse};

use super::TestApp;

pub type TransportError = HttpClientError<reqwest::Error>;
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send>>;

/// Sends requests for `issuer` to `app`, redirects not followed, with the
/// caller's own Bearer token when given (how a resource server
/// authenticates to valet's introspection endpoint).
pub fn transport(
    app: &TestApp,
    issuer: &'static str,
    bearer: Option<String>,
) -> impl Fn(HttpRequest) -> TransportFuture {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = app.address.clone();
    move |request: HttpRequest| {
        let client = client.clone();
        let base = base.clone();
        let bearer = bearer.clone();
        Box::pin(async move {
            let url = request.uri().to_string();
            let path = url
                .strip_prefix(issuer)
                .ok_or_else(|| HttpClientError::Other(format!("unexpected host in {url}")))?;
            let (parts, body) = request.into_parts();
            let mut outgoing = client
                .request(parts.method, format!("{base}{path}"))
                .headers(parts.headers)
                .body(body);
            if let Some(token) = bearer {
                outgoing = outgoing.bearer_auth(token);
            }
            let response = outgoing.send().await.map_err(Box::new)?;
            let mut builder = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(Box::new)?;
            builder.body(body.to_vec()).map_err(HttpClientError::Http)
        }) as TransportFuture
    }
}
