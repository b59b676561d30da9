//! Email reputation's bodies: a suppressed mailbox, and an organization's email sending
//! (paused or not, and its last days), in answers and events alike.

use serde::Serialize;

use crate::clock::Millis;
use crate::domain::reputation::{MailDay, MailPause, Suppression, BREAKER_WINDOW_DAYS};
use crate::domain::OrganizationId;

#[derive(Debug, Serialize)]
pub struct SuppressionBody<'a> {
    pub object: &'static str,
    /// The mailbox: the address folded as the limits fold it (case, `+tag`, Gmail's dots).
    pub email_address: &'a str,
    pub reason: &'static str,
    pub bounce_type: Option<&'a str>,
    pub organization_id: &'a str,
    pub invitation_id: &'a str,
    pub created_at: Millis,
}

pub fn suppression(x: &Suppression) -> SuppressionBody<'_> {
    SuppressionBody {
        object: "email_suppression",
        email_address: &x.mailbox,
        reason: x.reason.as_str(),
        bounce_type: x.detail.as_deref(),
        organization_id: x.organization_id.as_str(),
        invitation_id: x.invitation_id.as_str(),
        created_at: x.at,
    }
}

/// What SES reported over the breaker's window.
#[derive(Debug, Serialize)]
pub struct MailWindowBody {
    pub days: i64,
    pub delivered: u64,
    pub bounced: u64,
    pub complained: u64,
}

#[derive(Debug, Serialize)]
pub struct MailSendingBody<'a> {
    pub object: &'static str,
    pub organization_id: &'a OrganizationId,
    pub paused: bool,
    pub paused_at: Option<Millis>,
    /// `breaker` or `operator`.
    pub paused_by: Option<&'static str>,
    pub reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_days: Option<MailWindowBody>,
}

/// `days` is the window's outcomes when the answer tells them (events do not).
pub fn mail_sending<'a>(
    organization_id: &'a OrganizationId,
    pause: Option<&'a MailPause>,
    days: Option<&[MailDay]>,
) -> MailSendingBody<'a> {
    MailSendingBody {
        object: "organization_email_sending",
        organization_id,
        paused: pause.is_some(),
        paused_at: pause.map(|p| p.at),
        paused_by: pause.map(|p| p.by.as_str()),
        reason: pause.map(|p| p.reason.as_str()),
        last_days: days.map(|days| MailWindowBody {
            days: BREAKER_WINDOW_DAYS,
            delivered: days.iter().map(|d| d.delivered).sum(),
            bounced: days.iter().map(|d| d.bounced).sum(),
            complained: days.iter().map(|d| d.complained).sum(),
        }),
    }
}
