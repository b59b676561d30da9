//! Shareable-link requests: the body that makes one.

use serde_json::Value;

use super::fields::Fields;
use crate::domain::invitation_link::NewLink;
use crate::domain::FieldError;

/// The most names `allowed_email_domains` is read for (the domain refuses more than 10).
const MAX_DOMAINS_READ: usize = 11;

/// `{role?, max_uses?, expires_in_days? | expires_at?, allowed_email_domains?,
/// requires_approval?}`.
pub fn new_link(body: &Value) -> Result<NewLink, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let role = f.optional_str("role").map(str::to_string);
    // Their ranges are the domain's to check, with the domain names, so that every field's
    // error comes back at once.
    let max_uses = f.optional_u32_in("max_uses", 0..=u32::MAX);
    let expires_in_days = f.optional_u32_in("expires_in_days", 0..=u32::MAX);
    let expires_at = match f.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(at) if at > 0 => Some(at),
            _ => {
                f.reject(FieldError::format(
                    "expires_at",
                    "expires_at must be a time in milliseconds since the epoch.",
                ));
                None
            }
        },
    };
    let allowed_email_domains = match f.get("allowed_email_domains") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if items.len() <= MAX_DOMAINS_READ => {
            let names: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect();
            names.unwrap_or_else(|| {
                f.reject(FieldError::format(
                    "allowed_email_domains",
                    "allowed_email_domains must be a list of domain names.",
                ));
                Vec::new()
            })
        }
        Some(Value::Array(_)) => {
            f.reject(FieldError::value(
                "allowed_email_domains",
                "At most 10 domains.",
            ));
            Vec::new()
        }
        Some(_) => {
            f.reject(FieldError::format(
                "allowed_email_domains",
                "allowed_email_domains must be a list of domain names.",
            ));
            Vec::new()
        }
    };
    let requires_approval = f.optional_bool("requires_approval").unwrap_or(false);
    f.finish(|| {
        Some(NewLink {
            role,
            max_uses,
            expires_in_days,
            expires_at,
            allowed_email_domains,
            requires_approval,
        })
    })
}

/// `limit` and `offset`, nothing else.
pub fn limit_offset_only(pairs: &[(String, String)]) -> Result<(u32, u32), Vec<FieldError>> {
    let mut errors = Vec::new();
    let page = super::query::limit_offset(pairs, &mut errors);
    if errors.is_empty() {
        Ok(page)
    } else {
        Err(errors)
    }
}
