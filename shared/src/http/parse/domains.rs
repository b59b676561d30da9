//! Domain, suggestion and membership-request requests: bodies and query strings.

use serde_json::Value;

use super::fields::Fields;
use super::query::limit_offset;
use crate::domain::membership_request::RequestStatus;
use crate::domain::org_domain::EnrollmentMode;
use crate::domain::{FieldError, OrganizationId};
use crate::service::{DomainFilter, DomainPatch, InstanceDomainQuery, NewDomain};

fn mode(f: &mut Fields<'_>) -> Option<EnrollmentMode> {
    let raw = f.optional_str("enrollment_mode")?;
    let mode = EnrollmentMode::parse(raw);
    if mode.is_none() {
        f.reject(FieldError::value(
            "enrollment_mode",
            "enrollment_mode must be manual_invitation, automatic_invitation or automatic_suggestion.",
        ));
    }
    mode
}

/// `{name, enrollment_mode?, verified?}` (Clerk's; the mode is `manual_invitation` unset).
pub fn new_domain(body: &Value) -> Result<NewDomain, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let name = f.required_str("name").map(str::to_string);
    let enrollment_mode = mode(&mut f).unwrap_or(EnrollmentMode::ManualInvitation);
    let verified = f.optional_bool("verified");
    f.finish(|| {
        Some(NewDomain {
            name: name?,
            enrollment_mode,
            verified,
        })
    })
}

/// `{enrollment_mode?, verified?}`.
pub fn domain_patch(body: &Value) -> Result<DomainPatch, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let enrollment_mode = mode(&mut f);
    let verified = f.optional_bool("verified");
    f.finish(|| {
        Some(DomainPatch {
            enrollment_mode,
            verified,
        })
    })
}

/// One required string field (`affiliation_email_address`, `code`).
pub fn required_text(body: &Value, name: &str) -> Result<String, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let value = f.required_str(name).map(str::to_string);
    f.finish(|| value)
}

/// `verified` (`true`/`false`) and `enrollment_mode` (comma-separated or repeated; `-mode`
/// excludes it).
fn filter(pairs: &[(String, String)], errors: &mut Vec<FieldError>) -> DomainFilter {
    let mut filter = DomainFilter::default();
    for (k, v) in pairs {
        match k.as_str() {
            "verified" => match v.as_str() {
                "true" => filter.verified = Some(true),
                "false" => filter.verified = Some(false),
                _ => errors.push(FieldError::value(
                    "verified",
                    "verified must be true or false.",
                )),
            },
            "enrollment_mode" => {
                for raw in v.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    let (exclude, name) = match raw.strip_prefix('-') {
                        Some(name) => (true, name),
                        None => (false, raw),
                    };
                    match EnrollmentMode::parse(name) {
                        Some(m) if exclude => filter.exclude.push(m),
                        Some(m) => filter.include.push(m),
                        // Clerk's enterprise SSO mode: no domain here has it.
                        None if name == "enterprise_sso" => {
                            if !exclude {
                                filter.include.push(EnrollmentMode::ManualInvitation);
                                filter.exclude.push(EnrollmentMode::ManualInvitation);
                            }
                        }
                        None => errors.push(FieldError::value(
                            "enrollment_mode",
                            format!("{name:?} is not an enrollment mode."),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    filter
}

/// An organization's domains: the filter, `limit`, `offset`.
pub fn domain_list(
    pairs: &[(String, String)],
) -> Result<(DomainFilter, u32, u32), Vec<FieldError>> {
    let mut errors = Vec::new();
    let (limit, offset) = limit_offset(pairs, &mut errors);
    let filter = filter(pairs, &mut errors);
    if errors.is_empty() {
        Ok((filter, limit, offset))
    } else {
        Err(errors)
    }
}

/// Clerk's `GET /organization_domains` query.
pub fn instance_domain_query(
    pairs: &[(String, String)],
) -> Result<InstanceDomainQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (limit, offset) = limit_offset(pairs, &mut errors);
    let mut q = InstanceDomainQuery {
        filter: filter(pairs, &mut errors),
        limit,
        offset,
        descending: true,
        ..Default::default()
    };
    for (k, v) in pairs {
        match k.as_str() {
            "organization_id" if !v.trim().is_empty() => {
                q.organization_id = Some(OrganizationId::new(v.trim()))
            }
            "domains" => q.names.extend(
                v.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from),
            ),
            "query" if v.trim().is_empty() => {
                errors.push(FieldError::value("query", "query must not be blank."))
            }
            "query" => q.query = Some(v.trim().to_string()),
            "order_by" => match v.as_str() {
                "created_at" | "+created_at" => (q.by_name, q.descending) = (false, false),
                "-created_at" => (q.by_name, q.descending) = (false, true),
                "name" | "+name" => (q.by_name, q.descending) = (true, false),
                "-name" => (q.by_name, q.descending) = (true, true),
                _ => errors.push(FieldError::value(
                    "order_by",
                    "order_by must be ±created_at or ±name.",
                )),
            },
            _ => {}
        }
    }
    if q.names.len() > crate::service::MAX_DOMAIN_NAMES {
        errors.push(FieldError::value("domains", "At most 20 domains at once."));
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

/// Membership requests: `status` (`pending` unset), `limit`, `offset`.
pub fn request_list(
    pairs: &[(String, String)],
) -> Result<(RequestStatus, u32, u32), Vec<FieldError>> {
    let mut errors = Vec::new();
    let (limit, offset) = limit_offset(pairs, &mut errors);
    let mut status = RequestStatus::Pending;
    for (k, v) in pairs {
        if k == "status" {
            match RequestStatus::parse(v) {
                Some(s) => status = s,
                None => errors.push(FieldError::value(
                    "status",
                    "status must be pending, accepted or rejected.",
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok((status, limit, offset))
    } else {
        Err(errors)
    }
}
