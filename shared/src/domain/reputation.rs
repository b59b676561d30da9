//! Email reputation is the deployment's, not one organization's: SES reviews an account at a
//! 5 % bounce rate or 0.1 % complaints and may pause all its sending at 10 % or 0.5 %. So a
//! mailbox that hard-bounced or complained is not emailed again (a suppression, until a
//! backend lifts it), and an organization whose recent mail bounces or is complained of past
//! the breaker's rates, over a minimum volume, stops sending until an operator resumes it.

use crate::clock::Millis;
use crate::domain::{InvitationId, OrganizationId};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The days the breaker looks back over.
pub const BREAKER_WINDOW_DAYS: i64 = 7;

/// Why a mailbox is not emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    /// A permanent bounce: the mailbox does not exist, or refuses mail for good.
    HardBounce,
    /// Its owner marked an invitation as spam.
    Complaint,
}

impl SuppressionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HardBounce => "hard_bounce",
            Self::Complaint => "complaint",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "hard_bounce" => Some(Self::HardBounce),
            "complaint" => Some(Self::Complaint),
            _ => None,
        }
    }
}

/// A mailbox (`EmailAddress::mailbox`) no invitation email goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub mailbox: String,
    pub reason: SuppressionReason,
    /// SES's bounce type (`Permanent/General`), for a bounce.
    pub detail: Option<String>,
    /// The email it was learned from.
    pub organization_id: OrganizationId,
    pub invitation_id: InvitationId,
    pub at: Millis,
}

/// Who paused an organization's email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PausedBy {
    Breaker,
    Operator,
}

impl PausedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaker => "breaker",
            Self::Operator => "operator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "breaker" => Some(Self::Breaker),
            "operator" => Some(Self::Operator),
            _ => None,
        }
    }
}

/// An organization's email, paused: no invitation email goes out for it until resumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailPause {
    pub at: Millis,
    pub by: PausedBy,
    pub reason: String,
}

/// What SES reported about an organization's mail on one day (UTC), counted once per event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailDay {
    pub day: i64,
    pub delivered: u64,
    pub bounced: u64,
    pub complained: u64,
}

/// What one SES event adds to its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOutcome {
    Delivered,
    HardBounced,
    Complained,
}

impl MailOutcome {
    /// Its name in the `emails` metric's `outcome`.
    pub fn metric_name(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::HardBounced => "bounced_permanent",
            Self::Complained => "complained",
        }
    }
}

/// The day (UTC, days since the epoch) of `at`.
pub fn day_of(at: Millis) -> i64 {
    at.div_euclid(DAY_MS)
}

/// The breaker's rates, in basis points (1 bp = 0.01 %), and the volume under which it does
/// not judge (a few messages say nothing about a rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub min_sent: u64,
    pub max_bounce_bp: u64,
    pub max_complaint_bp: u64,
}

impl Default for BreakerPolicy {
    /// Half of SES's review levels (5 % bounces, 0.1 % complaints), over at least 100 emails
    /// in 7 days: an organization trips well before it could put the account under review,
    /// and a small one is not judged on two or three messages.
    fn default() -> Self {
        Self {
            min_sent: 100,
            max_bounce_bp: 250,
            max_complaint_bp: 5,
        }
    }
}

impl BreakerPolicy {
    /// Why the organization's email must pause, judged on its last `BREAKER_WINDOW_DAYS`
    /// days, or `None`. Sent is what SES took and answered for: delivered plus hard-bounced.
    pub fn judge(&self, days: &[MailDay]) -> Option<String> {
        let (delivered, bounced, complained) = days.iter().fold((0, 0, 0), |(d, b, c), day| {
            (d + day.delivered, b + day.bounced, c + day.complained)
        });
        let sent = delivered + bounced;
        if sent < self.min_sent || sent == 0 {
            return None;
        }
        let percent = |n: u64| n as f64 * 100.0 / sent as f64;
        if bounced * 10_000 > self.max_bounce_bp * sent {
            return Some(format!(
                "{bounced} of {sent} emails in {BREAKER_WINDOW_DAYS} days bounced for good ({:.2} %, over {:.2} %)",
                percent(bounced),
                self.max_bounce_bp as f64 / 100.0
            ));
        }
        if complained * 10_000 > self.max_complaint_bp * sent {
            return Some(format!(
                "{complained} of {sent} emails in {BREAKER_WINDOW_DAYS} days were marked as spam ({:.2} %, over {:.2} %)",
                percent(complained),
                self.max_complaint_bp as f64 / 100.0
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(delivered: u64, bounced: u64, complained: u64) -> Vec<MailDay> {
        vec![MailDay {
            day: 1,
            delivered,
            bounced,
            complained,
        }]
    }

    #[test]
    fn the_breaker_trips_over_its_rates_and_only_over_its_volume() {
        let policy = BreakerPolicy::default();
        assert_eq!(
            policy.judge(&days(97, 2, 0)),
            None,
            "99 sent: too few to judge"
        );
        assert_eq!(policy.judge(&days(390, 9, 0)), None, "2.26 %: under 2.5 %");
        let bounced = policy.judge(&days(390, 12, 0)).unwrap();
        assert!(bounced.contains("12 of 402"), "{bounced}");
        assert_eq!(policy.judge(&days(2_000, 0, 1)), None, "0.05 %: not over");
        let complained = policy.judge(&days(1_000, 0, 1)).unwrap();
        assert!(complained.contains("marked as spam"), "{complained}");
    }

    #[test]
    fn days_add_up_over_the_window() {
        let week: Vec<MailDay> = (0..7)
            .map(|day| MailDay {
                day,
                delivered: 20,
                bounced: 1,
                complained: 0,
            })
            .collect();
        // 7 of 147: 4.8 %.
        assert!(BreakerPolicy::default().judge(&week).is_some());
        assert_eq!(day_of(DAY_MS * 3 + 5), 3);
    }
}
