//! Email reputation on DynamoDB: a suppressed mailbox is `SUPPRESSED#{mailbox}` / `MAILBOX`;
//! an organization's pause is `ORG#{org}` / `MAIL#STATE` (its stream record makes the paused
//! and resumed events), and each day of its outcomes `ORG#{org}` / `MAIL#DAY#{day}`, counted
//! with `ADD` and removed by TTL a day after the breaker's window.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;

use super::codec::{key, n, s, Item, ItemBuilder, Reader};
use super::limits::{limit_keys, FoundLogs};
use super::tx::{failed, Params, Tx, TxOutcome};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::domain::audit::AuditEntry;
use crate::domain::limits::LimitKey;
use crate::domain::reputation::{
    MailDay, MailOutcome, MailPause, PausedBy, Suppression, SuppressionReason, BREAKER_WINDOW_DAYS,
};
use crate::domain::OrganizationId;
use crate::store::{EmailGate, ReputationStore, StoreError};

const DAY_SECONDS: i64 = 24 * 60 * 60;

fn suppression_item(x: &Suppression) -> Item {
    ItemBuilder::new(keys::suppression(&x.mailbox), "suppression")
        .set("mailbox", s(&x.mailbox))
        .set("reason", s(x.reason.as_str()))
        .set_opt("detail", x.detail.as_deref())
        .set("organization_id", s(x.organization_id.as_str()))
        .set("invitation_id", s(x.invitation_id.as_str()))
        .set("at", n(x.at))
        .0
}

pub(super) fn suppression_from(item: &Item) -> Result<Suppression, StoreError> {
    let r = Reader::new(item, "suppression");
    Ok(Suppression {
        mailbox: r.s("mailbox")?,
        reason: SuppressionReason::parse(&r.s::<String>("reason")?)
            .ok_or_else(|| StoreError::Corrupt("suppression item lacks a valid reason".into()))?,
        detail: r.opt_s("detail"),
        organization_id: r.s("organization_id")?,
        invitation_id: crate::domain::InvitationId::parse(&r.s::<String>("invitation_id")?)
            .ok_or_else(|| {
                StoreError::Corrupt("suppression item lacks a valid invitation_id".into())
            })?,
        at: r.n("at")?,
    })
}

fn pause_item(org: &OrganizationId, p: &MailPause) -> Item {
    ItemBuilder::new(keys::mail_state(org), "mail_state")
        .set("organization_id", s(org.as_str()))
        .set("paused_at", n(p.at))
        .set("paused_by", s(p.by.as_str()))
        .set("reason", s(&p.reason))
        .0
}

/// The pause an organization's mail-state item holds, and whose it is.
pub(super) fn pause_from(item: &Item) -> Result<(OrganizationId, MailPause), StoreError> {
    let r = Reader::new(item, "mail state");
    let by = PausedBy::parse(&r.s::<String>("paused_by")?)
        .ok_or_else(|| StoreError::Corrupt("mail state item lacks a valid paused_by".into()))?;
    Ok((
        r.s("organization_id")?,
        MailPause {
            at: r.n("paused_at")?,
            by,
            reason: r.s("reason")?,
        },
    ))
}

fn day_from(item: &Item) -> Result<MailDay, StoreError> {
    let r = Reader::new(item, "mail day");
    Ok(MailDay {
        day: r.n("day")?,
        delivered: r.counter("delivered")?,
        bounced: r.counter("bounced")?,
        complained: r.counter("complained")?,
    })
}

#[async_trait]
impl ReputationStore for DynamoStore {
    /// One round trip: a `BatchGetItem` of the mailbox's suppression, the organization's mail
    /// state and the limit logs.
    async fn email_gate(
        &self,
        organization_id: &OrganizationId,
        mailbox: &str,
        limit_keys_wanted: &[LimitKey],
    ) -> Result<EmailGate, StoreError> {
        let mut wanted = vec![
            key(keys::suppression(mailbox)),
            key(keys::mail_state(organization_id)),
        ];
        wanted.extend(limit_keys(limit_keys_wanted));
        let mut gate = EmailGate::default();
        let mut logs = FoundLogs::default();
        for item in self.batch_get(wanted).await? {
            match super::codec::entity(&item) {
                Some("limit_log") => logs.add(&item)?,
                Some("suppression") => gate.suppression = Some(suppression_from(&item)?),
                Some("mail_state") => gate.pause = Some(pause_from(&item)?.1),
                _ => {
                    return Err(StoreError::Corrupt(
                        "unexpected item in an email gate".into(),
                    ))
                }
            }
        }
        gate.limits = logs.states(limit_keys_wanted);
        Ok(gate)
    }

