//! Commands parsed from request bodies: each field checked and typed once, every bad field
//! reported (Clerk answers with one error per field), nothing half-parsed reaching the service.

use serde_json::{Map, Value};

use crate::domain::{EmailAddress, FieldError, Metadata, RoleCatalog};

use super::redirect::RedirectPolicy;

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
    fn get(&self, name: &str) -> Option<&'a Value> {
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
        let Some(n) = value.as_u64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }) else {
            self.reject(FieldError::format(
                name,
                format!("{name} must be a whole number."),
            ));
            return None;
        };
        match u32::try_from(n).ok().filter(|n| range.contains(n)) {
            Some(n) => Some(n),
            None => {
                self.reject(FieldError::value(
                    name,
                    format!(
                        "{name} must be between {} and {}.",
                        range.start(),
                        range.end()
                    ),
                ));
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

    pub fn role(&mut self, name: &str, raw: &str, roles: &RoleCatalog) -> Option<String> {
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

pub const DEFAULT_EXPIRES_IN_DAYS: u32 = 30;

/// `POST /organizations/{org}/invitations` (and each item of `/bulk`).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email_address: EmailAddress,
    pub role: String,
    pub inviter_user_id: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub expires_in_days: u32,
    pub notify: bool,
    /// The email's language: the closest of the shipped locales to what was asked (beyond Clerk).
    pub locale: &'static str,
}

impl NewInvitation {
    pub fn parse(
        body: &Value,
        roles: &RoleCatalog,
        redirects: &RedirectPolicy,
    ) -> Result<Self, Vec<FieldError>> {
        let mut f = Fields::of(body).map_err(|e| vec![e])?;
        let email = f
            .required_str("email_address")
            .and_then(|raw| f.email("email_address", raw));
        let role = f
            .required_str("role")
            .and_then(|raw| f.role("role", raw, roles));
        let inviter_user_id = f.optional_str("inviter_user_id").map(str::to_string);
        let public_metadata = f.metadata("public_metadata");
        let private_metadata = f.metadata("private_metadata");
        let redirect_url = match f.optional_str("redirect_url") {
            Some(raw) => match redirects.check("redirect_url", raw) {
                Ok(url) => Some(url),
                Err(e) => {
                    f.reject(e);
                    None
                }
            },
            None => None,
        };
        let expires_in_days = f
            .optional_u32_in("expires_in_days", 1..=365)
            .unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
        let notify = f.optional_bool("notify").unwrap_or(true);
        let locale = crate::mail::compose::locale_for(f.optional_str("locale"));
        f.finish(|| {
            Some(Self {
                email_address: email?,
                role: role?,
                inviter_user_id,
                public_metadata,
                private_metadata,
                redirect_url,
                expires_in_days,
                notify,
                locale,
            })
        })
    }
}

/// `POST /users`. Clerk takes `email_address` as an array; a single string is accepted too.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email_addresses: Vec<EmailAddress>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

impl NewUser {
    pub const MAX_ADDRESSES: usize = 10;

    pub fn parse(body: &Value) -> Result<Self, Vec<FieldError>> {
        let mut f = Fields::of(body).map_err(|e| vec![e])?;
        let raw: Vec<Value> = match body.get("email_address") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(v @ Value::String(_)) => vec![v.clone()],
            Some(_) => {
                f.reject(FieldError::format(
                    "email_address",
                    "email_address must be an array of strings.",
                ));
                Vec::new()
            }
        };
        let mut addresses: Vec<EmailAddress> = Vec::new();
        for (i, v) in raw.iter().enumerate() {
            let param = format!("email_address[{i}]");
            match v.as_str() {
                Some(s) => {
                    if let Some(e) = f.email(&param, s) {
                        if addresses.iter().any(|a| a.key() == e.key()) {
                            f.reject(FieldError::value(
                                param,
                                "The same email address is given twice.",
                            ));
                        } else {
                            addresses.push(e);
                        }
                    }
                }
                None => f.reject(FieldError::format(
                    param,
                    "Each email address must be a string.",
                )),
            }
        }
        if raw.is_empty() && body.get("email_address").is_none_or(Value::is_null) {
            f.reject(FieldError::missing("email_address"));
        } else if raw.is_empty() || raw.len() > Self::MAX_ADDRESSES {
            f.reject(FieldError::value(
                "email_address",
                format!(
                    "email_address must hold 1 to {} addresses.",
                    Self::MAX_ADDRESSES
                ),
            ));
        }
        let first_name = f.optional_text("first_name", 256);
        let last_name = f.optional_text("last_name", 256);
        let image_url = f.optional_text("image_url", 2048);
        let public_metadata = f.metadata("public_metadata");
        let private_metadata = f.metadata("private_metadata");
        f.finish(|| {
            Some(Self {
                email_addresses: addresses,
                first_name,
                last_name,
                image_url,
                public_metadata,
                private_metadata,
            })
        })
    }
}

/// `POST /organizations`.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub slug: Option<String>,
    pub created_by: Option<String>,
    pub max_allowed_memberships: Option<u32>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

impl NewOrganization {
    pub fn parse(body: &Value) -> Result<Self, Vec<FieldError>> {
        let mut f = Fields::of(body).map_err(|e| vec![e])?;
        let name = f.required_str("name").map(str::trim).map(str::to_string);
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 256 || n.chars().any(char::is_control))
        {
            f.reject(FieldError::value(
                "name",
                "name must be at most 256 characters on one line.",
            ));
        }
        let slug = f.optional_str("slug").map(str::to_string);
        if slug
            .as_deref()
            .is_some_and(|s| !crate::domain::organization::is_valid_slug(s))
        {
            f.reject(FieldError::format(
                "slug",
                "slug may contain only lowercase letters, digits, dashes and underscores (at most 64).",
            ));
        }
        let created_by = f.optional_str("created_by").map(str::to_string);
        let max_allowed_memberships = f.optional_u32_in("max_allowed_memberships", 0..=1_000_000);
        let public_metadata = f.metadata("public_metadata");
        let private_metadata = f.metadata("private_metadata");
        f.finish(|| {
            Some(Self {
                name: name?,
                slug,
                created_by,
                max_allowed_memberships,
                public_metadata,
                private_metadata,
            })
        })
    }
}

