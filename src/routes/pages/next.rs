//! Where to go after signing in: the `next` parameter, followed only when it
//! is a path on this site (docs/users.md; RFC 9700 §4.11 on open redirectors).

/// The page to land on when `next` is absent or refused.
pub const DEFAULT_LANDING: &str = "/account";

/// Longest `next` kept; a real path in valet is far shorter.
const MAX_LEN: usize = 2048;

/// `raw` when it is a local path, else `None`.
///
/// A local path starts with exactly one `/` followed by neither `/` nor `\`
/// (`//host` and `/\host` are read by browsers as another host). Only visible
/// ASCII is accepted, so no control character, space or tab (which browsers
/// strip, turning `/\t/host` into `//host`), no backslash anywhere, and the
/// same rules hold for the percent-decoded form, so `/%2F/host` and
/// `/%5Chost` are refused too.
pub fn local_path(raw: &str) -> Option<&str> {
    let well_formed = raw.len() <= MAX_LEN
        && raw.bytes().all(|b| b.is_ascii_graphic())
        && is_single_slash_path(raw.as_bytes());
    if !well_formed {
        return None;
    }
    let decoded = percent_decode(raw.as_bytes());
    let decoded_ok =
        is_single_slash_path(&decoded) && !decoded.iter().any(|b| b.is_ascii_control());
    decoded_ok.then_some(raw)
}

/// The landing page for a sign-in: `next` when local, else `/account`.
pub fn landing(next: Option<&str>) -> &str {
    next.and_then(local_path).unwrap_or(DEFAULT_LANDING)
}

fn is_single_slash_path(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !bytes.contains(&b'\\')
}

/// Decodes `%XX` escapes; a malformed escape is kept as it is.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{landing, local_path};

    #[test]
    fn local_paths_are_kept_with_their_query() {
        for path in [
            "/",
            "/account",
            "/admin/users?q=a%20b&page=2",
            "/a/b#frag",
            "/x%2Fy",
        ] {
            assert_eq!(local_path(path), Some(path), "{path}");
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_host_is_refused() {
        for next in [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "http://evil.example/",
            "https:evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /account",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2F/evil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%09/evil.example",
            "/account%00",
            "/a\\b",
            "/caf\u{e9}",
        ] {
            assert_eq!(local_path(next), None, "{next:?}");
        }
    }

    #[test]
    fn a_refused_or_missing_next_lands_on_the_account_page() {
        assert_eq!(landing(None), "/account");
        assert_eq!(landing(Some("//evil.example")), "/account");
        assert_eq!(landing(Some("/admin")), "/admin");
    }

    #[test]
    fn overlong_next_is_refused() {
        assert_eq!(local_path(&format!("/{}", "a".repeat(3000))), None);
    }
}
