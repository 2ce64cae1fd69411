//! Reading a submitted page form (`application/x-www-form-urlencoded`).
//! Parsing never fails: a missing field reads as empty, so a mangled form
//! gets the same page and messages as an empty one, never a 400 in plain
//! text, and every `POST /login` counts against the rate limit.
use actix_session::Session;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::csrf;
use super::page::PageError;

pub struct Fields(Vec<(String, String)>);

/// A page form whose CSRF token matched the session's, checked before the
/// handler runs (403 otherwise): its fields and the session.
pub struct CheckedForm {
    pub fields: Fields,
    pub session: Session,
}

impl FromRequest for CheckedForm {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let session = Session::extract(req);
        Box::pin(async move {
            let fields = Fields::parse(&body.await?);
            let session = session.await?;
            csrf::verify(&session, fields.get(csrf::FIELD)).map_err(PageError::from)?;
            Ok(Self { fields, session })
        })
    }
}

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value sent under `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value sent under `name`, or `""`.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }
}

/// The first `name` parameter of a query string.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::{query_param, Fields};

    #[test]
    fn first_value_wins_and_missing_fields_read_as_empty() {
        let fields = Fields::parse(b"username=al%20ice&username=bob&password=p%2Bw+d");
        assert_eq!(fields.get("username"), Some("al ice"));
        assert_eq!(fields.text("password"), "p+w d");
        assert_eq!(fields.get("next"), None);
        assert_eq!(fields.text("next"), "");
    }

    #[test]
    fn query_param_decodes_the_first_value() {
        assert_eq!(
            query_param("next=%2Faccount&next=/x", "next").as_deref(),
            Some("/account")
        );
        assert_eq!(query_param("", "next"), None);
    }
}
