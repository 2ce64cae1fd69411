//! Strict parsing of `application/x-www-form-urlencoded` request bodies for
//! the OAuth endpoints (RFC 6749 §3.2, §4.3.2): UTF-8 only, and a parameter
//! given twice is an error rather than silently one of the values.
use std::collections::HashMap;

use actix_web::http::header;
use actix_web::HttpRequest;

use super::OAuthError;

/// The parameters of one request. A parameter sent without a value is
/// treated as omitted (RFC 6749 §3.1).
#[derive(Default)]
pub struct FormParams(HashMap<String, String>);

impl std::fmt::Debug for FormParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be passwords or tokens: only the names are shown.
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl FormParams {
    /// Checks the content type, then parses the body.
    pub fn from_request(req: &HttpRequest, body: &[u8]) -> Result<Self, OAuthError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(OAuthError::invalid_request(
                "the request body must be application/x-www-form-urlencoded",
            ));
        }
        Self::parse(body)
    }

    pub fn parse(body: &[u8]) -> Result<Self, OAuthError> {
        if std::str::from_utf8(body).is_err() {
            return Err(OAuthError::invalid_request(
                "the request body is not valid UTF-8",
            ));
        }
        let mut params = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for (name, value) in form_urlencoded::parse(body) {
            if name.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
                return Err(OAuthError::invalid_request(
                    "a parameter is not valid percent-encoded UTF-8",
                ));
            }
            // RFC 6749 §3.1: a parameter must not be included more than
            // once, an empty copy included.
            if !seen.insert(name.to_string()) {
                return Err(OAuthError::invalid_request(format!(
                    "the parameter {name} is given more than once"
                )));
            }
            if !value.is_empty() {
                params.insert(name.to_string(), value.to_string());
            }
        }
        Ok(Self(params))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A parameter that must be present.
    pub fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("the parameter {name} is missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::FormParams;

    #[test]
    fn parses_percent_encoded_pairs() {
        let p = FormParams::parse(b"grant_type=password&username=a%40b&password=p+w").unwrap();
        assert_eq!(p.get("username"), Some("a@b"));
        assert_eq!(p.get("password"), Some("p w"));
    }

    #[test]
    fn a_repeated_parameter_is_an_error() {
        let err = FormParams::parse(b"scope=a&scope=b").unwrap_err();
        assert_eq!(err.error, "invalid_request");
        assert!(err.description.contains("scope"));
    }

    #[test]
    fn a_repeated_parameter_with_an_empty_copy_is_an_error() {
        for body in [&b"grant_type=password&grant_type="[..], b"scope=&scope=a"] {
            let err = FormParams::parse(body).unwrap_err();
            assert_eq!(err.error, "invalid_request");
        }
    }

    #[test]
    fn empty_values_count_as_omitted_and_bad_utf8_is_refused() {
        let p = FormParams::parse(b"scope=&x=1").unwrap();
        assert_eq!(p.get("scope"), None);
        assert!(FormParams::parse(b"a=\xff").is_err());
        assert!(FormParams::parse(b"a=%ff").is_err());
    }
}
