//! Persistence, split by capability: one trait per file here, and on each store one file per
//! trait with the same name (`memory/`, `dynamodb/`). Every implementation passes the
//! conformance suite (`shared/tests/api/stores/conformance/`); the DynamoDB one also documents
//! its round trips per call. The operations that end a pending invitation by an admin or by the
//! clock have a file of their own on both stores (`revoke.rs`, `expiry.rs`).

mod acceptance;
mod audit;
pub mod change;
mod directory;
mod domains;
pub mod dynamodb;
mod email;
mod error;
mod expiry;
mod guards;
mod invitations;
mod links;
mod listing;
pub mod memory;
mod offers;
mod organizations;
mod reminders;
mod reputation;

pub use acceptance::{AcceptanceStore, TicketContext};
pub use audit::AuditStore;
pub use directory::{MembershipStore, UserStore};
pub use domains::{
    domain_created_key, domain_name_key, domain_partition, DomainQuery, DomainStore,
};
pub use email::EmailStore;
pub use error::StoreError;
pub use expiry::ExpiryStore;
pub(crate) use guards::states_in_order;
pub use guards::{IdempotencyBegin, IdempotencyStore, LimitStore};
pub use invitations::{ActorRequirement, InvitationContext, InvitationStore, SlotHolder};
pub use links::{LinkStore, RedeemedInto, Redemption, RedemptionContext};
pub use listing::ListingStore;
pub use offers::OfferStore;
pub use organizations::OrganizationStore;
pub use reminders::ReminderStore;
pub use reputation::{EmailGate, ReputationStore};

/// Everything the service needs from persistence.
pub trait Store:
    UserStore
    + OrganizationStore
    + MembershipStore
    + InvitationStore
    + ExpiryStore
    + ListingStore
    + AcceptanceStore
    + LimitStore
    + IdempotencyStore
    + EmailStore
    + ReputationStore
    + AuditStore
    + ReminderStore
    + DomainStore
    + OfferStore
    + LinkStore
{
}

impl<
        T: UserStore
            + OrganizationStore
            + MembershipStore
            + InvitationStore
            + ExpiryStore
            + ListingStore
            + AcceptanceStore
            + LimitStore
            + IdempotencyStore
            + EmailStore
            + ReputationStore
            + AuditStore
            + ReminderStore
            + DomainStore
            + OfferStore
            + LinkStore,
    > Store for T
{
}