    /// One `GetItem`.
    async fn suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError> {
        self.get(keys::suppression(mailbox))
            .await?
            .as_ref()
            .map(suppression_from)
            .transpose()
    }

    /// One `PutItem`.
    async fn suppress(&self, suppression: &Suppression) -> Result<(), StoreError> {
        self.client()
            .put_item()
            .table_name(&self.table)
            .set_item(Some(suppression_item(suppression)))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// One `DeleteItem`, answering the old item.
    async fn lift_suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError> {
        let out = self
            .client()
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::suppression(mailbox))))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(sdk_error)?;
        out.attributes.as_ref().map(suppression_from).transpose()
    }

    /// One `UpdateItem` (`ADD`): no read, and concurrent events all count.
    async fn count_mail_outcome(
        &self,
        organization_id: &OrganizationId,
        day: i64,
        outcome: MailOutcome,
    ) -> Result<(), StoreError> {
        let counter = match outcome {
            MailOutcome::Delivered => "delivered",
            MailOutcome::HardBounced => "bounced",
            MailOutcome::Complained => "complained",
        };
        self.client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::mail_day(organization_id, day))))
            .update_expression("ADD #c :one SET entity = :e, #day = :day, #ttl = :ttl")
            .expression_attribute_names("#c", counter)
            .expression_attribute_names("#day", "day")
            .expression_attribute_names("#ttl", keys::TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":e", s("mail_day"))
            .expression_attribute_values(":day", n(day))
            .expression_attribute_values(":ttl", n((day + BREAKER_WINDOW_DAYS + 1) * DAY_SECONDS))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// One `Query` of the organization's `MAIL#DAY#` keys in the range: at most a window's
    /// days, whatever the organization's age.
    async fn mail_days(
        &self,
        organization_id: &OrganizationId,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<MailDay>, StoreError> {
        let (pk, first) = keys::mail_day(organization_id, first_day);
        let (_, last) = keys::mail_day(organization_id, last_day);
        let out = self
            .client()
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK BETWEEN :first AND :last")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":first", s(first))
            .expression_attribute_values(":last", s(last))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        out.items.unwrap_or_default().iter().map(day_from).collect()
    }

    /// One `GetItem`.
    async fn mail_pause(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<MailPause>, StoreError> {
        Ok(self
            .get(keys::mail_state(organization_id))
            .await?
            .as_ref()
            .map(pause_from)
            .transpose()?
            .map(|(_, pause)| pause))
    }

    /// One transaction: the pause, only where there is none (the first pause stands: an
    /// operator's is not replaced by the breaker's), and its audit entry.
    async fn pause_mail(
        &self,
        organization_id: &OrganizationId,
        pause: &MailPause,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = Tx::new(self.table());
        let paused = tx.put_new(pause_item(organization_id, pause))?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(true),
            TxOutcome::Cancelled(r) if failed(&r, paused) => Ok(false),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Two round trips: the pause is read (the answer), then one transaction removes that
    /// very pause (by when it was made) and writes the audit entry; `Contention` when it
    /// changed between the two.
    async fn resume_mail(
        &self,
        organization_id: &OrganizationId,
        audit: &AuditEntry,
    ) -> Result<Option<MailPause>, StoreError> {
        let Some(item) = self.get(keys::mail_state(organization_id)).await? else {
            return Ok(None);
        };
        let (_, pause) = pause_from(&item)?;
        let mut tx = Tx::new(self.table());
        let lifted = tx.delete(
            keys::mail_state(organization_id),
            "paused_at = :at",
            Params::new().value(":at", n(pause.at)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(Some(pause)),
            TxOutcome::Cancelled(r) if failed(&r, lifted) => Err(StoreError::Contention),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
