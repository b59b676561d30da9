//! An invitation's email: the record of its send, the invitations whose email is asked for
//! but not sent yet (the sweeper sends them), and what the mail service reported afterwards
//! (SES's delivery, bounce and complaint events).

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::{Delivery, Invitation, InvitationId, OrganizationId};

#[async_trait]
pub trait EmailStore: Send + Sync {
    /// Records what became of the invitation's email for its ticket `ticket_hash`: only if the
    /// invitation still has that ticket (a later resend records its own), or if its delivery
    /// is still `queued`, the very one this sender queued or claimed (a resend without an email
    /// moved the ticket on, and no one queued another email since: this email went out, and is
    /// recorded as such, not left queued to go out again). `NotFound` when the invitation is
    /// gone; `Ok(false)` when neither holds.
    async fn record_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        ticket_hash: Option<&str>,
        queued: Option<&Delivery>,
        delivery: &Delivery,
    ) -> Result<bool, StoreError>;

    /// Claims an email found queued by someone other than the request that queued it (that
    /// request's retry, the sweeper): only while the invitation's delivery is still the one
    /// read (`invitation.delivery`, queued) on the same ticket, it becomes queued at `now` under
    /// `claim`. Of two that find it, one sends; a claimer that dies leaves it queued, for the
    /// sweeper after the grace. A claim whose answer was lost and retried is still its own.
    async fn claim_queued_email(
        &self,
        invitation: &Invitation,
        claim: &str,
        now: Millis,
    ) -> Result<bool, StoreError>;

    /// Invitations of one instance partition whose email is asked for and not sent
    /// (`queued`), at most `limit`: only those are read.
    async fn unsent_invitations(
        &self,
        shard: u32,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError>;

    /// Finds the invitation by the message's id (its pointer, written with the send's record:
    /// one read) and records `delivery` on it, only if that message is still its latest and
    /// `delivery` does not undo a bounce or complaint with a later "delivered". The invitation
    /// before and after; `None` when the message is not one of ours or the record was not
    /// written. (SES may report one event twice: the second write finds the status it sets.)
    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &Delivery,
    ) -> Result<Option<(Invitation, Invitation)>, StoreError>;
}
