//! A signed-in admin proves the organization's affiliation with a domain by a code emailed to
//! an address at it: through the same mailer, abuse limits and suppression list as invitation
//! email. Three tries; ten minutes.

use super::limits::email_limit_keys;
use super::retry::retry_on_contention;
use super::{Actor, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::org_domain::{
    code_digest, is_at, DomainRefusal, OrgDomain, Verification, VerificationStatus,
};
use crate::domain::{DomainId, EmailAddress, OrganizationId};
use crate::telemetry;

/// Digits in a code.
const CODE_LEN: usize = 6;

impl Service {
    /// `POST …/domains/{id}/prepare_affiliation_verification`: reads the domain, then the
    /// email's gate (limit logs, the mailbox's suppression, the organization's pause: one
    /// `BatchGetItem`, as a resend reads it); writes the limit logs, then
    /// the code's digest on the domain (one transaction each); sends the email.
    pub async fn prepare_affiliation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &DomainId,
        raw_address: &str,
    ) -> Result<OrgDomain, ServiceError> {
        self.domain_settings()?;
        self.domain_admin(actor, org_id).await?;
        let address = EmailAddress::parse("affiliation_email_address", raw_address)?;
        let domain = self.get_domain(org_id, id).await?;
        if domain.is_verified() {
            return Ok(domain);
        }
        if !is_at(address.key(), &domain.name) {
            return Err(DomainRefusal::AddressNotAtDomain.into());
        }
        let acting = actor.acting_user(None)?;
        let mailbox = address.mailbox();
        let keys = email_limit_keys(org_id, acting.as_ref(), &address);
        retry_on_contention(|| async {
            // The invitation email's gate: suppression, pause and limit logs in one read.
            let gate = self.store.email_gate(org_id, &mailbox, &keys).await?;
            if let Some(suppressed) = gate.suppression {
                telemetry::count_by(telemetry::EMAILS, "outcome", "suppressed");
                return Err(ServiceError::Suppressed(Box::new(suppressed)));
            }
            if let Some(paused) = gate.pause {
                telemetry::count_by(telemetry::EMAILS, "outcome", "paused");
                return Err(ServiceError::MailPaused(Box::new(paused)));
            }
            let states = gate.limits;
            let now = self.clock.now();
            let writes = self
                .admit_or_record(
                    &states,
                    now,
                    org_id,
                    super::audit::audit_actor(actor, acting.as_ref()),
                )
                .await?;
            Ok(self.store.write_limits(&writes).await?)
        })
        .await?;
        let code = crate::ids::random_digits(CODE_LEN);
        let digest = code_digest(id.as_str(), &code);
        let address_text = address.as_str().to_string();
        let sent = self
            .change_domain(
                org_id,
                id,
                actor,
                AuditAction::DomainVerificationSent,
                |d, now| {
                    if d.is_verified() {
                        return Ok(());
                    }
                    d.affiliation = Some(Verification::code_sent(digest.clone(), now));
                    d.affiliation_email_address = Some(address_text.clone());
                    Ok(())
                },
            )
            .await?;
        if sent.is_verified() {
            return Ok(sent);
        }
        let email = self
            .mail
            .templates
            .domain_code(
                address.as_str(),
                &sent.organization.name,
                sent.name.as_str(),
                &code,
                sent.id.as_str(),
            )
            .map_err(ServiceError::MailFailed)?;
        match self.mail.mailer.send(&email).await {
            Ok(_) => {
                telemetry::count_by(telemetry::DOMAINS, "outcome", "code_sent");
                telemetry::count_by(telemetry::EMAILS, "outcome", "sent");
                Ok(sent)
            }
            Err(e) => {
                telemetry::count_by(telemetry::EMAILS, "outcome", "failed");
                Err(ServiceError::MailFailed(e.to_string()))
            }
        }
    }

    /// `POST …/domains/{id}/attempt_affiliation_verification`: the code's outcome is written
    /// (verified, one more failed try, failed at the third, or expired), then answered: a wrong
    /// code is refused after its try is counted. One query, one transaction.
    pub async fn attempt_affiliation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &DomainId,
        code: &str,
    ) -> Result<OrgDomain, ServiceError> {
        self.domain_settings()?;
        self.domain_admin(actor, org_id).await?;
        let tried = code_digest(id.as_str(), code);
        let written = self
            .change_domain(org_id, id, actor, AuditAction::DomainVerified, |d, now| {
                if d.is_verified() {
                    return Ok(());
                }
                let outcome = d
                    .affiliation
                    .as_ref()
                    .and_then(|v| v.attempt(&tried, now))
                    .ok_or(DomainRefusal::NoCodeOutstanding)?;
                d.affiliation = Some(outcome);
                Ok(())
            })
            .await?;
        match written.affiliation.as_ref().map(|v| v.status) {
            _ if written.is_verified() => {
                telemetry::count_by(telemetry::DOMAINS, "outcome", "verified");
                Ok(written)
            }
            Some(VerificationStatus::Expired) => Err(DomainRefusal::CodeExpired.into()),
            Some(VerificationStatus::Failed) => Err(DomainRefusal::TooManyAttempts.into()),
            _ => {
                telemetry::count_by(telemetry::DOMAINS, "outcome", "code_failed");
                Err(DomainRefusal::CodeIncorrect.into())
            }
        }
    }
}
