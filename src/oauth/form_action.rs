//! Pages whose form ends in a redirect to a client — the consent page
//! (RFC 6749 §4.1.2) and the logout confirmation (RP-Initiated Logout 1.0
//! §3) — name that client's origin in `form-action`: browsers apply the
//! directive to the redirects that follow a form submission (CSP Level 3
//! §6.3.1), so `'self'` alone would stop the browser on valet.
use actix_web::http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
use actix_web::HttpResponse;

/// Sets the page's policy to the shared one with `form-action` widened to
/// the origin of `uri` (a registered redirect URI); unchanged when `uri`
/// has no origin that can be written as a CSP source.
pub fn allow_redirect_to(response: &mut HttpResponse, uri: &str) {
    let Some(source) = source_of(uri) else {
        return;
    };
    let policy = crate::http::CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        &format!("form-action 'self' {source}"),
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(CONTENT_SECURITY_POLICY, value);
    }
}

/// `scheme://host[:port]` of an `http(s)` URI, or `scheme:` of a
/// private-use one (RFC 8252 §7.1), as a CSP source expression (CSP Level
/// 3 §2.3.1); `None` for anything else.
fn source_of(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once(':')?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
    if !scheme_ok {
        return None;
    }
    match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..end];
            let authority_ok = !authority.is_empty()
                && authority
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
            authority_ok.then(|| format!("{scheme}://{authority}"))
        }
        None => Some(format!("{scheme}:")),
    }
}

#[cfg(test)]
mod tests {
    use super::source_of;

    #[test]
    fn the_source_is_the_origin_or_the_private_scheme() {
        assert_eq!(
            source_of("https://app.example/cb?x=1").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            source_of("http://127.0.0.1:51234/cb").as_deref(),
            Some("http://127.0.0.1:51234")
        );
        assert_eq!(
            source_of("http://[::1]:8080/cb").as_deref(),
            Some("http://[::1]:8080")
        );
        assert_eq!(
            source_of("com.example.app:/oauth2redirect").as_deref(),
            Some("com.example.app:")
        );
        assert_eq!(source_of("https://a;b/cb"), None);
        assert_eq!(source_of("https:///cb"), None);
    }
}
