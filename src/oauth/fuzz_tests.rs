//! Property tests: whatever bytes arrive, the token endpoint's parser and the
//! token validator answer with an error value, never a panic.
use proptest::prelude::*;

use super::params::FormParams;
use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::domain::{ScopeSet, Username};

fn keys() -> JwtKeys {
    let settings = Settings::from_lookup(|_| None).expect("default settings");
    JwtKeys::new(b"0123456789abcdef0123456789abcdef", &settings)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_body_parses_or_is_an_invalid_request(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = FormParams::parse(&body) {
            prop_assert_eq!(e.error, "invalid_request");
            prop_assert!(e.status.is_client_error());
        }
    }

    #[test]
    fn form_like_bodies_parse_or_are_an_invalid_request(body in "[a-z_=&%0-9A-F+\\x00-\\x20]{0,200}") {
        if let Err(e) = FormParams::parse(body.as_bytes()) {
            prop_assert_eq!(e.error, "invalid_request");
        }
    }

    #[test]
    fn any_string_is_refused_as_an_access_token(token in any::<String>()) {
        prop_assert!(keys().validate(&token).is_err());
    }

    #[test]
    fn jwt_shaped_junk_is_refused(a in "[A-Za-z0-9_-]{0,60}", b in "[A-Za-z0-9_-]{0,200}", c in "[A-Za-z0-9_-]{0,60}") {
        let token = format!("eyJ{a}.eyJ{b}.{c}");
        prop_assert!(keys().validate(&token).is_err());
    }

    #[test]
    fn scope_and_username_parsers_never_panic(text in any::<String>()) {
        let _ = ScopeSet::parse(&text);
        let _ = Username::parse(&text);
    }
}
