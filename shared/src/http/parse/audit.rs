//! `GET /v1/organizations/{org}/audit_logs`'s query: `limit` (1–100, default 20), `cursor`
//! (the `next_cursor` before), `action`, `actor_id` with `actor_type` (`user` unless given).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::number;
use crate::domain::audit::{is_sort_key, AuditAction, AuditQuery};
use crate::domain::FieldError;

pub const DEFAULT_AUDIT_LIMIT: u32 = 20;
const ACTOR_TYPES: [&str; 4] = ["user", "api_key", "system", "link_holder"];

/// The cursor a page's last sort key becomes (opaque to callers).
pub fn audit_cursor(sort_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(sort_key)
}

fn sort_key_of(cursor: &str) -> Option<String> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(raw).ok().filter(|k| is_sort_key(k))
}

fn is_actor_id(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub fn audit_query(pairs: &[(String, String)]) -> Result<AuditQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut query = AuditQuery {
        action: None,
        actor: None,
        before: None,
        limit: DEFAULT_AUDIT_LIMIT,
    };
    let (mut actor_id, mut actor_type) = (None, None);
    for (k, v) in pairs {
        match k.as_str() {
            "limit" => match number::whole_in_range("limit", number::from_text(v), 1..=100) {
                Ok(n) => query.limit = n,
                Err(e) => errors.push(e),
            },
            "cursor" => match sort_key_of(v) {
                Some(key) => query.before = Some(key),
                None => errors.push(FieldError::value(
                    "cursor",
                    "cursor must be the next_cursor of an earlier page.",
                )),
            },
            "action" => match AuditAction::parse(v) {
                Some(action) => query.action = Some(action),
                None => errors.push(FieldError::value(
                    "action",
                    format!(
                        "action must be one of {}.",
                        AuditAction::ALL.map(AuditAction::as_str).join(", ")
                    ),
                )),
            },
            "actor_id" if is_actor_id(v) => actor_id = Some(v.clone()),
            "actor_id" => errors.push(FieldError::format(
                "actor_id",
                "actor_id must be 1 to 64 letters, digits, '_' or '-'.",
            )),
            "actor_type" if ACTOR_TYPES.contains(&v.as_str()) => actor_type = Some(v.clone()),
            "actor_type" => errors.push(FieldError::value(
                "actor_type",
                format!("actor_type must be one of {}.", ACTOR_TYPES.join(", ")),
            )),
            _ => {}
        }
    }
    match (actor_id, actor_type) {
        (Some(id), kind) => {
            query.actor = Some(format!("{}:{id}", kind.as_deref().unwrap_or("user")));
        }
        (None, Some(_)) => errors.push(FieldError::missing("actor_id")),
        (None, None) => {}
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_and_cursors_read_back_and_anything_else_is_refused() {
        let cursor = audit_cursor("1790000000000#audit_abc");
        let q = audit_query(&pairs(&[
            ("action", "invitation.revoked"),
            ("actor_id", "user_1"),
            ("cursor", &cursor),
            ("limit", "5"),
        ]))
        .unwrap();
        assert_eq!(q.action, Some(AuditAction::InvitationRevoked));
        assert_eq!(q.actor.as_deref(), Some("user:user_1"));
        assert_eq!(q.before.as_deref(), Some("1790000000000#audit_abc"));
        assert_eq!(q.limit, 5);
        for bad in [
            ("action", "invitation.sent"),
            ("cursor", "bm90IGEga2V5"),
            ("limit", "101"),
            ("actor_id", "a:b"),
            ("actor_type", "root"),
        ] {
            assert!(audit_query(&pairs(&[bad])).is_err(), "{bad:?}");
        }
        assert!(audit_query(&pairs(&[("actor_type", "system")])).is_err());
    }
}
