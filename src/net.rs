//! The client's address, for rate limits and the audit log.
use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::Settings;

/// The peer address, or the nearest untrusted address in `X-Forwarded-For`
/// when the peer is one of `VALET_TRUSTED_PROXIES`.
pub fn client_ip(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !settings.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Walk from the right: each trusted proxy appended the address it saw.
    let mut candidate = peer;
    for hop in forwarded.rsplit(',').map(str::trim) {
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
