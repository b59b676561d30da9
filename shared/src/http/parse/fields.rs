//! Typed reads of a JSON body's fields: each checked once, every bad field reported (Clerk
//! answers with one error per field).

use serde_json::{Map, Value};

use super::number;
use crate::domain::{EmailAddress, FieldError, Metadata, RoleCatalog, RoleKey};

/// Typed reads of a JSON object's fields, collecting every error.
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn of(value: &'a Value) -> Result<Self, FieldError> {
        match value {
            Value::Object(object) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            _ => Err(FieldError::format(
                "body",
                "The request body must be a JSON object.",
            )),
        }
    }

    /// Absent and `null` read the same.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.object.get(name).filter(|v| !v.is_null())
    }

    pub fn reject(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn optional_str(&mut self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                self.reject(FieldError::format(
                    name,
                    format!("{name} must be a string."),
                ));
                None
            }
        }
    }

    /// A string that must be present and not blank.
    pub fn required_str(&mut self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            None => {
                self.reject(FieldError::missing(name));
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.reject(FieldError::missing(name));
                None
            }
            Some(_) => self.optional_str(name),
        }
    }

    pub fn optional_bool(&mut self, name: &str) -> Option<bool> {
        match self.get(name) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.reject(FieldError::format(
                    name,
                    format!("{name} must be a boolean."),
                ));
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn optional_u32_in(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let value = self.get(name)?;
        match number::whole_in_range(name, number::from_json(value), range) {
            Ok(n) => Some(n),
            Err(e) => {
                self.reject(e);
                None
            }
        }
    }

    pub fn metadata(&mut self, name: &str) -> Metadata {
        match Metadata::parse(name, self.object.get(name).cloned().unwrap_or(Value::Null)) {
            Ok(m) => m,
            Err(e) => {
                self.reject(e);
                Metadata::default()
            }
        }
    }

    pub fn email(&mut self, name: &str, raw: &str) -> Option<EmailAddress> {
        match EmailAddress::parse(name, raw) {
            Ok(e) => Some(e),
            Err(e) => {
                self.reject(e);
                None
            }
        }
    }

    pub fn role(&mut self, name: &str, raw: &str, roles: &RoleCatalog) -> Option<RoleKey> {
        match roles.parse(name, raw) {
            Ok(r) => Some(r.key.clone()),
            Err(e) => {
                self.reject(e);
                None
            }
        }
    }

    /// A short single-line text (names): no control characters, at most `max` characters.
    pub fn optional_text(&mut self, name: &str, max: usize) -> Option<String> {
        let s = self.optional_str(name)?;
        if s.chars().count() > max || s.chars().any(char::is_control) {
            self.reject(FieldError::value(
                name,
                format!("{name} must be at most {max} characters on one line."),
            ));
            return None;
        }
        Some(s.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// All fields read fine, or every error found.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        build().ok_or_else(|| vec![FieldError::format("body", "The request body is invalid.")])
    }
}
