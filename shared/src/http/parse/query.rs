//! Query strings of the list routes, parsed into typed requests with every error reported.

use super::number;

use crate::domain::listing::{Cursor, PageStart};
use crate::domain::{
    EmailAddress, FieldError, InvitationOrder, InvitationQuery, InvitationStatus, PageRequest,
};

fn parse_u32(
    param: &str,
    raw: &str,
    range: std::ops::RangeInclusive<u32>,
    errors: &mut Vec<FieldError>,
) -> Option<u32> {
    number::whole_in_range(param, number::from_text(raw), range)
        .map_err(|e| errors.push(e))
        .ok()
}

/// `limit` (1–500, default 10) and `offset` (default 0).
pub fn limit_offset(pairs: &[(String, String)], errors: &mut Vec<FieldError>) -> (u32, u32) {
    let mut limit = PageRequest::DEFAULT_LIMIT;
    let mut offset = 0;
    for (k, v) in pairs {
        match k.as_str() {
            "limit" => {
                limit = parse_u32("limit", v, 1..=PageRequest::MAX_LIMIT, errors).unwrap_or(limit)
            }
            "offset" => offset = parse_u32("offset", v, 0..=u32::MAX / 2, errors).unwrap_or(offset),
            _ => {}
        }
    }
    (limit, offset)
}

/// `status` (repeatable, or comma-separated), `email_address`, `order_by` (default
/// `-created_at`), `limit`, `offset` and `cursor` (not both).
pub fn invitation_query(pairs: &[(String, String)]) -> Result<InvitationQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (limit, offset) = limit_offset(pairs, &mut errors);
    let mut statuses = Vec::new();
    let mut email_key = None;
    let mut order = InvitationOrder::CreatedDesc;
    let mut cursor = None;
    for (k, v) in pairs {
        match k.as_str() {
            "status" | "status[]" => {
                for raw in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    match InvitationStatus::parse(raw) {
                        Some(st) if !statuses.contains(&st) => statuses.push(st),
                        Some(_) => {}
                        None => errors.push(FieldError::value(
                            "status",
                            "status must be one of: pending, accepted, revoked, expired, declined.",
                        )),
                    }
                }
            }
            "email_address" => match EmailAddress::parse("email_address", v) {
                Ok(e) => email_key = Some(e.key().to_string()),
                Err(e) => errors.push(e),
            },
            "order_by" => match InvitationOrder::parse(v.trim()) {
                Some(o) => order = o,
                None => errors.push(FieldError::value(
                    "order_by",
                    "order_by must be one of: created_at, -created_at, email_address, -email_address.",
                )),
            },
            "cursor" => match Cursor::decode(v.trim()) {
                Some(c) => cursor = Some(c),
                None => errors.push(FieldError::format("cursor", "cursor is not one this service issued.")),
            },
            _ => {}
        }
    }
    if cursor.is_some() && pairs.iter().any(|(k, _)| k == "offset") {
        errors.push(FieldError::value(
            "cursor",
            "cursor and offset cannot be combined.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(InvitationQuery {
        statuses,
        email_key,
        order,
        page: PageRequest {
            limit,
            start: cursor
                .map(PageStart::After)
                .unwrap_or(PageStart::Offset(offset)),
        },
    })
}

/// `status` (repeatable), `limit` and `offset` of the per-person lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonQuery {
    pub statuses: Vec<InvitationStatus>,
    pub page: PageRequest,
}