/// `POST /organizations/{org}/memberships`.
#[derive(Debug, Clone)]
pub struct NewMembership {
    pub user_id: String,
    pub role: String,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

impl NewMembership {
    pub fn parse(body: &Value, roles: &RoleCatalog) -> Result<Self, Vec<FieldError>> {
        let mut f = Fields::of(body).map_err(|e| vec![e])?;
        let user_id = f.required_str("user_id").map(str::to_string);
        let role = f
            .required_str("role")
            .and_then(|raw| f.role("role", raw, roles));
        let public_metadata = f.metadata("public_metadata");
        let private_metadata = f.metadata("private_metadata");
        f.finish(|| {
            Some(Self {
                user_id: user_id?,
                role: role?,
                public_metadata,
                private_metadata,
            })
        })
    }
}

/// `PATCH /organizations/{org}/memberships/{user}`.
pub fn parse_role_update(body: &Value, roles: &RoleCatalog) -> Result<String, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let role = f
        .required_str("role")
        .and_then(|raw| f.role("role", raw, roles));
    f.finish(|| role)
}

/// Whether a resend sends the email (`notify`, default true).
pub fn parse_notify(body: &Value) -> Result<bool, Vec<FieldError>> {
    if body.is_null() {
        return Ok(true);
    }
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let notify = f.optional_bool("notify").unwrap_or(true);
    f.finish(|| Some(notify))
}

/// The optional acting user of a revoke (`requesting_user_id`); an empty body names none.
pub fn parse_requesting_user(body: &Value) -> Result<Option<String>, Vec<FieldError>> {
    if body.is_null() {
        return Ok(None);
    }
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let user = f.optional_str("requesting_user_id").map(str::to_string);
    f.finish(|| Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldErrorKind;
    use serde_json::json;

    fn parse(body: Value) -> Result<NewInvitation, Vec<FieldError>> {
        NewInvitation::parse(&body, &RoleCatalog::default(), &RedirectPolicy::default())
    }

    fn first_error(body: Value) -> (String, FieldErrorKind) {
        let errors = parse(body).unwrap_err();
        (errors[0].param.clone(), errors[0].kind)
    }

    #[test]
    fn a_minimal_invitation_gets_the_defaults() {
        let inv =
            parse(json!({"email_address": "ada@example.com", "role": "basic_member"})).unwrap();
        assert_eq!(inv.role, "org:member");
        assert_eq!(inv.expires_in_days, 30);
        assert!(inv.notify);
        assert_eq!(inv.inviter_user_id, None);
    }

    #[test]
    fn each_bad_field_gets_its_own_code() {
        use FieldErrorKind::*;
        let cases = [
            (json!({"role": "org:member"}), ("email_address", Missing)),
            (
                json!({"email_address": "ada@example.com"}),
                ("role", Missing),
            ),
            (
                json!({"email_address": 7, "role": "org:member"}),
                ("email_address", FormatInvalid),
            ),
            (
                json!({"email_address": "not-an-email", "role": "org:member"}),
                ("email_address", FormatInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:owner"}),
                ("role", ValueInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": 0}),
                ("expires_in_days", ValueInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": 366}),
                ("expires_in_days", ValueInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": "7"}),
                ("expires_in_days", FormatInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "notify": "yes"}),
                ("notify", FormatInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "public_metadata": [1]}),
                ("public_metadata", FormatInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "private_metadata": {"k": "x".repeat(9000)}}),
                ("private_metadata", ValueInvalid),
            ),
            (
                json!({"email_address": "ada@example.com", "role": "org:member", "redirect_url": "javascript:alert(1)"}),
                ("redirect_url", ValueInvalid),
            ),
        ];
        for (body, (param, kind)) in cases {
            assert_eq!(
                first_error(body.clone()),
                (param.to_string(), kind),
                "{body}"
            );
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = parse(json!({"email_address": "x", "role": "nope", "notify": 1})).unwrap_err();
        let params: Vec<&str> = errors.iter().map(|e| e.param.as_str()).collect();
        assert_eq!(params, ["email_address", "role", "notify"]);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert_eq!(first_error(json!([1, 2])).0, "body");
    }

    #[test]
    fn a_user_needs_at_least_one_distinct_address() {
        assert!(NewUser::parse(&json!({"email_address": ["a@example.com"]})).is_ok());
        assert!(NewUser::parse(&json!({"email_address": "a@example.com"})).is_ok());
        assert_eq!(
            NewUser::parse(&json!({})).unwrap_err()[0].kind,
            FieldErrorKind::Missing
        );
        assert!(NewUser::parse(&json!({"email_address": []})).is_err());
        assert!(
            NewUser::parse(&json!({"email_address": ["a@example.com", "A@example.com"]})).is_err()
        );
    }
}
