//! The client's address, for rate limits and the audit log.
use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::Settings;

/// The peer address, or the nearest untrusted address in `X-Forwarded-For`
/// when the peer is one of `VALET_TRUSTED_PROXIES`. Every `X-Forwarded-For`
/// line counts, in order, as one comma-separated list (RFC 9110 §5.3): a
/// proxy that adds its own line instead of appending to the client's must
/// not let the client's line decide.
pub fn client_ip(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !settings.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let mut hops: Vec<&str> = Vec::new();
    for line in req.headers().get_all("x-forwarded-for") {
        // A line that is not text cannot be read: the walk stops before it.
        match line.to_str() {
            Ok(text) => hops.extend(text.split(',').map(str::trim)),
            Err(_) => hops.clear(),
        }
    }
    // Walk from the right: each trusted proxy appended the address it saw.
    let mut candidate = peer;
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                candidate = ip;
                if !settings.trusted_proxies.contains(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Some(candidate)
}

/// The client's address ([`client_ip`]) as an extractor.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// The address of `req`, by the application's trusted proxies.
    pub fn of(req: &HttpRequest) -> Self {
        let settings = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .map(|state| &state.settings);
        Self(settings.and_then(|settings| client_ip(req, settings)))
    }

    /// The address as text, for the audit log and session rows.
    pub fn text(self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl actix_web::FromRequest for ClientIp {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}
