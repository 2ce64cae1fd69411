use std::fmt;

/// A redirect URI a client may register (RFC 6749 §3.1.2, RFC 8252 §7,
/// RFC 9700 §2.1): `https` with a host, `http` only on a loopback IP
/// literal, or a private-use scheme containing a dot. No fragment, no
/// wildcard, no whitespace; compared by exact string match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    pub const MAX_LEN: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err("a redirect URI is 1 to 2000 characters".into());
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{raw:?} contains whitespace"));
        }
        if raw.contains('#') {
            return Err(format!("{raw:?} has a fragment (RFC 6749 §3.1.2)"));
        }
        if raw.contains('*') {
            return Err(format!("{raw:?} has a wildcard; URIs match exactly"));
        }
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(format!("{raw:?} is not an absolute URI"));
        };
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
        if !scheme_ok || rest.is_empty() {
            return Err(format!("{raw:?} is not an absolute URI"));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {
                let host = authority(rest).filter(|h| !h.is_empty() && !h.starts_with(':'));
                if host.is_none() {
                    return Err(format!("{raw:?} has no host"));
                }
            }
            "http" => {
                let loopback = authority(rest)
                    .and_then(host_of)
                    .is_some_and(|host| host == "127.0.0.1" || host == "[::1]");
                if !loopback {
                    return Err(format!(
                        "{raw:?}: plain http is allowed only on 127.0.0.1 or [::1] (RFC 8252 §7.3)"
                    ));
                }
            }
            other if other.contains('.') => {}
            _ => {
                return Err(format!(
                    "{raw:?}: use https, http on a loopback address, or a private-use scheme \
                     with a dot such as com.example.app:/cb (RFC 8252 §7.1)"
                ))
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The authority of `//authority/path`, without any user info.
fn authority(rest: &str) -> Option<&str> {
    let after = rest.strip_prefix("//")?;
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let authority = &after[..end];
    if authority.contains('@') {
        return None;
    }
    Some(authority)
}

/// The host of an authority: the part before `:port`, an IPv6 literal kept
/// in its brackets. A port, if any, must be digits.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        (&authority[..end], authority[end..].strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    match port {
        Some(port) if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => None,
        _ => Some(host),
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn accepts_https_loopback_http_and_private_use_schemes() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com:8443/cb?x=1",
            "http://127.0.0.1/cb",
            "http://127.0.0.1:51004/cb",
            "http://[::1]:8080/",
            "com.example.app:/oauth2redirect",
        ] {
            assert!(RedirectUri::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn refuses_fragments_wildcards_and_plain_http_elsewhere() {
        for bad in [
            "",
            "https://app.example.com/cb#frag",
            "https://*.example.com/cb",
            "http://localhost/cb",
            "http://app.example.com/cb",
            "http://127.0.0.1.evil.com/cb",
            "http://127.0.0.1:abc/cb",
            "https://user@evil.com/cb",
            "https:///cb",
            "javascript:alert(1)",
            "myapp:/cb",
            "/relative",
            "https://a.example.com/ cb",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad:?}");
        }
    }
}
