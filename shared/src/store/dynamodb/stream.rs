//! DynamoDB Streams records (new and old images) as [`Change`]s: an invitation item
//! (`INV#…`), a membership item (`MEM#…`) or an organization's mail state (`MAIL#STATE`) read
//! with the same codec the store writes with; every other item (pointers, slots, counters,
//! limits, idempotency keys) is `Other`.

use super::codec::{self, Item};
use super::keys;
use crate::clock::Millis;
use crate::store::change::{Change, ChangeRecord};
use crate::store::StoreError;

enum Kind {
    Audit,
    Invitation,
    Membership,
    MailState,
    Domain,
    MembershipRequest,
    InvitationLink,
    Other,
}

fn kind(item: &Item) -> Kind {
    if codec::is_audit(item) {
        return Kind::Audit;
    }
    match item.get(keys::SK).and_then(|v| v.as_s().ok()) {
        Some(sk) if sk.starts_with("INV#") => Kind::Invitation,
        Some(sk) if sk.starts_with("MEM#") => Kind::Membership,
        Some(sk) if sk == "MAIL#STATE" => Kind::MailState,
        Some(sk) if sk.starts_with("MREQ#") => Kind::MembershipRequest,
        Some(sk) if sk.starts_with("LINK#") => Kind::InvitationLink,
        Some(_) if codec::entity(item) == Some("domain") => Kind::Domain,
        _ => Kind::Other,
    }
}

/// One record's change. An empty image (an insert's old one, a removal's new one) is `None`.
pub fn change_from_images(
    id: String,
    at: Option<Millis>,
    old: Item,
    new: Item,
) -> Result<Change, StoreError> {
    let old = Some(old).filter(|i| !i.is_empty());
    let new = Some(new).filter(|i| !i.is_empty());
    let Some(any) = new.as_ref().or(old.as_ref()) else {
        return Ok(Change {
            id,
            at,
            record: ChangeRecord::Other,
        });
    };
    let record = match kind(any) {
        Kind::Invitation => ChangeRecord::Invitation {
            old: old
                .as_ref()
                .map(codec::invitation_from)
                .transpose()?
                .map(Box::new),
            new: new
                .as_ref()
                .map(codec::invitation_from)
                .transpose()?
                .map(Box::new),
        },
        Kind::Membership => ChangeRecord::Membership {
            old: old
                .as_ref()
                .map(codec::membership_from)
                .transpose()?
                .map(Box::new),
            new: new
                .as_ref()
                .map(codec::membership_from)
                .transpose()?
                .map(Box::new),
        },
        Kind::MailState => {
            let old = old
                .as_ref()
                .map(super::reputation::pause_from)
                .transpose()?;
            let new = new
                .as_ref()
                .map(super::reputation::pause_from)
                .transpose()?;
            let organization_id = match (&old, &new) {
                (Some((org, _)), _) | (None, Some((org, _))) => org.clone(),
                (None, None) => {
                    return Ok(Change {
                        id,
                        at,
                        record: ChangeRecord::Other,
                    })
                }
            };
            ChangeRecord::MailSending {
                organization_id,
                old: old.map(|(_, p)| p),
                new: new.map(|(_, p)| p),
            }
        }
        // Written once and never changed; its removal (retention) makes no event.
        Kind::Audit => match (&old, &new) {
            (None, Some(item)) => ChangeRecord::Audit(Box::new(codec::audit_from(item)?)),
            _ => ChangeRecord::Other,
        },
        Kind::Domain => ChangeRecord::Domain {
            old: old
                .as_ref()
                .map(|i| codec::domain_from(i, None))
                .transpose()?
                .map(Box::new),
            new: new
                .as_ref()
                .map(|i| codec::domain_from(i, None))
                .transpose()?
                .map(Box::new),
        },
        Kind::MembershipRequest => ChangeRecord::MembershipRequest {
            old: old
                .as_ref()
                .map(codec::request_from)
                .transpose()?
                .map(Box::new),
            new: new
                .as_ref()
                .map(codec::request_from)
                .transpose()?
                .map(Box::new),
        },
        Kind::InvitationLink => ChangeRecord::InvitationLink {
            old: old
                .as_ref()
                .map(codec::link_from)
                .transpose()?
                .map(Box::new),
            new: new
                .as_ref()
                .map(codec::link_from)
                .transpose()?
                .map(Box::new),
        },
        Kind::Other => ChangeRecord::Other,
    };
    Ok(Change { id, at, record })
}
