//! Turning what a form or a JSON body says into domain values, with one
//! message per bad field (docs/users.md: 422 `{"error": "validation_failed",
//! "fields": {name: message}}`). The admin pages show the same messages.
use std::collections::BTreeMap;

use super::NewUser;
use crate::domain::{Email, FullName, Password, ScopeSet, Username};
use crate::error::AppError;

/// A user to create, as the client sent it.
#[derive(Debug, Default)]
pub struct NewUserInput<'a> {
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub email: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub scopes: Vec<&'a str>,
    pub disabled: bool,
}

/// Every field is checked, so the client learns about all bad fields at once.
pub fn parse_new_user(input: NewUserInput<'_>) -> Result<NewUser, AppError> {
    let mut errors = BTreeMap::new();
    let username = required(&mut errors, "username", input.username, Username::parse);
    let password = required(&mut errors, "password", input.password, |raw| {
        Password::parse(raw.to_owned())
    });
    let email = optional_email(&mut errors, "email", input.email);
    let full_name = optional_full_name(&mut errors, "full_name", input.full_name);
    let scopes = collect(&mut errors, "scopes", ScopeSet::from_list(&input.scopes));
    match (username, password, email, full_name, scopes) {
        (Some(username), Some(password), Some(email), Some(full_name), Some(scopes))
            if errors.is_empty() =>
        {
            Ok(NewUser {
                username,
                password,
                email,
                full_name,
                scopes,
                disabled: input.disabled,
            })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// An email field: blank means none.
pub fn optional_email(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<Email>> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Some(None),
        Some(raw) => collect(errors, field, Email::parse(raw)).map(Some),
    }
}

/// A full-name field: blank means none.
pub fn optional_full_name(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<FullName>> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Some(None),
        Some(raw) => collect(errors, field, FullName::parse(raw)).map(Some),
    }
}

fn required<T>(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match raw {
        None => {
            errors.insert(field.to_owned(), format!("{field} is required"));
            None
        }
        Some(raw) => collect(errors, field, parse(raw)),
    }
}

/// Keeps the value, or records the message under `field`.
pub fn collect<T>(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    parsed: Result<T, String>,
) -> Option<T> {
    parsed
        .map_err(|message| {
            errors.insert(field.to_owned(), message);
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_new_user, NewUserInput};
    use crate::error::AppError;

    #[test]
    fn reports_every_bad_field_at_once() {
        let input = NewUserInput {
            username: Some("has space"),
            password: Some("short"),
            email: Some("nope"),
            scopes: vec!["ok", "bad\"scope"],
            ..NewUserInput::default()
        };
        let Err(AppError::Validation(fields)) = parse_new_user(input) else {
            panic!("expected a validation error");
        };
        let names: Vec<_> = fields.keys().map(String::as_str).collect();
        assert_eq!(names, ["email", "password", "scopes", "username"]);
    }

    #[test]
    fn blank_email_and_name_mean_none() {
        let input = NewUserInput {
            username: Some("ann"),
            password: Some("long-enough-1"),
            email: Some("  "),
            full_name: Some(""),
            ..NewUserInput::default()
        };
        let user = parse_new_user(input).unwrap();
        assert!(user.email.is_none() && user.full_name.is_none());
    }
}