/// A person's invitation list: `status`, `limit`, and `offset` or `cursor`, newest first. Each
/// address is read at most `offset + limit` items deep per request (at most
/// `PageRequest::MAX_LIMIT`); deeper pages are reached by `cursor`.
pub fn person_query(pairs: &[(String, String)]) -> Result<PersonQuery, Vec<FieldError>> {
    let q = invitation_query(pairs)?;
    let mut errors = Vec::new();
    if pairs
        .iter()
        .any(|(k, _)| k == "order_by" || k == "email_address")
    {
        errors.push(FieldError::value(
            "order_by",
            "A person's invitations are listed newest first, by no other order or filter.",
        ));
    }
    match &q.page.start {
        PageStart::After(c) if c.order != InvitationOrder::CreatedDesc => errors.push(
            FieldError::format("cursor", "cursor is not one this service issued."),
        ),
        PageStart::Offset(offset)
            if u64::from(*offset) + u64::from(q.page.limit) > u64::from(PageRequest::MAX_LIMIT) =>
        {
            errors.push(FieldError::value(
                "offset",
                format!(
                    "offset + limit may be at most {}; go further with next_cursor.",
                    PageRequest::MAX_LIMIT
                ),
            ))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(PersonQuery {
            statuses: q.statuses,
            page: q.page,
        })
    } else {
        Err(errors)
    }
}

/// `GET /organizations`: `limit`, `offset` (their sum at most `PageRequest::MAX_LIMIT`),
/// `query`, `user_id` (repeatable), `order_by` (`created_at` or `-created_at`) and
/// `include_members_count` (the count is always included).
pub fn organization_list_query(
    pairs: &[(String, String)],
) -> Result<crate::service::OrganizationListQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (limit, offset) = limit_offset(pairs, &mut errors);
    let mut q = crate::service::OrganizationListQuery {
        limit,
        offset,
        ..Default::default()
    };
    for (k, v) in pairs {
        match k.as_str() {
            "query" if !v.trim().is_empty() => q.query = Some(v.trim().to_string()),
            "user_id" => q
                .user_ids
                .extend(v.split(',').filter(|u| !u.is_empty()).map(Into::into)),
            "order_by" => match v.as_str() {
                "created_at" | "+created_at" => q.ascending = true,
                "-created_at" => q.ascending = false,
                _ => errors.push(FieldError::value(
                    "order_by",
                    "order_by must be created_at or -created_at.",
                )),
            },
            "include_members_count" if !matches!(v.as_str(), "true" | "false") => {
                errors.push(FieldError::format(
                    "include_members_count",
                    "include_members_count must be true or false.",
                ))
            }
            _ => {}
        }
    }
    if q.user_ids.len() > 10 {
        errors.push(FieldError::value("user_id", "At most 10 user_id values."));
    }
    if u64::from(offset) + u64::from(limit) > u64::from(PageRequest::MAX_LIMIT) {
        errors.push(FieldError::value(
            "offset",
            format!("offset + limit may be at most {}.", PageRequest::MAX_LIMIT),
        ));
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

/// The query string as name/value pairs, repeated names kept.
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        query_pairs(Some(q))
    }

    #[test]
    fn defaults_are_newest_first_ten_at_a_time() {
        let q = invitation_query(&pairs("")).unwrap();
        assert_eq!(q.order, InvitationOrder::CreatedDesc);
        assert_eq!(
            q.page,
            PageRequest {
                limit: 10,
                start: PageStart::Offset(0)
            }
        );
        assert!(q.statuses.is_empty());
    }

    #[test]
    fn statuses_repeat_or_come_comma_separated() {
        let q = invitation_query(&pairs(
            "status=pending&status=expired,revoked&status=pending",
        ))
        .unwrap();
        assert_eq!(
            q.statuses,
            [
                InvitationStatus::Pending,
                InvitationStatus::Expired,
                InvitationStatus::Revoked
            ]
        );
    }

    #[test]
    fn bad_values_are_each_reported() {
        for (q, param) in [
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("limit=ten", "limit"),
            ("offset=-1", "offset"),
            ("status=open", "status"),
            ("order_by=name", "order_by"),
            ("email_address=nope", "email_address"),
            ("cursor=zzz", "cursor"),
        ] {
            let errors = invitation_query(&pairs(q)).unwrap_err();
            assert_eq!(errors[0].param, param, "{q}");
        }
        assert_eq!(
            invitation_query(&pairs("limit=0&order_by=x"))
                .unwrap_err()
                .len(),
            2
        );
    }
}
