//! The single-table layout. See `docs/dynamodb.md` for the access patterns each key serves.

pub use crate::domain::listing::expiry_sort_key;
use crate::domain::listing::{created_sort_key, email_sort_key, time_key};
use crate::domain::{
    Invitation, InvitationId, InvitationStatus, Membership, OrganizationId, UserId,
};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
pub const GSI3: &str = "GSI3";
pub const GSI3PK: &str = "GSI3PK";
pub const GSI3SK: &str = "GSI3SK";
/// Every invitation by its organization and stored status, by creation: a list bound to a
/// status reads exactly its page (one query per status asked for). The write that ends an
/// invitation moves it to its end state's partition.
pub const GSI4: &str = "GSI4";
pub const GSI4PK: &str = "GSI4PK";
pub const GSI4SK: &str = "GSI4SK";
/// Sparse: only pending invitations, by expiry, with their created key (`GSI4SK`) projected.
/// Those past it are counted, and placed in an `expired` page, without reading the rest.
pub const GSI5: &str = "GSI5";
pub const GSI5PK: &str = "GSI5PK";
pub const GSI5SK: &str = "GSI5SK";
/// Every invitation by organization and stored status (`GSI4PK`), by address: keys and
/// `expires_at` only (a page reads its items whole after merging).
pub const GSI10: &str = "GSI10";
pub const GSI10SK: &str = "GSI10SK";
/// Every invitation of the instance by stored status, by creation, in `INSTANCE_SHARDS`
/// partitions: keys and `expires_at` only (the instance list bound to statuses).
pub const GSI11: &str = "GSI11";
pub const GSI11PK: &str = "GSI11PK";
pub const GSI11SK: &str = "GSI11SK";
/// Every invitation of the instance by creation, in `INSTANCE_SHARDS` partitions.
pub const GSI6: &str = "GSI6";
pub const GSI6PK: &str = "GSI6PK";
pub const GSI6SK: &str = "GSI6SK";
/// Sparse: pending invitations by expiry across the instance, in `INSTANCE_SHARDS` partitions:
/// the sweeper reads the due ones (`GSI7SK` below now) and nothing else.
pub const GSI7: &str = "GSI7";
pub const GSI7PK: &str = "GSI7PK";
pub const GSI7SK: &str = "GSI7SK";
/// Sparse, keys only: an invitation by its latest email's SES message id (`GSI8PK`), which is
/// all SES's events name; set by the write that records the send. Before that, while its email
/// is asked for and not sent (`queued`), by `UNSENT#{shard}`: the sweeper sends those.
pub const GSI8: &str = "GSI8";
pub const GSI8PK: &str = "GSI8PK";
/// Sparse: pending invitations whose reminder is due at `GSI9SK` (`REMIND#{shard}`), or was
/// taken by a sweep at `GSI9SK` and not recorded yet (`REMINDING#{shard}`):
/// `domain::reminder::index_key`. The sweeper reads the due ones, and nothing else.
pub const GSI9: &str = "GSI9";
pub const GSI9PK: &str = "GSI9PK";
pub const GSI9SK: &str = "GSI9SK";

/// Who last claimed an invitation's queued email (`claim_queued_email`): the claim's own
/// token, so a claim retried after its answer was lost knows it holds it.
pub const SEND_CLAIM: &str = "send_claim";

/// The address counters' count of invitations sent (the end states use the organization's
/// counter names).
pub const SENT_COUNT: &str = "invitations_count";

/// One address's invitations in one organization, counted: sent, and settled by end state.
/// An address filter's `total_count` reads this item, never the address's history.
pub fn address_counts(org_id: &OrganizationId, email_key: &str) -> (String, String) {
    (format!("ORG#{org_id}"), format!("ADDRCOUNT#{email_key}"))
}

/// The attributes an invitation leaves the pending indexes by, in the write that ends it
/// (which also moves its `GSI4PK` and `GSI11PK` to its end state's partitions).
pub const PENDING_INDEX_ATTRIBUTES: &str = "GSI5PK, GSI5SK, GSI7PK, GSI7SK, GSI9PK, GSI9SK";

/// The table's TTL attribute (seconds since the epoch): items that only count recent events
/// (abuse-limit logs) leave the table by it.
pub const TTL: &str = "ttl";

/// The latest email's status, for conditions (`delivery` is JSON).
pub const DELIVERY_STATUS: &str = "delivery_status";

/// One abuse-limit log (`domain::limits::LimitKey`).
pub fn limit_log(limit_key: &str) -> (String, String) {
    (format!("LIMIT#{limit_key}"), "LOG".into())
}

pub fn user(user_id: &UserId) -> (String, String) {
    (format!("USER#{user_id}"), "PROFILE".into())
}

/// Claims an address for one user across the whole table.
pub fn email_owner(email_key: &str) -> (String, String) {
    (format!("EMAIL#{email_key}"), "OWNER".into())
}

pub fn organization(org_id: &OrganizationId) -> (String, String) {
    (format!("ORG#{org_id}"), "META".into())
}

/// Every organization, on GSI1 (by creation) and GSI2 (by slug).
pub const ALL_ORGANIZATIONS: &str = "ORGS";

/// How many organizations exist: one counter, moved by the writes that create and delete one.
pub fn organizations_count() -> (String, String) {
    (ALL_ORGANIZATIONS.into(), "COUNT".into())
}

pub fn organization_created_key(o: &crate::domain::Organization) -> String {
    format!("{}#{}", time_key(o.created_at), o.id)
}

/// Claims a slug for one organization.
pub fn slug(slug: &str) -> (String, String) {
    (format!("SLUG#{slug}"), "OWNER".into())
}

