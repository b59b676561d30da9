//! Invitations and their pending slots as items.

use aws_sdk_dynamodb::types::AttributeValue;

use super::*;

pub fn invitation_item(inv: &Invitation) -> Item {
    let mut b = ItemBuilder::new(
        keys::invitation(&inv.organization.id, &inv.id),
        "invitation",
    );
    for (name, value) in keys::invitation_index_keys(inv) {
        b = b.set(name, s(value));
    }
    let b = match &inv.inviter {
        Some(inviter) => b.set("inviter", json(inviter)),
        None => b,
    };
    let b = match inv.remind_at {
        Some(at) => b.set("remind_at", n(at)),
        None => b,
    };
    let b = match &inv.reminder {
        Some(reminder) => b.set("reminder", json(reminder)),
        None => b,
    };
    let b = match &inv.delivery {
        // Asked for, not sent: on the unsent index until the send is recorded.
        Some(delivery) if delivery.is_queued() => b
            .set("delivery", json(delivery))
            .set(keys::DELIVERY_STATUS, s("queued"))
            .set(keys::GSI8PK, s(keys::unsent_partition(&inv.id))),
        Some(delivery) => b.set("delivery", json(delivery)),
        None => b,
    };
    let b = match &inv.domain_offer {
        Some(offer) => b
            .set("offer_domain_id", s(offer.domain_id.as_str()))
            .set("offer_user_id", s(offer.user_id.as_str())),
        None => b,
    };
    let b = match &inv.link_id {
        Some(link) => b.set("link_id", s(link.as_str())),
        None => b,
    };
    b.set("id", s(inv.id.as_str()))
        .set("organization_id", s(&inv.organization.id))
        .set("organization_name", s(&inv.organization.name))
        .set("organization_slug", s(&inv.organization.slug))
        .set("email_address", s(inv.email_address.as_str()))
        .set("role", s(&inv.role))
        .set("status", s(inv.stored_status.as_str()))
        .set("public_metadata", metadata(&inv.public_metadata))
        .set("private_metadata", metadata(&inv.private_metadata))
        .set_opt("redirect_url", inv.redirect_url.as_deref())
        .set_opt("ticket_hash", inv.ticket_hash.as_deref())
        .set("ticket_issued_at", n(inv.ticket_issued_at))
        .set_opt("written_by", inv.written_by.as_deref())
        .set_opt(
            "accepted_user_id",
            inv.accepted_user_id.as_ref().map(|u| u.as_str()),
        )
        .set("validity_days", n(inv.validity_days))
        .set("locale", s(&inv.locale))
        .set("notify", AttributeValue::Bool(inv.notify))
        .set("remind", AttributeValue::Bool(inv.remind))
        .set("expires_at", n(inv.expires_at))
        .set("created_at", n(inv.created_at))
        .set("updated_at", n(inv.updated_at))
        .0
}

pub fn invitation_from(item: &Item) -> Result<Invitation, StoreError> {
    let r = Reader::new(item, "invitation");
    let id = InvitationId::parse(&r.s::<String>("id")?).ok_or_else(|| r.corrupt("id"))?;
    let status =
        InvitationStatus::parse(&r.s::<String>("status")?).ok_or_else(|| r.corrupt("status"))?;
    let inviter: Option<PublicUserData> = match r.opt_s::<String>("inviter") {
        Some(_) => Some(r.json("inviter")?),
        None => None,
    };
    Ok(Invitation {
        id,
        organization: PublicOrganizationData {
            id: r.s("organization_id")?,
            name: r.s("organization_name")?,
            slug: r.s("organization_slug")?,
        },
        email_address: EmailAddress::from_stored(r.s("email_address")?),
        role: r.s("role")?,
        inviter,
        stored_status: status,
        public_metadata: r.metadata("public_metadata")?,
        private_metadata: r.metadata("private_metadata")?,
        redirect_url: r.opt_s("redirect_url"),
        ticket_hash: r.opt_s("ticket_hash"),
        ticket_issued_at: r.n("ticket_issued_at")?,
        written_by: r.opt_s("written_by"),
        validity_days: r.n("validity_days")?,
        locale: r.opt_s("locale").unwrap_or_else(|| "en".into()),
        delivery: match r.opt_s::<String>("delivery") {
            Some(_) => Some(r.json("delivery")?),
            None => None,
        },
        accepted_user_id: r.opt_s("accepted_user_id"),
        declined_via: r
            .opt_s::<String>("declined_via")
            .and_then(|raw| crate::domain::DeclineChannel::parse(&raw)),
        notify: r.bool("notify")?,
        // Invitations stored before reminders existed want none.
        remind: item.contains_key("remind") && r.bool("remind")?,
        remind_at: match item.get("remind_at") {
            Some(_) => Some(r.n("remind_at")?),
            None => None,
        },
        reminder: match r.opt_s::<String>("reminder") {
            Some(_) => Some(r.json("reminder")?),
            None => None,
        },
        link_id: r
            .opt_s::<String>("link_id")
            .and_then(|raw| crate::domain::invitation_link::InvitationLinkId::parse(&raw)),
        domain_offer: match (
            r.opt_s::<String>("offer_domain_id"),
            r.opt_s::<String>("offer_user_id"),
        ) {
            (Some(domain_id), Some(user_id)) => Some(crate::domain::DomainOffer {
                domain_id: domain_id.into(),
                user_id: user_id.into(),
            }),
            _ => None,
        },
        expires_at: r.n("expires_at")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}

pub fn delivery_value(delivery: &crate::domain::Delivery) -> AttributeValue {
    json(delivery)
}

pub fn slot_item(inv: &Invitation) -> Item {
    ItemBuilder::new(
        keys::pending_slot(&inv.organization.id, inv.email_address.key()),
        "pending_slot",
    )
    .set("invitation_id", s(inv.id.as_str()))
    .set("expires_at", n(inv.expires_at))
    .set_opt("written_by", inv.written_by.as_deref())
    .0
}

pub fn slot_from(item: &Item) -> Result<SlotHolder, StoreError> {
    let r = Reader::new(item, "pending slot");
    Ok(SlotHolder {
        invitation_id: InvitationId::parse(&r.s::<String>("invitation_id")?)
            .ok_or_else(|| r.corrupt("invitation_id"))?,
        expires_at: r.n("expires_at")?,
        written_by: r.opt_s("written_by"),
    })
}

/// The pointer from an invitation's id to its organization.
pub fn invitation_pointer_item(inv: &Invitation) -> Item {
    ItemBuilder::new(keys::invitation_pointer(&inv.id), "invitation_pointer")
        .set("organization_id", s(inv.organization.id.as_str()))
        .0
}

/// An address's counters in one organization (`keys::address_counts`): invitations sent, and
/// those settled in each end state. Absent counters read as 0.
pub fn address_counts_from(item: &Item) -> Result<(u64, SettledInvitations), StoreError> {
    let r = Reader::new(item, "address counts");
    Ok((r.counter(keys::SENT_COUNT)?, settled_from(&r)?))
}