pub fn membership(org_id: &OrganizationId, user_id: &UserId) -> (String, String) {
    (format!("ORG#{org_id}"), format!("MEM#{user_id}"))
}

/// One per address of a member: "already a member" is a condition on this key.
pub fn member_address(org_id: &OrganizationId, email_key: &str) -> (String, String) {
    (format!("ORG#{org_id}"), format!("MEMADDR#{email_key}"))
}

pub fn invitation(org_id: &OrganizationId, id: &InvitationId) -> (String, String) {
    (format!("ORG#{org_id}"), format!("INV#{id}"))
}

/// Names an invitation's organization, so that an invitation can be found by its id alone.
pub fn invitation_pointer(id: &InvitationId) -> (String, String) {
    (format!("INVITATION#{id}"), "ORG".into())
}

/// One per organization and address with a pending invitation.
pub fn pending_slot(org_id: &OrganizationId, email_key: &str) -> (String, String) {
    (format!("ORG#{org_id}"), format!("SLOT#{email_key}"))
}

pub fn memberships_by_created(org_id: &OrganizationId) -> String {
    format!("ORG#{org_id}#MEM")
}

/// A user's memberships across organizations (GSI3, which the invitations to an address share).
pub fn memberships_of_user(user_id: &UserId) -> String {
    format!("USER#{user_id}#MEM")
}

pub fn user_membership_key(m: &Membership) -> String {
    format!("{}#{}", time_key(m.created_at), m.organization_id)
}

pub fn membership_created_key(m: &Membership) -> String {
    format!("{}#{}", time_key(m.created_at), m.user_id)
}

/// Both invitation indexes share the partition; GSI1 sorts by creation, GSI2 by address.
pub fn invitations_partition(org_id: &OrganizationId) -> String {
    format!("ORG#{org_id}#INV")
}

/// Invitations to one address across organizations (GSI3), newest last.
pub fn invitations_to_address(email_key: &str) -> String {
    format!("ADDR#{email_key}")
}

/// One partition of the instance's invitations (GSI6).
pub fn instance_partition(shard: u32) -> String {
    format!("INVITATIONS#{shard}")
}

/// One partition of the invitations whose email is queued, not sent (GSI8).
pub fn unsent_partition(id: &InvitationId) -> String {
    unsent_shard(crate::domain::listing::instance_shard(id))
}

pub fn unsent_shard(shard: u32) -> String {
    format!("UNSENT#{shard}")
}

/// One partition of the instance's pending invitations by expiry (GSI7).
pub fn due_partition(shard: u32) -> String {
    format!("DUE#{shard}")
}

/// A mailbox no invitation email goes to (`EmailAddress::mailbox`).
pub fn suppression(mailbox: &str) -> (String, String) {
    (format!("SUPPRESSED#{mailbox}"), "MAILBOX".into())
}

/// Whether an organization's email is paused.
pub fn mail_state(org_id: &OrganizationId) -> (String, String) {
    (format!("ORG#{org_id}"), "MAIL#STATE".into())
}

/// One day (days since the epoch, UTC) of an organization's mail outcomes: zero-padded, so
/// string order is day order.
pub fn mail_day(org_id: &OrganizationId, day: i64) -> (String, String) {
    (format!("ORG#{org_id}"), format!("MAIL#DAY#{day:08}"))
}

/// The partition of pending invitations by expiry (GSI5).
pub fn pending_partition(org_id: &OrganizationId) -> String {
    format!("ORG#{org_id}#PENDING")
}

/// The partition of an organization's invitations stored in `status` (GSI4).
pub fn status_partition(org_id: &OrganizationId, status: InvitationStatus) -> String {
    format!("ORG#{org_id}#ST#{}", status.as_str())
}

/// One partition of the instance's invitations in a stored status (GSI11).
pub fn instance_status_partition(status: InvitationStatus, shard: u32) -> String {
    format!("INVITATIONS#{}#{shard}", status.as_str())
}

/// Every index key of an invitation; the pending ones only while it is stored pending.
pub fn invitation_index_keys(inv: &Invitation) -> Vec<(&'static str, String)> {
    let partition = invitations_partition(&inv.organization.id);
    let mut keys = vec![
        (GSI1PK, partition.clone()),
        (GSI1SK, created_sort_key(inv)),
        (GSI2PK, partition),
        (GSI2SK, email_sort_key(inv)),
        (GSI3PK, invitations_to_address(inv.email_address.key())),
        (GSI3SK, created_sort_key(inv)),
        (
            GSI6PK,
            instance_partition(crate::domain::listing::instance_shard(&inv.id)),
        ),
        (GSI6SK, created_sort_key(inv)),
        (
            GSI4PK,
            status_partition(&inv.organization.id, inv.stored_status),
        ),
        (GSI4SK, created_sort_key(inv)),
        (GSI10SK, email_sort_key(inv)),
        (
            GSI11PK,
            instance_status_partition(
                inv.stored_status,
                crate::domain::listing::instance_shard(&inv.id),
            ),
        ),
        (GSI11SK, created_sort_key(inv)),
    ];
    if inv.stored_status == InvitationStatus::Pending {
        let pending = pending_partition(&inv.organization.id);
        keys.extend([
            (GSI5PK, pending),
            (GSI5SK, expiry_sort_key(inv.expires_at, &inv.id)),
            (
                GSI7PK,
                due_partition(crate::domain::listing::instance_shard(&inv.id)),
            ),
            (GSI7SK, expiry_sort_key(inv.expires_at, &inv.id)),
        ]);
    }
    if let Some((pk, sk)) = crate::domain::reminder::index_key(inv) {
        keys.extend([(GSI9PK, pk), (GSI9SK, sk)]);
    }
    keys
}

mod ways_in;
pub use ways_in::*;
